package flux

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/kustomize/kyaml/fieldmeta"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// setterShortHand is image-automation-controller internal/constants SetterShortHand (v1.2.1):
// the marker `# {"$imagepolicy": "<namespace>:<name>[:tag|:name|:digest]"}`.
const setterShortHand = "$imagepolicy"

func init() {
	// internal/update/setters.go init (v1.2.1).
	fieldmeta.SetShortHandRef(setterShortHand)
	openapi.SuppressBuiltInSchemaUse()
}

// latestRef is an ImagePolicy's status.latestRef: what the setters write.
type latestRef struct {
	namespace, name string
	image, tag      string
}

// setterSchema is setterSchema of internal/update/setters.go (v1.2.1): a string property whose
// x-k8s-cli extension names the setter and its value.
func setterSchema(name, value string) spec.Schema {
	schema := spec.StringProperty()
	schema.Extensions = map[string]interface{}{}
	schema.Extensions.Add("x-k8s-cli", map[string]interface{}{
		"setter": map[string]string{"name": name, "value": value},
	})
	return *schema
}

// updateWithSetters does what UpdateWithSetters of internal/update/setters.go (v1.2.1) does to a
// checkout in `dir`: one setter per policy and suffix (`ns:name` the image, `:tag`, `:name`,
// `:digest`), the files that hold the token `"$imagepolicy"` read with kio.ByteReader
// (PreserveSeqIndent, internal/update/filereader.go), every scalar whose line comment refers to a
// setter set to its value (internal/update/filter.go SetAllCallback, adapted there from kyaml
// setters2), and the files with a change written back by kio.LocalPackageWriter. It returns the
// changed files.
func updateWithSetters(dir string, refs []latestRef) ([]string, error) {
	defs := map[string]spec.Schema{}
	for _, r := range refs {
		image := r.image + ":" + r.tag
		base := r.namespace + ":" + r.name
		defs[fieldmeta.SetterDefinitionPrefix+base] = setterSchema(base, image)
		defs[fieldmeta.SetterDefinitionPrefix+base+":tag"] = setterSchema(base+":tag", r.tag)
		defs[fieldmeta.SetterDefinitionPrefix+base+":name"] = setterSchema(base+":name", r.image)
		defs[fieldmeta.SetterDefinitionPrefix+base+":digest"] = setterSchema(base+":digest", "")
	}
	schema := &spec.Schema{}
	schema.Definitions = defs

	var nodes []*yaml.RNode
	token := []byte(fmt.Sprintf("%q", setterShortHand))
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		if ext := filepath.Ext(p); ext != ".yaml" && ext != ".yml" && filepath.Base(p) != "Kustomization" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(data, token) {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		read, err := (&kio.ByteReader{Reader: bytes.NewBuffer(data), SetAnnotations: map[string]string{kioutil.PathAnnotation: rel}, PreserveSeqIndent: true}).Read()
		if err != nil {
			return fmt.Errorf("%s: kio.ByteReader: %w", rel, err)
		}
		nodes = append(nodes, read...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	changed := map[string]bool{}
	for _, n := range nodes {
		path, _, err := kioutil.GetFileAnnotations(n)
		if err != nil {
			return nil, err
		}
		if err := visit(n, schema, func(old, new string) {
			if old != new {
				changed[path] = true
			}
		}); err != nil {
			return nil, err
		}
	}
	var out []*yaml.RNode
	var files []string
	for _, n := range nodes {
		path, _, _ := kioutil.GetFileAnnotations(n)
		if changed[path] {
			out = append(out, n)
		}
	}
	for f := range changed {
		files = append(files, f)
	}
	return files, (&kio.LocalPackageWriter{PackagePath: dir}).Write(out)
}

// visit walks documents, maps and sequences down to scalars (filter.go accept) and sets each
// scalar whose field comment resolves to a setter of the schema (getSchema, visitScalar, set).
func visit(n *yaml.RNode, schema *spec.Schema, changed func(old, new string)) error {
	switch n.YNode().Kind {
	case yaml.DocumentNode:
		return visit(yaml.NewRNode(n.YNode()), schema, changed)
	case yaml.MappingNode:
		return n.VisitFields(func(f *yaml.MapNode) error { return visit(f.Value, schema, changed) })
	case yaml.SequenceNode:
		return n.VisitElements(func(e *yaml.RNode) error { return visit(e, schema, changed) })
	case yaml.ScalarNode:
		fm := fieldmeta.FieldMeta{SettersSchema: schema}
		if err := fm.Read(n); err != nil || fm.IsEmpty() {
			return nil
		}
		if fm.Schema.Ref.String() != "" {
			if s, err := openapi.Resolve(&fm.Schema.Ref, schema); err == nil && s != nil {
				fm.Schema = *s
			}
		}
		ext := fm.Schema.Extensions["x-k8s-cli"]
		if ext == nil {
			return nil
		}
		var value struct {
			Setter *struct{ Name, Value string } `json:"setter"`
		}
		b, _ := json.Marshal(ext)
		if err := json.Unmarshal(b, &value); err != nil || value.Setter == nil {
			return err
		}
		old := n.YNode().Value
		n.YNode().Value = value.Setter.Value
		changed(old, value.Setter.Value)
		if len(fm.Schema.Type) > 0 {
			yaml.FormatNonStringStyle(n.YNode(), fm.Schema)
		}
	}
	return nil
}

// lineChange is one line that differs between two versions of a file.
type lineChange struct {
	file          string
	line          int
	before, after string
}

func (c lineChange) String() string {
	return fmt.Sprintf("%s line %d: %q -> %q", c.file, c.line, c.before, c.after)
}

// lineDiff lists the lines that differ between `before` and `after`; a changed line count is one
// change at line 0.
func lineDiff(before, after string) []lineChange {
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	if len(a) != len(b) {
		return []lineChange{{before: fmt.Sprintf("%d lines", len(b)), after: fmt.Sprintf("%d lines", len(a))}}
	}
	var out []lineChange
	for i := range b {
		if b[i] != a[i] {
			out = append(out, lineChange{line: i + 1, before: b[i], after: a[i]})
		}
	}
	return out
}
