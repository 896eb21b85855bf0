/**
 * Flux objects: the API versions of Flux, External Secrets and Gateway API objects are served by
 * current releases, image policies compare filtered tags, image automations sign their commits,
 * and Kustomizations prune.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isKind, kubernetesType, objectName, type Props, record, resourcePolicy } from "./common";

/**
 * API versions that current releases serve, by group and kind (Flux 2.9, External Secrets 2.x,
 * Gateway API 1.6, whose standard CRDs still serve v1beta1 of Gateway, GatewayClass and HTTPRoute).
 * A kind that is not listed is checked against its group's removed versions only.
 */
export const SERVED_VERSIONS: Record<string, Record<string, string[]>> = {
    "source.toolkit.fluxcd.io": {
        GitRepository: ["v1"],
        HelmRepository: ["v1"],
        HelmChart: ["v1"],
        Bucket: ["v1"],
        OCIRepository: ["v1"],
        ExternalArtifact: ["v1"],
    },
    "kustomize.toolkit.fluxcd.io": { Kustomization: ["v1"] },
    "helm.toolkit.fluxcd.io": { HelmRelease: ["v2"] },
    "notification.toolkit.fluxcd.io": {
        Receiver: ["v1"],
        Provider: ["v1beta3"],
        Alert: ["v1beta3"],
    },
    "image.toolkit.fluxcd.io": {
        ImageRepository: ["v1"],
        ImagePolicy: ["v1"],
        ImageUpdateAutomation: ["v1"],
    },
    "external-secrets.io": {
        ExternalSecret: ["v1"],
        SecretStore: ["v1"],
        ClusterSecretStore: ["v1"],
        ClusterExternalSecret: ["v1"],
    },
    "gateway.networking.k8s.io": {
        HTTPRoute: ["v1", "v1beta1"],
        Gateway: ["v1", "v1beta1"],
        GatewayClass: ["v1", "v1beta1"],
        GRPCRoute: ["v1"],
    },
};

/** Versions that current releases no longer serve, by group. */
export const REMOVED_VERSIONS: Record<string, string[]> = {
    "source.toolkit.fluxcd.io": ["v1beta1", "v1beta2"],
    "kustomize.toolkit.fluxcd.io": ["v1beta1", "v1beta2"],
    "helm.toolkit.fluxcd.io": ["v2beta1", "v2beta2"],
    "notification.toolkit.fluxcd.io": ["v1beta1", "v1beta2"],
    "image.toolkit.fluxcd.io": ["v1alpha1", "v1alpha2", "v1beta1", "v1beta2"],
    "external-secrets.io": ["v1alpha1", "v1beta1"],
    "gateway.networking.k8s.io": ["v1alpha1", "v1alpha2"],
};

export function fluxApiViolations(type: string): string[] {
    const parsed = kubernetesType(type);
    if (!parsed) return [];
    const { group, version, kind } = parsed;
    const served = SERVED_VERSIONS[group]?.[kind];
    if (served ? !served.includes(version) : REMOVED_VERSIONS[group]?.includes(version)) {
        const use = served
            ? ` use ${served.map((v) => `${group}/${v}`).join(" or ")}`
            : " use the group's current version";
        return [`${kind} uses ${group}/${version}, which current releases no longer serve:${use}.`];
    }
    return [];
}

export function imagePolicyFilteredViolations(name: string, props: Props): string[] {
    const spec = record(props.spec);
    const policy = record(spec.policy);
    const order =
        "numerical" in policy
            ? "numerically"
            : "alphabetical" in policy
              ? "alphabetically"
              : undefined;
    const pattern = record(spec.filterTags).pattern;
    if (order === undefined || (typeof pattern === "string" && pattern !== "")) return [];
    return [
        `ImagePolicy "${objectName(props, name)}" orders tags ${order} without a filterTags pattern: tags such as "latest" or short commit SHAs would be ordered too.`,
    ];
}

export function imageAutomationSignedViolations(name: string, props: Props): string[] {
    const secret = record(
        record(record(record(record(props.spec).git).commit).signingKey).secretRef,
    ).name;
    if (typeof secret === "string" && secret !== "") return [];
    return [
        `ImageUpdateAutomation "${objectName(props, name)}" pushes unsigned commits: set spec.git.commit.signingKey.secretRef to the Secret with the GPG key.`,
    ];
}

export function kustomizationPruneViolations(name: string, props: Props): string[] {
    if (record(props.spec).prune === true) return [];
    return [
        `Kustomization "${objectName(props, name)}" does not prune: objects removed from git would stay in the cluster.`,
    ];
}

export function fluxApiCurrent(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "flux-api-current",
            description:
                "Flux, External Secrets and Gateway API objects use API versions that current releases serve.",
            remediationSteps:
                "Move the object to the version named in the message; see the project's release notes for field changes.",
            severity: "high",
        },
        (args) => fluxApiViolations(args.type),
    );
}

export function imagePolicyFiltered(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "image-policy-filtered",
            description:
                "An ImagePolicy with numerical or alphabetical order has a filterTags pattern.",
            remediationSteps:
                "Set `spec.filterTags.pattern` (and `extract` if needed) to the tags the policy should compare, e.g. ^[0-9]+$.",
            severity: "medium",
        },
        (args) =>
            isKind(args.type, "image.toolkit.fluxcd.io", "ImagePolicy")
                ? imagePolicyFilteredViolations(args.name, args.props)
                : [],
    );
}

export function imageAutomationSigned(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "image-automation-signed",
            description: "An ImageUpdateAutomation signs the commits it pushes.",
            remediationSteps:
                "Set `spec.git.commit.signingKey.secretRef.name` to the Secret with `git.asc` (the GPG key ExternalSecret).",
            severity: "high",
        },
        (args) =>
            isKind(args.type, "image.toolkit.fluxcd.io", "ImageUpdateAutomation")
                ? imageAutomationSignedViolations(args.name, args.props)
                : [],
    );
}

export function kustomizationPrune(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "kustomization-prune",
            description:
                "A Flux Kustomization prunes the objects that were removed from its source.",
            remediationSteps: "Set `spec.prune: true` on the Kustomization.",
            severity: "medium",
        },
        (args) =>
            isKind(args.type, "kustomize.toolkit.fluxcd.io", "Kustomization")
                ? kustomizationPruneViolations(args.name, args.props)
                : [],
    );
}
