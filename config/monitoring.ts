import * as pulumi from "@pulumi/pulumi";
import { Checks, EXACT_VERSION } from "./checks";

/** kube-prometheus-stack and where Flux's events go. */
export interface MonitoringConfig {
    /**
     * Install kube-prometheus-stack and route Flux's events to the configured channels. false: no
     * chart, no AlertmanagerConfig, no webhook parameters; Flux posts its events to
     * `alertmanagerAddress` when that is set, else nowhere.
     */
    readonly install: boolean;
    /**
     * The Alertmanager v2 alerts URL of an existing Alertmanager Flux posts its events to (only
     * without `install`); undefined: the one this stack installs, or none.
     */
    readonly alertmanagerAddress?: string;
    readonly namespace: string;
    readonly chartVersion: string;
    readonly helmTimeoutSeconds: number;
    readonly extraValues: Record<string, unknown>;
    readonly slackChannel: string;
    /** Slack's incoming-webhook URL (Flux's errors); undefined: errors are sent to no channel. */
    readonly slackWebhookUrl?: pulumi.Output<string>;
    /** Discord's webhook URL (Flux's info events); undefined: info events are sent to no channel. */
    readonly discordWebhookUrl?: pulumi.Output<string>;
    /**
     * Adopt what the recipe this project replaces left in the account and cluster: SSM parameters
     * of the same names are overwritten, the monitoring namespace is imported.
     */
    readonly adoptExisting: boolean;
}

export const MONITORING_KEYS = [
    "installMonitoring", "alertmanagerAddress", "monitoringNamespace", "kubePrometheusStackVersion", "helmTimeout", "helmValues",
    "slackChannel", "adoptExisting",
] as const;

/**
 * Whether `value` is an absolute http(s) URL with a host. Flux's alertmanager notifier posts its
 * events to the address as given, and checks it only with Go's url.ParseRequestURI, which also
 * takes a bare path or `host:port` as scheme and opaque part (fluxcd/notification-controller
 * internal/notifier/alertmanager.go `NewAlertmanager`, v1.9.3): such an address would fail only at
 * the first event, in the controller's log.
 */
export function isHttpUrl(value: string): boolean {
    try {
        const url = new URL(value);
        return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" && !/\s/.test(value);
    } catch {
        return false;
    }
}

export function readMonitoring(
    c: Checks,
    secrets: { readonly slackWebhookUrl?: pulumi.Output<string>; readonly discordWebhookUrl?: pulumi.Output<string> },
): MonitoringConfig {
    const install = c.bool("installMonitoring");
    const alertmanagerAddress = c.optional("alertmanagerAddress");
    if (alertmanagerAddress !== undefined && !isHttpUrl(alertmanagerAddress)) {
        c.problem("alertmanagerAddress", `must be an http(s) URL of Alertmanager's v2 alerts API, e.g. http://alertmanager.monitoring:9093/api/v2/alerts (got "${alertmanagerAddress}")`);
    } else if (alertmanagerAddress !== undefined && install) {
        c.problem(
            "alertmanagerAddress",
            "points Flux at an existing Alertmanager, but installMonitoring is true: set installMonitoring to false (with both, Flux would post past the Alertmanager this stack installs)",
        );
    }
    const chartVersion = c.str("kubePrometheusStackVersion");
    if (!EXACT_VERSION.test(chartVersion)) {
        c.problem("kubePrometheusStackVersion", `must be an exact chart version such as 82.8.0, not a range (got "${chartVersion}")`);
    }
    const helmTimeoutSeconds = Number(c.str("helmTimeout"));
    if (!Number.isInteger(helmTimeoutSeconds) || helmTimeoutSeconds <= 0) {
        c.problem("helmTimeout", `must be a positive number of seconds (got "${c.str("helmTimeout")}")`);
    }
    return {
        install,
        alertmanagerAddress,
        namespace: c.dnsLabel("monitoringNamespace", c.required("monitoringNamespace", "the namespace of kube-prometheus-stack")),
        chartVersion,
        helmTimeoutSeconds,
        extraValues: c.jsonObject("helmValues", "a JSON object of chart values"),
        slackChannel: c.required("slackChannel", "the Slack channel for errors"),
        // Only this stack's Alertmanager sends to them: without it they are not stored (like
        // registryToken without a private ghcr.io image), so one stack file can switch it off.
        slackWebhookUrl: install ? secrets.slackWebhookUrl : undefined,
        discordWebhookUrl: install ? secrets.discordWebhookUrl : undefined,
        adoptExisting: c.bool("adoptExisting"),
    };
}
