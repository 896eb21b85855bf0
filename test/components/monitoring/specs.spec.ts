import { strict as assert } from "node:assert";
import { alertmanagerConfigSpec, kubePrometheusStackValues, mergeValues, unsupportedValues } from "../../../components/monitoring/specs";

/**
 * The pure builders of components/monitoring/specs.ts, called directly: the chart values and the
 * AlertmanagerConfig spec. Where Alertmanager sends what they configure is judged by
 * prometheus-operator's and Alertmanager's own code in conformance/alertmanager.
 */
describe("monitoring spec builders", () => {
    describe("chart values", () => {
        it("lets a scalar or null in the user's values replace a whole map of defaults", () => {
            assert.deepEqual(
                mergeValues({ crds: { upgradeJob: { enabled: true } } }, { crds: { upgradeJob: false } }),
                { crds: { upgradeJob: false } },
            );
            // Helm deletes a chart default set to null (helm.sh chart_template_guide/values_files,
            // "Deleting a default key"), so the null is passed on as it is.
            assert.deepEqual(mergeValues({ grafana: { enabled: true, replicas: 1 } }, { grafana: null }), { grafana: null });
            assert.deepEqual(kubePrometheusStackValues("kps", { crds: null }).crds, null);
        });

        it("takes a null alertmanager.config for what it is, not a map our inhibit rules could merge into", () => {
            assert.deepEqual(unsupportedValues({ alertmanager: { config: null } }), [
                "alertmanager.config: must be a map, so the Flux inhibit rules can be merged into it",
            ]);
            assert.throws(() => kubePrometheusStackValues("kps", { alertmanager: { config: null } }), {
                message: "unsupported kube-prometheus-stack values: alertmanager.config: must be a map, so the Flux inhibit rules can be merged into it",
            });
            // A null alertmanager section leaves nothing to object to: our routing values replace it.
            assert.deepEqual(unsupportedValues({ alertmanager: null }), []);
        });
    });

    describe("the AlertmanagerConfig spec", () => {
        it("routes Flux's info events to Discord after 10s and its errors to Slack, one notification per namespace, under a default receiver that gets nothing", () => {
            const spec = alertmanagerConfigSpec({
                secretName: "flux-webhooks",
                slack: { urlKey: "slack-webhook-url", channel: "#flux-prod" },
                discord: { urlKey: "discord-webhook-url" },
            });
            assert.deepEqual(spec, {
                route: {
                    receiver: "default",
                    groupBy: ["severity", "revision", "namespace"],
                    matchers: [
                        { name: "alertname", value: "Flux.+", matchType: "=~" },
                        { name: "severity", value: "info|error", matchType: "=~" },
                    ],
                    routes: [
                        { matchers: [{ name: "severity", value: "info", matchType: "=" }], receiver: "discord", groupWait: "10s" },
                        { matchers: [{ name: "severity", value: "error", matchType: "=" }], receiver: "slack" },
                    ],
                },
                receivers: [
                    { name: "default" },
                    {
                        name: "slack",
                        slackConfigs: [
                            {
                                apiURL: { name: "flux-webhooks", key: "slack-webhook-url" },
                                channel: "#flux-prod",
                                sendResolved: false,
                                title: "{{ .CommonLabels.alertname }} in {{ .CommonLabels.namespace }} ({{ .CommonLabels.severity }})",
                                text:
                                    "{{ range .Alerts -}}\n" +
                                    "*{{ .Annotations.message }}*\n" +
                                    "{{ range .Labels.SortedPairs }}• {{ .Name }}: `{{ .Value }}`\n" +
                                    "{{ end }}\n" +
                                    "{{ end }}",
                            },
                        ],
                    },
                    {
                        name: "discord",
                        discordConfigs: [
                            {
                                apiURL: { name: "flux-webhooks", key: "discord-webhook-url" },
                                sendResolved: false,
                                message:
                                    "{{ range .Alerts -}}\n" +
                                    "**{{ .Labels.kind }}/{{ .Labels.namespace }}/{{ .Labels.name }}** ({{ .Labels.reason }}): {{ .Annotations.message }}\n" +
                                    "{{ end }}",
                            },
                        ],
                    },
                ],
            });
        });
    });
});
