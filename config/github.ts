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
}

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
        group: GROUP,
        description: "Optional token of the organisation provider; else the GITHUB_TOKEN environment variable.",
    }),
};

/** Reads the GitHub part. `orgToken` comes from `githubToken` or, failing that, from the environment. */
export function readGithub(
    c: Checks,
    secrets: { readonly botGithubToken?: pulumi.Output<string>; readonly githubToken?: pulumi.Output<string> },
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
    return {
        owner,
        botUser,
        botName: GITHUB.botName.read(c) || botUser,
        botEmail,
        orgToken: secrets.githubToken ?? envToken,
        botToken: secrets.botGithubToken!,
    };
}
