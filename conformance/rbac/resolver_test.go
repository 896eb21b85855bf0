// Package rbac resolves the rendered Roles, ClusterRoles and bindings as the API server's RBAC
// authorizer does, and answers the tenancy questions: where a service account may write, whether
// it may create cluster-scoped objects, whether it may read another namespace's Secrets.
//
// The authorizer itself (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac, with its rule
// resolver in pkg/registry/rbac/validation/rule.go) lives in k8s.io/kubernetes, which cannot be
// required as a library without replacing every staging module. What can be imported is used:
// k8s.io/component-helpers auth/rbac/validation Covers (the rule comparison the API server's
// escalation check runs, and which matches RuleAllows for one request) and
// k8s.io/apiserver pkg/authentication/serviceaccount (a service account's user name and groups).
// Two steps are reproduced from rule.go at v1.36.4: which bindings apply to a subject
// (appliesToUser) and which rules they bring for a namespace (VisitRulesFor).
package rbac

import (
	"fmt"
	"slices"
	"sort"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/component-helpers/auth/rbac/validation"
)

// policy is the RBAC objects of one cluster.
type policy struct {
	roles               []rbacv1.Role
	clusterRoles        []rbacv1.ClusterRole
	roleBindings        []rbacv1.RoleBinding
	clusterRoleBindings []rbacv1.ClusterRoleBinding
}

// serviceAccountUser is the identity the API server authenticates a service account token as:
// serviceaccount.UserInfo, plus system:authenticated, which the authenticator adds to every
// authenticated user (k8s.io/apiserver pkg/authentication/group AuthenticatedGroupAdder).
func serviceAccountUser(namespace, name string) user.Info {
	info := serviceaccount.UserInfo(namespace, name, "")
	return &user.DefaultInfo{Name: info.GetName(), Groups: append(info.GetGroups(), user.AllAuthenticated)}
}

// appliesTo is appliesToUser of pkg/registry/rbac/validation/rule.go (v1.36.4): a ServiceAccount
// subject without a namespace means the binding's namespace.
func appliesTo(u user.Info, subject rbacv1.Subject, bindingNamespace string) bool {
	switch subject.Kind {
	case rbacv1.UserKind:
		return u.GetName() == subject.Name
	case rbacv1.GroupKind:
		return slices.Contains(u.GetGroups(), subject.Name)
	case rbacv1.ServiceAccountKind:
		ns := bindingNamespace
		if subject.Namespace != "" {
			ns = subject.Namespace
		}
		return ns != "" && serviceaccount.MatchesUsername(ns, subject.Name, u.GetName())
	}
	return false
}

// rulesFor is VisitRulesFor of rule.go (v1.36.4): the rules of every ClusterRoleBinding that
// applies to the user, then, for a namespaced request, those of every RoleBinding of that
// namespace that applies (its roleRef a Role of that namespace or a ClusterRole). A missing
// role grants nothing (the resolver reports it and goes on).
func (p *policy) rulesFor(u user.Info, namespace string) []rbacv1.PolicyRule {
	var rules []rbacv1.PolicyRule
	for _, b := range p.clusterRoleBindings {
		if slices.ContainsFunc(b.Subjects, func(s rbacv1.Subject) bool { return appliesTo(u, s, "") }) {
			rules = append(rules, p.roleRules(b.RoleRef, "")...)
		}
	}
	if namespace == "" {
		return rules
	}
	for _, b := range p.roleBindings {
		if b.Namespace != namespace {
			continue
		}
		if slices.ContainsFunc(b.Subjects, func(s rbacv1.Subject) bool { return appliesTo(u, s, namespace) }) {
			rules = append(rules, p.roleRules(b.RoleRef, namespace)...)
		}
	}
	return rules
}

// roleRules is GetRoleReferenceRules of rule.go: a Role (in the binding's namespace) or a ClusterRole.
func (p *policy) roleRules(ref rbacv1.RoleRef, namespace string) []rbacv1.PolicyRule {
	switch ref.Kind {
	case "Role":
		for _, r := range p.roles {
			if r.Namespace == namespace && r.Name == ref.Name {
				return r.Rules
			}
		}
	case "ClusterRole":
		for _, r := range p.clusterRoles {
			if r.Name == ref.Name {
				return r.Rules
			}
		}
	}
	return nil
}

// request is a resource request as the authorizer sees it (authorizer.Attributes).
type request struct {
	verb, group, resource, namespace, name string
}

func (r request) String() string {
	where := "cluster-wide"
	if r.namespace != "" {
		where = "in namespace " + r.namespace
	}
	return fmt.Sprintf("%s %s.%s %q %s", r.verb, r.resource, r.group, r.name, where)
}

// allows answers one request: whether the subject's rules for the request's namespace cover it
// (validation.Covers on the request as a one-verb, one-resource rule).
func (p *policy) allows(u user.Info, r request) bool {
	want := rbacv1.PolicyRule{Verbs: []string{r.verb}, APIGroups: []string{r.group}, Resources: []string{r.resource}}
	if r.name != "" {
		want.ResourceNames = []string{r.name}
	}
	ok, _ := validation.Covers(p.rulesFor(u, r.namespace), []rbacv1.PolicyRule{want})
	return ok
}

// writeVerbs are the verbs that change objects.
var writeVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}

// probeResources are what a tenant's deployer would write: core, apps and Flux kinds.
var probeResources = []struct{ group, resource string }{
	{"", "configmaps"}, {"", "secrets"}, {"", "services"}, {"", "serviceaccounts"}, {"apps", "deployments"},
	{"rbac.authorization.k8s.io", "rolebindings"}, {"kustomize.toolkit.fluxcd.io", "kustomizations"},
}

// clusterScoped are cluster-scoped resources whose creation would break a tenant's isolation.
var clusterScoped = []struct{ group, resource string }{
	{"", "namespaces"}, {"", "nodes"}, {"", "persistentvolumes"},
	{"rbac.authorization.k8s.io", "clusterroles"}, {"rbac.authorization.k8s.io", "clusterrolebindings"},
	{"apiextensions.k8s.io", "customresourcedefinitions"},
	{"admissionregistration.k8s.io", "validatingwebhookconfigurations"},
	{"admissionregistration.k8s.io", "mutatingwebhookconfigurations"},
	{"storage.k8s.io", "storageclasses"},
}

// writableNamespaces lists the namespaces among `namespaces` where the user may write any probe resource.
func (p *policy) writableNamespaces(u user.Info, namespaces []string) []string {
	var out []string
	for _, ns := range namespaces {
		if p.mayWriteIn(u, ns) {
			out = append(out, ns)
		}
	}
	sort.Strings(out)
	return out
}

func (p *policy) mayWriteIn(u user.Info, ns string) bool {
	for _, res := range probeResources {
		for _, verb := range writeVerbs {
			if p.allows(u, request{verb: verb, group: res.group, resource: res.resource, namespace: ns}) {
				return true
			}
		}
	}
	return false
}

// clusterScopedGrants lists the cluster-scoped writes the user may make.
func (p *policy) clusterScopedGrants(u user.Info) []string {
	var out []string
	for _, res := range clusterScoped {
		for _, verb := range []string{"create", "update", "patch", "delete"} {
			r := request{verb: verb, group: res.group, resource: res.resource}
			if p.allows(u, r) {
				out = append(out, r.String())
			}
		}
	}
	return out
}

// secretReadableNamespaces lists the namespaces among `namespaces` whose Secrets the user may read.
func (p *policy) secretReadableNamespaces(u user.Info, namespaces []string) []string {
	var out []string
	for _, ns := range namespaces {
		for _, verb := range []string{"get", "list", "watch"} {
			if p.allows(u, request{verb: verb, resource: "secrets", namespace: ns}) {
				out = append(out, ns)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}
