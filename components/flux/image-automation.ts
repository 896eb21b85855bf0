import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "../custom-resource";
import { FluxObjectNames } from "./names";
import { IMAGE_API, imagePolicySpec, ImagePolicySpecArgs, imageRepositorySpec, imageUpdateAutomationSpec } from "./specs";

export interface ImageAutomationArgs {
    readonly fluxNamespace: string;
    readonly names: FluxObjectNames;
    /** Image repository without tag. */
    readonly image: string;
    /** Read the registry with the application's pull Secret; false for a public image. */
    readonly registryCredentials: boolean;
    readonly policy: Omit<ImagePolicySpecArgs, "imageRepositoryName">;
    readonly branch: string;
    readonly pushBranch: string;
    /** Directory of the overlay whose setter markers are updated. */
    readonly updatePath: string;
    readonly authorName: string;
    readonly authorEmail: string;
    readonly intervals: { readonly scan: string; readonly update: string };
    /** Objects that must exist first (the Secrets and the GitRepository). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Image automation: scan the registry (ImageRepository), pick the newest tag (ImagePolicy),
 * and commit it to the overlay as a signed commit (ImageUpdateAutomation).
 */
export class ImageAutomation extends pulumi.ComponentResource {
    public readonly imageRepository: k8s.apiextensions.CustomResource;
    public readonly imagePolicy: k8s.apiextensions.CustomResource;
    public readonly imageUpdateAutomation: k8s.apiextensions.CustomResource;

    constructor(name: string, args: ImageAutomationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:flux:ImageAutomation", name, {}, opts);
        const n = args.names;
        const ns = args.fluxNamespace;
        this.imageRepository = customResource(
            `${name}-repository`,
            {
                apiVersion: IMAGE_API,
                kind: "ImageRepository",
                name: n.imageRepository,
                namespace: ns,
                spec: imageRepositorySpec({ image: args.image, interval: args.intervals.scan, secretName: args.registryCredentials ? n.registrySecret : undefined }),
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.imagePolicy = customResource(
            `${name}-policy`,
            {
                apiVersion: IMAGE_API,
                kind: "ImagePolicy",
                name: n.imagePolicy,
                namespace: ns,
                spec: imagePolicySpec({ ...args.policy, imageRepositoryName: n.imageRepository }),
            },
            { parent: this, dependsOn: [this.imageRepository] },
        );
        this.imageUpdateAutomation = customResource(
            `${name}-update`,
            {
                apiVersion: IMAGE_API,
                kind: "ImageUpdateAutomation",
                name: n.imageUpdateAutomation,
                namespace: ns,
                spec: imageUpdateAutomationSpec({
                    gitRepositoryName: n.gitRepository,
                    branch: args.branch,
                    pushBranch: args.pushBranch,
                    interval: args.intervals.update,
                    authorName: args.authorName,
                    authorEmail: args.authorEmail,
                    signingSecretName: n.signingSecret,
                    path: args.updatePath,
                }),
            },
            { parent: this, dependsOn: [this.imagePolicy, ...(args.dependsOn ?? [])] },
        );
        this.registerOutputs({});
    }
}
