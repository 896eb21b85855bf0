import { strict as assert } from "node:assert";
import {
    AlertmanagerConfigFile,
    alertmanagerConfigSpec,
    generatedAlertmanagerConfig,
    kubePrometheusStackValues,
    Labels,
    mergeValues,
    notifiedReceivers,
    parseMatcher,
    PlacedAlertmanagerConfig,
    unsupportedValues,
} from "../components/monitoring/specs";

/**
 * The pure builders of components/monitoring/specs.ts, called directly: the chart values, the
 * AlertmanagerConfig spec, and the model of the operator's config generation and of Alertmanager's
 * matchers, routing and inhibition that test/monitoring.spec.ts checks the stack against.
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
        it("routes Flux's info events to Discord after 10s and its errors to Slack, under a default receiver that gets nothing", () => {
            const spec = alertmanagerConfigSpec({
                secretName: "flux-webhooks",
                slack: { urlKey: "slack-webhook-url", channel: "#flux-prod" },
                discord: { urlKey: "discord-webhook-url" },
            });
            assert.deepEqual(spec, {
                route: {
                    receiver: "default",
                    groupBy: ["severity", "revision"],
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
                                title: "{{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})",
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

    describe("Alertmanager's matcher syntax (parseMatcher)", () => {
        it("rejects a label name that does not start the matcher or is not a Prometheus label name", () => {
            assert.throws(() => parseMatcher('0team="a"'), { message: 'bad matcher format: 0team="a"' });
            assert.throws(() => parseMatcher('alert-name="Watchdog"'), { message: 'bad matcher format: alert-name="Watchdog"' });
        });

        it("keeps the whitespace inside a value, quoted or not, and trims it around", () => {
            assert.deepEqual(parseMatcher('summary = "disk almost full" '), { name: "summary", matchType: "=", value: "disk almost full" });
            assert.deepEqual(parseMatcher("reason != Health check failed"), { name: "reason", matchType: "!=", value: "Health check failed" });
        });

        // The cases below are prometheus/alertmanager pkg/labels/parse_test.go `TestMatchers`, v0.31.1.
        const value = (text: string) => parseMatcher(text).value;

        it("unquotes a value only when a double quote opens and closes it", () => {
            assert.deepEqual(parseMatcher("severity = info"), { name: "severity", matchType: "=", value: "info" });
            assert.deepEqual(parseMatcher('namespace = ""'), { name: "namespace", matchType: "=", value: "" });
            assert.deepEqual(parseMatcher("job="), { name: "job", matchType: "=", value: "" });
            assert.deepEqual(parseMatcher("tricky=~~~"), { name: "tricky", matchType: "=~", value: "~~" });
            assert.equal(value('contains_quote != "\\""'), '"');
        });

        it("refuses a double quote that does not open and close the value", () => {
            for (const [text, raw] of [
                ['job="value', '"value'],
                ['job=value"', 'value"'],
                ['trickier==\\\\=\\=\\""', '=\\\\=\\=\\""'],
                ['contains_unescaped_quote = foo"bar', 'foo"bar'],
                ['a="', '"'],
            ]) {
                assert.throws(() => parseMatcher(text), { message: `matcher value contains unescaped double quote: ${raw}` }, text);
            }
        });

        it("reads OpenMetrics escapes in a quoted value: \\n a line feed, \\\" a quote, \\\\ a backslash", () => {
            assert.deepEqual(parseMatcher('message = "line 1\\nline \\"2\\" \\\\ end"'), {
                name: "message",
                matchType: "=",
                value: 'line 1\nline "2" \\ end',
            });
        });

        it("reads them in an unquoted value too; another escaped character, or a backslash at the end, stays a backslash", () => {
            assert.equal(value("foo=bar\\n"), "bar\n");
            assert.equal(value('foo=bar\\"'), 'bar"');
            assert.equal(value("foo=bar\\\\"), "bar\\");
            assert.equal(value("foo=bar\\t"), "bar\\t");
            assert.equal(value("foo=bar\\"), "bar\\");
            assert.equal(value('trickier==\\\\=\\=\\"'), '=\\=\\="');
        });
    });

    describe("the operator's configuration of AlertmanagerConfig objects (generatedAlertmanagerConfig)", () => {
        const chartRoute = { receiver: "null", routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }] };

        it("converts a route tree: receivers prefixed, matchers as strings, children keep their own continue", () => {
            const team: PlacedAlertmanagerConfig = {
                namespace: "apps",
                name: "team",
                route: {
                    receiver: "pager",
                    matchers: [{ name: "severity", value: "critical", matchType: "=" }],
                    routes: [
                        { receiver: "dev", matchers: [{ name: "env", value: "prod", matchType: "!=" }], continue: true },
                        { receiver: "ops" },
                        { matchers: [{ name: "env", value: "prod", matchType: "=" }], continue: false },
                    ],
                },
            };
            const generated = generatedAlertmanagerConfig({ route: chartRoute }, [team], "OnNamespace", "monitoring");
            assert.deepEqual(generated, {
                route: {
                    receiver: "null",
                    routes: [
                        {
                            receiver: "apps/team/pager",
                            // The object's own matchers stay, the namespace matcher comes last.
                            matchers: ['severity="critical"', 'namespace="apps"'],
                            // Every object's top route continues, so the next objects and the chart's routes see the alert too.
                            continue: true,
                            routes: [
                                { receiver: "apps/team/dev", matchers: ['env!="prod"'], continue: true, routes: [] },
                                { receiver: "apps/team/ops", matchers: [], continue: false, routes: [] },
                                { receiver: undefined, matchers: ['env="prod"'], continue: false, routes: [] },
                            ],
                        },
                        // The chart's own routes come after the objects'.
                        { receiver: "null", matchers: ['alertname = "Watchdog"'] },
                    ],
                },
            });
        });

        it("adds no namespace matcher under the None strategy, wherever the object lives", () => {
            const config: PlacedAlertmanagerConfig = {
                namespace: "apps",
                name: "team",
                route: { receiver: "pager", matchers: [{ name: "severity", value: "critical", matchType: "=" }] },
            };
            assert.deepEqual(generatedAlertmanagerConfig({ route: { receiver: "null" } }, [config], "None", "monitoring").route.routes, [
                { receiver: "apps/team/pager", matchers: ['severity="critical"'], continue: true, routes: [] },
            ]);
            assert.deepEqual(
                generatedAlertmanagerConfig({ route: { receiver: "null" } }, [config], "OnNamespaceExceptForAlertmanagerNamespace", "monitoring")
                    .route.routes?.[0].matchers,
                ['severity="critical"', 'namespace="apps"'],
            );
        });

        it("puts the objects' routes in namespace/name order, before a chart route that has no children", () => {
            const placed = (namespace: string, name: string): PlacedAlertmanagerConfig => ({ namespace, name, route: { receiver: "r" } });
            const generated = generatedAlertmanagerConfig(
                { route: { receiver: "null" }, inhibit_rules: [{ target_matchers: ["alertname = InfoInhibitor"] }] },
                [placed("monitoring", "flux"), placed("apps", "web"), placed("monitoring", "apps"), placed("apps", "api")],
                "None",
                "monitoring",
            );
            assert.deepEqual(generated, {
                route: {
                    receiver: "null",
                    routes: ["apps/api/r", "apps/web/r", "monitoring/apps/r", "monitoring/flux/r"].map((receiver) => ({
                        receiver,
                        matchers: [],
                        continue: true,
                        routes: [],
                    })),
                },
                inhibit_rules: [{ target_matchers: ["alertname = InfoInhibitor"] }],
            });
        });

        it("writes matcher values with OpenMetrics escapes, which Alertmanager's parser reads back", () => {
            // prometheus-operator Matcher.String, openMetricsEscape: `\` → `\\`, line feed → `\n`, `"` → `\"`.
            const value = 'C:\\flux\nsaid "done"';
            const generated = generatedAlertmanagerConfig(
                { route: { receiver: "null" } },
                [{ namespace: "monitoring", name: "flux", route: { receiver: "r", matchers: [{ name: "message", value, matchType: "=~" }] } }],
                "OnNamespaceExceptForAlertmanagerNamespace",
                "monitoring",
            );
            const matchers = generated.route.routes?.[0].matchers ?? [];
            assert.deepEqual(matchers, ['message=~"C:\\\\flux\\nsaid \\"done\\""']);
            assert.deepEqual(parseMatcher(matchers[0]), { name: "message", matchType: "=~", value });
        });
    });

    describe("Alertmanager's routing and inhibition (notifiedReceivers)", () => {
        it("matches a missing label as the empty string", () => {
            const config: AlertmanagerConfigFile = {
                route: { receiver: "root", routes: [{ matchers: ['env=""'], receiver: "unlabelled" }] },
            };
            assert.deepEqual(notifiedReceivers(config, [{ alertname: "NodeDown" }, { alertname: "NodeDown", env: "prod" }]), [
                ["unlabelled"],
                ["root"],
            ]);
        });

        it("counts a missing label and an empty one as equal when comparing source and target", () => {
            const config: AlertmanagerConfigFile = {
                route: { receiver: "root" },
                inhibit_rules: [{ source_matchers: ['alertname="ClusterDown"'], target_matchers: ['severity="warning"'], equal: ["cluster"] }],
            };
            const firing: Labels[] = [
                { alertname: "ClusterDown", severity: "critical", cluster: "" },
                { alertname: "DiskFull", severity: "warning" },
                { alertname: "DiskFull", severity: "warning", cluster: "eu" },
            ];
            assert.deepEqual(notifiedReceivers(config, firing), [["root"], [], ["root"]]);
        });

        it("gives an alert no receiver at all when the tree does not match it, and an empty name when the tree names none", () => {
            // Alertmanager refuses both trees ("root route must not have any matchers", "root route must
            // specify a default receiver", prometheus/alertmanager config/config.go); the model answers anyway.
            const filtered: AlertmanagerConfigFile = { route: { receiver: "root", matchers: ['team="a"'] } };
            assert.deepEqual(notifiedReceivers(filtered, [{ team: "b" }, { team: "a" }]), [[], ["root"]]);
            const unnamed: AlertmanagerConfigFile = { route: { routes: [{ matchers: ['team="a"'], receiver: "a" }] } };
            assert.deepEqual(notifiedReceivers(unnamed, [{ team: "b" }, { team: "a" }]), [[""], ["a"]]);
        });
    });
});
