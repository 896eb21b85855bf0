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
}

export const FLUX_KEYS = [
    "fluxNamespace", "gitInterval", "gitTimeout", "kustomizationInterval", "kustomizationRetryInterval", "kustomizationTimeout",
    "imageInterval", "imageUpdateInterval", "clusterSecretStore", "externalSecretRefreshInterval",
] as const;

export function readFlux(c: Checks): FluxConfig {
    return {
        namespace: c.dnsLabel("fluxNamespace", c.required("fluxNamespace", "Flux's namespace")),
        gitInterval: c.duration("gitInterval"),
        gitTimeout: c.duration("gitTimeout"),
        kustomizationInterval: c.duration("kustomizationInterval"),
        kustomizationRetryInterval: c.duration("kustomizationRetryInterval"),
        kustomizationTimeout: c.duration("kustomizationTimeout"),
        imageInterval: c.duration("imageInterval"),
        imageUpdateInterval: c.duration("imageUpdateInterval"),
        clusterSecretStore: c.objectName("clusterSecretStore"),
        externalSecretRefreshInterval: c.duration("externalSecretRefreshInterval"),
    };
}
