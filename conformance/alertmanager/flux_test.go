package alertmanager

import (
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"

	"flux-gitops/conformance/internal/render"
)

// fluxEvent is an event of a Flux controller about one object. notification-controller is cited
// at v1.9.3, the newest of the Flux 2.9 line the proxy serves (Flux 2.9.5 ships v1.9.4).
type fluxEvent struct {
	kind, namespace, name, reason, severity, controller string
	// revision is the `<group>/revision` metadata the controllers attach; notification-controller
	// strips the group (internal/server/event_handlers.go `combineEventMetadata`, v1.9.3).
	revision string
}

// reasons are sample event reasons per kind and severity. Routing depends on the reason only
// through `alertname` ("Flux" + kind + Title(reason)), so any reason would do; these are ones the
// controllers emit (fluxcd/pkg apis/meta and the controllers' API packages).
var reasons = map[string]map[string][]string{
	"GitRepository":         {"info": {"NewArtifact"}, "error": {"GitOperationFailed", "AuthenticationFailed"}},
	"Kustomization":         {"info": {"ReconciliationSucceeded", "Progressing"}, "error": {"ReconciliationFailed", "HealthCheckFailed", "BuildFailed"}},
	"ImageRepository":       {"info": {"Succeeded"}, "error": {"ReconciliationFailed", "AuthenticationFailed"}},
	"ImagePolicy":           {"info": {"Succeeded"}, "error": {"DependencyNotReady"}},
	"ImageUpdateAutomation": {"info": {"Succeeded"}, "error": {"GitOperationFailed", "ReconciliationFailed"}},
}

var controllers = map[string]string{
	"GitRepository":         "source-controller",
	"Kustomization":         "kustomize-controller",
	"ImageRepository":       "image-reflector-controller",
	"ImagePolicy":           "image-reflector-controller",
	"ImageUpdateAutomation": "image-automation-controller",
}

// alertmanagerRoute is a Flux Alert forwarding to an `alertmanager` Provider.
type alertmanagerRoute struct {
	alert         string
	severity      string // the Alert's eventSeverity
	eventMetadata map[string]string
	sources       []source
}

type source struct{ kind, namespace, name string }

// fluxAlertmanagerAlerts reads the Alerts of a render that post to an `alertmanager` Provider.
func fluxAlertmanagerAlerts(t *testing.T, r *render.Render) []alertmanagerRoute {
	t.Helper()
	providers := map[string]bool{}
	for _, p := range r.Kind("Provider") {
		typ, _, _ := unstructuredString(p, "spec", "type")
		if typ == "alertmanager" {
			providers[p.GetNamespace()+"/"+p.GetName()] = true
		}
	}
	var out []alertmanagerRoute
	for _, a := range r.Kind("Alert") {
		ref, _, _ := unstructuredString(a, "spec", "providerRef", "name")
		if !providers[a.GetNamespace()+"/"+ref] {
			continue
		}
		// The v1beta3 Alert CRD defaults eventSeverity to info.
		sev, _, _ := unstructuredString(a, "spec", "eventSeverity")
		if sev == "" {
			sev = "info"
		}
		route := alertmanagerRoute{alert: a.ID(), severity: sev, eventMetadata: map[string]string{}}
		if md, ok := a.Object["spec"].(map[string]any)["eventMetadata"].(map[string]any); ok {
			for k, v := range md {
				route.eventMetadata[k], _ = v.(string)
			}
		}
		srcs, _ := a.Object["spec"].(map[string]any)["eventSources"].([]any)
		for _, s := range srcs {
			m, _ := s.(map[string]any)
			ns, _ := m["namespace"].(string)
			if ns == "" {
				ns = a.GetNamespace()
			}
			kind, _ := m["kind"].(string)
			name, _ := m["name"].(string)
			route.sources = append(route.sources, source{kind, ns, name})
		}
		out = append(out, route)
	}
	return out
}

func unstructuredString(o render.Object, path ...string) (string, bool, error) {
	var cur any = o.Object
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false, nil
		}
		cur = m[k]
	}
	s, ok := cur.(string)
	return s, ok, nil
}

// matches is notification-controller's source match (internal/server/event_handlers.go
// `eventMatchesAlertSource`, v1.9.3): same namespace and kind, an Alert of severity info takes
// every severity and one of error only errors, name `*` or equal.
func (a alertmanagerRoute) matches(e fluxEvent) bool {
	if e.severity != a.severity && a.severity != "info" {
		return false
	}
	for _, s := range a.sources {
		if s.namespace == e.namespace && s.kind == e.kind && (s.name == "*" || s.name == e.name) {
			return true
		}
	}
	return false
}

// labels are the labels notification-controller posts to Alertmanager for e through Alert a:
// the combined metadata (the event's revision, then the Alert's eventMetadata), then the
// notifier's own labels over them (internal/notifier/alertmanager.go `Post`, v1.9.3; `summary`
// moves to the annotations).
func (a alertmanagerRoute) labels(e fluxEvent) model.LabelSet {
	md := map[string]string{}
	if e.revision != "" {
		md["revision"] = e.revision
	}
	for k, v := range a.eventMetadata {
		md[k] = v
	}
	delete(md, "summary")
	ls := model.LabelSet{}
	for k, v := range md {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	ls["alertname"] = model.LabelValue("Flux" + e.kind + cases.Title(language.Und).String(e.reason))
	ls["severity"] = model.LabelValue(e.severity)
	ls["reason"] = model.LabelValue(e.reason)
	ls["kind"] = model.LabelValue(e.kind)
	ls["name"] = model.LabelValue(e.name)
	ls["namespace"] = model.LabelValue(e.namespace)
	ls["reportingcontroller"] = model.LabelValue(e.controller)
	return ls
}

// fluxEvents lists, for every kind and namespace the Alerts watch, events of both severities
// (also of a namespace the Alerts do not watch, which must post nothing).
func fluxEvents(routes []alertmanagerRoute) []fluxEvent {
	seen := map[string]bool{}
	var out []fluxEvent
	for _, r := range routes {
		for _, s := range r.sources {
			for _, ns := range []string{s.namespace, "elsewhere"} {
				for _, sev := range []string{"info", "error"} {
					for _, reason := range reasons[s.kind][sev] {
						e := fluxEvent{kind: s.kind, namespace: ns, name: "echo-server", reason: reason, severity: sev,
							controller: controllers[s.kind], revision: "main@sha1:0123456789abcdef0123456789abcdef01234567"}
						key := strings.Join([]string{e.kind, e.namespace, e.reason, e.severity}, "/")
						if !seen[key] {
							seen[key] = true
							out = append(out, e)
						}
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].kind+out[i].namespace+out[i].reason < out[j].kind+out[j].namespace+out[j].reason
	})
	return out
}
