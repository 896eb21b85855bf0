package rbac

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/component-helpers/auth/rbac/validation"
	"sigs.k8s.io/yaml"

	"flux-gitops/conformance/internal/render"
)

var strictDecoder = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme.Scheme, scheme.Scheme,
	json.SerializerOptions{Strict: true})

// renderedPolicy decodes a render's RBAC objects strictly into k8s.io/api/rbac/v1 types.
func renderedPolicy(t *testing.T, r *render.Render) (*policy, []string) {
	t.Helper()
	p := &policy{}
	var serviceAccounts []string
	for _, o := range r.Objects {
		if o.GroupVersionKind().Group != rbacv1.GroupName && o.GetKind() != "ServiceAccount" {
			continue
		}
		obj, _, err := strictDecoder.Decode(o.JSON, nil, nil)
		if err != nil {
			t.Fatalf("%s in out/%s: %v", o.ID(), r.Name, err)
		}
		switch v := obj.(type) {
		case *rbacv1.Role:
			p.roles = append(p.roles, *v)
		case *rbacv1.ClusterRole:
			p.clusterRoles = append(p.clusterRoles, *v)
		case *rbacv1.RoleBinding:
			p.roleBindings = append(p.roleBindings, *v)
		case *rbacv1.ClusterRoleBinding:
			p.clusterRoleBindings = append(p.clusterRoleBindings, *v)
		default:
			if o.GetKind() == "ServiceAccount" {
				serviceAccounts = append(serviceAccounts, o.GetNamespace()+"/"+o.GetName())
				continue
			}
			t.Fatalf("%s in out/%s: unexpected RBAC kind %T", o.ID(), r.Name, obj)
		}
	}
	return p, serviceAccounts
}

// subjectsOf lists every service account a rendered binding names or the render creates, as namespace/name.
func subjectsOf(p *policy, serviceAccounts []string) []string {
	set := map[string]bool{}
	for _, sa := range serviceAccounts {
		set[sa] = true
	}
	add := func(subjects []rbacv1.Subject, ns string) {
		for _, s := range subjects {
			if s.Kind == rbacv1.ServiceAccountKind {
				if s.Namespace != "" {
					ns = s.Namespace
				}
				set[ns+"/"+s.Name] = true
			}
		}
	}
	for _, b := range p.roleBindings {
		add(b.Subjects, b.Namespace)
	}
	for _, b := range p.clusterRoleBindings {
		add(b.Subjects, "")
	}
	var out []string
	for sa := range set {
		out = append(out, sa)
	}
	sort.Strings(out)
	return out
}

// namespacesOf lists the namespaces the render touches, plus one it does not.
func namespacesOf(r *render.Render) []string {
	set := map[string]bool{"some-other-namespace": true, "kube-system": true, "default": true}
	for _, o := range r.Objects {
		if o.GetNamespace() != "" {
			set[o.GetNamespace()] = true
		}
		if o.GetKind() == "Namespace" {
			set[o.GetName()] = true
		}
	}
	var out []string
	for ns := range set {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// tenantLabel marks a tenant's Namespace (fluxcd/flux2 cmd/flux/create_tenant.go, v2.9.0).
const tenantLabel = "toolkit.fluxcd.io/tenant"

// The service accounts of a tenant (issue 22): Flux's kustomize-controller applies the tenant's
// repository as flux-reconciler (Kustomization spec.serviceAccountName), and External Secrets
// authenticates to AWS as external-secrets-reader (IRSA), which needs no Kubernetes right.
const (
	reconcilerSA = "flux-reconciler"
	readerSA     = "external-secrets-reader"
)

// workloadResources are the kinds a tenant's seeded overlay applies (components/app/manifests.ts:
// a Deployment, a Service, and the ConfigMap of its configMapGenerator) as the API server names
// them, and the verbs kustomize-controller uses on them as the tenant: server-side apply
// (get, create, patch), health checks (get, list), prune (delete), fluxcd/pkg ssa.
var workloadResources = map[string]struct{ group, resource string }{
	"Deployment": {"apps", "deployments"},
	"Service":    {"", "services"},
	"ConfigMap":  {"", "configmaps"},
}

var applyVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}

// fluxResources are the Flux kinds of a tenant's namespace, by the API server's resource name.
var fluxResources = map[string]struct{ group, resource string }{
	"GitRepository":         {"source.toolkit.fluxcd.io", "gitrepositories"},
	"Kustomization":         {"kustomize.toolkit.fluxcd.io", "kustomizations"},
	"ImageRepository":       {"image.toolkit.fluxcd.io", "imagerepositories"},
	"ImagePolicy":           {"image.toolkit.fluxcd.io", "imagepolicies"},
	"ImageUpdateAutomation": {"image.toolkit.fluxcd.io", "imageupdateautomations"},
	"Receiver":              {"notification.toolkit.fluxcd.io", "receivers"},
	"Alert":                 {"notification.toolkit.fluxcd.io", "alerts"},
	"Provider":              {"notification.toolkit.fluxcd.io", "providers"},
}

// seededKinds lists the kinds of the files the program seeds into application repositories (the
// kustomize.config.k8s.io Kustomizations aside), and ConfigMap when one has a configMapGenerator.
func seededKinds(t *testing.T, r *render.Render) map[string]bool {
	t.Helper()
	kinds := map[string]bool{}
	for repo, files := range r.RepositoryFiles() {
		for file, content := range files {
			for _, doc := range strings.Split(content, "\n---") {
				var head struct {
					APIVersion         string `json:"apiVersion"`
					Kind               string `json:"kind"`
					ConfigMapGenerator []any  `json:"configMapGenerator"`
				}
				if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
					t.Fatalf("%s %s in out/%s: %v", repo, file, r.Name, err)
				}
				if strings.HasPrefix(head.APIVersion, "kustomize.config.k8s.io/") {
					if len(head.ConfigMapGenerator) > 0 {
						kinds["ConfigMap"] = true
					}
					continue
				}
				if head.Kind != "" {
					kinds[head.Kind] = true
				}
			}
		}
	}
	return kinds
}

// What the rendered RBAC allows, per variant, resolved with the built-in roles as a cluster
// running this stack holds them (admin_test.go). Per tenant namespace: flux-reconciler bound to
// admin by one RoleBinding there, so it writes only there, reads only that namespace's Secrets,
// creates nothing cluster-scoped, and can apply the seeded overlay and edit its own Flux objects;
// external-secrets-reader has no right at all. No ClusterRoleBinding is rendered.
func TestRenderedRBAC(t *testing.T) {
	tenantsSeen := 0
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			p, serviceAccounts := renderedPolicy(t, r)
			rendered := struct{ Roles, ClusterRoles, RoleBindings, ClusterRoleBindings int }{
				len(p.roles), len(p.clusterRoles), len(p.roleBindings), len(p.clusterRoleBindings),
			}
			p.clusterRoles = append(installedClusterRoles(), p.clusterRoles...)
			namespaces := namespacesOf(r)
			subjects := subjectsOf(p, serviceAccounts)
			tenants := map[string]bool{}
			for _, ns := range r.Kind("Namespace") {
				if _, ok := ns.GetLabels()[tenantLabel]; ok {
					tenants[ns.GetName()] = true
				}
			}
			tenantsSeen += len(tenants)

			// Every service account the render names: writes in its own namespace at most, reads
			// no other namespace's Secrets, creates nothing cluster-scoped.
			for _, sa := range subjects {
				ns, name, _ := cut(sa)
				u := serviceAccountUser(ns, name)
				if got := p.writableNamespaces(u, namespaces); len(got) > 1 || (len(got) == 1 && got[0] != ns) {
					t.Errorf("ServiceAccount %s may write in %v: a tenant's service account writes only in its own namespace", sa, got)
				}
				if got := p.clusterScopedGrants(u); len(got) > 0 {
					t.Errorf("ServiceAccount %s may %v", sa, got)
				}
				if got := p.secretReadableNamespaces(u, namespaces); len(got) > 1 || (len(got) == 1 && got[0] != ns) {
					t.Errorf("ServiceAccount %s may read the Secrets of %v", sa, got)
				}
			}

			workloads := seededKinds(t, r)
			for kind := range workloads {
				if _, ok := workloadResources[kind]; !ok {
					t.Errorf("out/%s seeds a %s: add its resource to workloadResources so the tenant's right to apply it is checked", r.Name, kind)
				}
			}
			for ns := range tenants {
				reconciler := serviceAccountUser(ns, reconcilerSA)
				if diff := cmp.Diff([]string{ns}, p.writableNamespaces(reconciler, namespaces)); diff != "" {
					t.Errorf("ServiceAccount %s/%s writable namespaces (-want +got):\n%s", ns, reconcilerSA, diff)
				}
				if diff := cmp.Diff([]string{ns}, p.secretReadableNamespaces(reconciler, namespaces)); diff != "" {
					t.Errorf("ServiceAccount %s/%s readable Secrets (-want +got):\n%s", ns, reconcilerSA, diff)
				}
				// What it must be able to do, or the tenant's Kustomization fails as forbidden.
				var must []request
				for _, kind := range []string{"Deployment", "Service", "ConfigMap"} {
					res := workloadResources[kind]
					for _, verb := range applyVerbs {
						must = append(must, request{verb: verb, group: res.group, resource: res.resource, namespace: ns})
					}
				}
				for _, o := range r.Objects {
					res, ok := fluxResources[o.GetKind()]
					if !ok || o.GetNamespace() != ns {
						continue
					}
					for _, verb := range []string{"get", "list", "watch", "patch", "update"} {
						must = append(must, request{verb: verb, group: res.group, resource: res.resource, namespace: ns, name: o.GetName()})
					}
				}
				for _, req := range must {
					if !p.allows(reconciler, req) {
						t.Errorf("ServiceAccount %s/%s may not %s: the tenant could not deploy or edit its own Flux objects", ns, reconcilerSA, req)
					}
				}
				for _, req := range []request{
					{verb: "update", resource: "namespaces", namespace: ns, name: ns},
					{verb: "create", resource: "resourcequotas", namespace: ns},
				} {
					if p.allows(reconciler, req) {
						t.Errorf("ServiceAccount %s/%s may %s (admin withholds it)", ns, reconcilerSA, req)
					}
				}
				// external-secrets-reader: no rule in any namespace, none cluster-wide.
				reader := serviceAccountUser(ns, readerSA)
				for _, other := range append(namespaces, "") {
					if rules := p.rulesFor(reader, other); len(rules) > 0 {
						t.Errorf("ServiceAccount %s/%s has rules in %q: %v; it only authenticates to AWS", ns, readerSA, other, rules)
					}
				}
			}

			// The bindings: one RoleBinding per tenant, flux-reconciler to ClusterRole admin.
			var bindings []string
			for _, b := range p.roleBindings {
				bindings = append(bindings, b.Namespace+"/"+b.Name)
				if !tenants[b.Namespace] {
					t.Errorf("RoleBinding %s/%s in out/%s is outside any tenant namespace", b.Namespace, b.Name, r.Name)
					continue
				}
				want := rbacv1.RoleBinding{
					RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "admin"},
					Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: reconcilerSA, Namespace: b.Namespace}},
				}
				got := rbacv1.RoleBinding{RoleRef: b.RoleRef, Subjects: b.Subjects}
				if b.Name != reconcilerSA {
					t.Errorf("RoleBinding %s/%s in out/%s: want it named %s", b.Namespace, b.Name, r.Name, reconcilerSA)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("RoleBinding %s/%s in out/%s (-want +got):\n%s", b.Namespace, b.Name, r.Name, diff)
				}
			}
			for _, b := range p.clusterRoleBindings {
				t.Errorf("ClusterRoleBinding %s rendered in out/%s: it grants in every namespace and cluster-wide", b.Name, r.Name)
			}
			var wantSAs []string
			for ns := range tenants {
				wantSAs = append(wantSAs, ns+"/"+readerSA, ns+"/"+reconcilerSA)
			}
			sort.Strings(wantSAs)
			if diff := cmp.Diff(wantSAs, serviceAccountsIn(serviceAccounts, tenants)); diff != "" {
				t.Errorf("out/%s: ServiceAccounts of tenant namespaces (-want +got):\n%s", r.Name, diff)
			}
			want := struct{ Roles, ClusterRoles, RoleBindings, ClusterRoleBindings int }{RoleBindings: len(tenants)}
			if diff := cmp.Diff(want, rendered); diff != "" {
				t.Errorf("out/%s: RBAC objects rendered (-want +got), bindings %v:\n%s", r.Name, bindings, diff)
			}
		})
	}
	if tenantsSeen == 0 {
		t.Fatalf("no render has a Namespace labelled %s: the tenant rows ran on nothing", tenantLabel)
	}
}

// serviceAccountsIn lists the rendered service accounts of the given namespaces, sorted.
func serviceAccountsIn(serviceAccounts []string, namespaces map[string]bool) []string {
	var out []string
	for _, sa := range serviceAccounts {
		if ns, _, _ := cut(sa); namespaces[ns] {
			out = append(out, sa)
		}
	}
	sort.Strings(out)
	return out
}

func cut(sa string) (string, string, bool) {
	for i := range sa {
		if sa[i] == '/' {
			return sa[:i], sa[i+1:], true
		}
	}
	return "", sa, false
}

// The resolver itself, on clearly named fixtures (never rendered): the answers the API server's
// RBAC authorizer gives.
func TestResolverAnswersAsTheAuthorizer(t *testing.T) {
	// cluster-admin's rules (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy
	// policy.go, v1.36.4): every verb on every resource of every group, and every non-resource URL.
	clusterAdmin := rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "cluster-admin"},
		Rules: []rbacv1.PolicyRule{
			{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}},
			{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}},
		},
	}
	deployer := rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "deployer", Namespace: "tenant-a"},
		Rules: []rbacv1.PolicyRule{
			{Verbs: []string{"get", "list", "create", "patch"}, APIGroups: []string{"apps"}, Resources: []string{"deployments"}},
			{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"registry"}},
		},
	}
	namespaces := []string{"tenant-a", "tenant-b", "flux-system"}
	tests := []struct {
		name       string
		policy     policy
		sa         [2]string
		writable   []string
		cluster    int // number of cluster-scoped writes granted
		secretsIn  []string
		extraCheck func(t *testing.T, p *policy)
	}{
		{
			name: "cluster-admin bound by a RoleBinding grants everything in that namespace only",
			policy: policy{clusterRoles: []rbacv1.ClusterRole{clusterAdmin}, roleBindings: []rbacv1.RoleBinding{{
				ObjectMeta: metav1.ObjectMeta{Name: "tenant-a-admin", Namespace: "tenant-a"},
				Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "flux", Namespace: "tenant-a"}},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			}}},
			sa: [2]string{"tenant-a", "flux"}, writable: []string{"tenant-a"}, secretsIn: []string{"tenant-a"},
		},
		{
			name: "cluster-admin bound by a ClusterRoleBinding grants every namespace and cluster-scoped objects",
			policy: policy{clusterRoles: []rbacv1.ClusterRole{clusterAdmin}, clusterRoleBindings: []rbacv1.ClusterRoleBinding{{
				ObjectMeta: metav1.ObjectMeta{Name: "tenant-a-admin"},
				Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "flux", Namespace: "tenant-a"}},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			}}},
			sa: [2]string{"tenant-a", "flux"}, writable: namespacesSorted(namespaces), cluster: len(clusterScoped) * 4, secretsIn: namespacesSorted(namespaces),
		},
		{
			name: "a ServiceAccount subject without a namespace is the binding's namespace's",
			policy: policy{roles: []rbacv1.Role{deployer}, roleBindings: []rbacv1.RoleBinding{{
				ObjectMeta: metav1.ObjectMeta{Name: "deployer", Namespace: "tenant-a"},
				Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "flux"}},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "deployer"},
			}}},
			sa: [2]string{"tenant-a", "flux"}, writable: []string{"tenant-a"},
			extraCheck: func(t *testing.T, p *policy) {
				u := serviceAccountUser("tenant-a", "flux")
				if !p.allows(u, request{verb: "get", resource: "secrets", namespace: "tenant-a", name: "registry"}) {
					t.Errorf("resourceNames: get secrets/registry refused")
				}
				if p.allows(u, request{verb: "get", resource: "secrets", namespace: "tenant-a", name: "other"}) {
					t.Errorf("resourceNames: get secrets/other allowed")
				}
				if p.allows(u, request{verb: "delete", group: "apps", resource: "deployments", namespace: "tenant-a"}) {
					t.Errorf("verbs: delete deployments allowed")
				}
				if p.allows(serviceAccountUser("tenant-b", "flux"), request{verb: "get", group: "apps", resource: "deployments", namespace: "tenant-a"}) {
					t.Errorf("the same name in another namespace is another service account")
				}
			},
		},
		{
			name: "a RoleBinding to a Role of another namespace grants nothing",
			policy: policy{roles: []rbacv1.Role{deployer}, roleBindings: []rbacv1.RoleBinding{{
				ObjectMeta: metav1.ObjectMeta{Name: "deployer", Namespace: "tenant-b"},
				Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "flux", Namespace: "tenant-b"}},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "deployer"},
			}}},
			sa: [2]string{"tenant-b", "flux"},
		},
		{
			name: "a group subject of a namespace's service accounts applies to each of them",
			policy: policy{clusterRoles: []rbacv1.ClusterRole{clusterAdmin}, roleBindings: []rbacv1.RoleBinding{{
				ObjectMeta: metav1.ObjectMeta{Name: "all-sa", Namespace: "tenant-b"},
				Subjects:   []rbacv1.Subject{{Kind: "Group", Name: "system:serviceaccounts:tenant-a", APIGroup: rbacv1.GroupName}},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			}}},
			sa: [2]string{"tenant-a", "default"}, writable: []string{"tenant-b"}, secretsIn: []string{"tenant-b"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := serviceAccountUser(tc.sa[0], tc.sa[1])
			if diff := cmp.Diff(tc.writable, p(tc.policy).writableNamespaces(u, namespaces)); diff != "" {
				t.Errorf("ServiceAccount %s/%s writable namespaces (-want +got):\n%s", tc.sa[0], tc.sa[1], diff)
			}
			if got := len(p(tc.policy).clusterScopedGrants(u)); got != tc.cluster {
				t.Errorf("ServiceAccount %s/%s: %d cluster-scoped writes, want %d", tc.sa[0], tc.sa[1], got, tc.cluster)
			}
			if diff := cmp.Diff(tc.secretsIn, p(tc.policy).secretReadableNamespaces(u, namespaces)); diff != "" {
				t.Errorf("ServiceAccount %s/%s readable Secrets (-want +got):\n%s", tc.sa[0], tc.sa[1], diff)
			}
			if tc.extraCheck != nil {
				tc.extraCheck(t, p(tc.policy))
			}
		})
	}
}

func p(x policy) *policy { return &x }

func namespacesSorted(ns []string) []string {
	out := append([]string(nil), ns...)
	sort.Strings(out)
	return out
}

// `admin` bound in one namespace, as the cluster aggregates it (admin_test.go): what a tenant's
// reconciler needs is granted there, and what the Kubernetes RBAC docs ("User-facing roles") say
// admin withholds is refused: writing the namespace itself, its ResourceQuotas and LimitRanges,
// anything cluster-scoped, and anything in another namespace.
func TestAdminBoundInANamespace(t *testing.T) {
	pol := &policy{clusterRoles: installedClusterRoles(), roleBindings: []rbacv1.RoleBinding{{
		ObjectMeta: metav1.ObjectMeta{Name: "flux-reconciler", Namespace: "tenant-a"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "flux-reconciler", Namespace: "tenant-a"}},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "admin"},
	}}}
	u := serviceAccountUser("tenant-a", "flux-reconciler")
	in := func(verb, group, resource string) request {
		return request{verb: verb, group: group, resource: resource, namespace: "tenant-a"}
	}
	tests := []struct {
		name string
		req  request
		want bool
	}{
		// system:aggregate-to-edit (policy.go editRules)
		{"creates Deployments", in("create", "apps", "deployments"), true},
		{"patches Services", in("patch", "", "services"), true},
		{"deletes ConfigMaps", in("delete", "", "configmaps"), true},
		{"reads Secrets", in("get", "", "secrets"), true},
		{"impersonates its namespace's ServiceAccounts", in("impersonate", "", "serviceaccounts"), true},
		// system:aggregate-to-admin
		{"creates RoleBindings", in("create", "rbac.authorization.k8s.io", "rolebindings"), true},
		// flux-edit and flux-view
		{"patches Kustomizations", in("patch", "kustomize.toolkit.fluxcd.io", "kustomizations"), true},
		{"updates GitRepositories", in("update", "source.toolkit.fluxcd.io", "gitrepositories"), true},
		{"creates Alerts", in("create", "notification.toolkit.fluxcd.io", "alerts"), true},
		{"lists ImagePolicies", in("list", "image.toolkit.fluxcd.io", "imagepolicies"), true},
		// External Secrets' edit role
		{"creates ExternalSecrets", in("create", "external-secrets.io", "externalsecrets"), true},
		{"creates SecretStores", in("create", "external-secrets.io", "secretstores"), true},
		// withheld
		{"does not write ResourceQuotas", in("create", "", "resourcequotas"), false},
		{"does not write LimitRanges", in("update", "", "limitranges"), false},
		{"does not update its Namespace", in("update", "", "namespaces"), false},
		{"does not write Endpoints (removed from edit in 1.22)", in("create", "", "endpoints"), false},
		{"does not write a Deployment's status", in("update", "apps", "deployments/status"), false},
		{"does not create Namespaces", request{verb: "create", resource: "namespaces"}, false},
		{"does not create ClusterSecretStores (cluster-scoped: a RoleBinding cannot grant it)",
			request{verb: "create", group: "external-secrets.io", resource: "clustersecretstores"}, false},
		{"does not create ClusterRoleBindings", request{verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterrolebindings"}, false},
		{"does not create Deployments elsewhere", request{verb: "create", group: "apps", resource: "deployments", namespace: "tenant-b"}, false},
		{"does not read Secrets elsewhere", request{verb: "get", resource: "secrets", namespace: "flux-system"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := pol.allows(u, tc.req); got != tc.want {
				t.Errorf("ServiceAccount tenant-a/flux-reconciler bound to admin: %s allowed = %v, want %v", tc.req, got, tc.want)
			}
		})
	}
	// The rules admin gathers are those of every role labelled into it, directly or through edit
	// and view.
	var admin rbacv1.ClusterRole
	for _, r := range pol.clusterRoles {
		if r.Name == "admin" {
			admin = r
		}
	}
	for _, group := range [][]rbacv1.ClusterRole{bootstrapRoles, fluxRoles, externalSecretsRoles} {
		for _, r := range group {
			if r.Name == "admin" || r.Name == "cluster-admin" {
				continue
			}
			if ok, missing := validation.Covers(admin.Rules, r.Rules); !ok {
				t.Errorf("admin lacks rules of %s: %v", r.Name, missing)
			}
		}
	}
}
