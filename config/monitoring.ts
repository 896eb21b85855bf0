import * as pulumi from "@pulumi/pulumi";
import { setting } from "./settings";
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

/** The monitoring settings. */
export const MONITORING = {
    installMonitoring: setting({
        key: "installMonitoring",
        type: "boolean",
        default: true,
        group: "Monitoring",
        description:
            "Install kube-prometheus-stack and route Flux's events to the Slack and Discord webhooks that are set; false = no chart, no AlertmanagerConfig, no webhook parameters (Flux posts to alertmanagerAddress if set, else sends no events).",
        check: (c, k) => c.bool(k),
    }),
    alertmanagerAddress: setting({
        key: "alertmanagerAddress",
        type: "string",
        default: "",
        group: "Monitoring",
        description:
            "Alertmanager v2 alerts URL of an existing Alertmanager Flux posts its events to, e.g. http://alertmanager.monitoring:9093/api/v2/alerts; needs installMonitoring false (\"\" = the Alertmanager this stack installs, or none).",
        check: (c, k) => c.optional(k),
    }),
    monitoringNamespace: setting({
        key: "monitoringNamespace",
        type: "string",
        default: "monitoring",
        group: "Monitoring",
        description:
            "Namespace of kube-prometheus-stack (created by the stack).",
        check: (c, k) => c.dnsLabel(k, c.required(k, "the namespace of kube-prometheus-stack")),
    }),
    kubePrometheusStackVersion: setting({
        key: "kubePrometheusStackVersion",
        type: "string",
        default: "82.8.0",
        group: "Monitoring",
        description:
            "Exact version of the kube-prometheus-stack chart (no ranges).",
        check: (c, k) => {
            const v = c.str(k);
            if (!EXACT_VERSION.test(v)) c.problem(k, `must be an exact chart version such as 82.8.0, not a range (got "${v}")`);
            return v;
        },
    }),
    helmTimeout: setting({
        key: "helmTimeout",
        type: "integer",
        default: 900,
        group: "Monitoring",
        description:
            "Seconds Helm may take to install or upgrade kube-prometheus-stack.",
        check: (c, k) => {
            const seconds = Number(c.str(k));
            if (!Number.isInteger(seconds) || seconds <= 0) c.problem(k, `must be a positive number of seconds (got "${c.str(k)}")`);
            return seconds;
        },
    }),
    helmValues: setting({
        key: "helmValues",
        type: "string",
        default: "{}",
        group: "Monitoring",
        description:
            "Extra kube-prometheus-stack values as a JSON object, merged over the stack's own.",
        check: (c, k) => c.jsonObject(k, "a JSON object of chart values"),
    }),
    slackChannel: setting({
        key: "slackChannel",
        type: "string",
        default: "#flux-alerts",
        group: "Monitoring",
        description:
            "Slack channel for Flux errors.",
        check: (c, k) => c.required(k, "the Slack channel for errors"),
    }),
    adoptExisting: setting({
        key: "adoptExisting",
        type: "boolean",
        default: false,
        group: "Kubernetes and Flux",
        description:
            "For the first `up` in an account and cluster where the recipe this project replaces ran: overwrite SSM parameters of the same names and import the existing monitoring namespace, instead of failing on them. Set it back to false afterwards.",
        check: (c, k) => c.bool(k),
    }),
    slackWebhookUrl: setting({
        key: "slackWebhookUrl",
        type: "string",
        secret: true,
        declared: false,
        description:
            "Optional Slack incoming-webhook URL: Flux's errors go there (with installMonitoring; an unset channel gets no route).",
    }),
    discordWebhookUrl: setting({
        key: "discordWebhookUrl",
        type: "string",
        secret: true,
        declared: false,
        description:
            "Optional Discord webhook URL: Flux's info events go there (with installMonitoring; an unset channel gets no route).",
    }),
};

/**
 * Whether `value` is an absolute http(s) URL with a host. Flux's alertmanager notifier posts its
 * events to the address as given, and checks it only with Go's url.ParseRequestURI, which also
 * takes a bare path or `host:port` as scheme and opaque part (fluxcd/notification-controller
 * internal/notifier/alertmanager.go `NewAlertmanager`, v1.9.3): such an address would fail only at
 * the first event, in the controller's log.
 */
export function isHttpUrl(value: string): boolean {
    if (!URL.canParse(value)) return false;
    const { protocol } = new URL(value);
    // The WHATWG parser refuses an http(s) URL without a host, and trims surrounding spaces.
    return (protocol === "http:" || protocol === "https:") && !/\s/.test(value);
}

export function readMonitoring(
    c: Checks,
    secrets: { readonly slackWebhookUrl?: pulumi.Output<string>; readonly discordWebhookUrl?: pulumi.Output<string> },
): MonitoringConfig {
    const install = MONITORING.installMonitoring.read(c);
    const alertmanagerAddress = MONITORING.alertmanagerAddress.read(c);
    if (alertmanagerAddress !== undefined && !isHttpUrl(alertmanagerAddress)) {
        c.problem("alertmanagerAddress", `must be an http(s) URL of Alertmanager's v2 alerts API, e.g. http://alertmanager.monitoring:9093/api/v2/alerts (got "${alertmanagerAddress}")`);
    } else if (alertmanagerAddress !== undefined && install) {
        c.problem(
            "alertmanagerAddress",
            "points Flux at an existing Alertmanager, but installMonitoring is true: set installMonitoring to false (with both, Flux would post past the Alertmanager this stack installs)",
        );
    }
    const chartVersion = MONITORING.kubePrometheusStackVersion.read(c);
    const helmTimeoutSeconds = MONITORING.helmTimeout.read(c);
    return {
        install,
        alertmanagerAddress,
        namespace: MONITORING.monitoringNamespace.read(c),
        chartVersion,
        helmTimeoutSeconds,
        extraValues: MONITORING.helmValues.read(c),
        slackChannel: MONITORING.slackChannel.read(c),
        // Only this stack's Alertmanager sends to them: without it they are not stored (like
        // registryToken without a private ghcr.io image), so one stack file can switch it off.
        slackWebhookUrl: install ? secrets.slackWebhookUrl : undefined,
        discordWebhookUrl: install ? secrets.discordWebhookUrl : undefined,
        adoptExisting: MONITORING.adoptExisting.read(c),
    };
}
