package crds

import (
	"testing"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/install"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresourcedefinition"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apiserver/pkg/registry/rest"
)

// Every reference CRD, and every one built from them (referenceCRDs), installs on the API server
// the suites model: decoded and defaulted as apiextensions.k8s.io/v1, then
// customresourcedefinition's strategy (BeforeCreate: ValidateCustomResourceDefinition), which compiles every x-kubernetes-validations rule in the
// apiserver's CEL environment and refuses rules over the estimated cost limits. A CRD it refuses
// would make every check of its objects meaningless.
func TestReferenceCRDsInstall(t *testing.T) {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	codecs := serializer.NewCodecFactory(scheme, serializer.EnableStrict)
	decoder := codecs.UniversalDecoder(apiextensionsinternal.SchemeGroupVersion)
	strategy := customresourcedefinition.NewStrategy(scheme)
	for _, ref := range referenceCRDs(t) {
		t.Run(ref.file, func(t *testing.T) {
			file := ref.file
			// The universal decoder converts to the internal version, defaulting v1 on the way.
			obj, gvk, err := decoder.Decode(ref.data, nil, nil)
			if err != nil {
				t.Fatalf("%s: decoding as the API server does: %v", file, err)
			}
			if gvk.GroupVersion() != apiextensionsv1.SchemeGroupVersion {
				t.Fatalf("%s: %s, want apiextensions.k8s.io/v1", file, gvk)
			}
			crd := obj.(*apiextensionsinternal.CustomResourceDefinition)
			rest.FillObjectMetaSystemFields(crd)
			if err := rest.BeforeCreate(strategy, requestContext(""), crd); err != nil {
				t.Errorf("CustomResourceDefinition %s (%s) refused by the API server: %v", crd.Name, file, err)
			}
		})
	}
}
