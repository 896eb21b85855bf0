import * as pulumi from "@pulumi/pulumi";
import { Checks, EMAIL } from "./checks";
import { setting } from "./settings";

/** The GitHub side: the organisation, the bot user and their tokens. */
export interface GithubConfig {
    readonly owner: string;
    readonly botUser: string;
    readonly botName: string;
    readonly botEmail: string;
    /** Token of the organisation provider: `githubToken`, or GITHUB_TOKEN, secret either way. */
    readonly orgToken?: pulumi.Output<string>;
    /** Token of the bot user, for the bot's own GitHub provider. */
    readonly botToken: pulumi.Output<string>;
    /** The GitHub App the organisation provider and Flux authenticate as; undefined: PAT mode. */
    readonly app?: GithubAppConfig;
}

/** A GitHub App installation: App mode (all three App settings set). */
export interface GithubAppConfig {
    /** The App's ID (digits), as GitHub shows it on the App's settings page. */
    readonly id: string;
    /** The installation's ID (digits) on the organisation: the number at the end of its settings URL. */
    readonly installationId: string;
    /** The App's private key, a PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`); secret. */
    readonly privateKey: pulumi.Output<string>;
}

/** The three App settings: all set is App mode, none is PAT mode, some is refused. */
export const GITHUB_APP_KEYS = ["githubAppId", "githubAppInstallationId", "githubAppPrivateKey"] as const;

/**
 * Environment variables the GitHub provider reads as App credentials for every provider instance
 * (terraform-provider-github v6.13.0 github/provider.go `getAppAuth`, under @pulumi/github 6.15.0):
 * exported, they would make the bot's provider authenticate as the App too.
 */
export const GITHUB_APP_ENV = ["GITHUB_APP_ID", "GITHUB_APP_INSTALLATION_ID", "GITHUB_APP_PEM_FILE"] as const;

/** What a private key value is, for the message that refuses it (the value itself never leaves loadConfig). */
export type PemShape = "pkcs1" | "pkcs8" | "other";

/**
 * The shape of a PEM private key. The GitHub provider parses the App key with
 * `x509.ParsePKCS1PrivateKey` (terraform-provider-github v6.13.0 github/apps.go `generateAppJWT`),
 * so only a PKCS#1 RSA key (`BEGIN RSA PRIVATE KEY`, as GitHub generates it) is accepted;
 * source-controller's `jwt.ParseRSAPrivateKeyFromPEM` (fluxcd/pkg auth/v0.54.1 githubapp/client.go)
 * reads it too. Literal `\n`s (the key pasted on one line) are read as newlines.
 */
export function pemShape(value: string): PemShape {
    const pem = value.replace(/\\n/g, "\n").trim();
    const block = (label: string) =>
        new RegExp(`^-----BEGIN ${label}-----\n[A-Za-z0-9+/=\n]+\n-----END ${label}-----$`).test(pem.replace(/\r\n/g, "\n"));
    if (block("RSA PRIVATE KEY")) return "pkcs1";
    if (block("PRIVATE KEY")) return "pkcs8";
    return "other";
}

/** A positive integer written in decimal digits, as GitHub numbers Apps and installations. */
const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

const GROUP = "GitHub";

/** The GitHub settings. */
export const GITHUB = {
    owner: setting({
        key: "owner",
        type: "string",
        group: GROUP,
        description: "GitHub organisation (or user) that owns the application repository.",
        prompt: { description: "GitHub organisation (or user) that owns the application repository" },
        check: (c, k) => c.login(k, "the GitHub organisation that owns the repository"),
    }),
    botUser: setting({
        key: "botUser",
        type: "string",
        group: GROUP,
        description: "GitHub login of the bot user that signs and pushes image-update commits.",
        prompt: { description: "GitHub login of the bot account that signs and pushes image-update commits" },
        check: (c, k) => c.login(k, "the bot's GitHub login"),
    }),
    botName: setting({
        key: "botName",
        type: "string",
        default: "",
        group: GROUP,
        description: 'Display name of the bot in commits and in the GPG user ID ("" = botUser).',
    }),
    botEmail: setting({
        key: "botEmail",
        type: "string",
        group: GROUP,
        description: "The bot's e-mail (a verified address of the bot account, so GitHub shows commits as Verified).",
        prompt: { description: "A verified e-mail address of the bot account (so GitHub shows its commits as Verified)" },
        check: (c, k) => {
            const v = c.required(k, "the bot's e-mail for commits and its GPG key");
            if (v && !EMAIL.test(v)) c.problem(k, `is not an e-mail address (got "${v}")`);
            return v;
        },
    }),
    botGithubToken: setting({
        key: "botGithubToken",
        type: "string",
        secret: true,
        group: "Keys",
        description:
            "Token of the bot user, to register the bot's GPG key and to post Flux's commit statuses (stored in SSM for Flux). Classic PAT with write:gpg_key and repo:status; the bot needs write access to each application repository.",
        prompt: { description: "The bot's GitHub token that may add its GPG key (classic PAT with write:gpg_key)" },
    }),
    githubToken: setting({
        key: "githubToken",
        type: "string",
        secret: true,
        declared: false,
        description: "Optional token of the organisation provider; else the GITHUB_TOKEN environment variable.",
    }),
    githubAppId: setting({
        key: "githubAppId",
        type: "string",
        default: "",
        group: GROUP,
        description:
            "GitHub App mode: the App's ID. With githubAppInstallationId and the secret githubAppPrivateKey, the organisation provider and Flux authenticate as the App (no organisation token, no deploy keys).",
        check: (c, k) => appNumber(c, k),
    }),
    githubAppInstallationId: setting({
        key: "githubAppInstallationId",
        type: "string",
        default: "",
        group: GROUP,
        description: "GitHub App mode: the ID of the App's installation on the organisation.",
        check: (c, k) => appNumber(c, k),
    }),
    githubAppPrivateKey: setting({
        key: "githubAppPrivateKey",
        type: "string",
        secret: true,
        declared: false,
        description:
            "GitHub App mode: the App's private key as GitHub generates it (PKCS#1 PEM, -----BEGIN RSA PRIVATE KEY-----); stored in SSM for Flux.",
    }),
};

/** An App or installation ID: empty (unset), or a positive integer. */
function appNumber(c: Checks, k: string): string {
    const v = c.str(k);
    if (v && !POSITIVE_INTEGER.test(v)) c.problem(k, `must be a positive integer (got "${v}")`);
    return v;
}

/** Reads the GitHub part. `orgToken` comes from `githubToken` or, failing that, from the environment. */
export function readGithub(
    c: Checks,
    secrets: {
        readonly botGithubToken?: pulumi.Output<string>;
        readonly githubToken?: pulumi.Output<string>;
        readonly githubAppPrivateKey?: pulumi.Output<string>;
        /** The shape of githubAppPrivateKey's value, when it is set (pemShape). */
        readonly githubAppPrivateKeyShape?: PemShape;
    },
    env: Readonly<Record<string, string | undefined>>,
): GithubConfig {
    const owner = GITHUB.owner.read(c);
    const botUser = GITHUB.botUser.read(c);
    // An empty owner is already reported as required; equal logins imply botUser is set too.
    if (owner && owner.toLowerCase() === botUser.toLowerCase()) {
        c.problem("botUser", `must be a separate user, not the organisation "${owner}" itself`);
    }
    const botEmail = GITHUB.botEmail.read(c);
    // A credential read from the environment is a secret from the moment it is read, so it never
    // reaches the provider's inputs (or the state) in plain text.
    const envToken = env.GITHUB_TOKEN ? pulumi.secret(env.GITHUB_TOKEN) : undefined;
    const app = readGithubApp(c, secrets, env);
    return {
        owner,
        botUser,
        botName: GITHUB.botName.read(c) || botUser,
        botEmail,
        // App mode: the organisation provider has no token (GITHUB_TOKEN is not read).
        orgToken: app ? undefined : (secrets.githubToken ?? envToken),
        botToken: secrets.botGithubToken!,
        app,
    };
}

/** App mode when all three App settings are set; some but not all is refused, naming the missing ones. */
function readGithubApp(
    c: Checks,
    secrets: { readonly githubToken?: pulumi.Output<string>; readonly githubAppPrivateKey?: pulumi.Output<string>; readonly githubAppPrivateKeyShape?: PemShape },
    env: Readonly<Record<string, string | undefined>>,
): GithubAppConfig | undefined {
    const id = GITHUB.githubAppId.read(c);
    const installationId = GITHUB.githubAppInstallationId.read(c);
    const privateKey = secrets.githubAppPrivateKey;
    const set = { githubAppId: id !== "", githubAppInstallationId: installationId !== "", githubAppPrivateKey: privateKey !== undefined };
    const missing = GITHUB_APP_KEYS.filter((k) => !set[k]);
    if (missing.length === GITHUB_APP_KEYS.length) return undefined;
    const given = GITHUB_APP_KEYS.filter((k) => set[k]).map(c.label);
    for (const k of missing) {
        const how = k === "githubAppPrivateKey" ? `pulumi config set --secret ${k} < app-private-key.pem` : `pulumi config set ${k} <value>`;
        c.problem(k, `is required in GitHub App mode (${given.join(" and ")} ${given.length === 1 ? "is" : "are"} set); set it with \`${how}\``);
    }
    if (secrets.githubAppPrivateKeyShape === "pkcs8") {
        c.problem(
            "githubAppPrivateKey",
            "is a PKCS#8 key (BEGIN PRIVATE KEY), which the GitHub provider cannot read; use the key GitHub generated (BEGIN RSA PRIVATE KEY) or convert it with `openssl rsa -in key.pem -traditional`",
        );
    } else if (secrets.githubAppPrivateKeyShape === "other") {
        c.problem("githubAppPrivateKey", "is not a PEM RSA private key (-----BEGIN RSA PRIVATE KEY----- … -----END RSA PRIVATE KEY-----)");
    }
    if (missing.length > 0) return undefined;
    if (secrets.githubToken) {
        c.problem("githubToken", "must not be set in GitHub App mode: the organisation provider authenticates as the App");
    }
    for (const name of GITHUB_APP_ENV) {
        if (env[name]) c.problems.push(`the environment variable ${name} must not be set in GitHub App mode: the GitHub provider would read it for the bot's provider too`);
    }
    return { id, installationId, privateKey: privateKey! };
}
