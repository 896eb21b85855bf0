/**
 * Pure builders for monitoring: kube-prometheus-stack values, the Alertmanager address Flux
 * posts to, the AlertmanagerConfig that routes Flux events, and Flux's Provider and Alerts.
 */

export const KUBE_PROMETHEUS_STACK_REPO = "https://prometheus-community.github.io/helm-charts";
export const KUBE_PROMETHEUS_STACK_CHART = "kube-prometheus-stack";
export const ALERTMANAGER_CONFIG_API = "monitoring.coreos.com/v1alpha1";
export const NOTIFICATION_API = "notification.toolkit.fluxcd.io/v1beta3";

/** The Flux kinds this stack creates; the Alerts watch all of them. */
export const FLUX_EVENT_KINDS = ["GitRepository", "Kustomization", "ImageRepository", "ImagePolicy", "ImageUpdateAutomation"];

/** Flux event severities and where each goes. */
export type FluxSeverity = "info" | "error";
export const SEVERITY_RECEIVERS: Record<FluxSeverity, "discord" | "slack"> = { info: "discord", error: "slack" };

type Values = Record<string, unknown>;

function isPlainObject(v: unknown): v is Values {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, anything else in `override` replaces `base`. */
export function mergeValues(base: Values, override: Values): Values {
    const out: Values = { ...base };
    for (const [k, v] of Object.entries(override)) {
        out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeValues(out[k], v) : v;
    }
    return out;
}

/**
 * Values of the kube-prometheus-stack release. `fullnameOverride` pins the chart's resource
 * names to the release name, so the Alertmanager Service name can be derived (the chart would
 * otherwise truncate `<release>-kube-prometheus-stack` to 26 characters).
 */
export function kubePrometheusStackValues(releaseName: string, extra: Values = {}): Values {
    const ours: Values = {
        fullnameOverride: releaseName,
        alertmanager: {
            alertmanagerSpec: {
                // The operator's default (OnNamespace) adds a `namespace="<AlertmanagerConfig's
                // namespace>"` matcher to every route of an AlertmanagerConfig. Flux's alerts carry
                // the namespace of the object they are about (flux-system, ...), so they would never
                // match and be dropped. None keeps the routes as written.
                // https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.AlertmanagerConfigMatcherStrategy
                alertmanagerConfigMatcherStrategy: { type: "None" },
                // Pick up AlertmanagerConfigs from every namespace (the chart's default selects none).
                alertmanagerConfigSelector: {},
                alertmanagerConfigNamespaceSelector: {},
            },
        },
    };
    // The user's values win, except where routing depends on ours.
    const merged = mergeValues(mergeValues(ours, extra), {
        fullnameOverride: releaseName,
        alertmanager: { alertmanagerSpec: { alertmanagerConfigMatcherStrategy: { type: "None" } } },
    });
    return merged;
}

/** Alertmanager's Service of a kube-prometheus-stack release installed with the values above. */
export function alertmanagerServiceName(releaseName: string): string {
    return `${releaseName}-alertmanager`;
}

/** The Alertmanager v2 API URL Flux's `alertmanager` Provider posts events to. */
export function alertmanagerAddress(releaseName: string, namespace: string): string {
    return `http://${alertmanagerServiceName(releaseName)}.${namespace}:9093/api/v2/alerts`;
}

export interface AlertmanagerConfigSpecArgs {
    /** Secret holding the webhook URLs (from External Secrets). */
    readonly secretName: string;
    readonly slackUrlKey: string;
    readonly discordUrlKey: string;
    readonly slackChannel: string;
}

const SLACK_TITLE = '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})';
const SLACK_TEXT = `{{ range .Alerts -}}
*{{ .Annotations.message }}*
{{ range .Labels.SortedPairs }}• {{ .Name }}: \`{{ .Value }}\`
{{ end }}
{{ end }}`;
const DISCORD_MESSAGE = `{{ range .Alerts -}}
**{{ .Labels.kind }}/{{ .Labels.namespace }}/{{ .Labels.name }}** ({{ .Labels.reason }}): {{ .Annotations.message }}
{{ end }}`;

/** A label matcher of the AlertmanagerConfig CRD. */
export interface Matcher {
    readonly name: string;
    readonly value: string;
    readonly matchType: "=" | "!=" | "=~" | "!~";
}

/** A route of the AlertmanagerConfig CRD (and of Alertmanager). */
export interface Route {
    readonly receiver?: string;
    readonly matchers?: readonly Matcher[];
    readonly groupBy?: readonly string[];
    readonly groupWait?: string;
    readonly continue?: boolean;
    readonly routes?: readonly Route[];
}

export function alertmanagerConfigSpec(args: AlertmanagerConfigSpecArgs): { route: Route; receivers: object[] } {
    const severity = (value: FluxSeverity): Matcher => ({ name: "severity", value, matchType: "=" });
    return {
        route: {
            receiver: "default",
            groupBy: ["severity", "revision"],
            // Only the severities Flux sends reach this tree.
            matchers: [{ name: "severity", value: "info|error", matchType: "=~" }],
            routes: [
                { matchers: [severity("info")], receiver: SEVERITY_RECEIVERS.info, groupWait: "10s" },
                { matchers: [severity("error")], receiver: SEVERITY_RECEIVERS.error },
            ],
        },
        receivers: [
            { name: "default" },
            {
                name: "slack",
                slackConfigs: [
                    {
                        apiURL: { name: args.secretName, key: args.slackUrlKey },
                        channel: args.slackChannel,
                        sendResolved: true,
                        title: SLACK_TITLE,
                        text: SLACK_TEXT,
                    },
                ],
            },
            {
                name: "discord",
                discordConfigs: [
                    {
                        apiURL: { name: args.secretName, key: args.discordUrlKey },
                        message: DISCORD_MESSAGE,
                    },
                ],
            },
        ],
    };
}

/**
 * The receiver Alertmanager picks for an alert's labels under an AlertmanagerConfig's route, as
 * the operator installs it: a child of the root route, with a `namespace` matcher added under
 * the `OnNamespace` strategy. Returns the AlertmanagerConfig receiver, or `undefined` when the
 * alert falls through to the root route (the chart's `null` receiver: dropped).
 */
export function routeAlert(
    route: Route,
    labels: Readonly<Record<string, string>>,
    strategy: { type: "None" } | { type: "OnNamespace"; namespace: string },
): string | undefined {
    const top: Route =
        strategy.type === "OnNamespace"
            ? { ...route, matchers: [{ name: "namespace", value: strategy.namespace, matchType: "=" }, ...(route.matchers ?? [])] }
            : route;
    return matchRoute(top, labels, undefined);
}

function matches(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
    const value = labels[m.name] ?? "";
    switch (m.matchType) {
        case "=":
            return value === m.value;
        case "!=":
            return value !== m.value;
        case "=~":
            return new RegExp(`^(?:${m.value})$`).test(value);
        case "!~":
            return !new RegExp(`^(?:${m.value})$`).test(value);
    }
}

// Alertmanager's routing: a route matches when all its matchers do; the first matching child
// (depth first) decides unless it has `continue`; a route without a matching child uses its own
// receiver, inherited from the parent when unset.
function matchRoute(route: Route, labels: Readonly<Record<string, string>>, inherited: string | undefined): string | undefined {
    if (!(route.matchers ?? []).every((m) => matches(m, labels))) return undefined;
    const receiver = route.receiver ?? inherited;
    for (const child of route.routes ?? []) {
        const found = matchRoute(child, labels, receiver);
        if (found !== undefined && !child.continue) return found;
    }
    return receiver;
}

/** Spec of the Flux notification Provider that posts to Alertmanager. */
export function alertmanagerProviderSpec(addressSecretName: string): object {
    return { type: "alertmanager", secretRef: { name: addressSecretName } };
}

/** Spec of the Alert that forwards events of `severity` from every Flux kind in `namespaces`. */
export function fluxAlertSpec(providerName: string, severity: FluxSeverity, namespaces: readonly string[]): object {
    return {
        providerRef: { name: providerName },
        eventSeverity: severity,
        eventMetadata: { severity },
        eventSources: namespaces.flatMap((namespace) =>
            FLUX_EVENT_KINDS.map((kind) => ({ kind, name: "*", namespace })),
        ),
    };
}
