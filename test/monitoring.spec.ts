import { strict as assert } from "node:assert";
import { Evaluation, evaluateStack, kubernetesObjects, secretPlaceholder } from "../scripts/offline";
import {
    alertmanagerAddress,
    alertmanagerConfigSpec,
    FLUX_EVENT_KINDS,
    kubePrometheusStackValues,
    mergeValues,
    Route,
    routeAlert,
} from "../components/monitoring/specs";
import { object, one, parentOf, providerOf } from "./helpers";

const RELEASE = "kubernetes:helm.sh/v3:Release";

/** The labels notification-controller's alertmanager notifier sends for an event. */
function fluxAlertLabels(severity: string, namespace = "flux-system"): Record<string, string> {
    return {
        alertname: "FluxKustomizationReconciliationFailed",
        severity,
        reason: "ReconciliationFailed",
        kind: "Kustomization",
        name: "echo-server",
        namespace,
        reportingcontroller: "kustomize-controller",
        revision: "main@sha1:0123",
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
        assert.deepEqual(values.alertmanager.alertmanagerSpec.alertmanagerConfigMatcherStrategy, { type: "None" });
        assert.equal(values.fullnameOverride, "kube-prometheus-stack");
    });

    it("merges extra values from config but keeps the matcher strategy routing depends on", () => {
        const values = kubePrometheusStackValues("kps", {
            grafana: { enabled: false },
            alertmanager: { alertmanagerSpec: { replicas: 2, alertmanagerConfigMatcherStrategy: { type: "OnNamespace" } } },
        }) as Record<string, any>;
        assert.deepEqual(values.grafana, { enabled: false });
        assert.equal(values.alertmanager.alertmanagerSpec.replicas, 2);
        assert.deepEqual(values.alertmanager.alertmanagerSpec.alertmanagerConfigMatcherStrategy, { type: "None" });
        assert.deepEqual(mergeValues({ a: { b: 1, c: [1] } }, { a: { c: [2] } }), { a: { b: 1, c: [2] } });
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
        assert.equal(slackConfig.sendResolved, true);
        assert.match(slackConfig.text, /\.Labels\.SortedPairs/);
        assert.match(discordConfig.message, /\.Annotations\.message/);
    });

    it("makes the AlertmanagerConfig wait for the Helm release that brings its CRD", () => {
        const config = dev.resources.find((r) => r.inputs.kind === "AlertmanagerConfig");
        assert.ok(config);
        assert.equal(parentOf(dev, config)?.type, "flux-gitops:monitoring:Monitoring");
        assert.equal(object(dev, "AlertmanagerConfig", "flux").metadata.namespace, "monitoring");
    });

    it("routes Flux info events to Discord and errors to Slack under the configured strategy", () => {
        const route = object(dev, "AlertmanagerConfig", "flux").spec.route as Route;
        assert.deepEqual(route.groupBy, ["severity", "revision"]);
        assert.equal(routeAlert(route, fluxAlertLabels("info"), { type: "None" }), "discord");
        assert.equal(routeAlert(route, fluxAlertLabels("error"), { type: "None" }), "slack");
        assert.equal(routeAlert(route, fluxAlertLabels("trace"), { type: "None" }), undefined, "other severities are not Flux's");
    });

    it("would drop Flux's alerts under the operator's default OnNamespace strategy", () => {
        const route = alertmanagerConfigSpec({ secretName: "s", slackUrlKey: "a", discordUrlKey: "b", slackChannel: "#c" }).route;
        const onNamespace = { type: "OnNamespace" as const, namespace: "monitoring" };
        assert.equal(routeAlert(route, fluxAlertLabels("info"), onNamespace), undefined);
        assert.equal(routeAlert(route, fluxAlertLabels("error"), onNamespace), undefined);
        // Only an object that happened to live in the monitoring namespace would get through.
        assert.equal(routeAlert(route, fluxAlertLabels("error", "monitoring"), onNamespace), "slack");
    });

    it("points Flux's alertmanager Provider at the release's Alertmanager service", () => {
        const provider = object(dev, "Provider", "alertmanager");
        assert.equal(provider.apiVersion, "notification.toolkit.fluxcd.io/v1beta3");
        assert.deepEqual(provider.spec, { type: "alertmanager", secretRef: { name: "alertmanager-address" } });
        const secret = object(dev, "Secret", "alertmanager-address");
        const release = one(dev, RELEASE, "monitoring");
        assert.deepEqual(secret.stringData, {
            address: alertmanagerAddress(String(release.inputs.name), String(release.inputs.namespace)),
        });
        assert.equal(secret.stringData.address, "http://kube-prometheus-stack-alertmanager.monitoring:9093/api/v2/alerts");
    });

    it("forwards info and error events of every Flux kind the stack creates", () => {
        for (const severity of ["info", "error"]) {
            const alert = object(dev, "Alert", severity);
            assert.equal(alert.metadata.namespace, "flux-system");
            assert.deepEqual(alert.spec.providerRef, { name: "alertmanager" });
            assert.equal(alert.spec.eventSeverity, severity);
            assert.deepEqual(alert.spec.eventMetadata, { severity });
            assert.deepEqual(
                alert.spec.eventSources,
                FLUX_EVENT_KINDS.map((kind) => ({ kind, name: "*", namespace: "flux-system" })),
            );
        }
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
