package rbac

import (
	"sort"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// The built-in ClusterRole `admin` (and `cluster-admin`, to resolve a binding to it), which each tenant's flux-reconciler is bound to and which the
// render does not contain, as a cluster running this stack holds it: the API server bootstraps it
// with no rules and an aggregation rule, and kube-controller-manager's aggregation controller fills
// it with the rules of every ClusterRole labelled aggregate-to-admin, among them those Flux and
// External Secrets install.

const (
	aggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin"
	aggregateToEdit  = "rbac.authorization.k8s.io/aggregate-to-edit"
	aggregateToView  = "rbac.authorization.k8s.io/aggregate-to-view"
)

// Verb lists of bootstrappolicy (policy.go `Write`, `ReadWrite`, `Read`, v1.36.4), sorted as
// PolicyRuleBuilder stores them (pkg/apis/rbac/v1/helpers.go `combine`).
var (
	write     = []string{"create", "delete", "deletecollection", "patch", "update"}
	readWrite = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	read      = []string{"get", "list", "watch"}
)

func rule(verbs, groups []string, resources ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources}
}

func aggregated(name string, selects string, labelled ...string) rbacv1.ClusterRole {
	r := role(name, nil, labelled...)
	r.AggregationRule = &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{selects: "true"}}}}
	return r
}

func role(name string, rules []rbacv1.PolicyRule, labelled ...string) rbacv1.ClusterRole {
	l := map[string]string{}
	for _, k := range labelled {
		l[k] = "true"
	}
	return rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l}, Rules: rules}
}

// bootstrapRoles are the user-facing roles the API server creates at start (k8s.io/kubernetes
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go `ClusterRoles`, tag v1.36.4), with the
// feature gates at their 1.36 defaults (pkg/features/kube_features.go: DynamicResourceAllocation
// GA and locked on since 1.35, so its resource.k8s.io rules are in; GenericWorkload alpha and off,
// so its scheduling.k8s.io rules are not). The same file's golden output, testdata/cluster-roles.yaml
// at v1.36.4 (what its TestClusterRoles compares against), holds exactly these rules.
var bootstrapRoles = []rbacv1.ClusterRole{
	// policy.go `cluster-admin`: "a "root" role which can do absolutely anything".
	role("cluster-admin", []rbacv1.PolicyRule{
		{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}},
		{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}},
	}),
	// policy.go: "a role for a namespace level admin. It is `edit` plus the power to grant
	// permissions to other users": no rules of its own, an aggregation rule.
	aggregated("admin", aggregateToAdmin),
	// policy.go `edit` and `view`: aggregated, and labelled into the role above them.
	aggregated("edit", aggregateToEdit, aggregateToAdmin),
	aggregated("view", aggregateToView, aggregateToEdit),
	// policy.go `system:aggregate-to-admin`: "additional admin powers".
	role("system:aggregate-to-admin", []rbacv1.PolicyRule{
		rule([]string{"create"}, []string{"authorization.k8s.io"}, "localsubjectaccessreviews"),
		rule(readWrite, []string{"rbac.authorization.k8s.io"}, "rolebindings", "roles"),
	}, aggregateToAdmin),
	// policy.go `system:aggregate-to-edit`: `editRules()`.
	role("system:aggregate-to-edit", []rbacv1.PolicyRule{
		// "Allow read on escalating resources"
		rule(read, []string{""}, "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"),
		rule([]string{"impersonate"}, []string{""}, "serviceaccounts"),
		rule(write, []string{""}, "pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"),
		rule([]string{"create"}, []string{""}, "pods/eviction"),
		rule(write, []string{""}, "configmaps", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale",
			"secrets", "serviceaccounts", "services", "services/proxy"),
		rule([]string{"create"}, []string{""}, "serviceaccounts/token"),
		rule(write, []string{"", "events.k8s.io"}, "events"),
		rule(write, []string{"apps"}, "daemonsets", "deployments", "deployments/rollback", "deployments/scale",
			"replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"),
		rule(write, []string{"autoscaling"}, "horizontalpodautoscalers"),
		rule(write, []string{"batch"}, "cronjobs", "jobs"),
		rule(write, []string{"extensions"}, "daemonsets", "deployments", "deployments/rollback", "deployments/scale",
			"ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"),
		rule(write, []string{"policy"}, "poddisruptionbudgets"),
		rule(write, []string{"networking.k8s.io"}, "ingresses", "networkpolicies"),
		rule(readWrite, []string{"coordination.k8s.io"}, "leases"),
		// `if utilfeature.DefaultFeatureGate.Enabled(features.DynamicResourceAllocation)`
		rule(write, []string{"resource.k8s.io"}, "resourceclaims", "resourceclaimtemplates"),
	}, aggregateToEdit),
	// policy.go `system:aggregate-to-view`: `viewRules()`.
	role("system:aggregate-to-view", []rbacv1.PolicyRule{
		rule(read, []string{""}, "configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
			"replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"),
		rule(read, []string{""}, "bindings", "limitranges", "namespaces/status", "pods/log", "pods/status",
			"replicationcontrollers/status", "resourcequotas", "resourcequotas/status"),
		// "read access to namespaces at the namespace scope means you can read *this* namespace"
		rule(read, []string{""}, "namespaces"),
		rule(read, []string{"", "events.k8s.io"}, "events"),
		rule(read, []string{"discovery.k8s.io"}, "endpointslices"),
		rule(read, []string{"apps"}, "controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
			"deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale",
			"statefulsets/status"),
		rule(read, []string{"autoscaling"}, "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
		rule(read, []string{"batch"}, "cronjobs", "cronjobs/status", "jobs", "jobs/status"),
		rule(read, []string{"extensions"}, "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
			"ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status",
			"replicationcontrollers/scale"),
		rule(read, []string{"policy"}, "poddisruptionbudgets", "poddisruptionbudgets/status"),
		rule(read, []string{"networking.k8s.io"}, "ingresses", "ingresses/status", "networkpolicies"),
		// `if utilfeature.DefaultFeatureGate.Enabled(features.DynamicResourceAllocation)`
		rule(read, []string{"resource.k8s.io"}, "resourceclaims", "resourceclaims/status", "resourceclaimtemplates"),
	}, aggregateToView),
}

// fluxGroups are the API groups of Flux's aggregated roles, in their file's order.
var fluxGroups = []string{"notification.toolkit.fluxcd.io", "source.toolkit.fluxcd.io", "source.extensions.fluxcd.io",
	"helm.toolkit.fluxcd.io", "image.toolkit.fluxcd.io", "kustomize.toolkit.fluxcd.io"}

// fluxRoles are the aggregated roles of Flux 2.9 as Flux Operator installs them
// (controlplaneio-fluxcd/flux-operator config/data/flux/v2.9.x/rbac.yaml, tag v0.58.1: the same
// file for v2.9.0 to v2.9.4; fluxcd/flux2 manifests/rbac/edit.yaml and view.yaml at v2.9.0, so
// also what any other Flux 2.9 installation brings).
var fluxRoles = []rbacv1.ClusterRole{
	role("flux-edit", []rbacv1.PolicyRule{
		rule([]string{"create", "delete", "deletecollection", "patch", "update"}, fluxGroups, "*"),
	}, aggregateToAdmin, aggregateToEdit),
	role("flux-view", []rbacv1.PolicyRule{
		rule([]string{"get", "list", "watch"}, fluxGroups, "*"),
	}, aggregateToAdmin, aggregateToEdit, aggregateToView),
}

// externalSecretsRoles are the aggregated roles of External Secrets' chart with the values this
// stack leaves at their defaults (external-secrets/external-secrets
// deploy/charts/external-secrets/templates/rbac.yaml, tag v2.9.0, `<fullname>-view` and
// `<fullname>-edit`; values.yaml: `scopedRBAC: false`, so ClusterRoles; `rbac.aggregateToView`,
// `aggregateToEdit`, `aggregateToAdmin: true`; `processClusterStore`, `processPushSecret`,
// `processClusterPushSecret`, `processClusterGenerator: true`). The release is
// components/install/external-secrets.ts EXTERNAL_SECRETS_RELEASE.
var externalSecretsRoles = []rbacv1.ClusterRole{
	role("external-secrets-view", []rbacv1.PolicyRule{
		rule([]string{"get", "watch", "list"}, []string{"external-secrets.io"},
			"externalsecrets", "secretstores", "clustersecretstores", "pushsecrets", "clusterpushsecrets"),
		rule([]string{"get", "watch", "list"}, []string{"generators.external-secrets.io"},
			"acraccesstokens", "beyondtrustworkloadcredentialsdynamicsecrets", "cloudsmithaccesstokens", "clustergenerators",
			"ecrauthorizationtokens", "fakes", "gcraccesstokens", "githubaccesstokens", "gitlabdeploytokens", "quayaccesstokens",
			"passwords", "sshkeys", "vaultdynamicsecrets", "webhooks", "grafanas", "generatorstates", "mfas", "uuids"),
	}, aggregateToView, aggregateToEdit, aggregateToAdmin),
	role("external-secrets-edit", []rbacv1.PolicyRule{
		rule([]string{"create", "delete", "deletecollection", "patch", "update"}, []string{"external-secrets.io"},
			"externalsecrets", "secretstores", "clustersecretstores", "pushsecrets", "clusterpushsecrets"),
		rule([]string{"create", "delete", "deletecollection", "patch", "update"}, []string{"generators.external-secrets.io"},
			"acraccesstokens", "cloudsmithaccesstokens", "clustergenerators", "ecrauthorizationtokens", "fakes", "gcraccesstokens",
			"githubaccesstokens", "gitlabdeploytokens", "quayaccesstokens", "passwords", "sshkeys", "vaultdynamicsecrets",
			"webhooks", "grafanas", "generatorstates", "mfas", "beyondtrustworkloadcredentialsdynamicsecrets", "uuids"),
	}, aggregateToEdit, aggregateToAdmin),
}

// installedClusterRoles are the ClusterRoles above after aggregation: what a RoleBinding to
// `admin`, `edit` or `view` grants in a cluster running this stack.
func installedClusterRoles() []rbacv1.ClusterRole {
	var roles []rbacv1.ClusterRole
	for _, group := range [][]rbacv1.ClusterRole{bootstrapRoles, fluxRoles, externalSecretsRoles} {
		for _, r := range group {
			roles = append(roles, *r.DeepCopy())
		}
	}
	return aggregate(roles)
}

// aggregate runs the cluster role aggregation controller until nothing changes: its
// `syncClusterRole` (k8s.io/kubernetes pkg/controller/clusterroleaggregation/
// clusterroleaggregation_controller.go, v1.36.4) sets an aggregated role's rules to the rules of
// every ClusterRole its selectors match (sorted by name, itself skipped, a rule already present
// skipped), and any ClusterRole change queues every aggregated role again, so `admin` ends up with
// `edit`'s aggregated rules too.
func aggregate(roles []rbacv1.ClusterRole) []rbacv1.ClusterRole {
	sort.Slice(roles, func(i, j int) bool { return roles[i].Name < roles[j].Name })
	for changed := true; changed; {
		changed = false
		for i := range roles {
			if roles[i].AggregationRule == nil {
				continue
			}
			rules := []rbacv1.PolicyRule{}
			for _, s := range roles[i].AggregationRule.ClusterRoleSelectors {
				sel, err := metav1.LabelSelectorAsSelector(&s)
				if err != nil {
					panic(err)
				}
				for _, other := range roles {
					if other.Name == roles[i].Name || !sel.Matches(labels.Set(other.Labels)) {
						continue
					}
					for _, r := range other.Rules {
						if !ruleExists(rules, r) {
							rules = append(rules, r)
						}
					}
				}
			}
			if !equality.Semantic.DeepEqual(rules, roles[i].Rules) {
				roles[i].Rules, changed = rules, true
			}
		}
	}
	return roles
}

func ruleExists(haystack []rbacv1.PolicyRule, needle rbacv1.PolicyRule) bool {
	for _, r := range haystack {
		if equality.Semantic.DeepEqual(r, needle) {
			return true
		}
	}
	return false
}
