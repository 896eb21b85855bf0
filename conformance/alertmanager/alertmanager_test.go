// Package alertmanager judges the monitoring the stack renders with the code that runs it:
// prometheus-operator's configuration generator (pkg/alertmanager, v0.89.0, the operator of
// kube-prometheus-stack 82.8.0) turns the chart's configuration and the rendered
// AlertmanagerConfig into alertmanager.yaml, which Alertmanager's own `config.Load`, route tree
// (`dispatch`) and inhibitor (`inhibit`) at v0.31.1 (the chart's alertmanager image) then judge
// against the labels Flux's notification-controller posts.
package alertmanager

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blang/semver/v4"
	"github.com/google/go-cmp/cmp"
	amoperator "github.com/prometheus-operator/prometheus-operator/pkg/alertmanager"
	amvalidation "github.com/prometheus-operator/prometheus-operator/pkg/alertmanager/validation/v1alpha1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	"github.com/prometheus-operator/prometheus-operator/pkg/assets"
	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/featurecontrol"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/alertmanager/matcher/compat"
	"github.com/prometheus/alertmanager/provider/mem"
	amtemplate "github.com/prometheus/alertmanager/template"
	"github.com/prometheus/alertmanager/types"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"flux-gitops/conformance/internal/render"
)

var nop = slog.New(slog.NewTextHandler(io.Discard, nil))

func init() {
	// As cmd/alertmanager/main.go does with no --enable-feature: the UTF-8 matcher parser with
	// the classic one as fallback (matcher/compat/parse.go `InitFromFlags`, v0.31.1).
	compat.InitFromFlags(nop, featurecontrol.NoopFlags{})
}

// intended is where each Flux severity must go (components/monitoring/specs.ts SEVERITY_RECEIVERS,
// issue 24): info to Discord, error to Slack.
var intended = map[string]string{"info": "discord", "error": "slack"}

// sampleURL is the value the test puts in SSM for a parameter: a distinct URL per parameter, so
// the generated configuration shows which parameter reached which receiver.
func sampleURL(parameter string) string {
	return "https://hooks.example.com/ssm" + parameter
}

// webhookSecrets are the Secrets External Secrets writes for the render's ExternalSecrets that
// carry no template (the externalsecrets suite judges the templated ones): each key holds the
// sample value of its SSM parameter (pkg/controllers/externalsecret/externalsecret_controller_template.go
// `ApplyTemplate`, v2.9.0: without a template, data is copied as is).
func webhookSecrets(t *testing.T, r *render.Render) []any {
	t.Helper()
	var out []any
	for _, es := range r.Kind("ExternalSecret") {
		spec, _ := es.Object["spec"].(map[string]any)
		target, _ := spec["target"].(map[string]any)
		if target["template"] != nil {
			continue
		}
		name, _ := target["name"].(string)
		if name == "" {
			name = es.GetName()
		}
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: es.GetNamespace()}, Data: map[string][]byte{}}
		data, _ := spec["data"].([]any)
		for _, d := range data {
			m, _ := d.(map[string]any)
			key, _ := m["secretKey"].(string)
			remote, _ := m["remoteRef"].(map[string]any)
			param, _ := remote["key"].(string)
			s.Data[key] = []byte(sampleURL(param))
		}
		out = append(out, s)
	}
	return out
}

// generated is Alertmanager's configuration as the operator writes it and Alertmanager loads it.
type generated struct {
	yaml   string
	config *config.Config
}

// generate runs the operator's configuration generator as provisionAlertmanagerConfiguration does
// (pkg/alertmanager/operator.go, v0.89.0): the chart's alertmanager.yaml as base
// (`InitializeFromRawConfiguration`), then every selected AlertmanagerConfig
// (`AddAlertmanagerConfigs`), then Alertmanager's `config.Load` of the result.
func generate(t *testing.T, r *render.Render, rel release, rawConfig []byte) generated {
	t.Helper()
	version, err := semver.ParseTolerant(rel.alertmanager.Spec.Version)
	if err != nil {
		t.Fatalf("%s: Alertmanager version %q: %v", r.Name, rel.alertmanager.Spec.Version, err)
	}
	configs := map[string]*monitoringv1alpha1.AlertmanagerConfig{}
	for _, o := range r.Kind("AlertmanagerConfig") {
		amc := &monitoringv1alpha1.AlertmanagerConfig{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, amc); err != nil {
			t.Fatalf("%s: %v", o.ID(), err)
		}
		// selectAlertmanagerConfigs skips (with only a warning event) an object that fails this
		// check; its unexported siblings checkReceivers and checkRoute are covered by the
		// conversion below, which reads the same Secrets.
		if err := amvalidation.ValidateAlertmanagerConfig(amc); err != nil {
			t.Errorf("%s: the operator rejects it (pkg/alertmanager/validation/v1alpha1 ValidateAlertmanagerConfig): %v", o.ID(), err)
			continue
		}
		configs[o.GetNamespace()+"/"+o.GetName()] = amc
	}
	if len(configs) == 0 {
		t.Fatalf("%s: no AlertmanagerConfig the operator accepts", r.Name)
	}
	store := assets.NewTestStoreBuilder(webhookSecrets(t, r)...)
	cb := amoperator.NewConfigBuilder(nop, version, store, rel.alertmanager)
	if err := cb.InitializeFromRawConfiguration(rawConfig); err != nil {
		t.Fatalf("%s: the chart's alertmanager.yaml: %v", r.Name, err)
	}
	if err := cb.AddAlertmanagerConfigs(context.Background(), configs); err != nil {
		t.Fatalf("%s: the operator cannot convert the AlertmanagerConfigs: %v", r.Name, err)
	}
	out, err := cb.MarshalJSON() // YAML, despite the name
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(string(out))
	if err != nil {
		t.Fatalf("%s: Alertmanager refuses the generated configuration: %v\n%s", r.Name, err, out)
	}
	return generated{yaml: string(out), config: cfg}
}

// channels are the kinds of notifier (discord, slack, other) the receivers an alert is routed to
// send to, sorted and deduplicated (dispatch/route.go `Route.Match`, v0.31.1).
func (g generated) channels(ls model.LabelSet) []string {
	tree := dispatch.NewRoute(g.config.Route, nil)
	set := map[string]bool{}
	for _, route := range tree.Match(ls) {
		for _, rc := range g.config.Receivers {
			if rc.Name != route.RouteOpts.Receiver {
				continue
			}
			if len(rc.DiscordConfigs) > 0 {
				set["discord"] = true
			}
			if len(rc.SlackConfigs) > 0 {
				set["slack"] = true
			}
			if len(rc.DiscordConfigs)+len(rc.SlackConfigs) == 0 && receiverNotifies(rc) {
				set["other"] = true
			}
		}
	}
	out := []string{}
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// receiverNotifies says whether a receiver has any notifier (the chart's `null` has none).
func receiverNotifies(rc config.Receiver) bool {
	return len(rc.EmailConfigs)+len(rc.PagerdutyConfigs)+len(rc.WebhookConfigs)+len(rc.OpsGenieConfigs)+
		len(rc.WechatConfigs)+len(rc.PushoverConfigs)+len(rc.VictorOpsConfigs)+len(rc.SNSConfigs)+
		len(rc.TelegramConfigs)+len(rc.WebexConfigs)+len(rc.MSTeamsConfigs)+len(rc.MSTeamsV2Configs)+
		len(rc.JiraConfigs)+len(rc.RocketchatConfigs)+len(rc.IncidentioConfigs)+len(rc.MattermostConfigs) > 0
}

// renderedChannels are the channels the render configures (a receiver with that notifier).
func (g generated) renderedChannels() map[string]bool {
	out := map[string]bool{}
	for _, rc := range g.config.Receivers {
		if len(rc.DiscordConfigs) > 0 {
			out["discord"] = true
		}
		if len(rc.SlackConfigs) > 0 {
			out["slack"] = true
		}
	}
	return out
}

// inhibitor runs Alertmanager's inhibitor over `firing` (all firing now, for the chart's
// resolve_timeout) as the running Alertmanager does: alerts in the in-memory provider, the
// inhibitor subscribed to it (inhibit/inhibit.go `NewInhibitor`, `Run`, `Mutes`, v0.31.1).
func (g generated) inhibitor(t *testing.T, firing []model.LabelSet) *inhibit.Inhibitor {
	t.Helper()
	ctx := context.Background()
	marker := types.NewMarker(prometheus.NewRegistry())
	alerts, err := mem.NewAlerts(ctx, marker, 30*time.Minute, 0, nil, nop, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(alerts.Close)
	now := time.Now()
	for _, ls := range firing {
		a := &types.Alert{Alert: model.Alert{Labels: ls, StartsAt: now, EndsAt: now.Add(5 * time.Minute)}, UpdatedAt: now}
		if err := alerts.Put(ctx, a); err != nil {
			t.Fatalf("putting %v: %v", ls, err)
		}
	}
	ih := inhibit.NewInhibitor(alerts, g.config.InhibitRules, marker, nop)
	go ih.Run()
	t.Cleanup(ih.Stop)
	ih.WaitForLoading()
	return ih
}

// prometheusAlerts are alerts of kube-prometheus-stack's rules (and a workload's own) of every
// severity they use, in the Flux namespaces and elsewhere, InfoInhibitor and Watchdog included.
func prometheusAlerts(namespaces []string) []model.LabelSet {
	var out []model.LabelSet
	add := func(name, severity, ns string) {
		ls := model.LabelSet{"alertname": model.LabelValue(name), "severity": model.LabelValue(severity),
			"prometheus": "monitoring/kube-prometheus-stack-prometheus"}
		if ns != "" {
			ls["namespace"] = model.LabelValue(ns)
		}
		out = append(out, ls)
	}
	for _, ns := range append(namespaces, "apps") {
		add("InfoInhibitor", "none", ns)
		add("CPUThrottlingHigh", "info", ns)
		add("KubePodCrashLooping", "warning", ns)
		add("KubeDeploymentReplicasMismatch", "critical", ns)
		add("PaymentsErrorRateHigh", "error", ns)
		add("KubeJobFailed", "warning", ns)
	}
	add("Watchdog", "none", "")
	add("KubeletDown", "critical", "")
	return out
}

type posted struct {
	event  fluxEvent
	labels model.LabelSet
}

// postedEvents are the alerts notification-controller posts for the sample events, one per
// event: it fails the test when two Alerts post different label sets for one event, which
// Alertmanager would keep as two alerts and notify twice.
func postedEvents(t *testing.T, r *render.Render) []posted {
	t.Helper()
	routes := fluxAlertmanagerAlerts(t, r)
	if len(routes) == 0 {
		t.Fatalf("%s: no Flux Alert posts to an alertmanager Provider", r.Name)
	}
	var out []posted
	for _, e := range fluxEvents(routes) {
		var sets []model.LabelSet
		for _, a := range routes {
			if a.matches(e) {
				sets = append(sets, a.labels(e))
			}
		}
		for _, ls := range sets[min(1, len(sets)):] {
			if diff := cmp.Diff(sets[0], ls); diff != "" {
				t.Errorf("%s: %s event %s/%s %s is posted with two label sets (Alertmanager keeps two alerts):\n%s",
					r.Name, e.severity, e.namespace, e.kind, e.reason, diff)
			}
		}
		if len(sets) > 0 {
			out = append(out, posted{e, sets[0]})
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: the Flux Alerts post no event", r.Name)
	}
	return out
}

func fluxNamespaces(events []posted) []string {
	set := map[string]bool{}
	for _, p := range events {
		set[p.event.namespace] = true
	}
	var out []string
	for ns := range set {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// channelsOfVariant is what each render of scripts/render.ts RENDER_VARIANTS sets: both webhook
// URLs, or one of them.
var channelsOfVariant = map[string]map[string]bool{
	"dev":         {"discord": true, "slack": true},
	"prod":        {"discord": true, "slack": true},
	"dev-apps":    {"discord": true, "slack": true},
	"dev-upgrade": {"discord": true, "slack": true},
	"dev-off":     {"discord": true, "slack": true},
	"dev-app":     {"discord": true, "slack": true},
	"dev-slack":   {"slack": true},
	"dev-discord": {"discord": true},
}

func TestFluxEventsReachTheirChannelAndNothingElseDoes(t *testing.T) {
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			rel := chartRelease(t, r)
			g := generate(t, r, rel, rel.rawConfig)
			rendered := g.renderedChannels()
			events := postedEvents(t, r)

			for _, p := range events {
				want := []string{}
				if ch := intended[p.event.severity]; rendered[ch] {
					want = []string{ch}
				}
				if diff := cmp.Diff(want, g.channels(p.labels)); diff != "" {
					t.Errorf("%s: Flux %s event %s/%s %s (alertname %s) reaches the wrong channels (-want +got):\n%s",
						r.Name, p.event.severity, p.event.namespace, p.event.kind, p.event.reason, p.labels["alertname"], diff)
				}
			}
			for _, ls := range prometheusAlerts(fluxNamespaces(events)) {
				for _, ch := range g.channels(ls) {
					if ch == "discord" || ch == "slack" {
						t.Errorf("%s: Prometheus alert %v reaches the Flux channel %s", r.Name, ls, ch)
					}
				}
			}
			// Each webhook URL is optional: a render routes exactly the channels its stack sets,
			// and the loop above asserts that the other severity then reaches no channel.
			wantChannels, ok := channelsOfVariant[r.Name]
			if !ok {
				t.Fatalf("%s: no expected channels for this variant in channelsOfVariant", r.Name)
			}
			if diff := cmp.Diff(wantChannels, rendered); diff != "" {
				t.Errorf("%s: rendered channels (-want +got):\n%s", r.Name, diff)
			}
		})
	}
}

func TestWebhookURLsComeFromTheirSSMParameters(t *testing.T) {
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			rel := chartRelease(t, r)
			g := generate(t, r, rel, rel.rawConfig)
			for _, rc := range g.config.Receivers {
				for _, dc := range rc.DiscordConfigs {
					if u := dc.WebhookURL.URL.String(); !strings.Contains(u, "discord") {
						t.Errorf("%s: receiver %s posts to Discord at %s, not the value of the Discord webhook parameter", r.Name, rc.Name, u)
					}
				}
				for _, sc := range rc.SlackConfigs {
					if u := sc.APIURL.URL.String(); !strings.Contains(u, "slack") {
						t.Errorf("%s: receiver %s posts to Slack at %s, not the value of the Slack webhook parameter", r.Name, rc.Name, u)
					}
				}
			}
		})
	}
}

func TestNoInhibitRuleMutesAFluxEvent(t *testing.T) {
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			rel := chartRelease(t, r)
			g := generate(t, r, rel, rel.rawConfig)
			events := postedEvents(t, r)
			nss := fluxNamespaces(events)
			firing := prometheusAlerts(nss)
			for _, p := range events {
				firing = append(firing, p.labels)
			}
			ih := g.inhibitor(t, firing)
			for _, p := range events {
				if ih.Mutes(context.Background(), p.labels) {
					t.Errorf("%s: an inhibit rule mutes Flux %s event %s/%s %s", r.Name, p.event.severity, p.event.namespace, p.event.kind, p.event.reason)
				}
			}
			// The inhibitor is live: the chart's InfoInhibitor rule still mutes Prometheus' info alerts.
			info := model.LabelSet{"alertname": "CPUThrottlingHigh", "severity": "info", "namespace": model.LabelValue(nss[0]),
				"prometheus": "monitoring/kube-prometheus-stack-prometheus"}
			if !ih.Mutes(context.Background(), info) {
				t.Errorf("%s: InfoInhibitor no longer mutes Prometheus' info alerts in %s", r.Name, nss[0])
			}
		})
	}
}

// The stack replaces the chart's inhibit rules because the chart's own would mute Flux's info
// events wherever InfoInhibitor fires: this holds the reason for the override.
func TestTheChartsOwnInhibitRulesWouldMuteFluxInfoEvents(t *testing.T) {
	r := render.Load(t, "dev")
	rel := chartRelease(t, r)
	raw, err := chartDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	g := generate(t, r, rel, raw)
	events := postedEvents(t, r)
	firing := prometheusAlerts(fluxNamespaces(events))
	for _, p := range events {
		firing = append(firing, p.labels)
	}
	ih := g.inhibitor(t, firing)
	muted := map[string]int{}
	for _, p := range events {
		if ih.Mutes(context.Background(), p.labels) {
			muted[p.event.severity]++
		}
	}
	if muted["info"] == 0 || muted["error"] != 0 {
		t.Errorf("under the chart's inhibit rules, muted Flux events by severity = %v; want info events muted, no error event", muted)
	}
}

func chartDefaultConfig() ([]byte, error) {
	var defaults map[string]any
	if err := yaml.Unmarshal([]byte(chartAlertmanagerValues), &defaults); err != nil {
		return nil, err
	}
	c, ok := defaults["config"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("chart defaults have no config map")
	}
	return yaml.Marshal(c)
}

// withAlertmanagerConfigs is r with its AlertmanagerConfigs changed by edit (on copies).
func withAlertmanagerConfigs(r *render.Render, edit func(spec map[string]any)) *render.Render {
	out := *r
	out.Objects = nil
	for _, o := range r.Objects {
		if o.GetKind() == "AlertmanagerConfig" {
			o.Unstructured = o.DeepCopy()
			spec, _ := o.Object["spec"].(map[string]any)
			edit(spec)
		}
		out.Objects = append(out.Objects, o)
	}
	return &out
}

// The route's alertname matcher and the matcher strategy are what keep Prometheus' alerts out of
// the Flux channels and Flux's events in: these hold the reasons for both.
func TestTheRoutesMatchersAndTheStrategyAreNeeded(t *testing.T) {
	r := render.Load(t, "dev")
	rel := chartRelease(t, r)
	events := postedEvents(t, r)
	reaching := func(g generated, sets []model.LabelSet) int {
		n := 0
		for _, ls := range sets {
			for _, ch := range g.channels(ls) {
				if ch == "discord" || ch == "slack" {
					n++
				}
			}
		}
		return n
	}

	noAlertname := withAlertmanagerConfigs(r, func(spec map[string]any) {
		route, _ := spec["route"].(map[string]any)
		var kept []any
		ms, _ := route["matchers"].([]any)
		for _, m := range ms {
			if mm, _ := m.(map[string]any); mm["name"] != "alertname" {
				kept = append(kept, m)
			}
		}
		route["matchers"] = kept
	})
	if n := reaching(generate(t, noAlertname, rel, rel.rawConfig), prometheusAlerts(fluxNamespaces(events))); n == 0 {
		t.Error("without the alertname matcher no Prometheus alert reaches a Flux channel: the matcher would be needless")
	}

	onNamespace := rel
	am := *rel.alertmanager
	am.Spec.AlertmanagerConfigMatcherStrategy.Type = monitoringv1.OnNamespaceConfigMatcherStrategyType
	onNamespace.alertmanager = &am
	var fluxSets []model.LabelSet
	for _, p := range events {
		if p.event.namespace != rel.namespace {
			fluxSets = append(fluxSets, p.labels)
		}
	}
	if len(fluxSets) == 0 {
		t.Fatal("no Flux event outside Alertmanager's namespace")
	}
	if n := reaching(generate(t, r, onNamespace, rel.rawConfig), fluxSets); n != 0 {
		t.Errorf("under OnNamespace %d Flux events of other namespaces still reach a Flux channel: the strategy would be needless", n)
	}
}

// The notification texts execute with Alertmanager's template engine on a Flux event and carry
// what identifies it (template/template.go `FromGlobs`, `Data`, `ExecuteTextString`, v0.31.1; the
// notifiers execute title, text and message this way).
func TestNotificationsOfAFluxEventNameItsObject(t *testing.T) {
	r := render.Load(t, "dev")
	rel := chartRelease(t, r)
	g := generate(t, r, rel, rel.rawConfig)
	tmpl, err := amtemplate.FromGlobs(nil)
	if err != nil {
		t.Fatal(err)
	}
	// cmd/alertmanager/main.go sets it from --web.external-url (the operator sets that flag).
	tmpl.ExternalURL, _ = url.Parse("http://alertmanager.example:9093")
	for _, p := range postedEvents(t, r) {
		now := time.Now()
		alert := &types.Alert{Alert: model.Alert{Labels: p.labels, StartsAt: now,
			Annotations: model.LabelSet{"message": "the controller's sample message"}}}
		data := tmpl.Data("r", model.LabelSet{"severity": p.labels["severity"], "revision": p.labels["revision"]}, alert)
		var texts []string
		// The texts of the channel the event is routed to.
		channel := intended[p.event.severity]
		for _, rc := range g.config.Receivers {
			if channel == "discord" {
				for _, dc := range rc.DiscordConfigs {
					texts = append(texts, dc.Title, dc.Message)
				}
			}
			if channel == "slack" {
				for _, sc := range rc.SlackConfigs {
					texts = append(texts, sc.Title, sc.Text)
				}
			}
		}
		if len(texts) == 0 {
			t.Fatalf("no %s receiver", channel)
		}
		var out strings.Builder
		for _, text := range texts {
			s, err := tmpl.ExecuteTextString(text, data)
			if err != nil {
				t.Fatalf("template %q: %v", text, err)
			}
			out.WriteString(s + "\n")
		}
		for _, want := range []string{p.event.kind, p.event.name, p.event.reason, "the controller's sample message"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("the %s notification of %s/%s %s does not say %q:\n%s", p.event.severity, p.event.kind, p.event.name, p.event.reason, want, out.String())
			}
		}
	}
}
