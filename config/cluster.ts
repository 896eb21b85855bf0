import * as pulumi from "@pulumi/pulumi";
import { setting } from "./settings";
import { Checks } from "./checks";

/** The cluster a stack deploys to: named explicitly, never the current kube context by accident. */
export interface ClusterConfig {
    /** A context of the kubeconfig (the given one, or the default kubeconfig). */
    readonly context?: string;
    /** A whole kubeconfig (secret), e.g. from an ESC environment. */
    readonly kubeconfig?: pulumi.Output<string>;
}

/** The cluster's settings. */
export const CLUSTER = {
    kubeContext: setting({
        key: "kubeContext",
        type: "string",
        default: "",
        group: "Kubernetes and Flux",
        description:
            "The kubeconfig context of this stack's cluster. Every stack names its cluster (this, or the secret kubeconfig, e.g. from an ESC environment); a stack with neither is refused, so that prod never lands on whatever context is current.",
        prompt: { description: "The kubeconfig context of this stack's cluster (every stack names its cluster; see `kubectl config get-contexts`)" },
    }),
    kubeconfig: setting({
        key: "kubeconfig",
        type: "string",
        secret: true,
        declared: false,
        description:
            "A whole kubeconfig for this stack's cluster (e.g. from an ESC environment), instead of or together with kubeContext.",
    }),
};

/**
 * Every stack names its cluster: dev and prod on one machine share the current context, so a
 * prod `up` would otherwise create prod's AWS and GitHub half and then collide with dev's objects.
 */
export function readCluster(c: Checks, secrets: { readonly kubeconfig?: pulumi.Output<string> }): ClusterConfig {
    const context = CLUSTER.kubeContext.read(c) || undefined;
    if (context === undefined && secrets.kubeconfig === undefined) {
        c.problem(
            "kubeContext",
            `is required: every stack names its cluster (or set the secret ${c.label("kubeconfig")}); ` +
                "set it with `pulumi config set kubeContext <context>` (see `kubectl config get-contexts`)",
        );
    }
    return { context, kubeconfig: secrets.kubeconfig };
}
