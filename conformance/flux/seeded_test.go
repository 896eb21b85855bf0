package flux

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"flux-gitops/conformance/internal/render"
)

// strictDecoder decodes built-in objects as the API server does under fieldValidation=Strict.
var strictDecoder = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme.Scheme, scheme.Scheme,
	json.SerializerOptions{Strict: true})

// application is what one application's Flux objects say about its repository.
type application struct {
	kustomization string         // the Kustomization's ID, `Kustomization <namespace>/<name>`
	automation    *render.Object // its ImageUpdateAutomation (nil when there is none)
	name          string         // the Kustomization's name
	fluxNamespace string         // the namespace of its Flux objects: its tenant's, or the Flux namespace
	repository    string         // the GitRepository URL's last segment, the seeded repository
	path          string         // the Kustomization's spec.path
	namespace     string         // the Kustomization's spec.targetNamespace
	updatePath    string         // the ImageUpdateAutomation's spec.update.path ("" when there is none)
	image         string         // the ImageRepository's spec.image
	policy        string         // namespace:name of its ImagePolicy
	route         *unstructured.Unstructured
}

// applications are the rendered Kustomizations that kustomize-controller reconciles, each with the
// objects of its namespace that name it or its source. A suspended Kustomization is skipped as the
// controller skips it (internal/controller/kustomization_controller.go Reconcile, v1.9.4: "Skip
// reconciliation if the object is suspended"): it builds nothing (TestRetiredKustomizationsPruneNothing).
func applications(t *testing.T, r *render.Render) []application {
	t.Helper()
	var apps []application
	for _, k := range r.Kind("Kustomization") {
		if k.GetAPIVersion() != "kustomize.toolkit.fluxcd.io/v1" {
			continue
		}
		if suspended, _, _ := unstructured.NestedBool(k.Object, "spec", "suspend"); suspended {
			continue
		}
		a := application{kustomization: k.ID(), name: k.GetName(), fluxNamespace: k.GetNamespace()}
		a.path, _, _ = unstructured.NestedString(k.Object, "spec", "path")
		a.namespace, _, _ = unstructured.NestedString(k.Object, "spec", "targetNamespace")
		source, _, _ := unstructured.NestedString(k.Object, "spec", "sourceRef", "name")
		git, ok := r.Find("GitRepository", k.GetNamespace(), source)
		if !ok {
			t.Fatalf("%s: spec.sourceRef names GitRepository %s/%s, not rendered", k.ID(), k.GetNamespace(), source)
		}
		url, _, _ := unstructured.NestedString(git.Object, "spec", "url")
		a.repository = path.Base(strings.TrimSuffix(url, ".git"))
		for _, u := range r.Kind("ImageUpdateAutomation") {
			if ref, _, _ := unstructured.NestedString(u.Object, "spec", "sourceRef", "name"); ref == source && u.GetNamespace() == k.GetNamespace() {
				a.automation = &u
				a.updatePath, _, _ = unstructured.NestedString(u.Object, "spec", "update", "path")
			}
		}
		for _, p := range r.Kind("ImagePolicy") {
			repo, _, _ := unstructured.NestedString(p.Object, "spec", "imageRepositoryRef", "name")
			ir, ok := r.Find("ImageRepository", p.GetNamespace(), repo)
			if !ok {
				t.Fatalf("%s: spec.imageRepositoryRef names ImageRepository %s/%s, not rendered", p.ID(), p.GetNamespace(), repo)
			}
			if p.GetNamespace() == k.GetNamespace() && p.GetName() == k.GetName() {
				a.image, _, _ = unstructured.NestedString(ir.Object, "spec", "image")
				a.policy = p.GetNamespace() + ":" + p.GetName()
			}
		}
		if route, ok := r.Find("HTTPRoute", a.namespace, a.name); ok {
			a.route = route.Unstructured
		}
		apps = append(apps, a)
	}
	return apps
}

// refsOf is every rendered ImagePolicy of one namespace with a latest tag, as an
// ImageUpdateAutomation there gets them: getPolicies (internal/controller/
// imageupdateautomation_controller.go, image-automation-controller v1.2.1) lists the policies of
// the automation's own namespace (narrowed by spec.policySelector, which the program does not set).
func refsOf(r *render.Render, namespace, tag string) []latestRef {
	var refs []latestRef
	for _, p := range r.Kind("ImagePolicy") {
		if p.GetNamespace() != namespace {
			continue
		}
		repo, _, _ := unstructured.NestedString(p.Object, "spec", "imageRepositoryRef", "name")
		ir, _ := r.Find("ImageRepository", p.GetNamespace(), repo)
		image, _, _ := unstructured.NestedString(ir.Object, "spec", "image")
		refs = append(refs, latestRef{namespace: p.GetNamespace(), name: p.GetName(), image: image, tag: tag})
	}
	return refs
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// built is an overlay as kustomize-controller builds it: krusty (sigs.k8s.io/kustomize/api
// v0.21.1, the release Flux 2.9.5 pins) on the checkout, each object then decoded strictly.
type built struct {
	deployment *appsv1.Deployment
	service    *corev1.Service
	configMap  *corev1.ConfigMap
	kinds      []string
}

func build(t *testing.T, dir, overlay, what string) built {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resMap, err := k.Run(filesys.MakeFsOnDisk(), filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(overlay, "./"))))
	if err != nil {
		t.Fatalf("%s: kustomize build %s: %v", what, overlay, err)
	}
	var b built
	for _, res := range resMap.Resources() {
		data, err := res.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		obj, gvk, err := strictDecoder.Decode(data, nil, nil)
		if err != nil {
			t.Errorf("%s: %s %s from kustomize build %s: strict decoding into k8s.io/api: %v", what, res.GetKind(), res.GetName(), overlay, err)
			continue
		}
		b.kinds = append(b.kinds, gvk.Kind)
		switch o := obj.(type) {
		case *appsv1.Deployment:
			b.deployment = o
		case *corev1.Service:
			b.service = o
		case *corev1.ConfigMap:
			b.configMap = o
		}
	}
	sort.Strings(b.kinds)
	return b
}

// Each seeded overlay (the Kustomization's spec.path in the repository its GitRepository names)
// builds with krusty into a Deployment, Service and ConfigMap that decode strictly, wired to one
// port: the port the HTTPRoute sends to; the Deployment reads the generated ConfigMap.
func TestSeededOverlaysBuild(t *testing.T) {
	seen := 0
	for _, r := range render.All(t) {
		files := r.RepositoryFiles()
		built := map[string]bool{}
		for _, a := range applications(t, r) {
			seeded, ok := files[a.repository]
			if !ok {
				continue
			}
			seen++
			built[a.repository] = true
			t.Run(r.Name+"/"+a.name, func(t *testing.T) {
				what := a.kustomization + " in out/" + r.Name
				b := build(t, writeFiles(t, seeded), a.path, what)
				if diff := cmp.Diff([]string{"ConfigMap", "Deployment", "Service"}, b.kinds); diff != "" {
					t.Fatalf("%s: kinds built (-want +got):\n%s", what, diff)
				}
				c := b.deployment.Spec.Template.Spec.Containers[0]
				if !strings.HasPrefix(c.Image, a.image+":") {
					t.Errorf("%s: Deployment image %q is not the ImageRepository's %q", what, c.Image, a.image)
				}
				if len(c.EnvFrom) == 0 || c.EnvFrom[0].ConfigMapRef == nil || c.EnvFrom[0].ConfigMapRef.Name != b.configMap.Name {
					t.Errorf("%s: the container does not read the generated ConfigMap %s (envFrom %+v)", what, b.configMap.Name, c.EnvFrom)
				}
				if a.route == nil {
					t.Fatalf("%s: no HTTPRoute %s/%s rendered", what, a.namespace, a.name)
				}
				backends, _, _ := unstructured.NestedSlice(a.route.Object, "spec", "rules")
				backend := backends[0].(map[string]any)["backendRefs"].([]any)[0].(map[string]any)
				port := backend["port"].(int64)
				if backend["name"] != b.service.Name {
					t.Errorf("%s: HTTPRoute sends to Service %v, the build makes %s", what, backend["name"], b.service.Name)
				}
				got := struct {
					ConfigPort              string
					ContainerPort           int32
					ServicePort, TargetPort int32
					Selector, Template      map[string]string
				}{
					b.configMap.Data["PORT"], c.Ports[0].ContainerPort,
					b.service.Spec.Ports[0].Port, b.service.Spec.Ports[0].TargetPort.IntVal,
					b.service.Spec.Selector, b.deployment.Spec.Template.Labels,
				}
				labels := map[string]string{"app.kubernetes.io/name": b.deployment.Name}
				want := struct {
					ConfigPort              string
					ContainerPort           int32
					ServicePort, TargetPort int32
					Selector, Template      map[string]string
				}{
					ConfigPort: strconv.FormatInt(port, 10), ContainerPort: int32(port), ServicePort: int32(port), TargetPort: int32(port),
					Selector: labels, Template: labels,
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: the build is not wired to the HTTPRoute's port %d (-want +got):\n%s", what, port, diff)
				}
				// A private image's pods pull with the Secret the stack syncs into their namespace
				// (an ExternalSecret whose target is a kubernetes.io/dockerconfigjson Secret); a
				// public image's pods name none.
				var pullSecrets []string
				for _, es := range r.Kind("ExternalSecret") {
					typ, _, _ := unstructured.NestedString(es.Object, "spec", "target", "template", "type")
					if es.GetNamespace() == a.namespace && typ == "kubernetes.io/dockerconfigjson" {
						name, _, _ := unstructured.NestedString(es.Object, "spec", "target", "name")
						pullSecrets = append(pullSecrets, name)
					}
				}
				var named []string
				for _, ref := range b.deployment.Spec.Template.Spec.ImagePullSecrets {
					named = append(named, ref.Name)
				}
				if diff := cmp.Diff(pullSecrets, named); diff != "" {
					t.Errorf("%s: the pods' imagePullSecrets are not the pull Secrets synced into %s (-synced +named):\n%s",
						what, a.namespace, diff)
				}
			})
		}
		for repository := range files {
			if !built[repository] {
				t.Errorf("out/%s seeds repository %s, but no Kustomization that kustomize-controller reconciles builds it", r.Name, repository)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no variant seeds an application repository")
	}
}

// A new image tag, applied as image-automation-controller applies it under the
// ImageUpdateAutomation's spec.update.path, changes exactly one line of the seeded files, the
// line with the application's marker, and the overlay then builds with the new image.
func TestImageUpdateChangesOnlyTheMarkedLine(t *testing.T) {
	const newTag = "20261206"
	seen := 0
	for _, r := range render.All(t) {
		files := r.RepositoryFiles()
		for _, a := range applications(t, r) {
			seeded, ok := files[a.repository]
			if !ok || a.automation == nil || a.updatePath == "" {
				continue
			}
			seen++
			t.Run(r.Name+"/"+a.name, func(t *testing.T) {
				what := a.automation.ID() + " in out/" + r.Name
				if _, set, _ := unstructured.NestedFieldNoCopy(a.automation.Object, "spec", "policySelector"); set {
					t.Fatalf("%s: spec.policySelector is set; refsOf does not model it", what)
				}
				dir := writeFiles(t, seeded)
				changed, err := updateWithSetters(filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(a.updatePath, "./"))), refsOf(r, a.fluxNamespace, newTag))
				if err != nil {
					t.Fatalf("%s: setters update: %v", what, err)
				}
				if len(changed) != 1 {
					t.Fatalf("%s: the update changed %d files under %s (%v), want the overlay alone", what, len(changed), a.updatePath, changed)
				}
				var diffs []lineChange
				for name, before := range seeded {
					after, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
					if err != nil {
						t.Fatal(err)
					}
					for _, d := range lineDiff(before, string(after)) {
						d.file = name
						diffs = append(diffs, d)
					}
				}
				if len(diffs) != 1 {
					t.Fatalf("%s: the update changed %d lines, want exactly the marked one:\n\t%v", what, len(diffs), diffs)
				}
				marker := `# {"$imagepolicy": "` + a.policy + `:tag"}`
				if d := diffs[0]; !strings.HasSuffix(d.before, marker) || !strings.HasSuffix(d.after, marker) || !strings.Contains(d.after, newTag) {
					t.Errorf("%s: changed %v: want the marked line, with the new tag %s and the marker %s kept", what, d, newTag, marker)
				}
				b := build(t, dir, a.path, what+" after the update")
				if b.deployment == nil {
					t.Fatalf("%s: no Deployment after the update", what)
				}
				if got, want := b.deployment.Spec.Template.Spec.Containers[0].Image, a.image+":"+newTag; got != want {
					t.Errorf("%s: Deployment image after the update %q, want %q", what, got, want)
				}
			})
		}
	}
	if seen == 0 {
		t.Fatal("no variant has an image update for a seeded repository")
	}
}
