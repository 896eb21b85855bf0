package flux

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"flux-gitops/conformance/internal/render"
)

// kustomizationDeletion is what kustomize-controller's finalizer reads of a Kustomization.
type kustomizationDeletion struct {
	suspend          bool
	prune            bool
	deletionPolicy   string // spec.deletionPolicy, "" when unset
	inventoryEntries int    // len(status.inventory.entries)
}

// finalizerShouldDeleteResources is kustomize-controller internal/controller/
// kustomization_controller.go finalizerShouldDeleteResources (the same at v1.9.0 to v1.9.4, the
// Flux 2.9 releases), with GetDeletionPolicy and the DeletionPolicy constants of
// api/v1/kustomization_types.go: whether deleting the Kustomization deletes what it applied.
// The function sits in an internal package of a module the Go proxy here does not serve, so it
// is reproduced, branch for branch.
func finalizerShouldDeleteResources(k kustomizationDeletion) bool {
	if k.suspend {
		return false
	}
	if k.inventoryEntries == 0 {
		return false
	}
	policy := k.deletionPolicy
	if policy == "" {
		policy = "MirrorPrune"
	}
	switch policy {
	case "MirrorPrune":
		return k.prune
	case "Delete":
		return true
	case "WaitForTermination":
		return true
	default: // "Orphan"
		return false
	}
}

// The reproduction, branch by branch.
func TestFinalizerShouldDeleteResources(t *testing.T) {
	tests := []struct {
		name string
		k    kustomizationDeletion
		want bool
	}{
		{"unset policy mirrors prune: true", kustomizationDeletion{prune: true, inventoryEntries: 3}, true},
		{"unset policy mirrors prune: false", kustomizationDeletion{prune: false, inventoryEntries: 3}, false},
		{"MirrorPrune with prune", kustomizationDeletion{prune: true, deletionPolicy: "MirrorPrune", inventoryEntries: 3}, true},
		{"Delete without prune", kustomizationDeletion{deletionPolicy: "Delete", inventoryEntries: 3}, true},
		{"WaitForTermination", kustomizationDeletion{deletionPolicy: "WaitForTermination", inventoryEntries: 3}, true},
		{"Orphan with prune", kustomizationDeletion{prune: true, deletionPolicy: "Orphan", inventoryEntries: 3}, false},
		{"suspended with Delete", kustomizationDeletion{suspend: true, deletionPolicy: "Delete", inventoryEntries: 3}, false},
		{"no inventory", kustomizationDeletion{prune: true, deletionPolicy: "Delete"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := finalizerShouldDeleteResources(tc.k); got != tc.want {
				t.Errorf("finalizerShouldDeleteResources(%+v) = %v, want %v", tc.k, got, tc.want)
			}
		})
	}
}

// The Kustomizations a variant renders beyond the plain render of its stack (dev-upgrade: the
// stack's earlier Kustomization of each tenant application, kept in the Flux namespace while its
// tenant takes its objects over) are retired: deleted by a later `up`, kustomize-controller must
// delete nothing they applied (finalizerShouldDeleteResources false with a full inventory: suspend
// true or deletionPolicy Orphan), and a reconciled Kustomization of the same name builds the same
// path into the same namespace, so the workload stays managed.
func TestRetiredKustomizationsPruneNothing(t *testing.T) {
	const variant = "dev-upgrade"
	upgrade := render.Load(t, variant)
	base := render.Load(t, upgrade.Stack)
	if base.Name == upgrade.Name {
		t.Fatalf("out/%s is the plain render of stack %s: nothing to compare it with", variant, upgrade.Stack)
	}
	retired := 0
	for _, k := range upgrade.Kind("Kustomization") {
		if _, ok := base.Find("Kustomization", k.GetNamespace(), k.GetName()); ok {
			continue
		}
		retired++
		spec, _, _ := unstructured.NestedMap(k.Object, "spec")
		d := kustomizationDeletion{inventoryEntries: 1}
		d.suspend, _, _ = unstructured.NestedBool(spec, "suspend")
		d.prune, _, _ = unstructured.NestedBool(spec, "prune")
		d.deletionPolicy, _, _ = unstructured.NestedString(spec, "deletionPolicy")
		if finalizerShouldDeleteResources(d) {
			t.Errorf("%s in out/%s (not in out/%s): deleting it would delete what it applied "+
				"(suspend %v, prune %v, deletionPolicy %q; kustomization_controller.go finalizerShouldDeleteResources, v1.9.4)",
				k.ID(), variant, base.Name, d.suspend, d.prune, d.deletionPolicy)
		}
		path, _, _ := unstructured.NestedString(spec, "path")
		target, _, _ := unstructured.NestedString(spec, "targetNamespace")
		var heirs []string
		for _, a := range applications(t, upgrade) {
			if a.kustomization != k.ID() && a.name == k.GetName() && a.path == path && a.namespace == target {
				heirs = append(heirs, a.kustomization)
			}
		}
		if len(heirs) != 1 {
			t.Errorf("%s in out/%s: %d reconciled Kustomizations named %s build %s into %s (%v), want one to take its objects over",
				k.ID(), variant, len(heirs), k.GetName(), path, target, heirs)
		}
	}
	if retired == 0 {
		t.Fatalf("out/%s renders no Kustomization beyond out/%s's: the retired one is missing", variant, base.Name)
	}
}
