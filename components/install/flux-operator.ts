import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { FluxClusterType, FluxInstallConfig } from "../../config/installs";
import { WAIT_FOR_READY } from "../custom-resource";

/**
 * The Flux Operator's chart, an OCI artifact: `helm install flux-operator
 * oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator` (controlplaneio-fluxcd/flux-operator
 * docs/guides/operator/operator-install.md @v0.58.1). helm.v3.Release takes the OCI URL as `chart`.
 */
export const FLUX_OPERATOR_CHART = "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator";
export const FLUX_INSTANCE_API = "fluxcd.controlplane.io/v1";
/** The operator accepts one FluxInstance, named `flux`, in its own namespace (CEL rule of the CRD). */
export const FLUX_INSTANCE_NAME = "flux";
/** Upstream Flux images (docs/api/v1/fluxinstance.md @v0.58.1, `.spec.distribution.registry`). */
export const FLUX_REGISTRY = "ghcr.io/fluxcd";

/**
 * The controllers this stack's objects need: sources (GitRepository), Kustomizations, Receivers,
 * Providers and Alerts, and the image controllers (ImageRepository, ImagePolicy,
 * ImageUpdateAutomation). No helm-controller: the stack creates no HelmRelease.
 */
export const FLUX_COMPONENTS = [
    "source-controller",
    "kustomize-controller",
    "notification-controller",
    "image-reflector-controller",
    "image-automation-controller",
] as const;

export interface FluxInstanceSpecArgs {
    /** Flux version, exact or a patch range (2.9.x). */
    readonly version: string;
    readonly clusterType: FluxClusterType;
}

/**
 * The account kustomize-controller impersonates for a Kustomization that names none, under the
 * lockdown: `default`, as in Flux's multi-tenancy guide, which has no rights in a tenant's
 * namespace ("It is recommended that the default service account has no privileges",
 * fluxcd/flux2-multi-tenancy README). Every Kustomization of this stack names its account.
 */
export const TENANT_DEFAULT_SERVICE_ACCOUNT = "default";

/**
 * `.spec` of the FluxInstance (docs/api/v1/fluxinstance.md @v0.58.1). No `sync`: the stack creates
 * its own sources. `multitenant` is Flux's multi-tenancy lockdown: the operator adds
 * `--no-cross-namespace-refs=true` to every controller but source-controller,
 * `--no-remote-bases=true` and `--default-service-account=<tenantDefaultServiceAccount>` to
 * kustomize-controller (internal/builder/profiles.go @v0.58.1 `profileClusterMultitenant`, applied
 * by internal/controller/fluxinstance_controller.go when `GetCluster().Multitenant`).
 */
export function fluxInstanceSpec(args: FluxInstanceSpecArgs): Record<string, unknown> {
    return {
        distribution: { version: args.version, registry: FLUX_REGISTRY },
        components: [...FLUX_COMPONENTS],
        cluster: {
            type: args.clusterType,
            multitenant: true,
            tenantDefaultServiceAccount: TENANT_DEFAULT_SERVICE_ACCOUNT,
            networkPolicy: true,
            domain: "cluster.local",
        },
    };
}

export interface FluxOperatorArgs {
    /** Flux's namespace: the operator's and the FluxInstance's (created by the release). */
    readonly namespace: string;
    /** The exact chart version, the Flux version and the cluster type (config/installs.ts). */
    readonly install: FluxInstallConfig;
}

/**
 * Flux, installed and upgraded by the Flux Operator: the operator's Helm release, then the
 * FluxInstance that tells it which Flux to run. The operator installs Flux's CRDs with the
 * controllers and upgrades them with the version, so a version bump carries them along.
 */
export class FluxOperator extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;
    public readonly instance: k8s.apiextensions.CustomResource;
    /** What every Flux object waits for: the FluxInstance, Ready once Flux's controllers are. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: FluxOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:install:FluxOperator", name, {}, opts);
        this.release = new k8s.helm.v3.Release(
            name,
            {
                name: "flux-operator",
                namespace: args.namespace,
                // The namespace may exist already (a cluster bootstrapped with `flux bootstrap`).
                createNamespace: true,
                chart: FLUX_OPERATOR_CHART,
                version: args.install.operatorChartVersion,
                atomic: true,
                cleanupOnFail: true,
                maxHistory: 10,
            },
            { parent: this },
        );
        // The FluxInstance's CRD comes with the release: a real create before it would fail with
        // "no matches for kind" (pulumi-kubernetes provider/pkg/provider/provider.go, Create).
        this.instance = new k8s.apiextensions.CustomResource(
            `${name}-instance`,
            {
                apiVersion: FLUX_INSTANCE_API,
                kind: "FluxInstance",
                metadata: {
                    name: FLUX_INSTANCE_NAME,
                    namespace: args.namespace,
                    annotations: { ...WAIT_FOR_READY },
                },
                spec: fluxInstanceSpec({ version: args.install.distributionVersion, clusterType: args.install.clusterType }),
            },
            { parent: this, dependsOn: [this.release] },
        );
        this.ready = [this.instance];
        this.registerOutputs({});
    }
}
