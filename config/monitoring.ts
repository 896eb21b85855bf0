import * as pulumi from "@pulumi/pulumi";
import { Checks, EXACT_VERSION } from "./checks";

/** kube-prometheus-stack and where Flux's events go. */
export interface MonitoringConfig {
    readonly namespace: string;
    readonly chartVersion: string;
    readonly helmTimeoutSeconds: number;
    readonly extraValues: Record<string, unknown>;
    readonly slackChannel: string;
    readonly slackWebhookUrl: pulumi.Output<string>;
    readonly discordWebhookUrl: pulumi.Output<string>;
    /**
     * Adopt what the recipe this project replaces left in the account and cluster: SSM parameters
     * of the same names are overwritten, the monitoring namespace is imported.
     */
    readonly adoptExisting: boolean;
}

export const MONITORING_KEYS = [
    "monitoringNamespace", "kubePrometheusStackVersion", "helmTimeout", "helmValues", "slackChannel", "adoptExisting",
] as const;

export function readMonitoring(
    c: Checks,
    secrets: { readonly slackWebhookUrl?: pulumi.Output<string>; readonly discordWebhookUrl?: pulumi.Output<string> },
): MonitoringConfig {
    const chartVersion = c.str("kubePrometheusStackVersion");
    if (!EXACT_VERSION.test(chartVersion)) {
        c.problem("kubePrometheusStackVersion", `must be an exact chart version such as 82.8.0, not a range (got "${chartVersion}")`);
    }
    const helmTimeoutSeconds = Number(c.str("helmTimeout"));
    if (!Number.isInteger(helmTimeoutSeconds) || helmTimeoutSeconds <= 0) {
        c.problem("helmTimeout", `must be a positive number of seconds (got "${c.str("helmTimeout")}")`);
    }
    return {
        namespace: c.dnsLabel("monitoringNamespace", c.required("monitoringNamespace", "the namespace of kube-prometheus-stack")),
        chartVersion,
        helmTimeoutSeconds,
        extraValues: c.jsonObject("helmValues", "a JSON object of chart values"),
        slackChannel: c.required("slackChannel", "the Slack channel for errors"),
        slackWebhookUrl: secrets.slackWebhookUrl!,
        discordWebhookUrl: secrets.discordWebhookUrl!,
        adoptExisting: c.bool("adoptExisting"),
    };
}
