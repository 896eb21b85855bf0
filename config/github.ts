import * as pulumi from "@pulumi/pulumi";
import { Checks, EMAIL } from "./checks";

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

export const GITHUB_KEYS = ["owner", "botUser", "botName", "botEmail"] as const;

/** Reads the GitHub part. `orgToken` comes from `githubToken` or, failing that, from the environment. */
export function readGithub(
    c: Checks,
    secrets: { readonly botGithubToken?: pulumi.Output<string>; readonly githubToken?: pulumi.Output<string> },
    env: Readonly<Record<string, string | undefined>>,
): GithubConfig {
    const owner = c.login("owner", "the GitHub organisation that owns the repository");
    const botUser = c.login("botUser", "the bot's GitHub login");
    // An empty owner is already reported as required; equal logins imply botUser is set too.
    if (owner && owner.toLowerCase() === botUser.toLowerCase()) {
        c.problem("botUser", `must be a separate user, not the organisation "${owner}" itself`);
    }
    const botEmail = c.required("botEmail", "the bot's e-mail for commits and its GPG key");
    if (botEmail && !EMAIL.test(botEmail)) c.problem("botEmail", `is not an e-mail address (got "${botEmail}")`);
    // A credential read from the environment is a secret from the moment it is read, so it never
    // reaches the provider's inputs (or the state) in plain text.
    const envToken = env.GITHUB_TOKEN ? pulumi.secret(env.GITHUB_TOKEN) : undefined;
    return {
        owner,
        botUser,
        botName: c.str("botName") || botUser,
        botEmail,
        orgToken: secrets.githubToken ?? envToken,
        botToken: secrets.botGithubToken!,
    };
}
