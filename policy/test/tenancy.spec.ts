/**
 * The tenancy policies (policy/tenancy.ts): for each, a stack shaped as the program renders a tenant
 * (docs/research/tenancy.md, the tenancy contract) that passes, and one broken resource that is
 * refused with its exact message; and values not known during a preview, as @pulumi/policy hands
 * them over (its own unknown-checking proxy), never reported.
 */
import { strict as assert } from "node:assert";
import type { StackValidationPolicy } from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import {
    at,
    clusterSecretStoreConditions,
    parameterArn,
    tenantKustomizationServiceAccount,
    tenantNamespaces,
    tenantNoClusterRoleBinding,
    tenantNoCrossNamespaceRefs,
    tenantParameters,
    tenantParametersIsolated,
    UNKNOWN,
} from "../tenancy";
import { type FakeResource, runResourcePolicy, runStackPolicy, urnOf } from "./harness";

// @pulumi/policy 1.21.0 proxy.js: what the policy server wraps every resource's properties in, and
// the sentinel a preview's unknown string arrives as (internal, so not in its typings).
const { unknownCheckingProxy, unknownStringValue } = policyProxy as unknown as {
    unknownCheckingProxy: <T>(props: T) => T;
    unknownStringValue: string;
};

const TENANT = "toolkit.fluxcd.io/tenant";
const ARN = "arn:aws:ssm:eu-central-1:123456789012:parameter";

type Props = Record<string, any>;

/** A Kubernetes object as pulumi-kubernetes registers it, with labels. */
function object(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    body: Props,
    labels?: Record<string, string>,
): FakeResource & { props: Props } {
    const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
    return {
        type: `kubernetes:${group}:${kind}`,
        name: `${namespace ?? "cluster"}-${name}-${kind.toLowerCase()}`,
        props: {
            apiVersion,
            kind,
            metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) },
            ...body,
        },
    };
}

const namespace = (name: string, tenant?: string) =>
    object("v1", "Namespace", undefined, name, {}, tenant ? { [TENANT]: tenant } : undefined);
const fluxInstance = (multitenant: boolean) =>
    object("fluxcd.controlplane.io/v1", "FluxInstance", "flux-system", "flux", {
        spec: { cluster: { multitenant, tenantDefaultServiceAccount: "default" } },
    });
const kustomization = (ns: string, name: string, serviceAccountName?: string, extra: Props = {}, labels?: Record<string, string>) =>
    object(
        "kustomize.toolkit.fluxcd.io/v1",
        "Kustomization",
        ns,
        name,
        { spec: { ...(serviceAccountName ? { serviceAccountName } : {}), sourceRef: { kind: "GitRepository", name }, prune: true, ...extra } },
        labels,
    );
const clusterRoleBinding = (name: string, subjects: Props[]) =>
    object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", undefined, name, {
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects,
    });
const parameter = (name: string, tenant?: string, arn?: string): FakeResource & { props: Props } => ({
    type: "aws:ssm/parameter:Parameter",
    name: name.replace(/\//g, "-"),
    props: { name, type: "SecureString", ...(tenant ? { tags: { "flux-gitops:tenant": tenant } } : {}), ...(arn ? { arn } : {}) },
});
const rolePolicy = (name: string, resources: string | string[]): FakeResource & { props: Props } => ({
    type: "aws:iam/rolePolicy:RolePolicy",
    name,
    props: {
        role: name,
        policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "ReadStackParameters", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: resources }],
        }),
    },
});

/** Two tenants as the program renders them (the tenancy contract), and the platform. */
function tenantStack(): (FakeResource & { props: Props })[] {
    return [
        namespace("flux-system"),
        namespace("echo", "echo-server"),
        namespace("shop", "shop"),
        fluxInstance(true),
        kustomization("echo", "echo-server", "flux-reconciler", { targetNamespace: "echo" }, { [TENANT]: "echo-server" }),
        kustomization("shop", "shop", "flux-reconciler", { targetNamespace: "shop" }, { [TENANT]: "shop" }),
        kustomization("flux-system", "platform", "kustomize-controller"),
        clusterRoleBinding("cluster-reconciler", [
            { kind: "ServiceAccount", name: "kustomize-controller", namespace: "flux-system" },
            { kind: "ServiceAccount", name: "helm-controller", namespace: "flux-system" },
        ]),
        object("rbac.authorization.k8s.io/v1", "RoleBinding", "echo", "flux-reconciler", {
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
            subjects: [{ kind: "ServiceAccount", name: "flux-reconciler", namespace: "echo" }],
        }),
        parameter("/github/echo-server/deploy-key", "echo-server"),
        parameter("/github/echo-server/receiver-token", "echo-server"),
        parameter("/github/shop/deploy-key", "shop"),
        parameter("/github/echo-server/ghcr-token"),
        rolePolicy("echo-server-parameters", [`${ARN}/github/echo-server/deploy-key`, `${ARN}/github/echo-server/receiver-token`, `${ARN}/github/echo-server/ghcr-token`]),
        rolePolicy("shop-parameters", [`${ARN}/github/shop/deploy-key`, `${ARN}/github/echo-server/ghcr-token`]),
        object("external-secrets.io/v1", "ExternalSecret", "echo", "echo-server-deploy-key", {
            spec: { secretStoreRef: { kind: "SecretStore", name: "parameters" }, data: [{ secretKey: "identity", remoteRef: { key: "/github/echo-server/deploy-key" } }] },
        }, { [TENANT]: "echo-server" }),
        object("image.toolkit.fluxcd.io/v1", "ImagePolicy", "echo", "echo-server", {
            spec: { imageRepositoryRef: { name: "echo-server" }, policy: { numerical: { order: "asc" } }, filterTags: { pattern: "^[0-9]+$" } },
        }),
        object("image.toolkit.fluxcd.io/v1", "ImageUpdateAutomation", "echo", "echo-server", { spec: { sourceRef: { kind: "GitRepository", name: "echo-server" } } }),
        object("notification.toolkit.fluxcd.io/v1", "Receiver", "echo", "echo-server", {
            spec: { type: "github", resources: [{ kind: "GitRepository", name: "echo-server" }], secretRef: { name: "echo-server-receiver-token" } },
        }),
        object("notification.toolkit.fluxcd.io/v1beta3", "Alert", "echo", "flux-errors", {
            spec: { providerRef: { name: "alertmanager" }, eventSources: [{ kind: "Kustomization", name: "*" }, { kind: "GitRepository", name: "*", namespace: "echo" }] },
        }),
        // The platform's objects in the Flux namespace may refer across namespaces; they are not a tenant's.
        object("notification.toolkit.fluxcd.io/v1beta3", "Alert", "flux-system", "platform", {
            spec: { providerRef: { name: "alertmanager" }, eventSources: [{ kind: "Kustomization", name: "*", namespace: "monitoring" }] },
        }),
        object("external-secrets.io/v1", "ExternalSecret", "flux-system", "bot-token", { spec: { secretStoreRef: { kind: "ClusterSecretStore", name: "parameters" } } }),
    ];
}

const find = (stack: (FakeResource & { props: Props })[], type: string, name: string) => {
    const found = stack.find((r) => r.type.endsWith(`:${type}`) && r.props.metadata?.name === name);
    assert.ok(found, `${type} ${name}`);
    return found;
};
const messages = async (policy: StackValidationPolicy, resources: FakeResource[]) =>
    (await runStackPolicy(policy, resources)).map((v) => v.message);
/** The stack as the policy server hands it over: every resource's properties behind its proxy. */
const proxied = (resources: (FakeResource & { props: Props })[]): FakeResource[] =>
    resources.map((r) => ({ ...r, props: unknownCheckingProxy(r.props) }));

describe("tenant namespaces, as the stack shows them", () => {
    it("are the namespaces labelled toolkit.fluxcd.io/tenant, and the namespace of any object that carries the label", () => {
        const resources = [
            namespace("echo", "echo-server"),
            namespace("flux-system"),
            object("v1", "ConfigMap", "loose", "x", {}, { [TENANT]: "loose" }),
            object("v1", "ConfigMap", "flux-system", "y", {}),
            // Labelled but in no namespace (cluster-scoped), or no Kubernetes object: no tenant namespace.
            object("rbac.authorization.k8s.io/v1", "ClusterRole", undefined, "z", {}, { [TENANT]: "z" }),
            { type: "aws:iam/role:Role", name: "r", props: { metadata: { namespace: "aws", labels: { [TENANT]: "r" } } } },
        ];
        assert.deepEqual([...tenantNamespaces(resources)].sort(), ["echo", "loose"]);
    });

    it("leave out a namespace whose label is not known yet", () => {
        const resources = proxied([namespace("echo", unknownStringValue)]);
        assert.deepEqual([...tenantNamespaces(resources)], []);
    });
});

describe("reading properties with `at`", () => {
    it("gives undefined past a missing step or a scalar, keeps UNKNOWN, turns a preview's unknown into UNKNOWN, and throws any other error", () => {
        assert.equal(at({ a: { b: 1 } }, "a", "b"), 1);
        assert.equal(at({ a: null }, "a", "b"), undefined);
        assert.equal(at({ a: "text" }, "a", "length"), undefined);
        assert.equal(at(UNKNOWN, "a"), UNKNOWN);
        assert.equal(at(unknownCheckingProxy({ a: unknownStringValue }), "a", "b"), UNKNOWN);
        const broken = Object.defineProperty({}, "a", { get: () => { throw new RangeError("broken"); } });
        assert.throws(() => at(broken, "a"), RangeError);
    });
});

describe("tenant-kustomization-service-account: a tenant's Kustomization applies as the tenant's own account", () => {
    const policy = tenantKustomizationServiceAccount();

    it("passes tenants' Kustomizations with their own account and the platform's with kustomize-controller", async () => {
        assert.deepEqual(await messages(policy, tenantStack()), []);
    });

    it("refuses a tenant's Kustomization without a service account", async () => {
        const stack = tenantStack();
        delete find(stack, "Kustomization", "echo-server").props.spec.serviceAccountName;
        assert.deepEqual(await runStackPolicy(policy, stack), [
            {
                message:
                    'Kustomization "echo/echo-server" belongs to a tenant but names no spec.serviceAccountName: it would apply as the namespace\'s "default" account. Set it to the tenant\'s own service account.',
                urn: urnOf(find(stack, "Kustomization", "echo-server")),
            },
        ]);
    });

    it("refuses a tenant's Kustomization that runs as kustomize-controller, found by its namespace alone or by its label alone", async () => {
        const byNamespace = tenantStack();
        const k = find(byNamespace, "Kustomization", "echo-server");
        k.props.spec.serviceAccountName = "kustomize-controller";
        delete k.props.metadata.labels;
        const expected = 'Kustomization "echo/echo-server" belongs to a tenant but runs as "kustomize-controller", the cluster-admin account: set spec.serviceAccountName to the tenant\'s own service account.';
        assert.deepEqual(await messages(policy, byNamespace), [expected]);
        const byLabel = tenantStack().filter((r) => r.props.metadata?.name !== "echo" || !r.type.endsWith(":Namespace"));
        find(byLabel, "Kustomization", "echo-server").props.spec.serviceAccountName = "kustomize-controller";
        assert.deepEqual(await messages(policy, byLabel), [expected]);
    });

    it("without multitenancy, says the Kustomization would apply with cluster-admin rights", async () => {
        const stack = tenantStack();
        find(stack, "FluxInstance", "flux").props.spec.cluster.multitenant = false;
        delete find(stack, "Kustomization", "shop").props.spec.serviceAccountName;
        assert.deepEqual(await messages(policy, stack), [
            'Kustomization "shop/shop" belongs to a tenant but names no spec.serviceAccountName: it would apply as kustomize-controller, with cluster-admin rights. Set it to the tenant\'s own service account.',
        ]);
    });

    it("with multitenancy on, refuses any Kustomization without a service account (it would run as the default account); without, lets the platform's go", async () => {
        const stack = tenantStack();
        delete find(stack, "Kustomization", "platform").props.spec.serviceAccountName;
        assert.deepEqual(await messages(policy, stack), [
            'Kustomization "flux-system/platform" names no spec.serviceAccountName while the FluxInstance enables multitenancy: kustomize-controller would apply it as the namespace\'s "default" account. Set spec.serviceAccountName (kustomize-controller for a platform Kustomization).',
        ]);
        find(stack, "FluxInstance", "flux").props.spec.cluster.multitenant = false;
        assert.deepEqual(await messages(policy, stack), []);
    });

    it("reads an empty serviceAccountName as none, as kustomize-controller does, and one that is not a string too", async () => {
        // fluxcd/pkg runtime/client/impersonator.go (runtime v0.110.3) setImpersonationConfig:
        // `if sa := i.serviceAccountName; sa != ""`, else the default service account, else itself.
        // The CRD types it as a string: a value of another type names no account.
        for (const serviceAccountName of ["", 5, true]) {
            const stack = tenantStack();
            find(stack, "Kustomization", "echo-server").props.spec.serviceAccountName = serviceAccountName;
            assert.deepEqual(await messages(policy, stack), [
                'Kustomization "echo/echo-server" belongs to a tenant but names no spec.serviceAccountName: it would apply as the namespace\'s "default" account. Set it to the tenant\'s own service account.',
            ], String(serviceAccountName));
        }
    });

    it("names the FluxInstance's tenantDefaultServiceAccount, \"default\" when it sets none, and takes the lockdown from a FluxInstance only", async () => {
        // flux-operator v0.58.1 internal/builder/profiles.go: defaultServiceAccount = "default".
        const named = tenantStack();
        find(named, "FluxInstance", "flux").props.spec.cluster.tenantDefaultServiceAccount = "flux-no-access";
        delete find(named, "Kustomization", "platform").props.spec.serviceAccountName;
        assert.deepEqual(await messages(policy, named), [
            'Kustomization "flux-system/platform" names no spec.serviceAccountName while the FluxInstance enables multitenancy: kustomize-controller would apply it as the namespace\'s "flux-no-access" account. Set spec.serviceAccountName (kustomize-controller for a platform Kustomization).',
        ]);
        delete find(named, "FluxInstance", "flux").props.spec.cluster.tenantDefaultServiceAccount;
        assert.deepEqual(await messages(policy, named), [
            'Kustomization "flux-system/platform" names no spec.serviceAccountName while the FluxInstance enables multitenancy: kustomize-controller would apply it as the namespace\'s "default" account. Set spec.serviceAccountName (kustomize-controller for a platform Kustomization).',
        ]);
        // The same field on another kind enables nothing.
        const other = tenantStack().filter((r) => !r.type.endsWith(":FluxInstance"));
        other.push(object("helm.toolkit.fluxcd.io/v2", "HelmRelease", "flux-system", "flux", { spec: { cluster: { multitenant: true } } }));
        delete find(other, "Kustomization", "platform").props.spec.serviceAccountName;
        assert.deepEqual(await messages(policy, other), []);
    });

    it("finds a tenant's Kustomization by its label when its namespace is left to the provider", async () => {
        const stack = tenantStack();
        find(stack, "FluxInstance", "flux").props.spec.cluster.multitenant = false;
        const k = find(stack, "Kustomization", "echo-server");
        delete k.props.metadata.namespace;
        delete k.props.spec.serviceAccountName;
        assert.deepEqual(await messages(policy, stack), [
            'Kustomization "echo-server" belongs to a tenant but names no spec.serviceAccountName: it would apply as kustomize-controller, with cluster-admin rights. Set it to the tenant\'s own service account.',
        ]);
    });

    it("reports nothing for a service account, a namespace or a multitenant flag not known yet", async () => {
        const unknownAccount = tenantStack();
        find(unknownAccount, "Kustomization", "echo-server").props.spec.serviceAccountName = unknownStringValue;
        delete find(unknownAccount, "Kustomization", "platform").props.spec.serviceAccountName;
        find(unknownAccount, "FluxInstance", "flux").props.spec.cluster.multitenant = unknownStringValue;
        assert.deepEqual(await messages(policy, proxied(unknownAccount)), []);
        const unknownNamespace = tenantStack();
        const k = find(unknownNamespace, "Kustomization", "echo-server");
        delete k.props.spec.serviceAccountName;
        delete k.props.metadata.labels;
        k.props.metadata.namespace = unknownStringValue;
        find(unknownNamespace, "FluxInstance", "flux").props.spec.cluster.multitenant = false;
        assert.deepEqual(await messages(policy, proxied(unknownNamespace)), []);
    });
});

describe("tenant-no-cluster-role-binding: no ClusterRoleBinding reaches a tenant's service accounts", () => {
    const policy = tenantNoClusterRoleBinding();

    it("passes Flux's own cluster-reconciler binding and a tenant's RoleBinding", async () => {
        assert.deepEqual(await messages(policy, tenantStack()), []);
    });

    it("refuses a tenant's ServiceAccount, its user name, its namespace's group and the group of all service accounts", async () => {
        const binding = clusterRoleBinding("too-wide", [
            { kind: "ServiceAccount", name: "flux-reconciler", namespace: "echo" },
            { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccount:shop:flux-reconciler" },
            { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccounts:echo" },
            { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccounts" },
            { kind: "ServiceAccount", name: "kustomize-controller", namespace: "flux-system" },
            { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccounts:flux-system" },
        ]);
        // Each subject is judged by its kind and name (k8s.io/apiserver v0.36.4
        // pkg/authentication/serviceaccount/util.go: the user name must start with
        // "system:serviceaccount:"; rbac/v1 Subject: kinds "User", "Group", "ServiceAccount", and a
        // namespace only for a ServiceAccount): none of these reaches a tenant's account.
        const harmless = clusterRoleBinding("harmless", [
            { kind: "User", name: "alice", namespace: "echo" },
            { kind: "User", name: "system:serviceaccount:flux-system:kustomize-controller" },
            { kind: "User", name: "oidc:system:serviceaccount:echo:flux-reconciler" },
            { kind: "Group", name: "oidc:system:serviceaccounts:echo" },
            { kind: "Group", name: "system:serviceaccounts:flux-system" },
            { kind: "group", name: "system:serviceaccounts" },
            { kind: "ServiceAccount", name: "system:serviceaccounts", namespace: "flux-system" },
        ]);
        const nameless = clusterRoleBinding("nameless", [{ kind: "ServiceAccount", namespace: "echo" }]);
        const found = await runStackPolicy(policy, [...tenantStack(), binding, harmless, nameless]);
        assert.deepEqual(found, [
            'ClusterRoleBinding "too-wide" grants cluster-wide rights to service account "echo/flux-reconciler" of a tenant namespace: bind a tenant\'s accounts with a RoleBinding in its own namespace.',
            'ClusterRoleBinding "too-wide" grants cluster-wide rights to service account "shop/flux-reconciler" of a tenant namespace: bind a tenant\'s accounts with a RoleBinding in its own namespace.',
            'ClusterRoleBinding "too-wide" grants cluster-wide rights to every service account of "echo" of a tenant namespace: bind a tenant\'s accounts with a RoleBinding in its own namespace.',
            'ClusterRoleBinding "too-wide" grants cluster-wide rights to every service account (tenants\' included) of a tenant namespace: bind a tenant\'s accounts with a RoleBinding in its own namespace.',
        ].map((message) => ({ message, urn: urnOf(binding) })).concat([{
            message: 'ClusterRoleBinding "nameless" grants cluster-wide rights to service account "echo/?" of a tenant namespace: bind a tenant\'s accounts with a RoleBinding in its own namespace.',
            urn: urnOf(nameless),
        }]));
    });

    it("judges nothing in a stack without tenants, and nothing of a subject not known yet", async () => {
        const binding = clusterRoleBinding("all", [{ kind: "Group", name: "system:serviceaccounts" }]);
        assert.deepEqual(await messages(policy, [namespace("flux-system"), binding]), []);
        const unknown = clusterRoleBinding("later", [{ kind: "ServiceAccount", name: "x", namespace: unknownStringValue }]);
        assert.deepEqual(await messages(policy, proxied([...tenantStack(), unknown])), []);
        const pending = [
            clusterRoleBinding("no-subjects-yet", unknownStringValue as unknown as Props[]),
            clusterRoleBinding("one-subject-not-known", [{ kind: "Group", name: "system:serviceaccounts" }, unknownStringValue as unknown as Props]),
            clusterRoleBinding("names-not-known", [{ kind: "User", name: unknownStringValue }, { kind: "Group", name: unknownStringValue }]),
        ];
        assert.deepEqual(await messages(policy, proxied([...tenantStack(), ...pending])), []);
    });
});

describe("cluster-secret-store-conditions: a ClusterSecretStore names the namespaces it serves", () => {
    const policy = clusterSecretStoreConditions();
    const store = (spec: Props) => object("external-secrets.io/v1", "ClusterSecretStore", undefined, "parameters", { spec: { provider: { aws: { service: "ParameterStore", region: "eu-central-1" } }, ...spec } });

    it("passes a store with namespaces, or with a non-empty selector", async () => {
        assert.deepEqual(await runResourcePolicy(policy, store({ conditions: [{ namespaces: ["flux-system", "monitoring"] }] })), []);
        assert.deepEqual(await runResourcePolicy(policy, store({ conditions: [{ namespaceSelector: { matchLabels: { platform: "true" } } }] })), []);
        // metav1.LabelSelectorAsSelector: each label and each expression is a requirement; a null
        // selector is no selector (ESO client_manager.go reads a nil NamespaceSelector as unset).
        const expression = { key: "platform", operator: "Exists" };
        for (const namespaceSelector of [{ matchExpressions: [expression] }, { matchLabels: { platform: "true" }, matchExpressions: [expression] }, { matchLabels: null, matchExpressions: [expression] }]) {
            assert.deepEqual(await runResourcePolicy(policy, store({ conditions: [{ namespaceSelector }] })), [], JSON.stringify(namespaceSelector));
        }
        assert.deepEqual(await runResourcePolicy(policy, store({ conditions: [{ namespaces: ["flux-system"], namespaceSelector: null }] })), []);
    });

    it("refuses a store without conditions, or with an empty list (External Secrets then serves every namespace)", async () => {
        const expected = ['ClusterSecretStore "parameters" has no spec.conditions: it serves ExternalSecrets of every namespace, tenants\' included. List the namespaces it serves in spec.conditions[].namespaces.'];
        assert.deepEqual(await runResourcePolicy(policy, store({})), expected);
        assert.deepEqual(await runResourcePolicy(policy, store({ conditions: [] })), expected);
        // Without metadata.name (the provider names it), the message names the Pulumi resource.
        const unnamed = store({});
        delete unnamed.props.metadata.name;
        assert.deepEqual(await runResourcePolicy(policy, unnamed), [expected[0].replace('"parameters"', `"${unnamed.name}"`)]);
    });

    it("refuses a condition with an empty namespaceSelector (metav1.LabelSelectorAsSelector: everything)", async () => {
        assert.deepEqual(await runResourcePolicy(policy, store({ conditions: [{ namespaces: ["flux-system"] }, { namespaceSelector: {} }] })), [
            'ClusterSecretStore "parameters" has a condition with an empty namespaceSelector, which matches every namespace, tenants\' included. List the namespaces it serves in spec.conditions[].namespaces.',
        ]);
    });

    it("judges only ClusterSecretStores, and not conditions that are not known yet", async () => {
        assert.deepEqual(await runResourcePolicy(policy, object("external-secrets.io/v1", "SecretStore", "echo", "parameters", { spec: {} })), []);
        for (const conditions of [unknownStringValue, [{ namespaceSelector: { matchLabels: unknownStringValue } }], [{ namespaceSelector: { matchExpressions: unknownStringValue } }]]) {
            const pending = store({ conditions });
            assert.deepEqual(await runResourcePolicy(policy, { ...pending, props: unknownCheckingProxy(pending.props) }), [], JSON.stringify(conditions));
        }
    });
});

describe("tenant-parameters-isolated: no IAM policy may read two tenants' parameters", () => {
    const policy = tenantParametersIsolated();
    const reach = (name: string) => `IAM role policy "${name}" may read the SSM parameters of 2 tenants ("echo-server", "shop"): a tenant's role reads only its own parameters and the shared ones. List exact parameter ARNs, without wildcards that reach other tenants.`;

    it("passes each tenant's role reading its own parameters and the shared ones", async () => {
        assert.deepEqual(await messages(policy, tenantStack()), []);
    });

    it("refuses a policy listing another tenant's parameter", async () => {
        const stack = tenantStack();
        const shop = stack.find((r) => r.name === "shop-parameters")!;
        const broken = rolePolicy("shop-parameters", [`${ARN}/github/shop/deploy-key`, `${ARN}/github/echo-server/receiver-token`]);
        stack[stack.indexOf(shop)] = broken;
        assert.deepEqual(await runStackPolicy(policy, stack), [{ message: reach("shop-parameters"), urn: urnOf(broken) }]);
    });

    it("refuses `*` and a prefix wildcard that reaches every tenant", async () => {
        for (const resources of ["*", `${ARN}/github/*`, "arn:aws:ssm:*:*:parameter/github/*", ["arn:aws:ssm:*"]]) {
            assert.deepEqual(await messages(policy, [...tenantStack(), rolePolicy("wide", resources)]), [reach("wide")], JSON.stringify(resources));
        }
    });

    it("reads aws.iam.Policy documents and a Role's inline policies as well", async () => {
        const document = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:Get*", Resource: "*" }] });
        const managed: FakeResource = { type: "aws:iam/policy:Policy", name: "readers", props: { policy: document } };
        const role: FakeResource = { type: "aws:iam/role:Role", name: "reader", props: { inlinePolicies: [{ name: "read", policy: document }] } };
        assert.deepEqual(await messages(policy, [...tenantStack(), managed, role]), [
            'IAM policy "readers" may read the SSM parameters of 2 tenants ("echo-server", "shop"): a tenant\'s role reads only its own parameters and the shared ones. List exact parameter ARNs, without wildcards that reach other tenants.',
            'inline policy "read" of IAM role "reader" may read the SSM parameters of 2 tenants ("echo-server", "shop"): a tenant\'s role reads only its own parameters and the shared ones. List exact parameter ARNs, without wildcards that reach other tenants.',
        ]);
    });

    it("lets a Deny fence a wildcard to one tenant", async () => {
        const fenced: FakeResource = {
            type: "aws:iam/rolePolicy:RolePolicy",
            name: "fenced",
            props: {
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Action: "ssm:GetParameter*", Resource: `${ARN}/github/*` },
                        { Effect: "Deny", Action: "ssm:*", NotResource: "arn:aws:ssm:*:*:parameter/github/echo-server/*" },
                    ],
                }),
            },
        };
        assert.deepEqual(await messages(policy, [...tenantStack(), fenced]), []);
    });

    it("resolves a parameter to its ARN output when known, else to arn:*:ssm:*:*:parameter/<name>", async () => {
        assert.equal(parameterArn({ name: "/github/a/key", arn: `${ARN}/github/a/key` }), `${ARN}/github/a/key`);
        assert.equal(parameterArn({ name: "/github/a/key" }), "arn:*:ssm:*:*:parameter/github/a/key");
        assert.equal(parameterArn({ name: "plain" }), "arn:*:ssm:*:*:parameter/plain");
        assert.equal(parameterArn({ name: "app/key" }), "arn:*:ssm:*:*:parameter/app/key", "only a leading slash goes");
        assert.equal(parameterArn({}), undefined);
        // An ARN output in another account is not reached by a policy over this account's parameters.
        const stack = tenantStack().filter((r) => r.type !== "aws:ssm/parameter:Parameter");
        stack.push(parameter("/github/echo-server/deploy-key", "echo-server", "arn:aws:ssm:eu-central-1:999999999999:parameter/github/echo-server/deploy-key"));
        stack.push(parameter("/github/shop/deploy-key", "shop", "arn:aws:ssm:eu-central-1:999999999999:parameter/github/shop/deploy-key"));
        assert.deepEqual(await messages(policy, [...stack, rolePolicy("wide", `${ARN}/github/*`)]), []);
        assert.deepEqual(await messages(policy, [...stack, rolePolicy("wide", "arn:aws:ssm:*:*:parameter/github/*")]), [reach("wide")]);
    });

    it("finds a tenant's parameters by the tag, or by tagsAll (the provider's default_tags), and only SSM parameters with a name or ARN", () => {
        const resources: FakeResource[] = [
            parameter("/github/a/key", "a"),
            { type: "aws:ssm/parameter:Parameter", name: "b", props: { name: "/github/b/key", tagsAll: { "flux-gitops:tenant": "b" } } },
            { type: "aws:ssm/parameter:Parameter", name: "c", props: { name: unknownStringValue, tags: { "flux-gitops:tenant": "c" } } },
            { type: "aws:iam/role:Role", name: "a-role", props: { name: "a-role", tags: { "flux-gitops:tenant": "a" } } },
        ];
        assert.deepEqual([...tenantParameters(proxied(resources as (FakeResource & { props: Props })[]))], [
            ["arn:*:ssm:*:*:parameter/github/a/key", "a"],
            ["arn:*:ssm:*:*:parameter/github/b/key", "b"],
        ]);
    });

    it("names the tenants reached in order, whatever the order of the parameters", async () => {
        const stack = tenantStack();
        const parameters = stack.filter((r) => r.type === "aws:ssm/parameter:Parameter").reverse();
        const reordered = [...parameters, ...stack.filter((r) => r.type !== "aws:ssm/parameter:Parameter")];
        assert.deepEqual(await messages(policy, [...reordered, rolePolicy("wide", "*")]), [reach("wide")]);
    });

    it("reads a policy given as an object as well as its JSON, an inline policy without a name as \"?\", and a Role's inline policies only", async () => {
        const document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }] };
        const asObject: FakeResource = { type: "aws:iam/rolePolicy:RolePolicy", name: "object", props: { policy: document } };
        const role: FakeResource = { type: "aws:iam/role:Role", name: "reader", props: { inlinePolicies: [{ policy: JSON.stringify(document) }] } };
        const notARole: FakeResource = { type: "aws:iam/user:User", name: "someone", props: { inlinePolicies: [{ name: "read", policy: JSON.stringify(document) }] } };
        assert.deepEqual(await messages(policy, [...tenantStack(), asObject, role, notARole]), [
            reach("object"),
            'inline policy "?" of IAM role "reader" may read the SSM parameters of 2 tenants ("echo-server", "shop"): a tenant\'s role reads only its own parameters and the shared ones. List exact parameter ARNs, without wildcards that reach other tenants.',
        ]);
    });

    it("counts a policy that does not parse, or parses to no object, for nothing (AWS refuses it)", async () => {
        for (const text of ["{not json", '"text"', "null", "5"]) {
            const broken: FakeResource = { type: "aws:iam/rolePolicy:RolePolicy", name: "broken", props: { policy: text } };
            assert.deepEqual(await messages(policy, [...tenantStack(), broken]), [], text);
        }
    });

    it("reports nothing for a policy or a tag not known yet, nor with fewer than two tenants", async () => {
        const pending = rolePolicy("pending", "*");
        pending.props.policy = unknownStringValue;
        assert.deepEqual(await messages(policy, proxied([...tenantStack(), pending])), []);
        const partly = rolePolicy("partly", "*");
        partly.props.policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: unknownStringValue }] };
        const inlineLater = { type: "aws:iam/role:Role", name: "later", props: { inlinePolicies: unknownStringValue } };
        assert.deepEqual(await messages(policy, proxied([...tenantStack(), partly, inlineLater])), []);
        const untagged = tenantStack().map((r) => (r.props.tags ? { ...r, props: { ...r.props, tags: { "flux-gitops:tenant": unknownStringValue } } } : r));
        assert.deepEqual(await messages(policy, proxied([...untagged, rolePolicy("wide", "*")])), []);
        const oneTenant = tenantStack().filter((r) => r.props.tags?.["flux-gitops:tenant"] !== "shop");
        assert.deepEqual(await messages(policy, [...oneTenant, rolePolicy("wide", "*")]), []);
    });
});

describe("tenant-no-cross-namespace-refs: a tenant's objects refer only to their own namespace", () => {
    const policy = tenantNoCrossNamespaceRefs();
    const refusal = (kind: string, key: string, other: string, field: string) =>
        `${kind} "${key}" of a tenant refers to namespace "${other}" at ${field}: a tenant's objects refer only to their own namespace ("${key.split("/")[0]}").`;

    it("passes references without a namespace or with the object's own, and the platform's objects", async () => {
        assert.deepEqual(await messages(policy, tenantStack()), []);
    });

    const cases: [string, string, (stack: (FakeResource & { props: Props })[]) => void, string][] = [
        ["Kustomization", "echo-server", (s) => (find(s, "Kustomization", "echo-server").props.spec.sourceRef.namespace = "flux-system"), "spec.sourceRef.namespace"],
        ["Kustomization", "echo-server", (s) => (find(s, "Kustomization", "echo-server").props.spec.dependsOn = [{ name: "ok" }, { name: "infra", namespace: "flux-system" }]), "spec.dependsOn[1].namespace"],
        ["ImagePolicy", "echo-server", (s) => (find(s, "ImagePolicy", "echo-server").props.spec.imageRepositoryRef.namespace = "shop"), "spec.imageRepositoryRef.namespace"],
        ["ImageUpdateAutomation", "echo-server", (s) => (find(s, "ImageUpdateAutomation", "echo-server").props.spec.sourceRef.namespace = "flux-system"), "spec.sourceRef.namespace"],
        ["Receiver", "echo-server", (s) => (find(s, "Receiver", "echo-server").props.spec.resources.push({ kind: "GitRepository", name: "shop", namespace: "shop" })), "spec.resources[1].namespace"],
        ["Alert", "flux-errors", (s) => (find(s, "Alert", "flux-errors").props.spec.eventSources[0].namespace = "shop"), "spec.eventSources[0].namespace"],
        ["Alert", "flux-errors", (s) => (find(s, "Alert", "flux-errors").props.spec.providerRef.namespace = "flux-system"), "spec.providerRef.namespace"],
    ];
    for (const [kind, name, breakIt, field] of cases) {
        it(`refuses a ${kind} naming another namespace at ${field}`, async () => {
            const stack = tenantStack();
            breakIt(stack);
            const other = field.startsWith("spec.imageRepositoryRef") || field.startsWith("spec.resources") || field.startsWith("spec.eventSources") ? "shop" : "flux-system";
            assert.deepEqual(await runStackPolicy(policy, stack), [{ message: refusal(kind, `echo/${name}`, other, field), urn: urnOf(find(stack, kind, name)) }]);
        });
    }

    it("refuses a HelmRelease of a tenant whose chart source, chartRef or dependsOn is in another namespace", async () => {
        const release = object("helm.toolkit.fluxcd.io/v2", "HelmRelease", "shop", "db", {
            spec: {
                chart: { spec: { chart: "db", sourceRef: { kind: "HelmRepository", name: "charts", namespace: "flux-system" } } },
                chartRef: { kind: "OCIRepository", name: "db", namespace: "shop" },
                dependsOn: [{ name: "cache", namespace: "echo" }],
            },
        });
        assert.deepEqual(await messages(policy, [...tenantStack(), release]), [
            refusal("HelmRelease", "shop/db", "flux-system", "spec.chart.spec.sourceRef.namespace"),
            refusal("HelmRelease", "shop/db", "echo", "spec.dependsOn[0].namespace"),
        ]);
    });

    it("refuses a HelmRelease of a tenant whose chartRef is in another namespace", async () => {
        const release = object("helm.toolkit.fluxcd.io/v2", "HelmRelease", "shop", "db", { spec: { chartRef: { kind: "OCIRepository", name: "db", namespace: "flux-system" } } });
        assert.deepEqual(await messages(policy, [...tenantStack(), release]), [refusal("HelmRelease", "shop/db", "flux-system", "spec.chartRef.namespace")]);
    });

    it("refuses an ExternalSecret of a tenant that reads one key of spec.data through a ClusterSecretStore, and judges only ExternalSecrets so", async () => {
        const stack = tenantStack();
        find(stack, "ExternalSecret", "echo-server-deploy-key").props.spec.data[0].sourceRef = { storeRef: { kind: "ClusterSecretStore", name: "parameters" } };
        stack.push(object("v1", "ConfigMap", "echo", "look-alike", { spec: { secretStoreRef: { kind: "ClusterSecretStore", name: "parameters" } } }));
        assert.deepEqual(await messages(policy, stack), [
            'ExternalSecret "echo/echo-server-deploy-key" of a tenant reads through a ClusterSecretStore at spec.data[0].sourceRef.storeRef: a tenant reads only through the SecretStore of its own namespace.',
        ]);
    });

    it("refuses an ExternalSecret of a tenant that reads through a ClusterSecretStore, at the store or at one key", async () => {
        const stack = tenantStack();
        const secret = find(stack, "ExternalSecret", "echo-server-deploy-key");
        secret.props.spec.secretStoreRef.kind = "ClusterSecretStore";
        secret.props.spec.dataFrom = [{ extract: { key: "x" } }, { extract: { key: "y" }, sourceRef: { storeRef: { kind: "ClusterSecretStore", name: "parameters" } } }];
        assert.deepEqual(await messages(policy, stack), [
            'ExternalSecret "echo/echo-server-deploy-key" of a tenant reads through a ClusterSecretStore at spec.secretStoreRef: a tenant reads only through the SecretStore of its own namespace.',
            'ExternalSecret "echo/echo-server-deploy-key" of a tenant reads through a ClusterSecretStore at spec.dataFrom[1].sourceRef.storeRef: a tenant reads only through the SecretStore of its own namespace.',
        ]);
    });

    it("reports nothing for a namespace not known yet, and still judges the object's other references", async () => {
        const stack = tenantStack();
        const k = find(stack, "Kustomization", "echo-server");
        k.props.spec.sourceRef.namespace = unknownStringValue;
        k.props.spec.dependsOn = [{ name: "infra", namespace: "flux-system" }];
        assert.deepEqual(await messages(policy, proxied(stack)), [refusal("Kustomization", "echo/echo-server", "flux-system", "spec.dependsOn[0].namespace")]);
        const unknownOwn = tenantStack();
        const a = find(unknownOwn, "Alert", "flux-errors");
        a.props.metadata.namespace = unknownStringValue;
        a.props.spec.eventSources[0].namespace = "shop";
        assert.deepEqual(await messages(policy, proxied(unknownOwn)), []);
        // A labelled tenant object whose own namespace is not known yet, and lists not known yet.
        const pending = tenantStack();
        const labelled = find(pending, "Kustomization", "echo-server");
        labelled.props.metadata.namespace = unknownStringValue;
        labelled.props.spec.sourceRef.namespace = "flux-system";
        find(pending, "Kustomization", "shop").props.spec.dependsOn = unknownStringValue;
        find(pending, "ExternalSecret", "echo-server-deploy-key").props.spec.data = unknownStringValue;
        assert.deepEqual(await messages(policy, proxied(pending)), []);
    });
});
