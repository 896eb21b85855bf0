import * as aws from "@pulumi/aws";
import * as github from "@pulumi/github";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { StackConfig } from "../config";

/** The explicit providers of a stack; nothing in the program uses a default provider. */
export interface Providers {
    /** AWS, for the SSM parameters; tags every resource it creates. */
    readonly aws: aws.Provider;
    /** GitHub as the organisation (a token, or the GitHub App): deploy keys, webhooks, repository files. */
    readonly githubOrg: github.Provider;
    /** GitHub as the bot user: only the bot's own GPG key (least privilege). */
    readonly githubBot: github.Provider;
    /** The cluster Flux runs in, named by the stack's config (never the current context by chance). */
    readonly kubernetes: k8s.Provider;
    /** Local key generation (deploy keys): no credentials, explicit all the same. */
    readonly tls: tls.Provider;
    /** Random tokens and receiver subdomains. */
    readonly random: random.Provider;
    /** Pulumi Cloud, only when push-to-deploy is on (it reads PULUMI_ACCESS_TOKEN). */
    readonly pulumiService?: pulumiservice.Provider;
}

/** Tags on every AWS resource of the stack. */
export function awsTags(config: StackConfig): Record<string, string> {
    return {
        "managed-by": "pulumi",
        "pulumi-project": config.project,
        "pulumi-stack": config.stack,
        "github-owner": config.github.owner,
    };
}

/**
 * Removes the `token` input of a provider: @pulumi/github 6.15.0 provider.js fills `token` from
 * GITHUB_TOKEN whenever none is given (`args.token ? … : undefined) ?? getEnv("GITHUB_TOKEN")`), so
 * in App mode an exported GITHUB_TOKEN would otherwise reach the org provider's inputs and state.
 */
export const withoutToken: pulumi.ResourceTransformation = ({ props, opts }) => {
    const { token: _token, ...rest } = props;
    return { props: rest, opts };
};

/** The organisation's GitHub provider: as the App in App mode, else with the organisation token. */
function githubOrgProvider(config: StackConfig): github.Provider {
    const { owner, orgToken, app } = config.github;
    if (app) {
        // App auth wins over a token (terraform-provider-github v6.13.0 github/provider.go: the token
        // is read only when no App is configured); `owner` is required with it there. 6.15.0 does not
        // mark appAuth secret itself: the PEM's secretness carries through its JSON.stringify.
        return new github.Provider(
            "github-org",
            { owner, appAuth: { id: app.id, installationId: app.installationId, pemFile: pulumi.secret(app.privateKey) } },
            { transformations: [withoutToken] },
        );
    }
    // orgToken undefined: the provider falls back to GITHUB_TOKEN (or `gh auth token`).
    return new github.Provider("github-org", { owner, token: orgToken });
}

/** Creates the stack's providers, each configured from the validated config only. */
export function createProviders(config: StackConfig): Providers {
    return {
        aws: new aws.Provider("aws", {
            region: config.awsRegion as aws.Region,
            defaultTags: { tags: awsTags(config) },
        }),
        githubOrg: githubOrgProvider(config),
        githubBot: new github.Provider("github-bot", {
            owner: config.github.botUser,
            // Always explicit: falling back to GITHUB_TOKEN would register the key on the wrong account.
            token: config.github.botToken,
        }),
        kubernetes: new k8s.Provider("kubernetes", {
            // The stack names its cluster: a kubeconfig (secret) and/or a context in it.
            kubeconfig: config.kubernetes.kubeconfig,
            context: config.kubernetes.context,
        }),
        tls: new tls.Provider("tls", {}),
        random: new random.Provider("random", {}),
        pulumiService: config.deployments ? new pulumiservice.Provider("pulumi-service", {}) : undefined,
    };
}

/** Resource options that hand `providers` to a component's children. */
export function withProviders(providers: Providers, ...which: (keyof Providers)[]): pulumi.ComponentResourceOptions {
    return { providers: which.map((k) => providers[k]).filter((p) => p !== undefined) };
}
