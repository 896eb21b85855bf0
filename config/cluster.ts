import * as pulumi from "@pulumi/pulumi";
import { Checks } from "./checks";

/** The cluster a stack deploys to: named explicitly, never the current kube context by accident. */
export interface ClusterConfig {
    /** A context of the kubeconfig (the given one, or the default kubeconfig). */
    readonly context?: string;
    /** A whole kubeconfig (secret), e.g. from an ESC environment. */
    readonly kubeconfig?: pulumi.Output<string>;
}

export const CLUSTER_KEYS = ["kubeContext"] as const;

/**
 * Every stack names its cluster: dev and prod on one machine share the current context, so a
 * prod `up` would otherwise create prod's AWS and GitHub half and then collide with dev's objects.
 */
export function readCluster(c: Checks, secrets: { readonly kubeconfig?: pulumi.Output<string> }): ClusterConfig {
    const context = c.optional("kubeContext");
    if (context === undefined && secrets.kubeconfig === undefined) {
        c.problem(
            "kubeContext",
            `is required: every stack names its cluster (or set the secret ${c.label("kubeconfig")}); ` +
                "set it with `pulumi config set kubeContext <context>` (see `kubectl config get-contexts`)",
        );
    }
    return { context, kubeconfig: secrets.kubeconfig };
}
