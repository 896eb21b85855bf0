import { strict as assert } from "node:assert";
import { Evaluation, kubernetesObjects, secretPlaceholder } from "../../../scripts/offline";
import { evaluateStack } from "../../helpers/evaluations";
import {
    ALERTMANAGER_CONFIG_MATCHER_STRATEGY,
    alertmanagerAddress,
    FLUX_EVENT_KINDS,
    KUBE_PROMETHEUS_STACK_INHIBIT_RULES,
    kubePrometheusStackValues,
    alertmanagerConfigSpec,
    mergeValues,
} from "../../../components/monitoring/specs";
import { object, objectsOfKind, one, parentOf, providerOf } from "../../helpers/resources";
import { RELEASE } from "../../helpers/types";

/**
 * kube-prometheus-stack's default `alertmanager.config.inhibit_rules`, copied from
 * prometheus-community/helm-charts charts/kube-prometheus-stack/values.yaml at tag
 * kube-prometheus-stack-82.8.0 (conformance/alertmanager runs the whole default config through
 * the operator and Alertmanager).
 */
const CHART_INHIBIT_RULES = [
    { source_matchers: ["severity = critical"], target_matchers: ["severity =~ warning|info"], equal: ["namespace", "alertname"] },
    { source_matchers: ["severity = warning"], target_matchers: ["severity = info"], equal: ["namespace", "alertname"] },
    { source_matchers: ["alertname = InfoInhibitor"], target_matchers: ["severity = info"], equal: ["namespace"] },
    { target_matchers: ["alertname = InfoInhibitor"] },
];

/** An alert's label set, as Alertmanager receives it. */
type Labels = Readonly<Record<string, string>>;

/** Go's `cases.Title(language.Und)` on one word: first letter upper, the rest lower. */
function title(word: string): string {
    return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/**
 * The labels notification-controller posts for an event through an Alert: the combined metadata
 * (here the `revision` the controller attaches, then the Alert's eventMetadata), overwritten by
 * the notifier's own labels (fluxcd/notification-controller internal/notifier/alertmanager.go
 * `Post` and internal/server/event_handlers.go `combineEventMetadata`, v1.9.3).
 */
function fluxEvent(
    event: { kind: string; reason: string; severity: "info" | "error"; namespace: string; name?: string; controller?: string },
    alertEventMetadata: Record<string, string> = {},
): Labels {
    return {
        revision: "main@sha1:0123abcd",
        ...alertEventMetadata,
        alertname: `Flux${event.kind}${title(event.reason)}`,
        severity: event.severity,
        reason: event.reason,
        kind: event.kind,
        name: event.name ?? "echo-server",
        namespace: event.namespace,
        reportingcontroller: event.controller ?? "kustomize-controller",
    };
}

describe("monitoring of the dev stack", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });

    it("installs kube-prometheus-stack with Helm at an exact version in its own namespace", () => {
        const release = one(dev, RELEASE, "monitoring");
        assert.equal(release.inputs.chart, "kube-prometheus-stack");
        assert.equal(release.inputs.version, "82.8.0");
        assert.match(String(release.inputs.version), /^[0-9]+\.[0-9]+\.[0-9]+$/);
        assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://prometheus-community.github.io/helm-charts" });
        assert.equal(release.inputs.name, "kube-prometheus-stack");
        assert.equal(release.inputs.namespace, "monitoring");
        assert.equal(release.inputs.atomic, true);
        assert.equal(release.inputs.cleanupOnFail, true);
        assert.equal(release.inputs.timeout, 900);
        assert.equal(providerOf(dev, release).name, "kubernetes");
        assert.ok(kubernetesObjects(dev).some((o) => o.kind === "Namespace" && (o.metadata as { name: string }).name === "monitoring"));
        const values = release.inputs.values as Record<string, any>;
        assert.deepEqual(values.alertmanager.alertmanagerSpec, {
            alertmanagerConfigMatcherStrategy: { type: "OnNamespaceExceptForAlertmanagerNamespace" },
        });
        assert.equal(values.fullnameOverride, "kube-prometheus-stack");
    });

    it("overrides only the InfoInhibitor rule of the chart's inhibit rules, so it spares Flux's events", () => {
        const values = one(dev, RELEASE, "monitoring").inputs.values as Record<string, any>;
        assert.deepEqual(KUBE_PROMETHEUS_STACK_INHIBIT_RULES, CHART_INHIBIT_RULES);
        assert.deepEqual(Object.keys(values.alertmanager.config), ["inhibit_rules"], "the chart's route and receivers stay");
        assert.deepEqual(values.alertmanager.config.inhibit_rules, [
            CHART_INHIBIT_RULES[0],
            CHART_INHIBIT_RULES[1],
            { source_matchers: ["alertname = InfoInhibitor"], target_matchers: ["severity = info", 'alertname !~ "Flux.+"'], equal: ["namespace"] },
            CHART_INHIBIT_RULES[3],
        ]);
    });

    it("merges extra values from config but keeps the strategy and inhibit rules routing depends on", () => {
        const values = kubePrometheusStackValues("kps", {
            grafana: { enabled: false },
            alertmanager: {
                alertmanagerSpec: { replicas: 2, alertmanagerConfigMatcherStrategy: { type: "None" } },
                config: { global: { resolve_timeout: "10m" }, inhibit_rules: [] },
            },
        }) as Record<string, any>;
        assert.deepEqual(values.grafana, { enabled: false });
        assert.equal(values.alertmanager.alertmanagerSpec.replicas, 2);
        assert.deepEqual(values.alertmanager.alertmanagerSpec.alertmanagerConfigMatcherStrategy, { type: ALERTMANAGER_CONFIG_MATCHER_STRATEGY });
        assert.deepEqual(values.alertmanager.config.global, { resolve_timeout: "10m" });
        assert.equal(values.alertmanager.config.inhibit_rules.length, 4);
        assert.deepEqual(mergeValues({ a: { b: 1, c: [1] } }, { a: { c: [2] } }), { a: { b: 1, c: [2] } });
    });

    it("rejects values that would move Alertmanager or replace its configuration", () => {
        assert.throws(
            () => kubePrometheusStackValues("kps", { alertmanager: { namespaceOverride: "alerts", stringConfig: "route: {}" } }),
            {
                message:
                    "unsupported kube-prometheus-stack values: alertmanager.namespaceOverride: Alertmanager must run in the release namespace; " +
                    "alertmanager.stringConfig: would replace the Flux inhibit rules",
            },
        );
        assert.throws(() => kubePrometheusStackValues("kps", { alertmanager: { config: "route: {}" } }), {
            message: "unsupported kube-prometheus-stack values: alertmanager.config: must be a map, so the Flux inhibit rules can be merged into it",
        });
        assert.doesNotThrow(() => kubePrometheusStackValues("kps", { alertmanager: { namespaceOverride: "", stringConfig: "" } }));
    });

    it("brings the Slack and Discord webhook URLs from SSM through an ExternalSecret the AlertmanagerConfig reads", () => {
        const slack = one(dev, "aws:ssm/parameter:Parameter", "slack-webhook-url");
        const discord = one(dev, "aws:ssm/parameter:Parameter", "discord-webhook-url");
        assert.deepEqual([slack.inputs.type, discord.inputs.type], ["SecureString", "SecureString"]);
        assert.equal(slack.inputs.value, secretPlaceholder("flux-gitops:slackWebhookUrl"));
        assert.equal(discord.inputs.value, secretPlaceholder("flux-gitops:discordWebhookUrl"));
        const external = object(dev, "ExternalSecret", "flux");
        assert.equal(external.metadata.namespace, "monitoring");
        assert.deepEqual(external.spec.data, [
            { secretKey: "slack-webhook-url", remoteRef: { key: slack.inputs.name } },
            { secretKey: "discord-webhook-url", remoteRef: { key: discord.inputs.name } },
        ]);
        const config = object(dev, "AlertmanagerConfig", "flux");
        const receivers = config.spec.receivers as Record<string, any>[];
        const slackConfig = receivers.find((r) => r.name === "slack")?.slackConfigs[0];
        const discordConfig = receivers.find((r) => r.name === "discord")?.discordConfigs[0];
        assert.deepEqual(slackConfig.apiURL, { name: external.spec.target.name, key: "slack-webhook-url" });
        assert.deepEqual(discordConfig.apiURL, { name: external.spec.target.name, key: "discord-webhook-url" });
        assert.equal(slackConfig.channel, "#flux-dev");
        // Flux events have no endsAt: resolved after resolve_timeout, they must not be posted again.
        assert.equal(slackConfig.sendResolved, false);
        assert.equal(discordConfig.sendResolved, false);
        assert.match(slackConfig.text, /\.Labels\.SortedPairs/);
        assert.match(discordConfig.message, /\.Annotations\.message/);
    });

    it("makes the AlertmanagerConfig wait for the Helm release that brings its CRD", () => {
        const config = dev.resources.find((r) => r.inputs.kind === "AlertmanagerConfig");
        assert.ok(config);
        assert.equal(parentOf(dev, config)?.type, "flux-gitops:monitoring:Monitoring");
        assert.equal(object(dev, "AlertmanagerConfig", "flux").metadata.namespace, "monitoring");
    });

    it("gives an error event posted through both Alerts one label set, so Alertmanager keeps one alert", () => {
        const event = { kind: "Kustomization", reason: "ReconciliationFailed", severity: "error" as const, namespace: "flux-system" };
        const [info, error] = ["info", "error"].map((name) => object(dev, "Alert", name, "flux-system").spec.eventMetadata as Record<string, string> | undefined);
        assert.deepEqual(fluxEvent(event, info), fluxEvent(event, error));
        // A severity in eventMetadata would be overwritten by the notifier anyway.
        assert.equal(fluxEvent(event, { severity: "info" }).severity, "error");
    });

    it("points Flux's alertmanager Provider of the Flux namespace and of each tenant's at the release's Alertmanager service", () => {
        const release = one(dev, RELEASE, "monitoring");
        for (const namespace of ["flux-system", "echo-server"]) {
            const provider = object(dev, "Provider", "alertmanager", namespace);
            assert.equal(provider.apiVersion, "notification.toolkit.fluxcd.io/v1beta3");
            assert.deepEqual(provider.spec, { type: "alertmanager", secretRef: { name: "alertmanager-address" } });
            const secret = object(dev, "Secret", "alertmanager-address", namespace);
            assert.deepEqual(secret.stringData, {
                address: alertmanagerAddress(String(release.inputs.name), String(release.inputs.namespace)),
            });
            assert.equal(secret.stringData.address, "http://kube-prometheus-stack-alertmanager.monitoring:9093/api/v2/alerts");
        }
    });

    it("forwards info and error events of every Flux kind, each namespace's through Alerts of that namespace", () => {
        // Under the lockdown an Alert receives only the events of its own namespace
        // (notification-controller v1.9.1 internal/server/event_handlers.go, noCrossNamespaceRefs),
        // and eventSources[].namespace has no wildcard: the tenant posts its own events.
        for (const namespace of ["flux-system", "echo-server"]) {
            for (const severity of ["info", "error"]) {
                const alert = object(dev, "Alert", severity, namespace);
                assert.deepEqual(alert.spec.providerRef, { name: "alertmanager" });
                assert.equal(alert.spec.eventSeverity, severity);
                assert.equal(alert.spec.eventMetadata, undefined);
                assert.deepEqual(
                    alert.spec.eventSources,
                    FLUX_EVENT_KINDS.map((kind) => ({ kind, name: "*", namespace })),
                );
            }
        }
        const alertNamespaces = objectsOfKind(dev, "Alert")
            .filter((r) => (r.inputs.spec as { providerRef: { name: string } }).providerRef.name === "alertmanager")
            .map((r) => (r.inputs.metadata as { namespace: string }).namespace);
        assert.deepEqual(alertNamespaces.sort(), ["echo-server", "echo-server", "flux-system", "flux-system"]);
        const kinds = new Set(kubernetesObjects(dev).map((o) => String(o.kind)));
        for (const kind of ["GitRepository", "Kustomization", "ImageRepository", "ImagePolicy", "ImageUpdateAutomation"]) {
            assert.ok(kinds.has(kind) && FLUX_EVENT_KINDS.includes(kind), kind);
        }
    });

    it("keeps the webhook URLs out of every Kubernetes object and every plain output", () => {
        const urls = [secretPlaceholder("flux-gitops:slackWebhookUrl"), secretPlaceholder("flux-gitops:discordWebhookUrl")];
        const objects = JSON.stringify(kubernetesObjects(dev));
        const release = JSON.stringify(one(dev, RELEASE, "monitoring").inputs);
        for (const url of urls) {
            assert.ok(!objects.includes(url));
            assert.ok(!release.includes(url));
            for (const [name, value] of Object.entries(dev.outputs)) {
                if (!dev.secretOutputs.includes(name)) assert.ok(!JSON.stringify(value).includes(url), name);
            }
        }
    });
});

describe("monitoring with one channel, or none", () => {
    // Where each event then lands is judged by Alertmanager's own code on the renders dev-slack and
    // dev-discord: conformance/alertmanager TestFluxEventsReachTheirChannelAndNothingElseDoes.
    for (const [channel, unset, kept, receiver] of [
        ["Discord", "slackWebhookUrl", "discordWebhookUrl", "discord"],
        ["Slack", "discordWebhookUrl", "slackWebhookUrl", "slack"],
    ] as const) {
        it(`routes only ${channel}: its events there, the others to no receiver that notifies`, async () => {
            const stack = await evaluateStack("dev", { [unset]: undefined });
            const other = unset === "slackWebhookUrl" ? "slack-webhook-url" : "discord-webhook-url";
            assert.equal(stack.resources.filter((r) => r.name === other).length, 0, `no ${other} parameter`);
            const external = object(stack, "ExternalSecret", "flux", "monitoring");
            assert.deepEqual(
                external.spec.data.map((d: { secretKey: string }) => d.secretKey),
                [kept === "slackWebhookUrl" ? "slack-webhook-url" : "discord-webhook-url"],
            );
            const spec = object(stack, "AlertmanagerConfig", "flux").spec;
            assert.deepEqual(spec.receivers.map((r: { name: string }) => r.name), ["default", receiver]);
            assert.deepEqual(spec.route.routes.map((r: { receiver: string }) => r.receiver), [receiver]);
            // The other severity stops at the top route's receiver `default`, which has no
            // notifier: the event stays visible in Alertmanager (UI, API) and nowhere else.
            assert.equal(spec.route.receiver, "default");
            assert.deepEqual(spec.receivers.find((r: { name: string }) => r.name === "default"), { name: "default" });
        });
    }

    it("makes no AlertmanagerConfig and no ExternalSecret without a channel, and still installs Alertmanager for Flux", async () => {
        const stack = await evaluateStack("dev", { slackWebhookUrl: undefined, discordWebhookUrl: undefined });
        assert.equal(stack.resources.filter((r) => r.inputs.kind === "AlertmanagerConfig").length, 0);
        assert.equal(stack.resources.filter((r) => r.name === "monitoring-webhooks").length, 0);
        assert.equal(stack.resources.filter((r) => /(slack|discord)-webhook-url/.test(r.name)).length, 0);
        one(stack, RELEASE, "monitoring");
        assert.equal(object(stack, "Secret", "alertmanager-address", "flux-system").stringData.address, "http://kube-prometheus-stack-alertmanager.monitoring:9093/api/v2/alerts");
        assert.throws(() => alertmanagerConfigSpec({ secretName: "s" }), { message: "an AlertmanagerConfig needs at least one channel (Slack or Discord)" });
    });
});
