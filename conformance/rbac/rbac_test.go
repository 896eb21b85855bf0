package rbac

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/component-helpers/auth/rbac/validation"

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

// What the rendered RBAC allows, per variant. Today the program renders no Role, binding or
// service account (the Helm charts it installs bring their own, outside the render): so no
// service account gets any right from it, none may create a cluster-scoped object, none may read
// another namespace's Secrets. The multi-tenancy work (issue 22) adds per-tenant service accounts
// and RoleBindings; each then gets its row here.
func TestRenderedRBAC(t *testing.T) {
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			p, serviceAccounts := renderedPolicy(t, r)
			namespaces := namespacesOf(r)
			subjects := subjectsOf(p, serviceAccounts)
			// Every rendered binding and what each service account may do.
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
			// Nothing rendered grants cluster-scoped rights to anyone.
			if len(p.clusterRoleBindings) > 0 {
				var names []string
				for _, b := range p.clusterRoleBindings {
					names = append(names, b.Name)
				}
				t.Errorf("ClusterRoleBindings rendered: %v (grants in every namespace and cluster-wide)", names)
			}
			got := struct{ Roles, ClusterRoles, RoleBindings, ServiceAccounts int }{
				len(p.roles), len(p.clusterRoles), len(p.roleBindings), len(subjects),
			}
			want := struct{ Roles, ClusterRoles, RoleBindings, ServiceAccounts int }{}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("RBAC rendered today (-want +got); add the new subjects' expectations above:\n%s", diff)
			}
		})
	}
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
			if r.Name == "admin" {
				continue
			}
			if ok, missing := validation.Covers(admin.Rules, r.Rules); !ok {
				t.Errorf("admin lacks rules of %s: %v", r.Name, missing)
			}
		}
	}
}
