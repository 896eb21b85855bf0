// Package externalsecrets renders every ExternalSecret of the stack with External Secrets' own
// template engine on sample SSM values, then hands each Secret to the code of the controller that
// reads it.
//
// The engine: the stack installs External Secrets 2.9.0 (Pulumi.yaml externalSecretsVersion), whose
// engine is runtime/template/v2 of the module github.com/external-secrets/external-secrets/runtime.
// The Go module proxy serves no version of that module (its version list is 404; the v2.9.0 and
// helm-chart-2.9.0 commits are refused), nor the root module at v2.x (only v0.16.2 and v1.3.2; v1.3.2
// already moved the engine into the unserved runtime module). v0.16.2's pkg/template/v2 is served,
// but its package imports apis/externalsecrets/v1, whose webhooks need controller-runtime ≤ v0.22
// (the generic NewWebhookManagedBy of v0.23 breaks it), which does not build against the k8s.io
// v0.36 release this module pins. So the one step the stack's templates go through is reproduced
// here, citing v2.9.0: `execute` (runtime/template/v2/template.go), with the sprig functions that
// engine vendors (runtime/template/v2/sprig, copied from Masterminds/sprig/v3 at
// v3.3.1-0.20241028115027-8cb06fe3c8b0, which go.mod pins, less env, expandenv and getHostByName).
package externalsecrets

import (
	"bytes"
	"fmt"
	"testing"
	tpl "text/template"

	"github.com/Masterminds/sprig/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"flux-gitops/conformance/internal/render"
)

// externalSecret is the part of external-secrets.io/v1 ExternalSecret this suite reads
// (apis/externalsecrets/v1/externalsecret_types.go, v2.9.0).
type externalSecret struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Target struct {
			Name           string    `json:"name"`
			CreationPolicy string    `json:"creationPolicy"`
			Template       *template `json:"template"`
		} `json:"target"`
		Data []struct {
			SecretKey string `json:"secretKey"`
			RemoteRef struct {
				Key string `json:"key"`
			} `json:"remoteRef"`
		} `json:"data"`
		DataFrom []any `json:"dataFrom"`
	} `json:"spec"`
}

type template struct {
	Type          corev1.SecretType `json:"type"`
	EngineVersion string            `json:"engineVersion"`
	MergePolicy   string            `json:"mergePolicy"`
	Data          map[string]string `json:"data"`
	TemplateFrom  []any             `json:"templateFrom"`
	Metadata      struct {
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
}

// funcs is runtime/template/v2's function map as far as sprig goes (its own PEM, PKCS#12, JWK and
// YAML helpers are not used by the stack: a template calling one fails to parse here).
var funcs = func() tpl.FuncMap {
	m := sprig.TxtFuncMap()
	for _, k := range []string{"env", "expandenv", "getHostByName"} {
		delete(m, k)
	}
	return m
}()

// execute is runtime/template/v2/template.go `execute` (v2.9.0): the provider's values as strings,
// text/template with missingkey=error and the default delimiters (`--template-left-delimiter`
// and `--template-right-delimiter` default to {{ and }}).
func execute(k, val string, data map[string][]byte) ([]byte, error) {
	strValData := make(map[string]string, len(data))
	for k := range data {
		strValData[k] = string(data[k])
	}
	t, err := tpl.New(k).Option("missingkey=error").Funcs(funcs).Delims("{{", "}}").Parse(val)
	if err != nil {
		return nil, fmt.Errorf("unable to parse template at key %s: %s", k, err)
	}
	buf := bytes.NewBuffer(nil)
	if err := t.Execute(buf, strValData); err != nil {
		return nil, fmt.Errorf("unable to execute template at key %s: %s", k, err)
	}
	return buf.Bytes(), nil
}

// applyTemplate is what External Secrets writes to the target Secret of es from the provider's
// values, on a new Secret: pkg/controllers/externalsecret/externalsecret_controller_template.go
// `ApplyTemplate` (v2.9.0), with templating.Parser `MergeMap` applying template.data, then the
// metadata's labels and annotations, each in the Values scope (template.go `valueScopeApply`,
// `applyToTarget`). templateFrom fails the test: it is not modelled.
func applyTemplate(es *externalSecret, dataMap map[string][]byte) (*corev1.Secret, error) {
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: targetName(es), Namespace: es.Namespace, Labels: map[string]string{}, Annotations: map[string]string{}},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{},
	}
	t := es.Spec.Target.Template
	if t == nil {
		for k, v := range es.Labels {
			secret.Labels[k] = v
		}
		for k, v := range es.Annotations {
			secret.Annotations[k] = v
		}
		for k, v := range dataMap {
			secret.Data[k] = v
		}
		return secret, nil
	}
	if len(t.TemplateFrom) > 0 {
		return nil, fmt.Errorf("templateFrom is not modelled by this suite")
	}
	for k, v := range t.Metadata.Labels {
		secret.Labels[k] = v
	}
	for k, v := range t.Metadata.Annotations {
		secret.Annotations[k] = v
	}
	if t.Type != "" {
		secret.Type = t.Type
	}
	if t.MergePolicy == "Merge" || len(t.Data) == 0 {
		for k, v := range dataMap {
			secret.Data[k] = v
		}
	}
	// runtime/template/engine.go `EngineForVersion`: v2 is the only engine (the CRD defaults
	// engineVersion to v2).
	if t.EngineVersion != "" && t.EngineVersion != "v2" {
		return nil, fmt.Errorf("unsupported template engine version: %s", t.EngineVersion)
	}
	for _, step := range []struct {
		m   map[string]string
		set func(k string, v []byte)
	}{
		{t.Data, func(k string, v []byte) { secret.Data[k] = v }},
		{t.Metadata.Labels, func(k string, v []byte) { secret.Labels[k] = string(v) }},
		{t.Metadata.Annotations, func(k string, v []byte) { secret.Annotations[k] = string(v) }},
	} {
		for k, v := range step.m {
			val, err := execute(k, v, dataMap)
			if err != nil {
				return nil, fmt.Errorf("unable to execute template at key %s: %w", k, err)
			}
			step.set(k, val)
		}
	}
	return secret, nil
}

func targetName(es *externalSecret) string {
	if es.Spec.Target.Name != "" {
		return es.Spec.Target.Name
	}
	return es.Name
}

func readExternalSecret(t *testing.T, o render.Object) *externalSecret {
	t.Helper()
	es := &externalSecret{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, es); err != nil {
		t.Fatalf("%s: %v", o.ID(), err)
	}
	if len(es.Spec.DataFrom) > 0 {
		t.Fatalf("%s: dataFrom is not modelled by this suite", o.ID())
	}
	return es
}

// rendered is one ExternalSecret with the Secret External Secrets writes for it.
type rendered struct {
	es     *externalSecret
	obj    render.Object
	secret *corev1.Secret
	// values are the sample SSM values by secretKey.
	values map[string][]byte
}

// renderSecrets renders every ExternalSecret of r with sample values from samples.
func renderSecrets(t *testing.T, r *render.Render, roles map[string]*consumer, samples func(role, key string, es *externalSecret) []byte) []rendered {
	t.Helper()
	var out []rendered
	for _, o := range r.Kind("ExternalSecret") {
		es := readExternalSecret(t, o)
		c := roles[es.Namespace+"/"+targetName(es)]
		role := ""
		if c != nil {
			role = c.role
		}
		values := map[string][]byte{}
		for _, d := range es.Spec.Data {
			values[d.SecretKey] = samples(role, d.SecretKey, es)
		}
		secret, err := applyTemplate(es, values)
		if err != nil {
			t.Errorf("%s: External Secrets cannot render the target: %v", o.ID(), err)
			continue
		}
		out = append(out, rendered{es: es, obj: o, secret: secret, values: values})
	}
	if len(out) == 0 {
		t.Fatalf("%s: no ExternalSecret rendered", r.Name)
	}
	return out
}

func TestEngineRendersValuesAsExternalSecretsDoes(t *testing.T) {
	// A template that uses what the stack's templates use: a value, printf and b64enc, in a
	// Secret whose other keys the Replace merge policy drops.
	es := &externalSecret{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "ns"}}
	es.Spec.Target.Template = &template{
		EngineVersion: "v2",
		Data:          map[string]string{"auth": `{{ printf "%s:%s" "u" .token | b64enc }}`, "plain": "{{ .token }}"},
	}
	s, err := applyTemplate(es, map[string][]byte{"token": []byte("p@ss"), "dropped": []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if got := map[string]string{"auth": string(s.Data["auth"]), "plain": string(s.Data["plain"])}; got["auth"] != "dTpwQHNz" || got["plain"] != "p@ss" || len(s.Data) != 2 {
		t.Fatalf("rendered %v (%d keys), want auth=base64(u:p@ss), plain=p@ss and nothing else", got, len(s.Data))
	}
	// missingkey=error: a template naming a key the ExternalSecret does not fetch fails the sync.
	es.Spec.Target.Template.Data = map[string]string{"k": "{{ .absent }}"}
	if _, err := applyTemplate(es, map[string][]byte{"token": []byte("t")}); err == nil {
		t.Fatal("a template naming an absent key rendered; External Secrets refuses it (missingkey=error)")
	}
}

func TestEveryExternalSecretRenders(t *testing.T) {
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			roles := consumers(t, r)
			renderSecrets(t, r, roles, newSamples(t).value)
		})
	}
}
