/**
 * GitHub App mode (issue 23): once the stack's organisation provider authenticates as a GitHub App,
 * nothing may fall back to the long-lived credentials App mode replaces: no GitHub provider with a
 * token (but the bot's, which only registers its GPG key: an App cannot), no deploy key, and no
 * GitRepository over SSH. App mode is read from the stack itself: a GitHub provider with `appAuth`.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import {
    GITHUB_DEPLOY_KEY,
    GITHUB_PROVIDER,
    GITHUB_USER_GPG_KEY,
    isKind,
    objectName,
    type StackResource,
    stackPolicy,
} from "./common";

/** What the App-mode checks read of a resource: its type, name, URN, properties and provider. */
export type GithubResource = StackResource;

/** A set value: a non-empty string, or any object (a provider's config may arrive either way). */
function isSet(value: unknown): boolean {
    return typeof value === "string" ? value.trim() !== "" : value !== undefined && value !== null;
}

/**
 * The stack is in GitHub App mode: one of its GitHub providers authenticates with `appAuth`
 * (@pulumi/github 6.15.0 provider.js: the JSON of id, installationId and pemFile).
 */
export function inGithubAppMode(resources: readonly GithubResource[]): boolean {
    return resources.some((r) => r.type === GITHUB_PROVIDER && isSet(r.props.appAuth));
}

/**
 * GitHub providers configured with a token in App mode. A provider that manages nothing but user
 * GPG keys (the bot's own) keeps its token: registering a user's GPG key takes a user's token
 * (github/docs server-to-server-permissions.json, gpg_keys: "server-to-server": false).
 */
export function githubTokenViolations(
    resources: readonly GithubResource[],
): { message: string; urn: string }[] {
    if (!inGithubAppMode(resources)) return [];
    return resources
        .filter((p) => p.type === GITHUB_PROVIDER && isSet(p.props.token))
        .filter((p) => {
            const managed = resources.filter((r) => r.providerUrn === p.urn);
            return managed.length === 0 || managed.some((r) => r.type !== GITHUB_USER_GPG_KEY);
        })
        .map((p) => ({
            message: `GitHub provider "${p.name}" is configured with a token in GitHub App mode: authenticate it as the App (appAuth) and unset its token (GITHUB_TOKEN included).`,
            urn: p.urn,
        }));
}

/** Deploy keys in App mode: Flux reads and pushes as the App. */
export function deployKeyViolations(
    resources: readonly GithubResource[],
): { message: string; urn: string }[] {
    if (!inGithubAppMode(resources)) return [];
    return resources
        .filter((r) => r.type === GITHUB_DEPLOY_KEY)
        .map((r) => ({
            message: `Deploy key "${r.name}" is registered in GitHub App mode: Flux authenticates as the App, so no deploy key should exist.`,
            urn: r.urn,
        }));
}

/**
 * GitRepositories over SSH in App mode. The App's token is HTTP basic auth, which
 * source-controller uses only over http(s) (fluxcd/pkg git/v0.52.0 gogit/transport.go).
 */
export function sshGitRepositoryViolations(
    resources: readonly GithubResource[],
): { message: string; urn: string }[] {
    if (!inGithubAppMode(resources)) return [];
    return resources
        .filter((r) => isKind(r.type, "source.toolkit.fluxcd.io", "GitRepository"))
        .filter((r) => {
            const url = (r.props.spec as { url?: unknown } | undefined)?.url;
            return typeof url === "string" && url.toLowerCase().startsWith("ssh://");
        })
        .map((r) => ({
            message: `GitRepository "${objectName(r.props, r.name)}" reads over SSH in GitHub App mode: use https://github.com/<owner>/<repo> with provider: github and the App's Secret.`,
            urn: r.urn,
        }));
}

function appModePolicy(
    name: string,
    description: string,
    remediationSteps: string,
    check: (resources: readonly GithubResource[]) => { message: string; urn: string }[],
): StackValidationPolicy {
    return stackPolicy({ name, description, remediationSteps, severity: "high" }, check);
}

export function githubAppNoToken(): StackValidationPolicy {
    return appModePolicy(
        "github-app-no-token",
        "In GitHub App mode no GitHub provider but the bot's GPG-key provider carries a token.",
        "Drop githubToken and GITHUB_TOKEN from the stack; the organisation provider authenticates with appAuth.",
        githubTokenViolations,
    );
}

export function githubAppNoDeployKey(): StackValidationPolicy {
    return appModePolicy(
        "github-app-no-deploy-key",
        "In GitHub App mode no repository deploy key is registered.",
        "Remove the RepositoryDeployKey: Flux reads and pushes as the App.",
        deployKeyViolations,
    );
}

export function githubAppHttpsGit(): StackValidationPolicy {
    return appModePolicy(
        "github-app-https-git",
        "In GitHub App mode every GitRepository reads over https, not SSH.",
        "Point the GitRepository at https://github.com/<owner>/<repo> with provider: github and the App's Secret.",
        sshGitRepositoryViolations,
    );
}
