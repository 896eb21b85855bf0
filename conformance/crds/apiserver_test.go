// Package crds judges every rendered object as the Kubernetes API server would on create and on a
// later update: custom resources against the reference CRDs in ../shared/crds, and those built from
// them (referenceCRDs), with k8s.io/apiextensions-apiserver; built-in kinds by strict decoding into
// k8s.io/api types.
package crds

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apiextensions-apiserver/pkg/crdserverscheme"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresource"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"sigs.k8s.io/yaml"

	"flux-gitops/conformance/internal/render"
)

// strategy is what k8s.io/apiextensions-apiserver pkg/registry/customresource.NewStrategy returns
// (its type is unexported): the create and update strategy of the custom resource REST storage.
type strategy = rest.RESTCreateUpdateStrategy

// servedVersion is one served version of a CRD, built as the API server builds it to serve it:
// pkg/apiserver/customresource_handler.go getOrCreateServingInfoFor at k8s.io/apiextensions-apiserver v0.36.4.
type servedVersion struct {
	crd        *apiextensionsv1.CustomResourceDefinition
	file       string
	structural *structuralschema.Structural
	strategy   strategy
}

// apiServer holds the served versions of every reference CRD, by group, kind and version.
type apiServer struct {
	versions map[schema.GroupVersionKind]*servedVersion
	// kinds maps group and kind to the CRD file, for objects of a version the CRD does not serve.
	kinds map[schema.GroupKind]string
}

var (
	serverOnce   sync.Once
	serverShared *apiServer
)

// loadAPIServer builds the served versions once for the package (compiling the CEL programs of
// every CRD takes seconds).
func loadAPIServer(t testing.TB) *apiServer {
	t.Helper()
	render.CRDDir(t)
	serverOnce.Do(func() { serverShared = buildAPIServer(t) })
	if serverShared == nil {
		t.Fatal("the reference CRDs could not be served (see the first test's failure)")
	}
	return serverShared
}

func buildAPIServer(t testing.TB) *apiServer {
	t.Helper()
	s := &apiServer{versions: map[schema.GroupVersionKind]*servedVersion{}, kinds: map[schema.GroupKind]string{}}
	for _, ref := range referenceCRDs(t) {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(ref.data, crd); err != nil {
			t.Fatalf("%s: not a CustomResourceDefinition: %v", ref.file, err)
		}
		gk := schema.GroupKind{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind}
		s.kinds[gk] = ref.file
		for _, v := range crd.Spec.Versions {
			if !v.Served {
				continue
			}
			sv, err := serve(crd, v)
			if err != nil {
				t.Fatalf("%s version %s: %v", ref.file, v.Name, err)
			}
			sv.file = ref.file
			s.versions[gk.WithVersion(v.Name)] = sv
		}
	}
	return s
}

// serve reproduces the steps of getOrCreateServingInfoFor (customresource_handler.go, v0.36.4)
// that build the structural schema, the schema validator and the REST strategy of one version.
func serve(crd *apiextensionsv1.CustomResourceDefinition, v apiextensionsv1.CustomResourceDefinitionVersion) (*servedVersion, error) {
	if crd.Spec.PreserveUnknownFields {
		return nil, fmt.Errorf("preserveUnknownFields is not supported by apiextensions.k8s.io/v1")
	}
	if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
		return nil, fmt.Errorf("no openAPIV3Schema")
	}
	internal := &apiextensionsinternal.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(v.Schema, internal, nil); err != nil {
		return nil, err
	}
	structural, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("not a structural schema: %w", err)
	}
	structural = structural.DeepCopy()
	if err := structuraldefaulting.PruneDefaults(structural); err != nil {
		return nil, err
	}
	validator, _, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, err
	}
	var statusValidator apiservervalidation.SchemaValidator
	var status *apiextensionsinternal.CustomResourceSubresourceStatus
	var scale *apiextensionsinternal.CustomResourceSubresourceScale
	if v.Subresources != nil && v.Subresources.Status != nil {
		status = &apiextensionsinternal.CustomResourceSubresourceStatus{}
		if st, ok := internal.OpenAPIV3Schema.Properties["status"]; ok {
			if statusValidator, _, err = apiservervalidation.NewSchemaValidator(&st); err != nil {
				return nil, err
			}
		}
	}
	if v.Subresources != nil && v.Subresources.Scale != nil {
		scale = &apiextensionsinternal.CustomResourceSubresourceScale{}
		if err := apiextensionsv1.Convert_v1_CustomResourceSubresourceScale_To_apiextensions_CustomResourceSubresourceScale(v.Subresources.Scale, scale, nil); err != nil {
			return nil, err
		}
	}
	kind := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
	// The typer of the CRD handler is crdserverscheme's UnstructuredObjectTyper for unstructured objects.
	st := customresource.NewStrategy(crdserverscheme.NewUnstructuredObjectTyper(), crd.Spec.Scope == apiextensionsv1.NamespaceScoped, kind,
		validator, statusValidator, structural, status, scale, v.SelectableFields)
	return &servedVersion{crd: crd, structural: structural, strategy: st}, nil
}

// lookup finds the served version for an object's apiVersion and kind, or says why there is none.
func (s *apiServer) lookup(u *unstructured.Unstructured) (*servedVersion, error) {
	gvk := u.GroupVersionKind()
	if sv, ok := s.versions[gvk]; ok {
		return sv, nil
	}
	if file, ok := s.kinds[gvk.GroupKind()]; ok {
		return nil, fmt.Errorf("%s does not serve version %s of %s", file, gvk.Version, gvk.GroupKind())
	}
	return nil, fmt.Errorf("no CRD for %s in ../shared/crds: add the upstream CRD of %s (and its tag to SOURCES.md)", gvk.GroupKind(), gvk.GroupKind())
}

// decode does what the API server's decoder does to a custom resource body under
// `fieldValidation=Strict` (what `kubectl apply` sends by default; a field the schema lacks would
// otherwise be dropped without a word): unstructuredSchemaCoercer.apply with returnUnknownFieldPaths (pruning and ObjectMeta
// coercion, every dropped field an `unknown field "<path>"` error, customresource_handler.go
// v0.36.4), then defaulting as unstructuredDefaulter.Default does (structuraldefaulting.Default).
// The unexported coercer cannot be called, so its steps are reproduced with the same functions.
func (sv *servedVersion) decode(u *unstructured.Unstructured) (*unstructured.Unstructured, []string, error) {
	u = u.DeepCopy()
	kind, apiVersion := u.GetKind(), u.GetAPIVersion()
	objectMeta, foundObjectMeta, unknown, err := schemaobjectmeta.GetObjectMetaWithOptions(u.Object,
		schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return nil, nil, err
	}
	unknown = append(unknown, structuralpruning.PruneWithOptions(u.Object, sv.structural, true,
		structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(u.Object, sv.structural)
	ferr, paths := schemaobjectmeta.CoerceWithOptions(nil, u.Object, sv.structural, false,
		schemaobjectmeta.CoerceOptions{ReturnUnknownFieldPaths: true})
	if ferr != nil {
		return nil, nil, ferr
	}
	unknown = append(unknown, paths...)
	u.SetKind(kind)
	u.SetAPIVersion(apiVersion)
	if foundObjectMeta {
		if err := schemaobjectmeta.SetObjectMeta(u.Object, objectMeta); err != nil {
			return nil, nil, err
		}
	}
	structuraldefaulting.Default(u.Object, sv.structural)
	var strict []string
	for _, p := range unknown {
		strict = append(strict, fmt.Sprintf(`unknown field "%s"`, p))
	}
	sort.Strings(strict)
	return u, strict, nil
}

// create is a create request: decode, then k8s.io/apiserver pkg/registry/rest BeforeCreate
// (PrepareForCreate, Validate), as genericregistry.Store.Create calls it.
// It returns the object as stored and every error the API server would report.
func (s *apiServer) create(u *unstructured.Unstructured) (*unstructured.Unstructured, []string) {
	sv, err := s.lookup(u)
	if err != nil {
		return nil, []string{err.Error()}
	}
	obj, errs, err := sv.decode(u)
	if err != nil {
		return nil, []string{err.Error()}
	}
	if len(errs) > 0 {
		return nil, errs // strict field validation refuses the request before it reaches the strategy
	}
	// genericregistry.Store.Create fills the system fields (uid, creationTimestamp) first.
	rest.FillObjectMetaSystemFields(obj)
	if err := rest.BeforeCreate(sv.strategy, requestContext(obj.GetNamespace()), obj); err != nil {
		return nil, statusCauses(err)
	}
	return obj, nil
}

// update is an update request of `old` (as stored) with the body `u`: decode, then rest.BeforeUpdate
// (generation and system fields kept from old, PrepareForUpdate, ValidateUpdate: the CEL
// transition rules on old and new, with ratcheting).
func (s *apiServer) update(u, old *unstructured.Unstructured) []string {
	sv, err := s.lookup(u)
	if err != nil {
		return []string{err.Error()}
	}
	obj, errs, err := sv.decode(u)
	if err != nil {
		return []string{err.Error()}
	}
	if len(errs) > 0 {
		return errs
	}
	old = old.DeepCopy()
	old.SetResourceVersion("1")
	obj.SetResourceVersion("1")
	if err := rest.BeforeUpdate(sv.strategy, requestContext(obj.GetNamespace()), obj, old); err != nil {
		return statusCauses(err)
	}
	return nil
}

// requestContext is the context of a request for the object's namespace (what the handler's
// request info puts there).
func requestContext(namespace string) context.Context {
	return genericapirequest.WithNamespace(genericapirequest.NewContext(), namespace)
}

// statusCauses are the field errors of an Invalid status error, as `kubectl` prints them.
func statusCauses(err error) []string {
	var status *apierrors.StatusError
	if !errors.As(err, &status) || status.ErrStatus.Details == nil || len(status.ErrStatus.Details.Causes) == 0 {
		return []string{err.Error()}
	}
	var out []string
	for _, c := range status.ErrStatus.Details.Causes {
		if c.Field != "" {
			out = append(out, c.Field+": "+c.Message)
		} else {
			out = append(out, c.Message)
		}
	}
	return out
}

func joinErrors(errs []string) string {
	return "\n\t" + strings.Join(errs, "\n\t")
}
