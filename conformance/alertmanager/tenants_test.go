package alertmanager

import (
	"context"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/notify"
	"github.com/prometheus/alertmanager/provider/mem"
	amtemplate "github.com/prometheus/alertmanager/template"
	"github.com/prometheus/alertmanager/types"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"

	"flux-gitops/conformance/internal/render"
)

// tenantLabel marks a tenant's Namespace (fluxcd/flux2 cmd/flux/create_tenant.go, v2.9.0).
const tenantLabel = "toolkit.fluxcd.io/tenant"

// notification is one call of the notification pipeline: what one Slack or Discord message is
// made of.
type notification struct {
	receiver    string
	groupLabels model.LabelSet
	alerts      []*types.Alert
	data        *amtemplate.Data
}

// recorder is the notification pipeline's place (dispatch.Dispatcher's notify.Stage), recording
// each call with the template data the notifiers build from its context and alerts
// (notify/util.go `GetTemplateData`, v0.31.1), as Alertmanager's own dispatch_test.go
// `recordStage` does.
type recorder struct {
	mu   sync.Mutex
	tmpl *amtemplate.Template
	got  []notification
}

func (r *recorder) Exec(ctx context.Context, _ *slog.Logger, alerts ...*types.Alert) (context.Context, []*types.Alert, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	receiver, _ := notify.ReceiverName(ctx)
	groupLabels, _ := notify.GroupLabels(ctx)
	r.got = append(r.got, notification{receiver, groupLabels, alerts, notify.GetTemplateData(ctx, r.tmpl, alerts, nop)})
	return ctx, alerts, nil
}

func (r *recorder) notifications() []notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notification(nil), r.got...)
}

// dispatched runs Alertmanager's dispatcher (dispatch/dispatch.go `NewDispatcher`, `Run`,
// v0.31.1) on the generated configuration with `posted` in its alert store, and returns the
// notifications it sends. The alerts start an hour ago, so each aggregation group flushes at once
// instead of after its group_wait (dispatch.go `groupAlert`: "Alert is old enough for immediate
// flush"); how alerts are grouped does not depend on time. All are in the store before the
// dispatcher starts, so alerts that share a group are sent in one notification.
func dispatched(t *testing.T, g generated, posted []model.LabelSet) []notification {
	t.Helper()
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	marker := types.NewMarker(reg)
	alerts, err := mem.NewAlerts(ctx, marker, 30*time.Minute, 0, nil, nop, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer alerts.Close()
	start := time.Now().Add(-time.Hour)
	for _, ls := range posted {
		a := &types.Alert{Alert: model.Alert{Labels: ls, StartsAt: start, EndsAt: time.Now().Add(time.Hour),
			Annotations: model.LabelSet{"message": "the controller's sample message"}}, UpdatedAt: start}
		if err := alerts.Put(ctx, a); err != nil {
			t.Fatalf("putting %v: %v", ls, err)
		}
	}
	tmpl, err := amtemplate.FromGlobs(nil)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.ExternalURL, _ = url.Parse("http://alertmanager.example:9093")
	rec := &recorder{tmpl: tmpl}
	d := dispatch.NewDispatcher(alerts, dispatch.NewRoute(g.config.Route, nil), rec, marker,
		func(d time.Duration) time.Duration { return d }, time.Minute, nil, nop, dispatch.NewDispatcherMetrics(false, reg))
	go d.Run(time.Now())
	defer d.Stop()
	// Every group flushes at once: wait until the count has not changed for a while.
	last, stable := -1, 0
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && stable < 5; {
		time.Sleep(100 * time.Millisecond)
		if n := len(rec.notifications()); n == last && n > 0 {
			stable++
		} else {
			last, stable = n, 0
		}
	}
	return rec.notifications()
}

// tenantPairs picks, per severity, one event kind and reason posted from two tenant namespaces:
// the same event of two tenants at the same revision.
func tenantPairs(t *testing.T, r *render.Render) map[string][2]posted {
	t.Helper()
	tenants := map[string]bool{}
	for _, ns := range r.Kind("Namespace") {
		if _, ok := ns.GetLabels()[tenantLabel]; ok {
			tenants[ns.GetName()] = true
		}
	}
	byEvent := map[string][]posted{}
	for _, p := range postedEvents(t, r) {
		if tenants[p.event.namespace] {
			key := p.event.severity + "/" + p.event.kind + "/" + p.event.reason
			byEvent[key] = append(byEvent[key], p)
		}
	}
	var keys []string
	for k := range byEvent {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[string][2]posted{}
	for _, k := range keys {
		ps := byEvent[k]
		sev := ps[0].event.severity
		if _, done := out[sev]; done || len(ps) < 2 {
			continue
		}
		if ps[0].labels["revision"] != ps[1].labels["revision"] {
			t.Fatalf("sample events %s differ in revision", k)
		}
		pair := [2]posted{ps[0], ps[1]}
		// The event is about the tenant's own object of that kind (the sample name is one
		// application's, which is also a tenant's namespace).
		for i := range pair {
			for _, o := range r.Kind(pair[i].event.kind) {
				if o.GetNamespace() == pair[i].event.namespace {
					pair[i].event.name = o.GetName()
					pair[i].labels = pair[i].labels.Clone()
					pair[i].labels["name"] = model.LabelValue(o.GetName())
					break
				}
			}
		}
		out[sev] = pair
	}
	return out
}

// channelOf is the kind of notifier (discord, slack) of a receiver of the generated
// configuration (the operator prefixes the AlertmanagerConfig's receiver names).
func (g generated) channelOf(receiver string) string {
	for _, rc := range g.config.Receivers {
		if rc.Name != receiver {
			continue
		}
		if len(rc.DiscordConfigs) > 0 {
			return "discord"
		}
		if len(rc.SlackConfigs) > 0 {
			return "slack"
		}
	}
	return ""
}

// texts are what a notification's Slack or Discord receiver sends: every text template of that
// receiver executed on the notification's data (template/template.go `ExecuteTextString`).
func texts(t *testing.T, g generated, n notification) string {
	t.Helper()
	var out strings.Builder
	for _, rc := range g.config.Receivers {
		if rc.Name != n.receiver {
			continue
		}
		var templates []string
		for _, dc := range rc.DiscordConfigs {
			templates = append(templates, dc.Title, dc.Message)
		}
		for _, sc := range rc.SlackConfigs {
			templates = append(templates, sc.Title, sc.Text)
		}
		tmpl, err := amtemplate.FromGlobs(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range templates {
			s, err := tmpl.ExecuteTextString(text, n.data)
			if err != nil {
				t.Fatalf("template %q: %v", text, err)
			}
			out.WriteString(s + "\n")
		}
	}
	return out.String()
}

// Two tenants' events of one kind, reason and revision reach their channel as two notifications,
// each about one namespace and saying which. notification-controller labels each with the
// involved object's namespace (internal/notifier/alertmanager.go `Post`, v1.9.3), and the
// AlertmanagerConfig, in Alertmanager's own namespace under the matcher strategy
// OnNamespaceExceptForAlertmanagerNamespace, gets no namespace matcher, so it sees every tenant's
// events (prometheus-operator pkg/alertmanager/amcfg.go `getEnforcer`, `otherNamespaceEnforcer`,
// v0.89.0); the route's groupBy then keeps the namespaces apart.
func TestTenantsEventsAreNotifiedApart(t *testing.T) {
	checked := 0
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			pairs := tenantPairs(t, r)
			if len(pairs) == 0 {
				t.Logf("out/%s has fewer than two tenant namespaces whose events reach Alertmanager", r.Name)
				return
			}
			rel := chartRelease(t, r)
			g := generate(t, r, rel, rel.rawConfig)
			rendered := g.renderedChannels()
			for sev, pair := range pairs {
				channel := intended[sev]
				if !rendered[channel] {
					continue
				}
				checked++
				var sent []notification
				for _, n := range dispatched(t, g, []model.LabelSet{pair[0].labels, pair[1].labels}) {
					if g.channelOf(n.receiver) == channel {
						sent = append(sent, n)
					}
				}
				if len(sent) != 2 {
					t.Errorf("%s: %s event %s %s from tenants %s and %s: %d notifications to %s, want 2 (one per namespace)",
						r.Name, sev, pair[0].event.kind, pair[0].event.reason, pair[0].event.namespace, pair[1].event.namespace, len(sent), channel)
					continue
				}
				seen := map[string]bool{}
				for _, n := range sent {
					ns := string(n.groupLabels["namespace"])
					seen[ns] = true
					for _, a := range n.alerts {
						if string(a.Labels["namespace"]) != ns {
							t.Errorf("%s: the notification of group %v carries an alert of namespace %s", r.Name, n.groupLabels, a.Labels["namespace"])
						}
					}
					text := texts(t, g, n)
					for _, p := range pair {
						says := strings.Contains(text, p.event.namespace)
						if want := p.event.namespace == ns; says != want {
							t.Errorf("%s: the %s notification for namespace %s mentions %s: %v, want %v:\n%s", r.Name, channel, ns, p.event.namespace, says, want, text)
						}
					}
				}
				if !seen[pair[0].event.namespace] || !seen[pair[1].event.namespace] {
					t.Errorf("%s: notifications grouped by namespaces %v, want %s and %s", r.Name, seen, pair[0].event.namespace, pair[1].event.namespace)
				}
			}
		})
	}
	if checked == 0 {
		t.Fatal("no render has two tenant namespaces whose events reach a channel: nothing was checked")
	}
}

// Without `namespace` in the route's groupBy the same two events become one notification, and
// under the operator's default strategy (OnNamespace: every route gets namespace="<the
// AlertmanagerConfig's namespace>", amcfg.go `namespaceEnforcer`, v0.89.0) tenants' events reach
// no channel at all: these hold the reasons for both settings.
func TestGroupingByNamespaceAndTheStrategyAreNeededForTenants(t *testing.T) {
	for _, r := range render.All(t) {
		pairs := tenantPairs(t, r)
		pair, ok := pairs["info"]
		if !ok || !channelsOfVariant[r.Name]["discord"] {
			continue
		}
		labels := []model.LabelSet{pair[0].labels, pair[1].labels}
		rel := chartRelease(t, r)

		noNamespace := withAlertmanagerConfigs(r, func(spec map[string]any) {
			route, _ := spec["route"].(map[string]any)
			var kept []any
			groupBy, _ := route["groupBy"].([]any)
			for _, l := range groupBy {
				if l != "namespace" {
					kept = append(kept, l)
				}
			}
			route["groupBy"] = kept
		})
		n := 0
		merged := generate(t, noNamespace, rel, rel.rawConfig)
		for _, x := range dispatched(t, merged, labels) {
			if merged.channelOf(x.receiver) == "discord" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: without namespace in groupBy, %d Discord notifications for two tenants' events; want 1 (merged), or groupBy would be needless", r.Name, n)
		}

		onNamespace := rel
		am := *rel.alertmanager
		am.Spec.AlertmanagerConfigMatcherStrategy.Type = monitoringv1.OnNamespaceConfigMatcherStrategyType
		onNamespace.alertmanager = &am
		scoped := generate(t, r, onNamespace, rel.rawConfig)
		for _, x := range dispatched(t, scoped, labels) {
			if scoped.channelOf(x.receiver) == "discord" {
				t.Errorf("%s: under OnNamespace a tenant's event still reaches Discord (%v): the strategy would be needless", r.Name, x.groupLabels)
			}
		}
		return
	}
	t.Fatal("no render has two tenant namespaces whose info events reach Discord")
}
