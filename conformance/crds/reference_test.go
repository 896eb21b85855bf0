package crds

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"flux-gitops/conformance/internal/render"
)

// referenceCRD is one CRD the suites install and serve: a file of ../shared/crds as it is, or one
// built in memory from such a file (derivedCRDs).
type referenceCRD struct {
	// file names it in failure messages: the file, or the file it was derived from.
	file string
	data []byte
}

// derivedCRD builds the CRD of a kind ../shared/crds does not hold from the CRD of a kind that
// upstream generates from the same Go type. The TypeScript side checks such kinds the same way
// (SAME_SCHEMA_AS, test/helpers/schema.ts). CRD files are never copied into the project.
type derivedCRD struct {
	kind   schema.GroupKind
	from   schema.GroupKind
	derive func(*apiextensionsv1.CustomResourceDefinition)
}

var derivedCRDs = []derivedCRD{
	{
		// SecretStore and ClusterSecretStore both carry SecretStoreSpec (external-secrets
		// apis/externalsecrets/v1/secretstore_types.go @v2.9.0), and their CRDs
		// (config/crds/bases/external-secrets.io_secretstores.yaml and
		// external-secrets.io_clustersecretstores.yaml @v2.9.0) differ only in metadata.name,
		// spec.names, spec.scope and each version's top-level schema description: the same served
		// v1 schema, the same CEL rules.
		kind: schema.GroupKind{Group: "external-secrets.io", Kind: "SecretStore"},
		from: schema.GroupKind{Group: "external-secrets.io", Kind: "ClusterSecretStore"},
		derive: func(crd *apiextensionsv1.CustomResourceDefinition) {
			crd.Name = "secretstores.external-secrets.io"
			crd.Spec.Names = apiextensionsv1.CustomResourceDefinitionNames{
				Kind:       "SecretStore",
				ListKind:   "SecretStoreList",
				Plural:     "secretstores",
				Singular:   "secretstore",
				ShortNames: []string{"ss"},
				Categories: crd.Spec.Names.Categories,
			}
			crd.Spec.Scope = apiextensionsv1.NamespaceScoped
			for i := range crd.Spec.Versions {
				if s := crd.Spec.Versions[i].Schema; s != nil && s.OpenAPIV3Schema != nil {
					s.OpenAPIV3Schema.Description = strings.Replace(s.OpenAPIV3Schema.Description,
						"ClusterSecretStore represents", "SecretStore represents", 1)
				}
			}
		},
	},
}

// referenceCRDs returns every CRD of ../shared/crds, then the derived ones whose kind it does not
// hold. It fails the test when the CRD a derived one comes from is missing.
func referenceCRDs(t testing.TB) []referenceCRD {
	t.Helper()
	dir := render.CRDDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRD in %s (%v)", dir, err)
	}
	var out []referenceCRD
	byKind := map[schema.GroupKind]referenceCRD{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		ref := referenceCRD{file: filepath.Base(file), data: data}
		out = append(out, ref)
		// Strict decoding is the consumers' job, file by file; here only the kind is needed.
		var crd apiextensionsv1.CustomResourceDefinition
		if yaml.Unmarshal(data, &crd) == nil {
			byKind[schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}] = ref
		}
	}
	for _, d := range derivedCRDs {
		if _, ok := byKind[d.kind]; ok {
			continue
		}
		src, ok := byKind[d.from]
		if !ok {
			t.Fatalf("no CRD for %s in %s: the CRD of %s is built from it", d.from, dir, d.kind)
		}
		ref, err := derive(d, src)
		if err != nil {
			t.Fatalf("%s from %s: %v", d.kind, src.file, err)
		}
		out = append(out, ref)
	}
	return out
}

func derive(d derivedCRD, src referenceCRD) (referenceCRD, error) {
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict(src.data, crd); err != nil {
		return referenceCRD{}, err
	}
	d.derive(crd)
	if got := (schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}); got != d.kind {
		return referenceCRD{}, fmt.Errorf("derived a CRD of %s", got)
	}
	data, err := yaml.Marshal(crd)
	if err != nil {
		return referenceCRD{}, err
	}
	return referenceCRD{file: fmt.Sprintf("%s made %s", src.file, d.kind.Kind), data: data}, nil
}
