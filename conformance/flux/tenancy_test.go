package flux

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"flux-gitops/conformance/internal/render"
)

// tenantLabel marks a tenant's Namespace: the label `flux create tenant` puts on it (fluxcd/flux2
// cmd/flux/create_tenant.go, v2.9.0: `toolkit.fluxcd.io/tenant: <name>`).
const tenantLabel = "toolkit.fluxcd.io/tenant"

// tenantNamespaces are the namespaces of a render labelled as a tenant's.
func tenantNamespaces(r *render.Render) map[string]string {
	out := map[string]string{}
	for _, ns := range r.Kind("Namespace") {
		if tenant, ok := ns.GetLabels()[tenantLabel]; ok {
			out[ns.GetName()] = tenant
		}
	}
	return out
}

// crossNamespaceChecks are the references each controller resolves, with the check that blocks
// them once Flux Operator runs it with `--no-cross-namespace-refs=true` (FluxInstance
// `spec.cluster.multitenant`; flux-operator internal/builder/profiles.go, v0.58.1). A reference
// without a namespace means the object's own (each check compares the resolved namespace).
var crossNamespaceChecks = map[string][]struct {
	path []string // a `[]` step walks every item of a list
	rule string
}{
	"Kustomization": {
		{[]string{"spec", "sourceRef", "namespace"}, "kustomize-controller internal/controller/kustomization_controller.go (v1.9.1) l.680: \"cross-namespace references have been blocked\""},
		// Resolved across namespaces with no ACL check (l.568-575): only this test stops it.
		{[]string{"spec", "dependsOn", "[]", "namespace"}, "kustomize-controller (v1.9.1) l.568-575 resolves dependsOn in any namespace, unchecked"},
	},
	"HelmRelease": {
		{[]string{"spec", "chart", "spec", "sourceRef", "namespace"}, "helm-controller acl (--no-cross-namespace-refs)"},
		{[]string{"spec", "chartRef", "namespace"}, "helm-controller acl (--no-cross-namespace-refs)"},
		{[]string{"spec", "dependsOn", "[]", "namespace"}, "helm-controller resolves dependsOn in any namespace"},
		{[]string{"spec", "targetNamespace"}, "a tenant's release installs into its own namespace"},
	},
	"ImagePolicy": {
		{[]string{"spec", "imageRepositoryRef", "namespace"}, "image-reflector-controller internal/controller/imagepolicy_controller.go (v1.2.0) l.487-492: \"cross-namespace references have been blocked\""},
	},
	"ImageUpdateAutomation": {
		{[]string{"spec", "sourceRef", "namespace"}, "image-automation-controller internal/source/source.go (v1.2.1) l.169: acl.AccessDeniedError"},
	},
	"Receiver": {
		{[]string{"spec", "resources", "[]", "namespace"}, "notification-controller internal/server/receiver_handlers.go (v1.9.1) l.571-572: \"cross-namespace references are not allowed\""},
	},
	"Alert": {
		{[]string{"spec", "eventSources", "[]", "namespace"}, "notification-controller internal/server/event_handlers.go (v1.9.1) l.299-303: \"discarding event, access denied to cross-namespace sources\""},
	},
}

// valuesAt lists the strings at path in obj (every item at a `[]` step), with where they are.
func valuesAt(obj any, path []string, where string) map[string]string {
	out := map[string]string{}
	if len(path) == 0 {
		if s, ok := obj.(string); ok {
			out[where] = s
		}
		return out
	}
	if path[0] == "[]" {
		items, _ := obj.([]any)
		for i, item := range items {
			for k, v := range valuesAt(item, path[1:], fmt.Sprintf("%s[%d]", where, i)) {
				out[k] = v
			}
		}
		return out
	}
	m, _ := obj.(map[string]any)
	if m == nil {
		return out
	}
	return valuesAt(m[path[0]], path[1:], where+"."+path[0])
}

// namespaceFields lists every `namespace` field under obj and the value it holds, whatever the
// kind: the contract of issue 22 is that no `*.namespace` field of a tenant's Flux object names
// another namespace, also where no controller check exists.
func namespaceFields(obj any, where string, out map[string]string) {
	switch v := obj.(type) {
	case map[string]any:
		for k, child := range v {
			if s, ok := child.(string); ok && (k == "namespace" || k == "targetNamespace") {
				out[where+"."+k] = s
				continue
			}
			namespaceFields(child, where+"."+k, out)
		}
	case []any:
		for i, child := range v {
			namespaceFields(child, fmt.Sprintf("%s[%d]", where, i), out)
		}
	}
}

// Every Flux object in a tenant's namespace refers only to objects of that namespace, so Flux's
// multi-tenancy lockdown never blocks it and it reaches no other tenant (issue 22 §7).
func TestTenantFluxObjectsReferToTheirNamespaceOnly(t *testing.T) {
	tenants := 0
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			namespaces := tenantNamespaces(r)
			tenants += len(namespaces)
			checked := map[string]int{}
			for _, o := range r.Objects {
				ns := o.GetNamespace()
				if _, ok := namespaces[ns]; !ok || !strings.HasSuffix(o.GroupVersionKind().Group, ".toolkit.fluxcd.io") {
					continue
				}
				checked[o.GetKind()]++
				spec := o.Object["spec"]
				reported := map[string]bool{}
				for _, c := range crossNamespaceChecks[o.GetKind()] {
					for where, got := range valuesAt(spec, c.path[1:], "spec") {
						if got != ns {
							reported[where] = true
							t.Errorf("%s in out/%s: %s = %q, another namespace than its own (%s)", o.ID(), r.Name, where, got, c.rule)
						}
					}
				}
				fields := map[string]string{}
				namespaceFields(spec, "spec", fields)
				for where, got := range fields {
					if got != ns && !reported[where] && !(o.GetKind() == "Kustomization" && where == "spec.targetNamespace") {
						t.Errorf("%s in out/%s: %s = %q names another namespace (issue 22: no cross-namespace reference from a tenant)", o.ID(), r.Name, where, got)
					}
				}
				if o.GetKind() == "Kustomization" {
					if sa, _, _ := unstructured.NestedString(o.Object, "spec", "serviceAccountName"); sa != "flux-reconciler" {
						t.Errorf("%s in out/%s: spec.serviceAccountName = %q; a tenant's Kustomization applies as its flux-reconciler, "+
							"else as --default-service-account (flux-operator internal/builder/profiles.go, v0.58.1)", o.ID(), r.Name, sa)
					}
					if target, _, _ := unstructured.NestedString(o.Object, "spec", "targetNamespace"); target != ns {
						t.Errorf("%s in out/%s: spec.targetNamespace = %q, want its own namespace %q", o.ID(), r.Name, target, ns)
					}
				}
			}
			// Each tenant has its source and its Kustomization: the checks above ran on something.
			for ns := range namespaces {
				for _, kind := range []string{"GitRepository", "Kustomization"} {
					found := false
					for _, o := range r.Kind(kind) {
						found = found || o.GetNamespace() == ns
					}
					if !found {
						t.Errorf("out/%s: tenant namespace %s has no %s", r.Name, ns, kind)
					}
				}
			}
			var kinds []string
			for k, n := range checked {
				kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
			}
			sort.Strings(kinds)
			t.Logf("tenant namespaces %v; Flux objects checked: %v", keys(namespaces), kinds)
		})
	}
	if tenants == 0 {
		t.Fatalf("no render has a Namespace labelled %s: nothing was checked", tenantLabel)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
