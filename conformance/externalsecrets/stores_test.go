package externalsecrets

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"flux-gitops/conformance/internal/render"
)

// tenantLabel marks a tenant's Namespace (fluxcd/flux2 cmd/flux/create_tenant.go, v2.9.0).
const tenantLabel = "toolkit.fluxcd.io/tenant"

// clusterStoreCondition is apis/externalsecrets/v1/secretstore_types.go ClusterSecretStoreCondition (v2.9.0).
type clusterStoreCondition struct {
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
	Namespaces        []string              `json:"namespaces,omitempty"`
	NamespaceRegexes  []string              `json:"namespaceRegexes,omitempty"`
}

// namespaceLabels are the labels the API server holds for a namespace: the rendered ones, plus
// kubernetes.io/metadata.name, which it sets on every Namespace (k8s.io/kubernetes
// pkg/registry/core/namespace/strategy.go `Canonicalize`, v1.36.4). A namespace the render does
// not create carries that one label as far as the render knows.
func namespaceLabels(r *render.Render, ns string) labels.Set {
	out := labels.Set{corev1.LabelMetadataName: ns}
	if o, ok := r.Find("Namespace", "", ns); ok {
		for k, v := range o.GetLabels() {
			out[k] = v
		}
		out[corev1.LabelMetadataName] = ns
	}
	return out
}

// shouldProcessSecret is pkg/controllers/secretstore/client_manager.go `shouldProcessSecret`
// (v2.9.0) for a ClusterSecretStore: no condition serves every namespace; otherwise a namespace is
// served when any condition's namespaceSelector, any of its namespaces (as a selector on
// kubernetes.io/metadata.name) or any of its namespaceRegexes (regexp.MatchString, unanchored)
// matches it.
func shouldProcessSecret(conditions []clusterStoreCondition, ns string, nsLabels labels.Set) (bool, error) {
	if len(conditions) == 0 {
		return true, nil
	}
	for _, condition := range conditions {
		var selectors []*metav1.LabelSelector
		if condition.NamespaceSelector != nil {
			selectors = append(selectors, condition.NamespaceSelector)
		}
		for _, n := range condition.Namespaces {
			selectors = append(selectors, &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: n}})
		}
		for _, ls := range selectors {
			selector, err := metav1.LabelSelectorAsSelector(ls)
			if err != nil {
				return false, err
			}
			if selector.Matches(nsLabels) {
				return true, nil
			}
		}
		for _, reg := range condition.NamespaceRegexes {
			match, err := regexp.MatchString(reg, ns)
			if err != nil {
				return false, err
			}
			if match {
				return true, nil
			}
		}
	}
	return false, nil
}

func clusterStoreConditions(t *testing.T, o render.Object) []clusterStoreCondition {
	t.Helper()
	var store struct {
		Spec struct {
			Conditions []clusterStoreCondition `json:"conditions"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(o.JSON, &store); err != nil {
		t.Fatalf("%s: %v", o.ID(), err)
	}
	return store.Spec.Conditions
}

// storeRefs lists every store an ExternalSecret names: spec.secretStoreRef and each
// data[]/dataFrom[].sourceRef.storeRef (apis/externalsecrets/v1/externalsecret_types.go, v2.9.0).
// An omitted kind is SecretStore: the CRD documents it as the default, and
// pkg/controllers/secretstore/client_manager.go `getStore` (v2.9.0) looks up any kind but
// ClusterSecretStore as a SecretStore of the ExternalSecret's namespace.
func storeRefs(t *testing.T, o render.Object) map[string][2]string {
	t.Helper()
	type ref struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	var es struct {
		Spec struct {
			SecretStoreRef *ref `json:"secretStoreRef"`
			DataFrom       []struct {
				SourceRef *struct {
					StoreRef *ref `json:"storeRef"`
				} `json:"sourceRef"`
			} `json:"dataFrom"`
			Data []struct {
				SourceRef *struct {
					StoreRef *ref `json:"storeRef"`
				} `json:"sourceRef"`
			} `json:"data"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(o.JSON, &es); err != nil {
		t.Fatalf("%s: %v", o.ID(), err)
	}
	out := map[string][2]string{}
	add := func(where string, r *ref) {
		if r == nil {
			return
		}
		kind := r.Kind
		if kind == "" {
			kind = "SecretStore"
		}
		out[where] = [2]string{kind, r.Name}
	}
	add("spec.secretStoreRef", es.Spec.SecretStoreRef)
	for i, d := range es.Spec.DataFrom {
		if d.SourceRef != nil {
			add(fmt.Sprintf("spec.dataFrom[%d].sourceRef.storeRef", i), d.SourceRef.StoreRef)
		}
	}
	for i, d := range es.Spec.Data {
		if d.SourceRef != nil {
			add(fmt.Sprintf("spec.data[%d].sourceRef.storeRef", i), d.SourceRef.StoreRef)
		}
	}
	return out
}

// Every ExternalSecret of a tenant reads through its namespace's own SecretStore (whose IRSA role
// reads only that tenant's parameters); every other ExternalSecret through a ClusterSecretStore
// that serves its namespace; and no ClusterSecretStore serves a tenant's namespace, so a tenant
// cannot read the platform's parameters by naming it (issue 22 §4, §7).
func TestTenantsReadOnlyThroughTheirOwnSecretStore(t *testing.T) {
	tenants := 0
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			tenantNS := map[string]bool{}
			for _, ns := range r.Kind("Namespace") {
				if _, ok := ns.GetLabels()[tenantLabel]; ok {
					tenantNS[ns.GetName()] = true
				}
			}
			tenants += len(tenantNS)
			stores := map[string][]clusterStoreCondition{}
			for _, o := range r.Kind("ClusterSecretStore") {
				stores[o.GetName()] = clusterStoreConditions(t, o)
			}
			serves := func(store, ns string) bool {
				ok, err := shouldProcessSecret(stores[store], ns, namespaceLabels(r, ns))
				if err != nil {
					t.Fatalf("ClusterSecretStore %s in out/%s: %v", store, r.Name, err)
				}
				return ok
			}

			for _, es := range r.Kind("ExternalSecret") {
				ns := es.GetNamespace()
				refs := storeRefs(t, es)
				if len(refs) == 0 {
					t.Errorf("%s in out/%s names no store", es.ID(), r.Name)
				}
				for where, ref := range refs {
					kind, name := ref[0], ref[1]
					switch {
					case tenantNS[ns] && kind != "SecretStore":
						t.Errorf("%s in out/%s: %s is %s %s; a tenant reads through its own SecretStore only", es.ID(), r.Name, where, kind, name)
					case kind == "SecretStore":
						if _, ok := r.Find("SecretStore", ns, name); !ok {
							t.Errorf("%s in out/%s: %s names SecretStore %s/%s, which the render does not create", es.ID(), r.Name, where, ns, name)
						}
					case kind == "ClusterSecretStore" && len(stores) == 0:
						// Without External Secrets installed by the stack, the store is the cluster's own.
						t.Logf("%s in out/%s: ClusterSecretStore %s is made outside the stack: its conditions are not judged here", es.ID(), r.Name, name)
					case kind == "ClusterSecretStore":
						if _, ok := stores[name]; !ok {
							t.Errorf("%s in out/%s: %s names ClusterSecretStore %s, which the render does not create", es.ID(), r.Name, where, name)
						} else if !serves(name, ns) {
							t.Errorf("%s in out/%s: ClusterSecretStore %s does not serve namespace %s (its spec.conditions; "+
								"client_manager.go shouldProcessSecret, v2.9.0): the ExternalSecret would fail", es.ID(), r.Name, name, ns)
						}
					}
				}
			}
			var names []string
			for name := range stores {
				names = append(names, name)
				for ns := range tenantNS {
					if serves(name, ns) {
						t.Errorf("ClusterSecretStore %s in out/%s serves tenant namespace %s (its spec.conditions; "+
							"client_manager.go shouldProcessSecret, v2.9.0): the tenant could read the platform's parameters", name, r.Name, ns)
					}
				}
			}
			sort.Strings(names)
			t.Logf("ClusterSecretStores %v, %d tenant namespaces", names, len(tenantNS))
		})
	}
	if tenants == 0 {
		t.Fatalf("no render has a Namespace labelled %s: the tenant checks ran on nothing", tenantLabel)
	}
}

// The condition evaluation above, on clearly named cases (never rendered): the answers External
// Secrets' shouldProcessSecret gives.
func TestShouldProcessSecretAnswersAsExternalSecrets(t *testing.T) {
	tenant := labels.Set{corev1.LabelMetadataName: "billing", tenantLabel: "billing"}
	tests := []struct {
		name       string
		conditions []clusterStoreCondition
		ns         string
		labels     labels.Set
		want       bool
	}{
		{"no condition serves every namespace", nil, "billing", tenant, true},
		{"a namespace list serves those listed", []clusterStoreCondition{{Namespaces: []string{"flux-system", "monitoring"}}}, "monitoring",
			labels.Set{corev1.LabelMetadataName: "monitoring"}, true},
		{"a namespace list serves no other", []clusterStoreCondition{{Namespaces: []string{"flux-system", "monitoring"}}}, "billing", tenant, false},
		{"a selector excluding tenants", []clusterStoreCondition{{NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: tenantLabel, Operator: metav1.LabelSelectorOpDoesNotExist}}}}}, "billing", tenant, false},
		{"an empty selector selects everything", []clusterStoreCondition{{NamespaceSelector: &metav1.LabelSelector{}}}, "billing", tenant, true},
		{"regexes are not anchored", []clusterStoreCondition{{NamespaceRegexes: []string{"flux"}}}, "not-flux-system",
			labels.Set{corev1.LabelMetadataName: "not-flux-system"}, true},
		{"any condition suffices", []clusterStoreCondition{{Namespaces: []string{"flux-system"}}, {NamespaceRegexes: []string{"^bill"}}}, "billing", tenant, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := shouldProcessSecret(tc.conditions, tc.ns, tc.labels)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("shouldProcessSecret(%s) = %v, want %v", tc.ns, got, tc.want)
			}
		})
	}
}
