import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "../custom-resource";
import { FluxObjectNames } from "./names";
import { PLATFORM_SERVICE_ACCOUNT } from "../tenancy/tenant";
import { gitRepositorySpec, githubHttpsUrl, githubSshUrl, KUSTOMIZE_API, kustomizationSpec, SOURCE_API } from "./specs";

export interface AppDeliveryArgs {
    /** Namespace of the Flux objects: the tenant's own, or the Flux namespace for a platform application. */
    readonly fluxNamespace: string;
    readonly names: FluxObjectNames;
    readonly owner: string;
    readonly repository: string;
    readonly branch: string;
    /**
     * GitHub App mode: follow the repository over https as the App, with the App Secret
     * (`names.githubAppSecret`); else over ssh with the deploy key (`names.gitSecret`).
     */
    readonly githubApp?: boolean;
    /** Overlay path in the repository. */
    readonly path: string;
    /** Namespace the application is deployed into. */
    readonly appNamespace: string;
    /**
     * The account the Kustomization applies as, and what it waits for (the account and its
     * binding): the tenant's reconciler, or kustomize-controller for a platform application.
     */
    readonly serviceAccount: { readonly name: string; readonly ready: pulumi.Resource[] };
    /**
     * A tenant: its Kustomization is registered under a name of its own, so that the one a stack
     * made before tenancy has in the Flux namespace (`<name>-kustomization`) is deleted, not
     * replaced; with `legacy`, that one is kept, retired (suspended, orphaning), and the tenant's
     * Kustomization is created after it is retired (README, Tenancy: upgrading).
     */
    readonly tenant?: { readonly legacy?: { readonly fluxNamespace: string } };
    readonly intervals: {
        readonly git: string;
        readonly gitTimeout: string;
        readonly kustomization: string;
        readonly retry: string;
        readonly timeout: string;
    };
    /** Objects that must exist first (the Secrets the GitRepository reads). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** What the workload needs before the Kustomization applies it (its namespace, a pull Secret). */
    readonly workloadNeeds: pulumi.Resource[];
}

/**
 * The GitRepository that follows the application's repository (over ssh, or over https as the
 * GitHub App) and the Kustomization that applies its environment overlay to the application's
 * namespace, as the account it names.
 */
export class AppDelivery extends pulumi.ComponentResource {
    public readonly gitRepository: k8s.apiextensions.CustomResource;
    public readonly kustomization: k8s.apiextensions.CustomResource;
    /** A stack made before tenancy: its Kustomization of the Flux namespace, suspended and orphaning. */
    public readonly retiredKustomization?: k8s.apiextensions.CustomResource;

    constructor(name: string, args: AppDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:flux:AppDelivery", name, {}, opts);
        const n = args.names;
        this.gitRepository = customResource(
            `${name}-source`,
            {
                apiVersion: SOURCE_API,
                kind: "GitRepository",
                name: n.gitRepository,
                namespace: args.fluxNamespace,
                spec: gitRepositorySpec({
                    ...(args.githubApp
                        ? { url: githubHttpsUrl(args.owner, args.repository), provider: "github" as const, secretName: n.githubAppSecret }
                        : { url: githubSshUrl(args.owner, args.repository), secretName: n.gitSecret }),
                    branch: args.branch,
                    interval: args.intervals.git,
                    timeout: args.intervals.gitTimeout,
                }),
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        const spec = (serviceAccountName: string, retired?: boolean) =>
            kustomizationSpec({
                gitRepositoryName: n.gitRepository,
                serviceAccountName,
                path: args.path,
                targetNamespace: args.appNamespace,
                interval: args.intervals.kustomization,
                retryInterval: args.intervals.retry,
                timeout: args.intervals.timeout,
                retired,
            });
        const legacy = args.tenant?.legacy;
        // The stack's earlier Kustomization, as it was but retired: kustomize-controller's own
        // account, which it always had (no serviceAccountName before the lockdown).
        this.retiredKustomization = legacy
            ? customResource(
                  `${name}-kustomization`,
                  {
                      apiVersion: KUSTOMIZE_API,
                      kind: "Kustomization",
                      name: n.kustomization,
                      namespace: legacy.fluxNamespace,
                      spec: spec(PLATFORM_SERVICE_ACCOUNT, true),
                  },
                  { parent: this },
              )
            : undefined;
        this.kustomization = customResource(
            args.tenant ? `${name}-tenant-kustomization` : `${name}-kustomization`,
            {
                apiVersion: KUSTOMIZE_API,
                kind: "Kustomization",
                name: n.kustomization,
                namespace: args.fluxNamespace,
                spec: spec(args.serviceAccount.name),
            },
            {
                parent: this,
                dependsOn: [
                    this.gitRepository,
                    ...args.serviceAccount.ready,
                    ...args.workloadNeeds,
                    ...(this.retiredKustomization ? [this.retiredKustomization] : []),
                ],
            },
        );
        this.registerOutputs({});
    }
}
