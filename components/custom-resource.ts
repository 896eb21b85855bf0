import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The Kubernetes provider's readiness annotation: `pulumi up` waits until the object has this
 * condition (pulumi/pulumi-kubernetes provider/pkg/metadata/overrides.go `ReadyCondition`,
 * provider/pkg/await/condition/custom.go; since 4.18.0). Without it a custom resource counts as
 * ready at once.
 */
export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";

/** Wait until the object reports `Ready=True` (FluxInstance, ClusterSecretStore, ExternalSecret). */
export const WAIT_FOR_READY = { [WAIT_FOR_ANNOTATION]: "condition=Ready" } as const;

/** A namespaced custom resource with the given API version, kind, name and spec. */
export function customResource(
    logicalName: string,
    object: {
        apiVersion: string;
        kind: string;
        name: string;
        namespace: string;
        labels?: Record<string, string>;
        annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
        spec: pulumi.Input<object>;
    },
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        logicalName,
        {
            apiVersion: object.apiVersion,
            kind: object.kind,
            metadata: {
                name: object.name,
                namespace: object.namespace,
                ...(object.labels ? { labels: object.labels } : {}),
                ...(object.annotations ? { annotations: object.annotations } : {}),
            },
            spec: object.spec,
        },
        opts,
    );
}
