import * as pulumi from "@pulumi/pulumi";
import { GPG_ALGORITHMS, GpgAlgorithm } from "../components/keys/gpg-key";
import { gpgKeySsmName, registryTokenSsmName } from "../components/keys/ssm-names";
import { AppConfig } from "./apps";
import { Checks } from "./checks";
import { setting } from "./settings";

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
    /** GitHub App mode: the App's private key (stack-wide, as the alert channels' URLs). */
    readonly githubAppPrivateKey: string;
    readonly kmsKeyId?: string;
}

/** The shared keys' settings. */
export const KEYS = {
    gpgAlgorithm: setting({
        key: "gpgAlgorithm",
        type: "string",
        default: "ed25519",
        group: "Keys",
        description:
            "Commit-signing key algorithm: ed25519 (v4 ECC key), rsa3072 or rsa4096.",
        check: (c, k) => c.oneOf(k, GPG_ALGORITHMS),
    }),
    gpgKeyRotation: setting({
        key: "gpgKeyRotation",
        type: "string",
        default: "",
        group: "Keys",
        description:
            "Change this value (e.g. to a date) to generate a new GPG signing key.",
    }),
    protectKeys: setting({
        key: "protectKeys",
        type: "boolean",
        default: false,
        group: "AWS SSM Parameter Store",
        description:
            "Protect the keys and their SSM parameters (losing them locks Flux out); set true in production.",
        check: (c, k) => c.bool(k),
    }),
    gpgPassphrase: setting({
        key: "gpgPassphrase",
        type: "string",
        secret: true,
        declared: false,
        description: "Optional passphrase that encrypts the GPG private key (stored in SSM beside it).",
    }),
    registryToken: setting({
        key: "registryToken",
        type: "string",
        secret: true,
        declared: false,
        description:
            "The bot's token that reads ghcr.io (a PAT with read:packages): required only when an application's image is on ghcr.io and not imagePublic (then `pulumi new` asks for it).",
        prompt: {
            description: "The bot's token that reads a private ghcr.io image (a PAT with read:packages)",
            comment:
                "Not declared below (a declared secret would be required of every stack), but asked for: a\n" +
                "ghcr.io image is private unless the stack says imagePublic, and then Flux needs this token.",
        },
    }),
};

/** Where SSM keeps the stack-wide parameters. */
export const SSM = {
    ssmPrefix: setting({
        key: "ssmPrefix",
        type: "string",
        default: "",
        group: "AWS SSM Parameter Store",
        description:
            "Prefix of the derived SSM names, e.g. /prod, so stacks in one AWS account do not collide (\"\" = none).",
    }),
    ssmRegistryTokenName: setting({
        key: "ssmRegistryTokenName",
        type: "string",
        default: "",
        group: "AWS SSM Parameter Store",
        description:
            "SSM name of the registry token (\"\" = /github/<repository>/ghcr-token for ghcr.io, else .../registry-token).",
    }),
    ssmGpgKeyName: setting({
        key: "ssmGpgKeyName",
        type: "string",
        default: "",
        group: "AWS SSM Parameter Store",
        description:
            "SSM name of the armored GPG private key (\"\" = /github/gpg-keys/<botUser>).",
    }),
    ssmKmsKeyId: setting({
        key: "ssmKmsKeyId",
        type: "string",
        default: "",
        group: "AWS SSM Parameter Store",
        description:
            "KMS key id or ARN for the SecureString parameters (\"\" = the AWS managed key alias/aws/ssm); an ARN when installExternalSecrets.",
    }),
    ssmSlackWebhookName: setting({
        key: "ssmSlackWebhookName",
        type: "string",
        default: "",
        group: "Monitoring",
        description:
            "SSM name of the Slack webhook URL (\"\" = /flux-gitops/<stack>/slack-webhook-url).",
    }),
    ssmDiscordWebhookName: setting({
        key: "ssmDiscordWebhookName",
        type: "string",
        default: "",
        group: "Monitoring",
        description:
            "SSM name of the Discord webhook URL (\"\" = /flux-gitops/<stack>/discord-webhook-url).",
    }),
};

/** Reads `ssmPrefix` on its own: the applications' default SSM names need it first. */
export function readSsmPrefix(c: Checks): string {
    const prefix = SSM.ssmPrefix.read(c).replace(/\/+$/, "");
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
        gpgAlgorithm: KEYS.gpgAlgorithm.read(c),
        gpgKeyRotation: KEYS.gpgKeyRotation.read(c),
        gpgPassphrase: secrets.gpgPassphraseEmpty ? undefined : secrets.gpgPassphrase,
        registryToken: secrets.registryToken,
        protectKeys: KEYS.protectKeys.read(c),
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
        githubAppPrivateKey: `/flux-gitops/${stack}/github-app-private-key`,
        kmsKeyId: c.optional("ssmKmsKeyId"),
    };
    return ssm;
}
