// Package render reads what the TypeScript program's offline render wrote, the input of every
// conformance suite: out/<variant>/*.yaml (one Kubernetes object per file, secrets redacted) and
// out/<variant>.resources.json (every registered resource with its inputs and options).
//
// `npm run render:conformance` (scripts/render.ts `--variants`) writes every variant and
// out/variants.json listing them; RENDER_VARIANTS in scripts/render.ts defines them:
//
//   - dev, prod: the two example stacks as their stack files set them;
//   - dev-apps: dev with four applications (numerical asc and desc, semver, alphabetical with a
//     tagExtract group; one docker.io image);
//   - dev-off: dev with installFlux, installExternalSecrets, imageAutomation and seedManifests off.
//
// A variant renders from one stack file (Variant.Stack); a variant of the same stack is also a
// later `pulumi up` of that stack, which is how the CRD suite checks transition rules.
package render

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// Command is what writes the inputs; every failure about missing inputs names it.
const Command = "npm run render:conformance"

// ProjectRoot is the repository root: this file is conformance/internal/render/render.go.
func ProjectRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("render: cannot locate the source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// OutDir is where the render writes: <root>/out, or $FLUX_GITOPS_OUT when set.
func OutDir() string {
	if d := os.Getenv("FLUX_GITOPS_OUT"); d != "" {
		return d
	}
	return filepath.Join(ProjectRoot(), "out")
}

// CRDDir is the folder of the upstream reference CRDs, ../shared/crds beside the repository (or
// $FLUX_GITOPS_CRDS). It fails the test when the folder is missing.
func CRDDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("FLUX_GITOPS_CRDS")
	if dir == "" {
		dir = filepath.Join(ProjectRoot(), "..", "shared", "crds")
	}
	if _, err := os.Stat(filepath.Join(dir, "SOURCES.md")); err != nil {
		t.Fatalf("the upstream reference CRDs are missing: %s/SOURCES.md not found (%v); "+
			"the conformance suites judge the render against them: check out the shared folder beside the repository "+
			"or point FLUX_GITOPS_CRDS at it", dir, err)
	}
	return dir
}

// Variant is one render listed in out/variants.json.
type Variant struct {
	Name        string `json:"name"`
	Stack       string `json:"stack"`
	Description string `json:"description"`
}

// Object is one Kubernetes object the render wrote.
type Object struct {
	// File is the file name in out/<variant>/ (`<kind>.<namespace or cluster>.<name>.yaml`).
	File string
	// JSON is the object as the API server receives it.
	JSON []byte
	*unstructured.Unstructured
}

// ID names the object in failure messages: `Kind namespace/name` (or `Kind name` when cluster-scoped).
func (o Object) ID() string {
	if o.GetNamespace() == "" {
		return o.GetKind() + " " + o.GetName()
	}
	return o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
}

// Resource is one entry of out/<variant>.resources.json (scripts/render.ts resourceList).
type Resource struct {
	URN          string         `json:"urn"`
	Type         string         `json:"type"`
	Name         string         `json:"name"`
	Parent       string         `json:"parent,omitempty"`
	Provider     string         `json:"provider,omitempty"`
	Protect      bool           `json:"protect"`
	Options      map[string]any `json:"options"`
	Inputs       map[string]any `json:"inputs"`
	SecretInputs []string       `json:"secretInputs,omitempty"`
}

// Render is everything one variant's render wrote.
type Render struct {
	Variant
	Dir          string
	Objects      []Object
	Resources    []Resource
	Outputs      map[string]any
	Placeholders []string
}

// Variants reads out/variants.json, failing the test with the command to run when it is missing.
func Variants(t testing.TB) []Variant {
	t.Helper()
	file := filepath.Join(OutDir(), "variants.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the render is missing (%v): run `%s` in %s first", err, Command, ProjectRoot())
	}
	var vs []Variant
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatalf("%s: %v (run `%s` again)", file, err, Command)
	}
	if len(vs) == 0 {
		t.Fatalf("%s lists no variant (run `%s` again)", file, Command)
	}
	return vs
}

// All loads every variant of out/variants.json.
func All(t testing.TB) []*Render {
	t.Helper()
	var rs []*Render
	for _, v := range Variants(t) {
		rs = append(rs, Load(t, v.Name))
	}
	return rs
}

// Load reads the render of one variant, failing the test with the command to run when it is missing.
func Load(t testing.TB, variant string) *Render {
	t.Helper()
	r, err := load(variant)
	if err != nil {
		t.Fatalf("%v: run `%s` in %s first", err, Command, ProjectRoot())
	}
	return r
}

func load(variant string) (*Render, error) {
	r := &Render{Variant: Variant{Name: variant, Stack: variant}, Dir: filepath.Join(OutDir(), variant)}
	if data, err := os.ReadFile(filepath.Join(OutDir(), "variants.json")); err == nil {
		var vs []Variant
		if json.Unmarshal(data, &vs) == nil {
			for _, v := range vs {
				if v.Name == variant {
					r.Variant = v
				}
			}
		}
	}
	entries, err := os.ReadDir(r.Dir)
	if err != nil {
		return nil, fmt.Errorf("render of %q missing: %w", variant, err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(r.Dir, e.Name()))
		if err != nil {
			return nil, err
		}
		js, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", r.Dir, e.Name(), err)
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(js); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", r.Dir, e.Name(), err)
		}
		r.Objects = append(r.Objects, Object{File: e.Name(), JSON: js, Unstructured: u})
	}
	if len(r.Objects) == 0 {
		return nil, fmt.Errorf("render of %q has no Kubernetes object in %s", variant, r.Dir)
	}
	sort.Slice(r.Objects, func(i, j int) bool { return r.Objects[i].File < r.Objects[j].File })

	listFile := r.Dir + ".resources.json"
	data, err := os.ReadFile(listFile)
	if err != nil {
		return nil, fmt.Errorf("resource list of %q missing: %w", variant, err)
	}
	var list struct {
		Stack        string         `json:"stack"`
		Placeholders []string       `json:"placeholders"`
		Resources    []Resource     `json:"resources"`
		Outputs      map[string]any `json:"outputs"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("%s: %w", listFile, err)
	}
	r.Resources, r.Outputs, r.Placeholders = list.Resources, list.Outputs, list.Placeholders
	return r, nil
}

// Kind returns the objects of one kind, in file order.
func (r *Render) Kind(kind string) []Object {
	var out []Object
	for _, o := range r.Objects {
		if o.GetKind() == kind {
			out = append(out, o)
		}
	}
	return out
}

// Find returns the object of that kind, namespace and name, if rendered.
func (r *Render) Find(kind, namespace, name string) (Object, bool) {
	for _, o := range r.Objects {
		if o.GetKind() == kind && o.GetNamespace() == namespace && o.GetName() == name {
			return o, true
		}
	}
	return Object{}, false
}

// OfType returns the resources of one Pulumi type token, e.g. `github:index/repositoryFile:RepositoryFile`.
func (r *Render) OfType(typ string) []Resource {
	var out []Resource
	for _, res := range r.Resources {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// RepositoryFileType is the Pulumi type of a file the program commits to an application repository.
const RepositoryFileType = "github:index/repositoryFile:RepositoryFile"

// RepositoryFiles returns the files the program seeds into each application repository:
// repository name, then path in it, to content (what `github.RepositoryFile` commits).
func (r *Render) RepositoryFiles() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, res := range r.OfType(RepositoryFileType) {
		repo, _ := res.Inputs["repository"].(string)
		file, _ := res.Inputs["file"].(string)
		content, _ := res.Inputs["content"].(string)
		if out[repo] == nil {
			out[repo] = map[string]string{}
		}
		out[repo][file] = content
	}
	return out
}
