import * as pulumi from "@pulumi/pulumi";

/** The labels that say which Pulumi project and stack own a Kubernetes object. */
export function ownerLabels(project: string, stack: string): Record<string, string> {
    return {
        "app.kubernetes.io/managed-by": "pulumi",
        "pulumi.com/project": project,
        "pulumi.com/stack": stack,
    };
}

/**
 * A transformation that adds `labelsOf(type, metadata)`, when it gives any, to every Kubernetes
 * object with metadata (Helm releases have none: their objects belong to the chart). Labels the
 * object sets win. Client-side, so the offline evaluator sees it too.
 */
export function labelsTransform(
    labelsOf: (type: string, metadata: Record<string, unknown>) => Record<string, string> | undefined,
): pulumi.ResourceTransformation {
    return (args) => {
        if (!args.type.startsWith("kubernetes:") || args.type.startsWith("kubernetes:helm.sh/")) return undefined;
        const metadata = args.props.metadata as pulumi.Input<Record<string, unknown>> | undefined;
        if (metadata === undefined) return undefined;
        return {
            props: {
                ...args.props,
                metadata: pulumi.output(metadata).apply((m) => {
                    const labels = labelsOf(args.type, m);
                    const own = (m.labels ?? {}) as Record<string, string>;
                    return labels ? { ...m, labels: { ...labels, ...own } } : m;
                }),
            },
            opts: args.opts,
        };
    };
}

/** A stack transformation that adds the owner labels to every Kubernetes object with metadata. */
export function ownerLabelsTransform(project: string, stack: string): pulumi.ResourceTransformation {
    const labels = ownerLabels(project, stack);
    return labelsTransform(() => labels);
}
