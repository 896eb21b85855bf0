import * as pulumi from "@pulumi/pulumi";
import { GPG_ALGORITHMS, GpgAlgorithm } from "../components/keys/gpg-key";
import { gpgKeySsmName, registryTokenSsmName } from "../components/keys/ssm-names";
import { AppConfig } from "./apps";
import { Checks } from "./checks";

/** The stack's shared keys and where SSM keeps them. */
export interface KeysConfig {
    readonly gpgAlgorithm: GpgAlgorithm;
    readonly gpgKeyRotation: string;
    /** undefined when unset or empty: SSM refuses an empty value, and an empty passphrase is none. */
    readonly gpgPassphrase?: pulumi.Output<string>;
    /** The bot's token for ghcr.io; undefined when unset (only a private ghcr.io image needs it). */
    readonly registryToken?: pulumi.Output<string>;
    /** Protect the keys and their SSM parameters against deletion (`protect`). */
    readonly protectKeys: boolean;
}

export interface SsmConfig {
    /** The prefix of every default parameter name ("" or a path such as /prod). */
    readonly prefix: string;
    readonly registryToken: string;
    readonly gpgKey: string;
    /** `<gpgKey>-passphrase`, used only when a passphrase is set. */
    readonly gpgPassphrase: string;
    readonly slackWebhookUrl: string;
    readonly discordWebhookUrl: string;
    /** The bot's GitHub token, for Flux's commit statuses: `<prefix>/github/bot-tokens/<botUser>`. */
    readonly botGithubToken: string;
    readonly kmsKeyId?: string;
}

export const KEYS_KEYS = ["gpgAlgorithm", "gpgKeyRotation", "protectKeys"] as const;
export const SSM_KEYS = [
    "ssmPrefix", "ssmRegistryTokenName", "ssmGpgKeyName", "ssmKmsKeyId", "ssmSlackWebhookName", "ssmDiscordWebhookName",
    "ssmDeployKeyName", "ssmWebhookTokenName",
] as const;

/** Reads `ssmPrefix` on its own: the applications' default SSM names need it first. */
export function readSsmPrefix(c: Checks): string {
    const prefix = c.str("ssmPrefix").replace(/\/+$/, "");
    if (prefix && !/^(\/[A-Za-z0-9_.-]+)+$/.test(prefix)) {
        c.problem("ssmPrefix", `must be empty or a path such as /prod (got "${prefix}")`);
    }
    return prefix;
}

export function readKeys(
    c: Checks,
    secrets: { readonly registryToken?: pulumi.Output<string>; readonly gpgPassphrase?: pulumi.Output<string>; readonly gpgPassphraseEmpty?: boolean },
): KeysConfig {
    return {
        gpgAlgorithm: c.oneOf("gpgAlgorithm", GPG_ALGORITHMS),
        gpgKeyRotation: c.str("gpgKeyRotation"),
        gpgPassphrase: secrets.gpgPassphraseEmpty ? undefined : secrets.gpgPassphrase,
        registryToken: secrets.registryToken,
        protectKeys: c.bool("protectKeys"),
    };
}

/** The stack-wide SSM names (that every name differs is checked over all of them, in buildConfig). */
export function readSsm(
    c: Checks,
    ctx: { readonly prefix: string; readonly stack: string; readonly botUser: string; readonly apps: readonly AppConfig[] },
): SsmConfig {
    const { prefix, stack, botUser, apps } = ctx;
    const gpgKey = c.ssmName("ssmGpgKeyName", prefix + gpgKeySsmName(botUser));
    const ssm = {
        prefix,
        registryToken: c.ssmName(
            "ssmRegistryTokenName",
            prefix + registryTokenSsmName(apps[0].repository, apps[0].image.registry),
        ),
        gpgKey,
        gpgPassphrase: `${gpgKey}-passphrase`,
        slackWebhookUrl: c.ssmName("ssmSlackWebhookName", `/flux-gitops/${stack}/slack-webhook-url`),
        discordWebhookUrl: c.ssmName("ssmDiscordWebhookName", `/flux-gitops/${stack}/discord-webhook-url`),
        botGithubToken: `${prefix}/github/bot-tokens/${botUser}`,
        kmsKeyId: c.optional("ssmKmsKeyId"),
    };
    return ssm;
}
