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
    /** GitHub as the organisation: deploy keys, webhooks, repository files. */
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

/** Creates the stack's providers, each configured from the validated config only. */
export function createProviders(config: StackConfig): Providers {
    return {
        aws: new aws.Provider("aws", {
            region: config.awsRegion as aws.Region,
            defaultTags: { tags: awsTags(config) },
        }),
        githubOrg: new github.Provider("github-org", {
            owner: config.github.owner,
            // undefined: the provider falls back to GITHUB_TOKEN (or `gh auth token`).
            token: config.github.orgToken,
        }),
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
