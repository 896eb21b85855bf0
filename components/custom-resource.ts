import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

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
