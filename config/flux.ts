import { setting } from "./settings";
import { Checks } from "./checks";

/** Flux's namespace, reconcile intervals and the store its Secrets come from. */
export interface FluxConfig {
    readonly namespace: string;
    readonly gitInterval: string;
    readonly gitTimeout: string;
    readonly kustomizationInterval: string;
    readonly kustomizationRetryInterval: string;
    readonly kustomizationTimeout: string;
    readonly imageInterval: string;
    readonly imageUpdateInterval: string;
    readonly clusterSecretStore: string;
    readonly externalSecretRefreshInterval: string;
    /**
     * Upgrading a stack made before tenancy: each tenant's Kustomization of the Flux namespace is
     * kept, suspended and orphaning, until the next `up` without this deletes it.
     */
    readonly suspendLegacyKustomizations: boolean;
}

/** Flux's settings. */
export const FLUX = {
    fluxNamespace: setting({
        key: "fluxNamespace",
        type: "string",
        default: "flux-system",
        group: "Kubernetes and Flux",
        description:
            "Namespace where Flux runs and where every Flux object of this stack lives.",
        check: (c, k) => c.dnsLabel(k, c.required(k, "Flux's namespace")),
    }),
    gitInterval: setting({
        key: "gitInterval",
        type: "string",
        default: "1m",
        group: "Kubernetes and Flux",
        description:
            "GitRepository interval (Flux duration, e.g. 1m).",
        check: (c, k) => c.duration(k),
    }),
    gitTimeout: setting({
        key: "gitTimeout",
        type: "string",
        default: "60s",
        group: "Kubernetes and Flux",
        description:
            "GitRepository timeout for git operations.",
        check: (c, k) => c.duration(k),
    }),
    kustomizationInterval: setting({
        key: "kustomizationInterval",
        type: "string",
        default: "5m",
        group: "Kubernetes and Flux",
        description:
            "Kustomization reconcile interval.",
        check: (c, k) => c.duration(k),
    }),
    kustomizationRetryInterval: setting({
        key: "kustomizationRetryInterval",
        type: "string",
        default: "2m",
        group: "Kubernetes and Flux",
        description:
            "Kustomization retry interval after a failed reconcile.",
        check: (c, k) => c.duration(k),
    }),
    kustomizationTimeout: setting({
        key: "kustomizationTimeout",
        type: "string",
        default: "3m",
        group: "Kubernetes and Flux",
        description:
            "Kustomization timeout for apply and health checks.",
        check: (c, k) => c.duration(k),
    }),
    imageInterval: setting({
        key: "imageInterval",
        type: "string",
        default: "1m",
        group: "Kubernetes and Flux",
        description:
            "ImageRepository scan interval; only a fallback for missed pushes when the image Receiver is registered (ghcr.io registers it itself).",
        check: (c, k) => c.duration(k),
    }),
    imageUpdateInterval: setting({
        key: "imageUpdateInterval",
        type: "string",
        default: "10m",
        group: "Kubernetes and Flux",
        description:
            "ImageUpdateAutomation interval.",
        check: (c, k) => c.duration(k),
    }),
    clusterSecretStore: setting({
        key: "clusterSecretStore",
        type: "string",
        default: "aws-parameter-store",
        group: "Kubernetes and Flux",
        description:
            "Name of the External Secrets ClusterSecretStore backed by AWS Parameter Store.",
        check: (c, k) => c.objectName(k),
    }),
    externalSecretRefreshInterval: setting({
        key: "externalSecretRefreshInterval",
        type: "string",
        default: "1h",
        group: "Kubernetes and Flux",
        description:
            "How often External Secrets re-reads the SSM parameters.",
        check: (c, k) => c.duration(k),
    }),
    suspendLegacyKustomizations: setting({
        key: "suspendLegacyKustomizations",
        type: "boolean",
        default: false,
        group: "Kubernetes and Flux",
        description:
            "For the first `up` of a stack made before tenancy: keep each tenant application's old Kustomization in fluxNamespace, suspended with deletionPolicy Orphan, while its tenant takes its objects over; the next `up` without it deletes it and prunes nothing (README, Tenancy).",
        check: (c, k) => c.bool(k),
    }),
};

export function readFlux(c: Checks): FluxConfig {
    return {
        namespace: FLUX.fluxNamespace.read(c),
        gitInterval: FLUX.gitInterval.read(c),
        gitTimeout: FLUX.gitTimeout.read(c),
        kustomizationInterval: FLUX.kustomizationInterval.read(c),
        kustomizationRetryInterval: FLUX.kustomizationRetryInterval.read(c),
        kustomizationTimeout: FLUX.kustomizationTimeout.read(c),
        imageInterval: FLUX.imageInterval.read(c),
        imageUpdateInterval: FLUX.imageUpdateInterval.read(c),
        clusterSecretStore: FLUX.clusterSecretStore.read(c),
        externalSecretRefreshInterval: FLUX.externalSecretRefreshInterval.read(c),
        suspendLegacyKustomizations: FLUX.suspendLegacyKustomizations.read(c),
    };
}
