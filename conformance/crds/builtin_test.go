package crds

import (
	"fmt"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/client-go/kubernetes/scheme"
)

// builtinKind is how the API server scopes and names a built-in kind: the name validation
// functions of k8s.io/kubernetes pkg/apis/<group>/validation at v1.36 (ValidateNamespaceName is
// NameIsDNSLabel, ValidateServiceName NameIsDNS1035Label, ValidateRBACName
// path.IsValidPathSegmentName, the others NameIsDNSSubdomain).
type builtinKind struct {
	namespaced bool
	name       apivalidation.ValidateNameFunc
}

var builtinKinds = map[schema.GroupKind]builtinKind{
	{Group: "", Kind: "Namespace"}:                                             {false, apivalidation.NameIsDNSLabel},
	{Group: "", Kind: "Secret"}:                                                {true, apivalidation.NameIsDNSSubdomain},
	{Group: "", Kind: "ConfigMap"}:                                             {true, apivalidation.NameIsDNSSubdomain},
	{Group: "", Kind: "ServiceAccount"}:                                        {true, apivalidation.NameIsDNSSubdomain},
	{Group: "", Kind: "Service"}:                                               {true, apivalidation.NameIsDNS1035Label},
	{Group: "apps", Kind: "Deployment"}:                                        {true, apivalidation.NameIsDNSSubdomain},
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}:                         {true, rbacName},
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:                  {true, rbacName},
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:                  {false, rbacName},
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}:           {false, rbacName},
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}:                        {true, apivalidation.NameIsDNSSubdomain},
	{Group: "policy", Kind: "PodDisruptionBudget"}:                             {true, apivalidation.NameIsDNSSubdomain},
	{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}:                    {true, apivalidation.NameIsDNSSubdomain},
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}:          {false, apivalidation.NameIsDNSSubdomain},
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicy"}: {false, apivalidation.NameIsDNSSubdomain},
}

// rbacName is pkg/apis/rbac/validation ValidateRBACName: path.IsValidPathSegmentName.
func rbacName(name string, prefix bool) []string { return path.IsValidPathSegmentName(name) }

// strictDecoder decodes as the API server does under fieldValidation=Strict: the JSON serializer
// of k8s.io/apimachinery with Strict on reports unknown and duplicate fields as errors.
var strictDecoder = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme.Scheme, scheme.Scheme,
	json.SerializerOptions{Strict: true})

// isBuiltin says whether the API server serves this group itself: client-go's scheme registers
// every built-in group of k8s.io/api (a version it does not know then fails to decode).
func isBuiltin(gvk schema.GroupVersionKind) bool {
	return scheme.Scheme.IsGroupRegistered(gvk.Group)
}

// decodeBuiltin decodes a built-in object strictly into its k8s.io/api type and checks its
// metadata as ValidateObjectMeta does for its kind. It returns every error the API server would report.
func decodeBuiltin(data []byte) (runtime.Object, []string) {
	obj, gvk, err := strictDecoder.Decode(data, nil, nil)
	if err != nil {
		return nil, []string{err.Error()}
	}
	kind, ok := builtinKinds[gvk.GroupKind()]
	if !ok {
		return obj, []string{fmt.Sprintf("%s: add its scope and name rule to builtinKinds", gvk.GroupKind())}
	}
	accessor, ok := obj.(metav1.Object)
	if !ok {
		return obj, []string{fmt.Sprintf("%T has no ObjectMeta", obj)}
	}
	var errs []string
	for _, e := range apivalidation.ValidateObjectMetaAccessor(accessor, kind.namespaced, kind.name, nil) {
		errs = append(errs, e.Error())
	}
	return obj, errs
}
