/** The SSM parameter names of one stack's keys and tokens. */
export interface SsmNames {
    readonly deployKey: string;
    readonly registryToken: string;
    readonly gpgKey: string;
    readonly webhookToken: string;
    readonly imageWebhookToken: string;
}

/**
 * Default SSM names, following the recipe this project replaces: `/github/<repo>/deploy-key`,
 * `/github/<repo>/ghcr-token` (for ghcr.io), `/github/gpg-keys/<bot>`, `/github/<repo>/receiver-token`.
 */
export function defaultSsmNames(repository: string, botUser: string, registry: string): SsmNames {
    const registryPart = registry === "ghcr.io" ? "ghcr-token" : "registry-token";
    return {
        deployKey: `/github/${repository}/deploy-key`,
        registryToken: `/github/${repository}/${registryPart}`,
        gpgKey: `/github/gpg-keys/${botUser}`,
        webhookToken: `/github/${repository}/receiver-token`,
        imageWebhookToken: `/github/${repository}/image-receiver-token`,
    };
}
