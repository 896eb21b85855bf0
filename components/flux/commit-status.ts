import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "../custom-resource";
import { FluxObjectNames } from "./names";

/** Provider and Alert: v1beta3 is the version notification-controller v1.x serves for them. */
export const COMMIT_STATUS_API = "notification.toolkit.fluxcd.io/v1beta3";

/** A CEL string literal holding `value` (single-quoted, `\` and `'` escaped). */
export function celStringLiteral(value: string): string {
    return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The commit status context: `flux/<stack>`, so each environment posts a status of its own. */
export function commitStatusContext(stack: string): string {
    return `flux/${stack}`;
}

export interface CommitStatusProviderSpecArgs {
    readonly owner: string;
    readonly repository: string;
    /**
     * Secret with `token` (a GitHub token that may write commit statuses), or with the GitHub App's
     * keys and no `token`, `password` or `address` (notification-controller v1.9.3
     * internal/notifier/github_helpers.go `NewGitHubClient`: the App only without a token).
     */
    readonly secretName: string;
    readonly stack: string;
}

/**
 * A `github` Provider posting to the application's repository. The address must be exactly
 * `https://github.com/<owner>/<repo>` (`parseGitAddress`, internal/notifier/github.go @v1.9.3).
 * Without `commitStatusExpr` the context would be `kustomization/<name>/<provider uid prefix>`
 * (`generateDefaultCommitStatus`, internal/server/provider_commit_status.go), which changes with
 * every re-created Provider; the expression names it after the stack instead.
 */
export function commitStatusProviderSpec(args: CommitStatusProviderSpecArgs): object {
    return {
        type: "github",
        address: `https://github.com/${args.owner}/${args.repository}`,
        secretRef: { name: args.secretName },
        commitStatusExpr: celStringLiteral(commitStatusContext(args.stack)),
    };
}

/**
 * An Alert that forwards exactly one Kustomization's events to the Provider. Severity `info`
 * forwards info and error events, so GitHub gets `success` and `failure` (`toGitHubState`); the
 * status is posted on the event's `revision` (the Kustomization's applied `<branch>@sha1:<hash>`),
 * and `Progressing` events are skipped by the notifier (internal/notifier/github.go @v1.9.3).
 */
export function commitStatusAlertSpec(args: { providerName: string; kustomizationName: string }): object {
    return {
        providerRef: { name: args.providerName },
        eventSeverity: "info",
        eventSources: [{ kind: "Kustomization", name: args.kustomizationName }],
    };
}

export interface CommitStatusArgs {
    readonly fluxNamespace: string;
    readonly names: FluxObjectNames;
    readonly owner: string;
    readonly repository: string;
    /** The stack's name: the status context is `flux/<stack>`. */
    readonly stack: string;
    /** The Secret the Provider posts with: `token` (the bot's), or the GitHub App's keys. */
    readonly secretName: string;
    /** Objects that must exist first (the token's ExternalSecret, the Kustomization). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The application's commit status: each commit the Kustomization applies gets `flux/<stack>`
 * set to success or failure on GitHub, posted with the bot's token or as the GitHub App.
 */
export class CommitStatus extends pulumi.ComponentResource {
    public readonly provider: k8s.apiextensions.CustomResource;
    public readonly alert: k8s.apiextensions.CustomResource;

    constructor(name: string, args: CommitStatusArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:flux:CommitStatus", name, {}, opts);
        const n = args.names;
        this.provider = customResource(
            `${name}-provider`,
            {
                apiVersion: COMMIT_STATUS_API,
                kind: "Provider",
                name: n.commitStatus,
                namespace: args.fluxNamespace,
                spec: commitStatusProviderSpec({
                    owner: args.owner,
                    repository: args.repository,
                    secretName: args.secretName,
                    stack: args.stack,
                }),
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.alert = customResource(
            `${name}-alert`,
            {
                apiVersion: COMMIT_STATUS_API,
                kind: "Alert",
                name: n.commitStatus,
                namespace: args.fluxNamespace,
                spec: commitStatusAlertSpec({ providerName: n.commitStatus, kustomizationName: n.kustomization }),
            },
            { parent: this, dependsOn: [this.provider] },
        );
        this.registerOutputs({});
    }
}
