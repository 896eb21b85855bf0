/**
 * Tenancy (issue 22): each application with `tenant: true` lives in its own namespace, labelled
 * `toolkit.fluxcd.io/tenant`, and reaches nothing outside it. Its Kustomization applies as the
 * tenant's own service account, no ClusterRoleBinding grants a tenant account cluster-wide rights,
 * the platform's ClusterSecretStore serves only the namespaces it names, a tenant's IAM role reads
 * only its own SSM parameters (and shared ones), and no tenant object refers to another namespace.
 *
 * During a preview, values computed by other resources are unknown: reading one throws
 * @pulumi/policy's UnknownValueError. Every check here reads through `at`, which turns such a value
 * into UNKNOWN, and a check that meets UNKNOWN reports nothing for that value: never a violation
 * that the update would not confirm.
 */
import {
    type ResourceValidationPolicy,
    type StackValidationPolicy,
    UnknownValueError,
} from "@pulumi/policy";
import { isKind, type Props, resourcePolicy, SSM_PARAMETER, stackPolicy } from "./common";
import { type PolicyDocument, readableBy } from "./iam";

/** The label `flux create tenant` puts on a tenant's namespace and objects (its value: the tenant). */
export const TENANT_LABEL = "toolkit.fluxcd.io/tenant";
/** The tag the program puts on a tenant's own SSM parameters and IAM role (its value: the tenant). */
export const TENANT_TAG = "flux-gitops:tenant";
/**
 * The account kustomize-controller runs as, bound to cluster-admin by the ClusterRoleBinding
 * `cluster-reconciler` (flux-operator v0.58.1 config/data/flux/v2.9.4/rbac.yaml).
 */
export const CONTROLLER_SERVICE_ACCOUNT = "kustomize-controller";
/**
 * What External Secrets calls to read a parameter (components/install/iam.ts SSM_READ_ACTIONS,
 * from its ParameterStore provider; test/components/install/installs.spec.ts holds the two equal).
 */
export const SSM_READ_ACTIONS = ["ssm:GetParameter", "ssm:GetParameters"] as const;

export const IAM_ROLE = "aws:iam/role:Role";
export const IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const IAM_POLICY = "aws:iam/policy:Policy";

/** A value that cannot be known yet (a preview's computed value). */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** `value.a.b…`, undefined where a step is missing, UNKNOWN where one is not known yet. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
    return known(() => {
        let current: unknown = value;
        for (const step of path) {
            if (current === UNKNOWN) return UNKNOWN;
            if (current === null || typeof current !== "object") return undefined;
            current = (current as Record<string | number, unknown>)[step];
        }
        return current;
    });
}

/** What `read` returns, or UNKNOWN where it meets a preview's unknown value; any other error is thrown. */
function known<T>(read: () => T): T | typeof UNKNOWN {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN;
        throw e;
    }
}

/** A list read with `at`: its elements; an empty list for anything else, UNKNOWN when not known. */
function itemsAt(value: unknown, ...path: string[]): unknown[] | typeof UNKNOWN {
    const read = at(value, ...path);
    if (read === UNKNOWN) return UNKNOWN;
    if (!Array.isArray(read)) return [];
    return known(() => [...(read as unknown[])]);
}

/** A non-empty string, else undefined (UNKNOWN kept). */
function text(value: unknown): string | undefined | typeof UNKNOWN {
    if (value === UNKNOWN) return UNKNOWN;
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** A read value for a message: the string, or "?" when missing or not known. */
function shown(value: unknown): string {
    return typeof value === "string" ? value : "?";
}

/** What the tenancy checks read of a resource. */
export interface TenancyResource {
    readonly type: string;
    readonly name: string;
    readonly urn?: string;
    readonly props: Props;
}

export interface Violation {
    readonly message: string;
    readonly urn?: string;
}

/** `namespace/name` of a Kubernetes object, for messages (the Pulumi name when not known). */
function objectKey(r: Pick<TenancyResource, "name" | "props">): string {
    const name = text(at(r.props, "metadata", "name"));
    const namespace = text(at(r.props, "metadata", "namespace"));
    const shown = typeof name === "string" ? name : r.name;
    return typeof namespace === "string" ? `${namespace}/${shown}` : shown;
}

function kindOf(r: TenancyResource): string {
    return r.type.split(":").pop() ?? r.type;
}

/**
 * The tenant namespaces of a stack: every Namespace labelled `toolkit.fluxcd.io/tenant`, and the
 * namespace of every object that carries that label.
 */
export function tenantNamespaces(resources: readonly TenancyResource[]): Set<string> {
    const namespaces = new Set<string>();
    for (const r of resources) {
        if (!r.type.startsWith("kubernetes:")) continue;
        if (typeof text(at(r.props, "metadata", "labels", TENANT_LABEL)) !== "string") continue;
        const own = isKind(r.type, "core", "Namespace")
            ? text(at(r.props, "metadata", "name"))
            : text(at(r.props, "metadata", "namespace"));
        if (typeof own === "string") namespaces.add(own);
    }
    return namespaces;
}

/** Whether an object is a tenant's: it carries the tenant label or lives in a tenant namespace. */
function isTenantObject(r: TenancyResource, tenants: ReadonlySet<string>): boolean {
    const label = text(at(r.props, "metadata", "labels", TENANT_LABEL));
    if (typeof label === "string") return true;
    return isTenantNamespace(tenants, text(at(r.props, "metadata", "namespace")));
}

/** Whether a read namespace is a tenant's (a value not known yet or missing is none). */
function isTenantNamespace(tenants: ReadonlySet<string>, namespace: unknown): namespace is string {
    // The set holds strings only: a value it has is one.
    const names: ReadonlySet<unknown> = tenants;
    return names.has(namespace);
}

/**
 * Whether a FluxInstance of the stack enables the multitenancy lockdown (`spec.cluster.multitenant`,
 * flux-operator v0.58.1 api/v1/fluxinstance_types.go), and its default service account.
 */
export function multitenantLockdown(
    resources: readonly TenancyResource[],
): { defaultServiceAccount: string } | undefined {
    for (const r of resources) {
        if (!isKind(r.type, "fluxcd.controlplane.io", "FluxInstance")) continue;
        if (at(r.props, "spec", "cluster", "multitenant") !== true) continue;
        const account = text(at(r.props, "spec", "cluster", "tenantDefaultServiceAccount"));
        // internal/builder/profiles.go @v0.58.1: defaultServiceAccount = "default".
        return { defaultServiceAccount: typeof account === "string" ? account : "default" };
    }
    return undefined;
}

/**
 * (a) Kustomizations that would apply with more than their tenant's rights. kustomize-controller
 * impersonates `system:serviceaccount:<Kustomization namespace>:<spec.serviceAccountName>`
 * (kustomize-controller v1.9.1 internal/controller/kustomization_controller.go l.391-420, fluxcd/pkg
 * runtime/client/impersonator.go), falls back to `--default-service-account` when that is set, and
 * otherwise applies as itself, cluster-admin.
 * - A tenant's Kustomization must name a service account, and not `kustomize-controller`.
 * - With the FluxInstance's lockdown (`--default-service-account=<tenantDefaultServiceAccount>` on
 *   kustomize-controller, flux-operator v0.58.1 internal/builder/profiles.go), any Kustomization
 *   without one applies as that default account of its own namespace, which has no rights.
 */
export function tenantKustomizationViolations(resources: readonly TenancyResource[]): Violation[] {
    const tenants = tenantNamespaces(resources);
    const lockdown = multitenantLockdown(resources);
    const violations: Violation[] = [];
    for (const r of resources) {
        if (!isKind(r.type, "kustomize.toolkit.fluxcd.io", "Kustomization")) continue;
        // A service account not known yet (UNKNOWN) matches no case below: nothing is reported.
        const account = text(at(r.props, "spec", "serviceAccountName"));
        const key = objectKey(r);
        if (isTenantObject(r, tenants)) {
            if (account === undefined) {
                violations.push({
                    urn: r.urn,
                    message: `Kustomization "${key}" belongs to a tenant but names no spec.serviceAccountName: it would apply as ${lockdown ? `the namespace's "${lockdown.defaultServiceAccount}" account` : "kustomize-controller, with cluster-admin rights"}. Set it to the tenant's own service account.`,
                });
            } else if (account === CONTROLLER_SERVICE_ACCOUNT) {
                violations.push({
                    urn: r.urn,
                    message: `Kustomization "${key}" belongs to a tenant but runs as "${CONTROLLER_SERVICE_ACCOUNT}", the cluster-admin account: set spec.serviceAccountName to the tenant's own service account.`,
                });
            }
        } else if (lockdown && account === undefined) {
            violations.push({
                urn: r.urn,
                message: `Kustomization "${key}" names no spec.serviceAccountName while the FluxInstance enables multitenancy: kustomize-controller would apply it as the namespace's "${lockdown.defaultServiceAccount}" account. Set spec.serviceAccountName (kustomize-controller for a platform Kustomization).`,
            });
        }
    }
    return violations;
}

/**
 * (b) ClusterRoleBindings that grant cluster-wide rights to a tenant's service accounts: a
 * ServiceAccount subject of a tenant namespace, its user name `system:serviceaccount:<ns>:<name>`,
 * the group of its namespace `system:serviceaccounts:<ns>`, or the group of every service account
 * `system:serviceaccounts` (k8s.io/apiserver v0.36.4 pkg/authentication/serviceaccount/util.go;
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects).
 */
export function tenantClusterRoleBindingViolations(
    resources: readonly TenancyResource[],
): Violation[] {
    const tenants = tenantNamespaces(resources);
    if (tenants.size === 0) return [];
    const violations: Violation[] = [];
    for (const r of resources) {
        if (!isKind(r.type, "rbac.authorization.k8s.io", "ClusterRoleBinding")) continue;
        const subjects = itemsAt(r.props, "subjects");
        if (subjects === UNKNOWN) continue;
        for (const subject of subjects) {
            const kind = text(at(subject, "kind"));
            const name = text(at(subject, "name"));
            const namespace = text(at(subject, "namespace"));
            let reached: string | undefined;
            if (kind === "ServiceAccount" && isTenantNamespace(tenants, namespace)) {
                reached = `service account "${namespace}/${shown(name)}"`;
            } else if (kind === "User" && typeof name === "string") {
                const parts = /^system:serviceaccount:([^:]+):(.+)/.exec(name);
                if (parts && tenants.has(parts[1]))
                    reached = `service account "${parts[1]}/${parts[2]}"`;
            } else if (kind === "Group" && typeof name === "string") {
                if (name === "system:serviceaccounts")
                    reached = "every service account (tenants' included)";
                const parts = /^system:serviceaccounts:(.+)/.exec(name);
                if (parts && tenants.has(parts[1]))
                    reached = `every service account of "${parts[1]}"`;
            }
            if (reached) {
                violations.push({
                    urn: r.urn,
                    message: `ClusterRoleBinding "${objectKey(r)}" grants cluster-wide rights to ${reached} of a tenant namespace: bind a tenant's accounts with a RoleBinding in its own namespace.`,
                });
            }
        }
    }
    return violations;
}

/**
 * (c) A ClusterSecretStore that serves every namespace. External Secrets v2.9.0
 * pkg/controllers/secretstore/client_manager.go `shouldProcessSecret`: `if
 * len(store.GetSpec().Conditions) == 0 { return true }`; a condition's `namespaceSelector` goes
 * through metav1.LabelSelectorAsSelector, and an empty selector is labels.Everything()
 * (k8s.io/apimachinery v0.36.4 pkg/apis/meta/v1/helpers.go).
 */
export function clusterSecretStoreConditionViolations(name: string, props: Props): string[] {
    const conditions = itemsAt(props, "spec", "conditions");
    if (conditions === UNKNOWN) return [];
    const store = objectKey({ name, props });
    if (conditions.length === 0) {
        return [
            `ClusterSecretStore "${store}" has no spec.conditions: it serves ExternalSecrets of every namespace, tenants' included. List the namespaces it serves in spec.conditions[].namespaces.`,
        ];
    }
    for (const condition of conditions) {
        const selector = at(condition, "namespaceSelector");
        // A selector not known yet reads its fields as UNKNOWN (see `at`), skipped below.
        if (selector === undefined || selector === null) continue;
        const matchLabels = at(selector, "matchLabels");
        const matchExpressions = at(selector, "matchExpressions");
        if (matchLabels === UNKNOWN || matchExpressions === UNKNOWN) continue;
        const count =
            Object.keys(matchLabels !== null && typeof matchLabels === "object" ? matchLabels : {})
                .length + (Array.isArray(matchExpressions) ? matchExpressions.length : 0);
        if (count === 0) {
            return [
                `ClusterSecretStore "${store}" has a condition with an empty namespaceSelector, which matches every namespace, tenants' included. List the namespaces it serves in spec.conditions[].namespaces.`,
            ];
        }
    }
    return [];
}

/**
 * The ARN of an SSM parameter: its `arn` output once known; before that, built from its name as
 * `arn:*:ssm:*:*:parameter/<name without its leading slash>` (the partition, region and account
 * are any; https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html,
 * resource type `parameter`: `arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}`).
 * Undefined when neither is known.
 */
export function parameterArn(props: Props): string | undefined {
    const arn = text(at(props, "arn"));
    if (typeof arn === "string") return arn;
    const name = text(at(props, "name"));
    if (typeof name !== "string") return undefined;
    return `arn:*:ssm:*:*:parameter/${name.replace(/^\//, "")}`;
}

/** Each tenant's SSM parameters: `aws:ssm/parameter:Parameter`s tagged `flux-gitops:tenant`, by ARN. */
export function tenantParameters(resources: readonly TenancyResource[]): Map<string, string> {
    const tenantOf = new Map<string, string>();
    for (const r of resources) {
        if (r.type !== SSM_PARAMETER) continue;
        let tenant = text(at(r.props, "tags", TENANT_TAG));
        if (tenant === undefined) tenant = text(at(r.props, "tagsAll", TENANT_TAG));
        if (typeof tenant !== "string") continue;
        const arn = parameterArn(r.props);
        if (arn !== undefined) tenantOf.set(arn, tenant);
    }
    return tenantOf;
}

/** The IAM policy documents of a resource, with a label for messages: RolePolicy, Policy, Role inline policies. */
function* policyDocuments(r: TenancyResource): Generator<{ label: string; document: unknown }> {
    // A document given as an object is used as it is; one not known yet (UNKNOWN) or absent is no
    // object, and the caller skips it.
    const parse = (value: unknown): unknown => {
        if (typeof value !== "string") return value;
        try {
            return JSON.parse(value);
        } catch {
            // AWS refuses a document that does not parse: it grants nothing.
        }
        return undefined;
    };
    if (r.type === IAM_ROLE_POLICY || r.type === IAM_POLICY) {
        const label = `${r.type === IAM_POLICY ? "IAM policy" : "IAM role policy"} "${r.name}"`;
        yield { label, document: parse(at(r.props, "policy")) };
    } else if (r.type === IAM_ROLE) {
        const inline = itemsAt(r.props, "inlinePolicies");
        if (inline === UNKNOWN) return;
        for (const p of inline) {
            yield { label: `inline policy "${shown(text(at(p, "name")))}" of IAM role "${r.name}"`, document: parse(at(p, "policy")) };
        }
    }
}

/**
 * (d) IAM policies that may read the SSM parameters of more than one tenant, judged with iam.ts
 * (`ssm:GetParameter` or `ssm:GetParameters`, wildcards and Deny included; a `*` resource matches
 * every tenant's parameters).
 */
export function tenantParameterViolations(resources: readonly TenancyResource[]): Violation[] {
    const tenantOf = tenantParameters(resources);
    const arns = [...tenantOf.keys()];
    const violations: Violation[] = [];
    for (const r of resources) {
        for (const { label, document } of policyDocuments(r)) {
            // Not an object: absent, not known yet, or JSON of a scalar (a string would be parsed
            // again by readableBy). JSON null is judged: iam.ts reads no statement in it.
            if (typeof document !== "object") continue;
            const readable = known(() => readableBy(document as PolicyDocument, arns, SSM_READ_ACTIONS));
            if (readable === UNKNOWN) continue;
            const reached = [...new Set(readable.map((arn) => tenantOf.get(arn) as string))].sort();
            if (reached.length > 1) {
                violations.push({
                    urn: r.urn,
                    message: `${label} may read the SSM parameters of ${reached.length} tenants (${reached.map((t) => `"${t}"`).join(", ")}): a tenant's role reads only its own parameters and the shared ones. List exact parameter ARNs, without wildcards that reach other tenants.`,
                });
            }
        }
    }
    return violations;
}

/** A reference an object makes to a namespace: where, and the controller source that honours it. */
interface NamespaceReference {
    readonly field: string;
    readonly namespace: string | typeof UNKNOWN;
}

/** Namespaces named at `path` of each element of the list at `listPath` (or of the object at `listPath`). */
function namespacesAt(
    props: Props,
    listPath: string[],
    field: string,
    inList: boolean,
): NamespaceReference[] {
    if (!inList) {
        const namespace = text(at(props, ...listPath, "namespace"));
        return namespace === undefined ? [] : [{ field, namespace }];
    }
    const items = itemsAt(props, ...listPath);
    if (items === UNKNOWN) return [];
    return items.flatMap((item, i) => {
        const namespace = text(at(item, "namespace"));
        return namespace === undefined ? [] : [{ field: field.replace("[]", `[${i}]`), namespace }];
    });
}

/**
 * The namespace references of each kind, by the CRD fields (/work/shared/crds, served versions) and
 * the controllers that refuse them under `--no-cross-namespace-refs`, or do not (docs/research/tenancy.md §2):
 */
const REFERENCES: { group: string; kind: string; read: (props: Props) => NamespaceReference[] }[] =
    [
        {
            // kustomize-controller v1.9.1 kustomization_controller.go l.680 refuses sourceRef.namespace;
            // dependsOn (l.568-575) is resolved across namespaces with no ACL check.
            group: "kustomize.toolkit.fluxcd.io",
            kind: "Kustomization",
            read: (p) => [
                ...namespacesAt(p, ["spec", "sourceRef"], "spec.sourceRef.namespace", false),
                ...namespacesAt(p, ["spec", "dependsOn"], "spec.dependsOn[].namespace", true),
            ],
        },
        {
            // helm-controller v2 CRD: chart.spec.sourceRef, chartRef and dependsOn carry a namespace.
            group: "helm.toolkit.fluxcd.io",
            kind: "HelmRelease",
            read: (p) => [
                ...namespacesAt(
                    p,
                    ["spec", "chart", "spec", "sourceRef"],
                    "spec.chart.spec.sourceRef.namespace",
                    false,
                ),
                ...namespacesAt(p, ["spec", "chartRef"], "spec.chartRef.namespace", false),
                ...namespacesAt(p, ["spec", "dependsOn"], "spec.dependsOn[].namespace", true),
            ],
        },
        {
            // image-reflector-controller v1.2.0 imagepolicy_controller.go l.487-492.
            group: "image.toolkit.fluxcd.io",
            kind: "ImagePolicy",
            read: (p) =>
                namespacesAt(
                    p,
                    ["spec", "imageRepositoryRef"],
                    "spec.imageRepositoryRef.namespace",
                    false,
                ),
        },
        {
            // image-automation-controller v1.2.1 internal/source/source.go l.169.
            group: "image.toolkit.fluxcd.io",
            kind: "ImageUpdateAutomation",
            read: (p) => namespacesAt(p, ["spec", "sourceRef"], "spec.sourceRef.namespace", false),
        },
        {
            // notification-controller v1.9.1 internal/server/receiver_handlers.go l.571-572.
            group: "notification.toolkit.fluxcd.io",
            kind: "Receiver",
            read: (p) => namespacesAt(p, ["spec", "resources"], "spec.resources[].namespace", true),
        },
        {
            // notification-controller v1.9.1 internal/server/event_handlers.go l.299-303 (events of
            // other namespaces are discarded), l.307 (the Provider is looked up in the Alert's
            // namespace: v1beta3 providerRef has only `name`, so a namespace there is not honoured).
            group: "notification.toolkit.fluxcd.io",
            kind: "Alert",
            read: (p) => [
                ...namespacesAt(p, ["spec", "eventSources"], "spec.eventSources[].namespace", true),
                ...namespacesAt(p, ["spec", "providerRef"], "spec.providerRef.namespace", false),
            ],
        },
    ];

/**
 * The ClusterSecretStore references of an ExternalSecret (external-secrets.io v1 CRD:
 * `spec.secretStoreRef.kind`, `spec.data[].sourceRef.storeRef.kind`,
 * `spec.dataFrom[].sourceRef.storeRef.kind`, each `SecretStore` or `ClusterSecretStore`).
 */
function clusterStoreReferences(props: Props): string[] {
    const fields: string[] = [];
    if (text(at(props, "spec", "secretStoreRef", "kind")) === "ClusterSecretStore") {
        fields.push("spec.secretStoreRef");
    }
    for (const list of ["data", "dataFrom"]) {
        const items = itemsAt(props, "spec", list);
        if (items === UNKNOWN) continue;
        items.forEach((item, i) => {
            if (text(at(item, "sourceRef", "storeRef", "kind")) === "ClusterSecretStore") {
                fields.push(`spec.${list}[${i}].sourceRef.storeRef`);
            }
        });
    }
    return fields;
}

/**
 * (e) Tenant objects that refer to another namespace: Flux references the controllers refuse
 * under the lockdown (and `dependsOn`, which they do not check), and ExternalSecrets that read
 * through a ClusterSecretStore instead of their namespace's SecretStore.
 */
export function crossNamespaceReferenceViolations(
    resources: readonly TenancyResource[],
): Violation[] {
    const tenants = tenantNamespaces(resources);
    const violations: Violation[] = [];
    for (const r of resources) {
        // Only Kubernetes types match the kinds below (isKind).
        if (!isTenantObject(r, tenants)) continue;
        const own = text(at(r.props, "metadata", "namespace"));
        if (typeof own !== "string") continue;
        const key = objectKey(r);
        const kind = kindOf(r);
        for (const spec of REFERENCES) {
            if (!isKind(r.type, spec.group, spec.kind)) continue;
            for (const ref of spec.read(r.props)) {
                if (ref.namespace === UNKNOWN || ref.namespace === own) continue;
                violations.push({
                    urn: r.urn,
                    message: `${kind} "${key}" of a tenant refers to namespace "${ref.namespace}" at ${ref.field}: a tenant's objects refer only to their own namespace ("${own}").`,
                });
            }
        }
        if (isKind(r.type, "external-secrets.io", "ExternalSecret")) {
            for (const field of clusterStoreReferences(r.props)) {
                violations.push({
                    urn: r.urn,
                    message: `ExternalSecret "${key}" of a tenant reads through a ClusterSecretStore at ${field}: a tenant reads only through the SecretStore of its own namespace.`,
                });
            }
        }
    }
    return violations;
}

export function tenantKustomizationServiceAccount(): StackValidationPolicy {
    return stackPolicy(
        {
            name: "tenant-kustomization-service-account",
            description:
                "A tenant's Kustomization applies as the tenant's own service account, and with multitenancy on every Kustomization names one.",
            remediationSteps:
                "Set `spec.serviceAccountName` to the tenant's service account (flux-reconciler), or to kustomize-controller for a platform Kustomization in the Flux namespace.",
            severity: "critical",
        },
        tenantKustomizationViolations,
    );
}

export function tenantNoClusterRoleBinding(): StackValidationPolicy {
    return stackPolicy(
        {
            name: "tenant-no-cluster-role-binding",
            description:
                "No ClusterRoleBinding grants rights to a service account of a tenant namespace.",
            remediationSteps:
                "Bind the tenant's service account with a RoleBinding in its own namespace (ClusterRole admin) instead of a ClusterRoleBinding.",
            severity: "critical",
        },
        tenantClusterRoleBindingViolations,
    );
}

export function clusterSecretStoreConditions(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "cluster-secret-store-conditions",
            description: "A ClusterSecretStore serves only the namespaces its conditions name.",
            remediationSteps:
                "Set `spec.conditions: [{namespaces: [<flux namespace>, …platform namespaces]}]` on the ClusterSecretStore; tenants read through their own SecretStore.",
            severity: "critical",
        },
        (args) =>
            isKind(args.type, "external-secrets.io", "ClusterSecretStore")
                ? clusterSecretStoreConditionViolations(args.name, args.props)
                : [],
    );
}

export function tenantParametersIsolated(): StackValidationPolicy {
    return stackPolicy(
        {
            name: "tenant-parameters-isolated",
            description: "No IAM policy may read the SSM parameters of more than one tenant.",
            remediationSteps:
                "Give each tenant's role a policy over its own parameter ARNs (and the shared ones it needs), with no wildcard that reaches another tenant's parameters.",
            severity: "critical",
        },
        tenantParameterViolations,
    );
}

export function tenantNoCrossNamespaceRefs(): StackValidationPolicy {
    return stackPolicy(
        {
            name: "tenant-no-cross-namespace-refs",
            description:
                "A tenant's Flux and External Secrets objects refer only to their own namespace.",
            remediationSteps:
                "Drop the `namespace` of the reference (it defaults to the object's own) and create what it refers to in the tenant's namespace; read secrets through the tenant's SecretStore.",
            severity: "high",
        },
        crossNamespaceReferenceViolations,
    );
}
