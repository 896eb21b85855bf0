package render

import (
	"strings"
	"testing"
)

// The loader reads every variant the render wrote: objects with kind, name and apiVersion, one
// file per object named after it, and the resource list beside the folder.
func TestEveryVariantLoads(t *testing.T) {
	for _, r := range All(t) {
		t.Run(r.Name, func(t *testing.T) {
			if r.Stack == "" {
				t.Errorf("variant %s names no stack file", r.Name)
			}
			seen := map[string]string{}
			for _, o := range r.Objects {
				if o.GetKind() == "" || o.GetName() == "" || o.GetAPIVersion() == "" {
					t.Errorf("%s: object without kind, name or apiVersion", o.File)
				}
				ns := o.GetNamespace()
				if ns == "" {
					ns = "cluster"
				}
				if want := strings.ToLower(o.GetKind() + "." + ns + "." + o.GetName() + ".yaml"); o.File != want {
					t.Errorf("%s holds %s (file name should be %s)", o.File, o.ID(), want)
				}
				if prev, ok := seen[o.ID()]; ok {
					t.Errorf("%s rendered twice (%s, %s)", o.ID(), prev, o.File)
				}
				seen[o.ID()] = o.File
			}
			if len(r.Resources) < len(r.Objects) {
				t.Errorf("%d resources listed for %d Kubernetes objects", len(r.Resources), len(r.Objects))
			}
		})
	}
}

// A missing render names the command that writes it.
func TestMissingRenderNamesTheCommand(t *testing.T) {
	t.Setenv("FLUX_GITOPS_OUT", t.TempDir())
	_, err := load("dev")
	if err == nil || !strings.Contains(err.Error(), `render of "dev" missing`) {
		t.Fatalf("load of an empty out folder: got %v", err)
	}
}
