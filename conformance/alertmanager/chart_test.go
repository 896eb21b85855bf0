package alertmanager

import (
	"fmt"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"flux-gitops/conformance/internal/render"
)

// chartVersion is the kube-prometheus-stack release the defaults below come from (Pulumi.yaml
// kubePrometheusStackVersion); its Chart.yaml says appVersion v0.89.0, the operator in go.mod.
const chartVersion = "82.8.0"

// chartAlertmanagerValues are the defaults of kube-prometheus-stack's `alertmanager` values that
// decide routing: `config` (rendered as alertmanager.yaml by templates/alertmanager/secret.yaml
// with toYaml) and the parts of `alertmanagerSpec` that templates/alertmanager/alertmanager.yaml
// turns into the Alertmanager object. From prometheus-community/helm-charts
// charts/kube-prometheus-stack/values.yaml at tag kube-prometheus-stack-82.8.0.
const chartAlertmanagerValues = `
config:
  global:
    resolve_timeout: 5m
  inhibit_rules:
    - source_matchers:
        - 'severity = critical'
      target_matchers:
        - 'severity =~ warning|info'
      equal:
        - 'namespace'
        - 'alertname'
    - source_matchers:
        - 'severity = warning'
      target_matchers:
        - 'severity = info'
      equal:
        - 'namespace'
        - 'alertname'
    - source_matchers:
        - 'alertname = InfoInhibitor'
      target_matchers:
        - 'severity = info'
      equal:
        - 'namespace'
    - target_matchers:
        - 'alertname = InfoInhibitor'
  route:
    group_by: ['namespace']
    group_wait: 30s
    group_interval: 5m
    repeat_interval: 12h
    receiver: 'null'
    routes:
    - receiver: 'null'
      matchers:
        - alertname = "Watchdog"
  receivers:
  - name: 'null'
  templates:
  - '/etc/alertmanager/config/*.tmpl'
namespaceOverride: ""
stringConfig: ""
tplConfig: false
alertmanagerSpec:
  image:
    registry: quay.io
    repository: prometheus/alertmanager
    tag: v0.31.1
  alertmanagerConfigSelector: {}
  alertmanagerConfigNamespaceSelector: {}
  alertmanagerConfiguration: {}
  alertmanagerConfigMatcherStrategy: {}
`

// coalesce merges the release's values (dst) over the chart's defaults (src) as Helm does
// (helm/helm pkg/chartutil/coalesce.go `CoalesceTables`, Helm 3): maps merge key by key, a null
// deletes the default, anything else (lists included) replaces it.
func coalesce(dst, src map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range src {
		out[k] = v
	}
	for k, v := range dst {
		if v == nil {
			delete(out, k)
			continue
		}
		d, dok := v.(map[string]any)
		s, sok := out[k].(map[string]any)
		if dok && sok {
			out[k] = coalesce(d, s)
		} else {
			out[k] = v
		}
	}
	return out
}

// release is what the chart installs for Alertmanager, computed from the rendered Helm release.
type release struct {
	namespace string
	// alertmanager is the Alertmanager object of templates/alertmanager/alertmanager.yaml.
	alertmanager *monitoringv1.Alertmanager
	// rawConfig is alertmanager.yaml of the chart's config Secret, the operator's base configuration.
	rawConfig []byte
}

func mapAt(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		next, _ := m[k].(map[string]any)
		if next == nil {
			return map[string]any{}
		}
		m = next
	}
	return m
}

// chartRelease reads the kube-prometheus-stack release of a render and applies its values to the
// chart's defaults.
func chartRelease(t *testing.T, r *render.Render) release {
	t.Helper()
	var found []render.Resource
	for _, res := range r.OfType("kubernetes:helm.sh/v3:Release") {
		if res.Inputs["chart"] == "kube-prometheus-stack" {
			found = append(found, res)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: want one kube-prometheus-stack Helm release, found %d", r.Name, len(found))
	}
	rel := found[0]
	if v := rel.Inputs["version"]; v != chartVersion {
		t.Fatalf("%s: kube-prometheus-stack %v is rendered, but this suite holds the defaults of %s: "+
			"update chartAlertmanagerValues from that chart's values.yaml", r.Name, v, chartVersion)
	}
	ns, _ := rel.Inputs["namespace"].(string)
	if ns == "" {
		t.Fatalf("%s: the kube-prometheus-stack release has no namespace", r.Name)
	}
	var defaults map[string]any
	if err := yaml.Unmarshal([]byte(chartAlertmanagerValues), &defaults); err != nil {
		t.Fatal(err)
	}
	values, _ := rel.Inputs["values"].(map[string]any)
	am := coalesce(mapAt(values, "alertmanager"), defaults)

	// The stack's refusals (unsupportedValues) keep these at their defaults; this suite models only that case.
	if am["namespaceOverride"] != "" || am["stringConfig"] != "" || am["tplConfig"] != false {
		t.Fatalf("%s: alertmanager.namespaceOverride, stringConfig or tplConfig set: not modelled here", r.Name)
	}
	config, ok := am["config"].(map[string]any)
	if !ok {
		t.Fatalf("%s: alertmanager.config is not a map", r.Name)
	}
	raw, err := yaml.Marshal(config)
	if err != nil {
		t.Fatal(err)
	}

	spec := mapAt(am, "alertmanagerSpec")
	for _, k := range []string{"alertmanagerConfigSelector", "alertmanagerConfigNamespaceSelector", "alertmanagerConfiguration"} {
		if m, ok := spec[k].(map[string]any); !ok || len(m) != 0 {
			t.Fatalf("%s: alertmanager.alertmanagerSpec.%s = %v: only the chart's {} (select every AlertmanagerConfig) is modelled", r.Name, k, spec[k])
		}
	}
	// alertmanager.yaml: `version: {{ default .image.tag .version }}`; the selectors are always
	// rendered (`{}` when empty), so the operator selects AlertmanagerConfigs of every namespace.
	version, _ := spec["version"].(string)
	if version == "" {
		version, _ = mapAt(spec, "image")["tag"].(string)
	}
	obj := &monitoringv1.Alertmanager{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint(rel.Inputs["name"]), Namespace: ns},
		Spec: monitoringv1.AlertmanagerSpec{
			Version:                             version,
			AlertmanagerConfigSelector:          &metav1.LabelSelector{},
			AlertmanagerConfigNamespaceSelector: &metav1.LabelSelector{},
		},
	}
	if s, _ := mapAt(spec, "alertmanagerConfigMatcherStrategy")["type"].(string); s != "" {
		obj.Spec.AlertmanagerConfigMatcherStrategy.Type = monitoringv1.AlertmanagerConfigMatcherStrategyType(s)
	}
	return release{namespace: ns, alertmanager: obj, rawConfig: raw}
}

func TestCoalesceAsHelm(t *testing.T) {
	defaults := map[string]any{"a": map[string]any{"x": 1, "y": []any{1, 2}, "z": "keep"}, "b": 2}
	user := map[string]any{"a": map[string]any{"x": 3, "y": []any{9}, "z": nil}, "c": 4}
	got, _ := yaml.Marshal(coalesce(user, defaults))
	want := "a:\n  x: 3\n  \"y\":\n  - 9\nb: 2\nc: 4\n"
	if string(got) != want {
		t.Fatalf("coalesce = %q, want %q (maps merge, lists replace, null deletes)", got, want)
	}
}
