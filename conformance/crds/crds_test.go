package crds

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"flux-gitops/conformance/internal/render"
)

// Every rendered object is accepted on create as the API server accepts it: custom resources by
// their CRD's served version (strict field validation, defaulting, OpenAPI schema, list
// invariants, every x-kubernetes-validations rule within the CEL cost budgets), built-in kinds by
// strict decoding into k8s.io/api types and ObjectMeta validation.
func TestRenderedObjectsAreAcceptedOnCreate(t *testing.T) {
	server := loadAPIServer(t)
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			for _, o := range r.Objects {
				t.Run(o.File, func(t *testing.T) {
					var errs []string
					var what string
					if isBuiltin(o.GroupVersionKind()) {
						_, errs = decodeBuiltin(o.JSON)
						what = "strict decoding into k8s.io/api " + o.GetAPIVersion() + " and ObjectMeta validation"
					} else {
						_, errs = server.create(o.Unstructured)
						if sv, err := server.lookup(o.Unstructured); err == nil {
							what = "CRD " + sv.file + " " + o.GetAPIVersion()
						}
					}
					if len(errs) > 0 {
						t.Errorf("%s (out/%s/%s) refused by the API server (%s):%s", o.ID(), r.Name, o.File, what, joinErrors(errs))
					}
				})
			}
		})
	}
}

// A later `pulumi up` that changes the stack's config updates the objects both renders share: the
// update must pass ValidateUpdate, which runs the CEL transition rules (oldSelf) and ratcheting on
// the stored old object and the new one. Variants of the same stack file stand for such an up, in
// both directions.
func TestRenderedObjectsAcceptLaterUpdates(t *testing.T) {
	server := loadAPIServer(t)
	renders := render.All(t)
	pairs := 0
	for _, from := range renders {
		for _, to := range renders {
			if from == to || from.Stack != to.Stack {
				continue
			}
			t.Run(from.Name+"->"+to.Name, func(t *testing.T) {
				for _, o := range to.Objects {
					if isBuiltin(o.GroupVersionKind()) {
						continue
					}
					old, ok := from.Find(o.GetKind(), o.GetNamespace(), o.GetName())
					if !ok {
						continue
					}
					pairs++
					stored, errs := server.create(old.Unstructured)
					if len(errs) > 0 {
						continue // reported by TestRenderedObjectsAreAcceptedOnCreate
					}
					if errs := server.update(o.Unstructured, stored); len(errs) > 0 {
						t.Errorf("%s: updating %s's object to %s's refused by the API server (CRD transition rules):%s",
							o.ID(), from.Name, to.Name, joinErrors(errs))
					}
				}
			})
		}
	}
	if pairs == 0 {
		t.Fatalf("no object is rendered by two variants of one stack: the transition rules were never exercised")
	}
}

// Every custom resource kind the program renders has its CRD in ../shared/crds, served at the
// version rendered.
func TestEveryRenderedKindHasAServedCRD(t *testing.T) {
	server := loadAPIServer(t)
	for _, r := range render.All(t) {
		for _, o := range r.Objects {
			if isBuiltin(o.GroupVersionKind()) {
				continue
			}
			if _, err := server.lookup(o.Unstructured); err != nil {
				t.Errorf("%s in out/%s: %v", o.ID(), r.Name, err)
			}
		}
	}
}

// The harness itself, on rendered objects changed by one field each: it must report what the API
// server reports (table-driven as k8s.io/apiextensions-apiserver
// pkg/apiserver/validation/validation_test.go; the messages are those of v0.36.4).
func TestHarnessReportsWhatTheAPIServerReports(t *testing.T) {
	server := loadAPIServer(t)
	dev := render.Load(t, "dev")
	// The object changed in each case is dev's one object of that kind and name, in whichever
	// namespace the program puts it (the application's own as a tenant, the Flux namespace for the
	// FluxInstance).
	objects := map[string]*unstructured.Unstructured{}
	for _, o := range []struct{ kind, name string }{
		{"Kustomization", "echo-server"}, {"GitRepository", "echo-server"}, {"Receiver", "echo-server"},
		{"ImagePolicy", "echo-server"}, {"SecretStore", "parameters"}, {"FluxInstance", "flux"},
	} {
		var found []render.Object
		for _, k := range dev.Kind(o.kind) {
			if k.GetName() == o.name {
				found = append(found, k)
			}
		}
		if len(found) != 1 {
			t.Fatalf("dev renders %d %s named %s, want one", len(found), o.kind, o.name)
		}
		objects[o.kind] = found[0].Unstructured
	}
	find := func(kind string) *unstructured.Unstructured { return objects[kind].DeepCopy() }
	tests := []struct {
		name   string
		object func() *unstructured.Unstructured
		old    func() *unstructured.Unstructured
		want   []string // substrings, one per expected error, in order
	}{
		{
			name: "an unknown spec field is a strict decoding error",
			object: func() *unstructured.Unstructured {
				u := find("Kustomization")
				_ = unstructured.SetNestedField(u.Object, true, "spec", "prunee")
				return u
			},
			want: []string{`unknown field "spec.prunee"`},
		},
		{
			name: "an unknown metadata field is a strict decoding error",
			object: func() *unstructured.Unstructured {
				u := find("GitRepository")
				_ = unstructured.SetNestedField(u.Object, "x", "metadata", "nme")
				return u
			},
			want: []string{`unknown field "metadata.nme"`},
		},
		{
			name: "a value outside the schema's enum is refused",
			object: func() *unstructured.Unstructured {
				u := find("Receiver")
				_ = unstructured.SetNestedField(u.Object, "gitlabb", "spec", "type")
				return u
			},
			want: []string{`spec.type: Unsupported value: "gitlabb"`, "some validation rules were not checked because the object was invalid"},
		},
		{
			name: "a CEL rule of the CRD is enforced (Receiver: generic-oidc may not set secretRef)",
			object: func() *unstructured.Unstructured {
				u := find("Receiver")
				_ = unstructured.SetNestedField(u.Object, "generic-oidc", "spec", "type")
				return u
			},
			want: []string{"generic-oidc receivers must define at least one oidcProvider", "secretRef cannot be set when type is generic-oidc"},
		},
		{
			name: "a namespaced kind without a namespace is refused",
			object: func() *unstructured.Unstructured {
				u := find("ImagePolicy")
				u.SetNamespace("")
				return u
			},
			want: []string{"metadata.namespace: Required value", "some validation rules were not checked because the object was invalid"},
		},
		{
			name: "the SecretStore CRD built from ClusterSecretStore's is namespaced",
			object: func() *unstructured.Unstructured {
				u := find("SecretStore")
				u.SetNamespace("")
				return u
			},
			want: []string{"metadata.namespace: Required value", "some validation rules were not checked because the object was invalid"},
		},
		{
			name: "a transition rule compares old and new (FluxInstance: the sync name is immutable)",
			old: func() *unstructured.Unstructured {
				u := find("FluxInstance")
				_ = unstructured.SetNestedMap(u.Object, map[string]any{"kind": "GitRepository", "url": "https://github.com/x/y", "ref": "refs/heads/main", "path": "clusters/dev", "name": "one"}, "spec", "sync")
				return u
			},
			object: func() *unstructured.Unstructured {
				u := find("FluxInstance")
				_ = unstructured.SetNestedMap(u.Object, map[string]any{"kind": "GitRepository", "url": "https://github.com/x/y", "ref": "refs/heads/main", "path": "clusters/dev", "name": "two"}, "spec", "sync")
				return u
			},
			want: []string{"Sync name is immutable"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errs []string
			if tc.old != nil {
				stored, createErrs := server.create(tc.old())
				if len(createErrs) > 0 {
					t.Fatalf("old object refused on create:%s", joinErrors(createErrs))
				}
				if _, createErrs := server.create(tc.object()); len(createErrs) > 0 {
					t.Fatalf("new object refused on create:%s", joinErrors(createErrs))
				}
				errs = server.update(tc.object(), stored)
			} else {
				_, errs = server.create(tc.object())
			}
			var got []string
			for _, w := range tc.want {
				for _, e := range errs {
					if strings.Contains(e, w) {
						got = append(got, w)
						break
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" || len(errs) != len(tc.want) {
				t.Errorf("errors reported:%s\nexpected (-want +found among them):\n%s", joinErrors(errs), diff)
			}
		})
	}
}

// Defaulting happens as on the API server: the stored object carries the CRD's defaults for what
// the program leaves out, and keeps every value it sets.
func TestDefaultingKeepsWhatTheProgramSets(t *testing.T) {
	server := loadAPIServer(t)
	for _, r := range render.All(t) {
		for _, o := range r.Objects {
			if isBuiltin(o.GroupVersionKind()) {
				continue
			}
			stored, errs := server.create(o.Unstructured)
			if len(errs) > 0 {
				continue
			}
			spec, _, _ := unstructured.NestedMap(o.Object, "spec")
			storedSpec, _, _ := unstructured.NestedMap(stored.Object, "spec")
			if missing := lost(spec, storedSpec, "spec"); len(missing) > 0 {
				t.Errorf("%s in out/%s: the API server would drop or change %v", o.ID(), r.Name, missing)
			}
		}
	}
}

// lost lists the paths of `set` whose value `stored` does not keep (defaults may add fields,
// never change or drop one).
func lost(set, stored map[string]any, at string) []string {
	var out []string
	for k, v := range set {
		sv, ok := stored[k]
		if !ok {
			out = append(out, at+"."+k)
			continue
		}
		out = append(out, lostValue(v, sv, at+"."+k)...)
	}
	return out
}

func lostValue(v, sv any, at string) []string {
	switch v := v.(type) {
	case map[string]any:
		if sm, ok := sv.(map[string]any); ok {
			return lost(v, sm, at)
		}
	case []any:
		if sl, ok := sv.([]any); ok && len(sl) == len(v) {
			var out []string
			for i := range v {
				out = append(out, lostValue(v[i], sl[i], fmt.Sprintf("%s[%d]", at, i))...)
			}
			return out
		}
	}
	if !cmp.Equal(v, sv) {
		return []string{at}
	}
	return nil
}
