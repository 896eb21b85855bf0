/**
 * Default SSM names, following the recipe this project replaces: `/github/<repo>/deploy-key`,
 * `/github/<repo>/receiver-token`, `/github/<repo>/ghcr-token` (for ghcr.io) and `/github/gpg-keys/<bot>`.
 */

/** The SSM parameter names of one application's keys and tokens. */
export interface AppSsmNames {
    readonly deployKey: string;
    readonly webhookToken: string;
    readonly imageWebhookToken: string;
}

export function appSsmNames(repository: string): AppSsmNames {
    return {
        deployKey: `/github/${repository}/deploy-key`,
        webhookToken: `/github/${repository}/receiver-token`,
        imageWebhookToken: `/github/${repository}/image-receiver-token`,
    };
}

/** The registry token, stored beside the first application's keys. */
export function registryTokenSsmName(repository: string, registry: string): string {
    return `/github/${repository}/${registry === "ghcr.io" ? "ghcr-token" : "registry-token"}`;
}

/** The bot's GPG signing key. */
export function gpgKeySsmName(botUser: string): string {
    return `/github/gpg-keys/${botUser}`;
}
