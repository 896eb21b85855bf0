import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "../custom-resource";
import { FluxObjectNames } from "./names";
import { gitRepositorySpec, githubHttpsUrl, githubSshUrl, KUSTOMIZE_API, kustomizationSpec, SOURCE_API } from "./specs";

export interface AppDeliveryArgs {
    /** Namespace of the Flux objects. */
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
    /** Namespace the application is deployed into (created here). */
    readonly appNamespace: string;
    readonly intervals: {
        readonly git: string;
        readonly gitTimeout: string;
        readonly kustomization: string;
        readonly retry: string;
        readonly timeout: string;
    };
    /** Objects that must exist first (the Secrets the GitRepository reads). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
    /**
     * Objects of the application's namespace its workload needs (a pull Secret), made once the
     * namespace exists; the Kustomization applies the workload after them.
     */
    readonly inAppNamespace?: (namespace: k8s.core.v1.Namespace) => pulumi.Resource[];
}

/**
 * The GitRepository that follows the application's repository (over ssh, or over https as the
 * GitHub App) and the Kustomization
 * that applies its environment overlay to the application's namespace.
 */
export class AppDelivery extends pulumi.ComponentResource {
    public readonly gitRepository: k8s.apiextensions.CustomResource;
    public readonly kustomization: k8s.apiextensions.CustomResource;
    public readonly namespace: k8s.core.v1.Namespace;

    constructor(name: string, args: AppDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:flux:AppDelivery", name, {}, opts);
        const n = args.names;
        this.namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: args.appNamespace } },
            { parent: this },
        );
        const workloadNeeds = args.inAppNamespace?.(this.namespace) ?? [];
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
        this.kustomization = customResource(
            `${name}-kustomization`,
            {
                apiVersion: KUSTOMIZE_API,
                kind: "Kustomization",
                name: n.kustomization,
                namespace: args.fluxNamespace,
                spec: kustomizationSpec({
                    gitRepositoryName: n.gitRepository,
                    path: args.path,
                    targetNamespace: args.appNamespace,
                    interval: args.intervals.kustomization,
                    retryInterval: args.intervals.retry,
                    timeout: args.intervals.timeout,
                }),
            },
            { parent: this, dependsOn: [this.gitRepository, this.namespace, ...workloadNeeds] },
        );
        this.registerOutputs({});
    }
}
