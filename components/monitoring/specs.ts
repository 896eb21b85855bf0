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
 * The `alertname` notification-controller gives every event it posts to Alertmanager:
 * `"Flux" + <involved object's kind> + Title(<reason>)` (fluxcd/notification-controller
 * internal/notifier/alertmanager.go, v1.9.3). Routes and inhibit rules use it to tell Flux's
 * events from Prometheus' alerts.
 */
export const FLUX_ALERTNAME_REGEX = "Flux.+";

/**
 * Matcher strategy of the Alertmanager. Under the operator's default (`OnNamespace`) every
 * AlertmanagerConfig route gets a `namespace="<its namespace>"` matcher, and Flux's events carry
 * the namespace of the object they are about (flux-system, ...), so they would be dropped. `None`
 * would let every other AlertmanagerConfig in the cluster see every alert. With this one, only an
 * AlertmanagerConfig in Alertmanager's own namespace (ours) sees all alerts; the others stay
 * scoped to their namespace (prometheus-operator pkg/alertmanager/amcfg.go `getEnforcer`,
 * `otherNamespaceEnforcer`, v0.89.0, the operator of chart 82.8.0).
 */
export const ALERTMANAGER_CONFIG_MATCHER_STRATEGY = "OnNamespaceExceptForAlertmanagerNamespace";

/** An inhibit rule of Alertmanager's configuration file, matchers in Alertmanager's string syntax. */
export interface InhibitRule {
    readonly source_matchers?: readonly string[];
    readonly target_matchers?: readonly string[];
    readonly equal?: readonly string[];
}

/**
 * kube-prometheus-stack's default `alertmanager.config.inhibit_rules`, copied exactly from
 * prometheus-community/helm-charts charts/kube-prometheus-stack/values.yaml at tag
 * kube-prometheus-stack-82.8.0.
 */
export const KUBE_PROMETHEUS_STACK_INHIBIT_RULES: readonly InhibitRule[] = [
    {
        source_matchers: ["severity = critical"],
        target_matchers: ["severity =~ warning|info"],
        equal: ["namespace", "alertname"],
    },
    {
        source_matchers: ["severity = warning"],
        target_matchers: ["severity = info"],
        equal: ["namespace", "alertname"],
    },
    {
        source_matchers: ["alertname = InfoInhibitor"],
        target_matchers: ["severity = info"],
        equal: ["namespace"],
    },
    {
        target_matchers: ["alertname = InfoInhibitor"],
    },
];

/**
 * The chart's inhibit rules, except that `InfoInhibitor` (which fires in a namespace where only
 * info alerts fire) no longer mutes Flux's info events of that namespace: they are the point of
 * the Discord channel, not noise.
 */
export function alertmanagerInhibitRules(): InhibitRule[] {
    return KUBE_PROMETHEUS_STACK_INHIBIT_RULES.map((rule) =>
        rule.source_matchers?.includes("alertname = InfoInhibitor")
            ? // Stryker disable next-line ArrayDeclaration: the chart's InfoInhibitor rule has target matchers
              { ...rule, target_matchers: [...(rule.target_matchers ?? []), `alertname !~ "${FLUX_ALERTNAME_REGEX}"`] }
            : rule,
    );
}

/**
 * Chart values this stack cannot work with: an Alertmanager outside the release namespace (the
 * AlertmanagerConfig must share its namespace to see Flux's events, and Flux posts to
 * `alertmanagerAddress`), or an Alertmanager configuration not given as a map (our inhibit rules
 * could not be merged into it).
 */
export function unsupportedValues(extra: Values): string[] {
    const alertmanager = isPlainObject(extra.alertmanager) ? extra.alertmanager : {};
    const problems: string[] = [];
    if (alertmanager.namespaceOverride !== undefined && alertmanager.namespaceOverride !== "") {
        problems.push("alertmanager.namespaceOverride: Alertmanager must run in the release namespace");
    }
    if (alertmanager.config !== undefined && !isPlainObject(alertmanager.config)) {
        problems.push("alertmanager.config: must be a map, so the Flux inhibit rules can be merged into it");
    }
    if (alertmanager.stringConfig !== undefined && alertmanager.stringConfig !== "") {
        problems.push("alertmanager.stringConfig: would replace the Flux inhibit rules");
    }
    return problems;
}

/**
 * Values of the kube-prometheus-stack release. `fullnameOverride` pins the chart's resource
 * names to the release name, so the Alertmanager Service name can be derived (the chart would
 * otherwise truncate `<release>-kube-prometheus-stack` to 26 characters). Throws on
 * `unsupportedValues`.
 */
export function kubePrometheusStackValues(releaseName: string, extra: Values = {}): Values {
    const problems = unsupportedValues(extra);
    if (problems.length > 0) throw new Error(`unsupported kube-prometheus-stack values: ${problems.join("; ")}`);
    // The chart's alertmanagerConfigSelector and alertmanagerConfigNamespaceSelector already
    // default to {} (select every AlertmanagerConfig of every namespace).
    const routing: Values = {
        fullnameOverride: releaseName,
        alertmanager: {
            alertmanagerSpec: { alertmanagerConfigMatcherStrategy: { type: ALERTMANAGER_CONFIG_MATCHER_STRATEGY } },
            // Helm merges maps into the chart's defaults but replaces lists: this list is the whole
            // of inhibit_rules, the rest of the chart's config (route, receivers) stays.
            config: { inhibit_rules: alertmanagerInhibitRules() },
        },
    };
    // The chart's CRDs sit in a subchart's crds/ dir, which Helm installs once and never upgrades;
    // the upgrade job (chart ≥ 68.4.0, off by default) applies them on every install and upgrade
    // (values.yaml crds.upgradeJob, charts/crds/templates/upgrade/job.yaml @kube-prometheus-stack-82.18.0).
    // A default: the user's values may turn it off.
    const defaults: Values = { crds: { upgradeJob: { enabled: true } } };
    // The user's values are merged in, but routing depends on ours, so ours win.
    return mergeValues(mergeValues(defaults, extra), routing);
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
    /** The Slack channel and the Secret's key of its webhook URL; undefined: errors reach no channel. */
    readonly slack?: { readonly urlKey: string; readonly channel: string };
    /** The Secret's key of Discord's webhook URL; undefined: info events reach no channel. */
    readonly discord?: { readonly urlKey: string };
}

// Receivers never send RESOLVED: a Flux event is a point in time, but it has no `endsAt`, so
// Alertmanager resolves it after the chart's `resolve_timeout` (5m) and would post it again.
// The route groups by namespace, so every alert of a notification shares it: the title names the
// tenant (the Discord message names it per alert).
const SLACK_TITLE = "{{ .CommonLabels.alertname }} in {{ .CommonLabels.namespace }} ({{ .CommonLabels.severity }})";
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

/** A route of the AlertmanagerConfig CRD. */
export interface Route {
    readonly receiver?: string;
    readonly matchers?: readonly Matcher[];
    readonly groupBy?: readonly string[];
    readonly groupWait?: string;
    readonly continue?: boolean;
    readonly routes?: readonly Route[];
}

/**
 * Spec of the AlertmanagerConfig: Flux's events (and nothing else) go to Discord when `info`,
 * to Slack when `error`. A channel that is not configured has no receiver and no route: its
 * events stop at the top route's receiver `default`, which notifies no one (they stay visible in
 * Alertmanager's UI and API until they resolve, and in `flux events`). Throws without any channel:
 * there would be nothing to route.
 */
export function alertmanagerConfigSpec(args: AlertmanagerConfigSpecArgs): { route: Route; receivers: object[] } {
    if (!args.slack && !args.discord) throw new Error("an AlertmanagerConfig needs at least one channel (Slack or Discord)");
    const severity = (value: FluxSeverity): Matcher => ({ name: "severity", value, matchType: "=" });
    const routes: Route[] = [];
    const receivers: object[] = [{ name: "default" }];
    if (args.discord) {
        routes.push({ matchers: [severity("info")], receiver: SEVERITY_RECEIVERS.info, groupWait: "10s" });
    }
    if (args.slack) {
        routes.push({ matchers: [severity("error")], receiver: SEVERITY_RECEIVERS.error });
        receivers.push({
            name: SEVERITY_RECEIVERS.error,
            slackConfigs: [
                {
                    apiURL: { name: args.secretName, key: args.slack.urlKey },
                    channel: args.slack.channel,
                    sendResolved: false,
                    title: SLACK_TITLE,
                    text: SLACK_TEXT,
                },
            ],
        });
    }
    if (args.discord) {
        receivers.push({
            name: SEVERITY_RECEIVERS.info,
            discordConfigs: [
                {
                    apiURL: { name: args.secretName, key: args.discord.urlKey },
                    // Alertmanager's Discord default is true (config/notifiers.go, v0.31.1).
                    sendResolved: false,
                    message: DISCORD_MESSAGE,
                },
            ],
        });
    }
    return {
        route: {
            // The operator requires a receiver on the top route; with both channels the children
            // cover both severities, so it never receives anything.
            receiver: "default",
            // `namespace`: events of two tenants (namespaces) at the same revision stay two
            // notifications, each sent with its own namespace (issue 22).
            groupBy: ["severity", "revision", "namespace"],
            matchers: [
                // Only Flux's events: Prometheus' own info and error alerts match the children too.
                { name: "alertname", value: FLUX_ALERTNAME_REGEX, matchType: "=~" },
                { name: "severity", value: "info|error", matchType: "=~" },
            ],
            routes,
        },
        receivers,
    };
}

/** Spec of the Flux notification Provider that posts to Alertmanager. */
export function alertmanagerProviderSpec(addressSecretName: string): object {
    return { type: "alertmanager", secretRef: { name: addressSecretName } };
}

/**
 * Spec of the Alert that forwards events of `severity` from every Flux kind in `namespaces`. No
 * `eventMetadata`: the alertmanager notifier overwrites a `severity` key with the event's own
 * severity (fluxcd/notification-controller internal/notifier/alertmanager.go, v1.9.3), and any
 * other key would make the two Alerts' copies of an error event differ, so Alertmanager could no
 * longer merge them into one alert.
 */
export function fluxAlertSpec(providerName: string, severity: FluxSeverity, namespaces: readonly string[]): object {
    return {
        providerRef: { name: providerName },
        eventSeverity: severity,
        eventSources: namespaces.flatMap((namespace) =>
            FLUX_EVENT_KINDS.map((kind) => ({ kind, name: "*", namespace })),
        ),
    };
}
