/**
 * The monitoring components, each used on its own (built under Pulumi's mocks, without the
 * composition root): what each registers, with which inputs, and what it waits for when no store
 * or Flux install is passed. `dependencies` are the URNs of the RegisterResourceRequest.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { FluxAlerts } from "../../../components/monitoring/flux-alerts";
import { Monitoring, MonitoringArgs } from "../../../components/monitoring/monitoring";
import { one, record, recordState, refusal, waitsFor } from "../../helpers/record";
import { ALERT, ALERTMANAGER_CONFIG, EXTERNAL_SECRET, PROVIDER, RELEASE, SECRET } from "../../helpers/types";

describe("the monitoring components on their own", () => {
    describe("FluxAlerts", () => {
        it("with nothing to wait for: the Provider waits for its address Secret, the Alerts for the Provider", async () => {
            const registered = await record(
                () => new FluxAlerts("flux-alerts", { fluxNamespace: "flux-system", providerName: "alertmanager", alertmanagerAddress: "http://am:9093/api/v2/alerts" }),
            );
            assert.deepEqual(one(registered, SECRET, "flux-alerts-address").inputs, {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "alertmanager-address", namespace: "flux-system" },
                type: "Opaque",
                stringData: { address: "http://am:9093/api/v2/alerts" },
            });
            assert.deepEqual(waitsFor(one(registered, SECRET, "flux-alerts-address")), []);
            assert.deepEqual(waitsFor(one(registered, PROVIDER, "flux-alerts-provider")), ["flux-alerts-address"]);
            assert.deepEqual(waitsFor(one(registered, ALERT, "flux-alerts-info")), ["flux-alerts-provider"]);
            assert.deepEqual(waitsFor(one(registered, ALERT, "flux-alerts-error")), ["flux-alerts-provider"]);
        });
    });

    describe("Monitoring", () => {
        const monitoringArgs = (extraValues: Record<string, unknown>): MonitoringArgs => ({
            namespace: "monitoring",
            releaseName: "kps",
            chartVersion: "82.18.0",
            helmTimeoutSeconds: 600,
            extraValues,
            alertmanagerConfigName: "flux",
            slackChannel: "#alerts",
            slackWebhookParameter: { name: "/monitoring/slack", version: 2 },
            discordWebhookParameter: { name: "/monitoring/discord", version: 5 },
            clusterSecretStore: "aws-parameter-store",
            refreshInterval: "1h",
        });

        it("installs the chart once its namespace exists, and loads the AlertmanagerConfig once the chart (its CRD) and the webhooks' Secret exist", async () => {
            const registered = await record(() => new Monitoring("monitoring", monitoringArgs({})));
            assert.deepEqual(waitsFor(one(registered, RELEASE, "monitoring")), ["monitoring-namespace"]);
            assert.deepEqual(waitsFor(one(registered, ALERTMANAGER_CONFIG, "monitoring-alertmanager-config")), ["monitoring", "monitoring-webhooks"]);
        });

        it("records the release's name in the state", async () => {
            const { outputs } = await recordState(() => new Monitoring("monitoring", monitoringArgs({})));
            assert.deepEqual(outputs.get("flux-gitops:monitoring:Monitoring::monitoring"), { releaseName: "kps" });
        });

        it("without a store to wait for: the webhooks' ExternalSecret waits only for the namespace", async () => {
            const registered = await record(() => new Monitoring("monitoring", monitoringArgs({})));
            assert.deepEqual(waitsFor(one(registered, EXTERNAL_SECRET, "monitoring-webhooks")), ["monitoring-namespace"]);
        });

        it("refuses unsupported chart values, naming every one, before creating anything", async () => {
            const { error, registered } = await refusal(
                () => new Monitoring("monitoring", monitoringArgs({ alertmanager: { namespaceOverride: "elsewhere", stringConfig: "route: {}" } })),
            );
            assert.ok(error instanceof pulumi.ResourceError, `not a ResourceError: ${String(error)}`);
            assert.equal(
                error.message,
                "unsupported kube-prometheus-stack values: alertmanager.namespaceOverride: Alertmanager must run in the release namespace; " +
                    "alertmanager.stringConfig: would replace the Flux inhibit rules",
            );
            assert.deepEqual(registered, ["flux-gitops:monitoring:Monitoring"]);
        });
    });
});
