import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WAIT_FOR_READY } from "../custom-resource";
import { labelsTransform } from "../labels";
import { EXTERNAL_SECRETS_API, SecretStoreRef } from "../flux/external-secret-specs";
import { ExternalSecretsAccess, IRSA_ROLE_ANNOTATION } from "../install/external-secrets";
import { irsaTrustPolicy } from "../install/iam";

/**
 * The label Flux's own tenants carry (`flux create tenant` labels the Namespace, ServiceAccount
 * and RoleBinding with it: fluxcd/flux2 cmd/flux/create_tenant.go @v2.9.5). Here every object of
 * the tenant's namespace carries it, and the policy pack finds tenants by it.
 */
export const TENANT_LABEL = "toolkit.fluxcd.io/tenant";
/** The AWS tag of a tenant's IAM role and SSM parameters: the policy pack tells tenants' parameters apart by it. */
export const TENANT_TAG = "flux-gitops:tenant";

/** The account kustomize-controller impersonates for a tenant's Kustomization (`spec.serviceAccountName`). */
export const RECONCILER_SERVICE_ACCOUNT = "flux-reconciler";
/**
 * What the reconciler is bound to, in its namespace only: the aggregated ClusterRole `admin`, which
 * "allows read/write access to most resources in a namespace, including the ability to create
 * roles and role bindings within the namespace. This role does not allow write access to resource
 * quota or to the namespace itself" (kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles),
 * and to which Flux's `flux-edit` and External Secrets' chart aggregate write on their kinds.
 */
export const RECONCILER_CLUSTER_ROLE = "admin";
/** The account whose IRSA role the tenant's SecretStore reads SSM with; no pod runs as it. */
export const SECRETS_READER_SERVICE_ACCOUNT = "external-secrets-reader";
/** The tenant's SecretStore, in its namespace. */
export const TENANT_STORE: SecretStoreRef = { kind: "SecretStore", name: "parameters" };
/**
 * The account platform Kustomizations (`tenant: false`) name: with the lockdown, one that names
 * none is applied as the tenant default account (`--default-service-account`), which has no
 * rights. kustomize-controller is bound to cluster-admin by Flux's `cluster-reconciler`
 * ClusterRoleBinding (flux-operator config/data/flux/v2.9.4/rbac.yaml @v0.58.1), and flux2's
 * multi-tenancy guide names it on the flux-system Kustomization the same way.
 */
export const PLATFORM_SERVICE_ACCOUNT = "kustomize-controller";

/** The RoleBinding of a tenant's reconciler: `admin` in `namespace` only, for exactly one service account. */
export function reconcilerRoleBinding(namespace: string): { roleRef: k8s.types.input.rbac.v1.RoleRef; subjects: k8s.types.input.rbac.v1.Subject[] } {
    return {
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: RECONCILER_CLUSTER_ROLE },
        subjects: [{ kind: "ServiceAccount", name: RECONCILER_SERVICE_ACCOUNT, namespace }],
    };
}

/**
 * `.spec` of a tenant's SecretStore: AWS Parameter Store, read with a web identity token of the
 * tenant's own reader account. For a SecretStore, External Secrets looks that account up in the
 * store's namespace and ignores any other (providers/v1/aws/auth/auth.go @v2.9.0
 * `credsFromServiceAccount`: `serviceAccountRef.namespace` only for a ClusterSecretStore), then
 * calls AssumeRoleWithWebIdentity with the role of its `eks.amazonaws.com/role-arn` annotation.
 */
export function tenantSecretStoreSpec(region: string): Record<string, unknown> {
    return {
        provider: {
            aws: { service: "ParameterStore", region, auth: { jwt: { serviceAccountRef: { name: SECRETS_READER_SERVICE_ACCOUNT } } } },
        },
    };
}

export interface TenantArgs {
    /** The tenant: the application's name. */
    readonly tenant: string;
    /** The tenant's namespace (its workload's). */
    readonly namespace: k8s.core.v1.Namespace;
    readonly namespaceName: string;
    /** Region of the SSM parameters. */
    readonly region: string;
    /** The cluster's IAM OIDC provider: the role trusts one service account of it. */
    readonly oidcProviderArn: string;
    /** KMS key of the SecureString parameters, when not the AWS managed key. */
    readonly kmsKeyArn?: string;
    /** Exactly the parameters the tenant reads: its own and the shared ones it needs. */
    readonly parameterArns: pulumi.Input<string>[];
    /**
     * What the SecretStore waits for besides the namespace and its reader: External Secrets, when the
     * stack installs it (its release brings the SecretStore CRD; the platform's store is Ready once
     * the controller runs).
     */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * What makes an application a tenant, in its own namespace: the service account its
 * Kustomization applies as, bound to `admin` there only; and the SecretStore its ExternalSecrets
 * read through, with an IAM role that only that namespace's reader account can assume and that
 * reads only the tenant's parameters. Another namespace can point a service account of its own at
 * this role, but STS refuses its token: the trust names this namespace's `sub`, which the API
 * server signs (docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
 */
export class Tenant extends pulumi.ComponentResource {
    /** The account the tenant's Kustomization names. */
    public readonly serviceAccountName = RECONCILER_SERVICE_ACCOUNT;
    /** What the Kustomization waits for: the account and its binding (else its first apply is forbidden). */
    public readonly reconcilerReady: pulumi.Resource[];
    public readonly store = TENANT_STORE;
    /** What every ExternalSecret of the tenant waits for: the store and the grant of its parameters. */
    public readonly storeReady: pulumi.Resource[];
    public readonly role: aws.iam.Role;

    constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:tenancy:Tenant", name, {}, opts);
        const ns = args.namespaceName;
        const metadata = (objectName: string, annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>) => ({
            name: objectName,
            namespace: ns,
            ...(annotations ? { annotations } : {}),
        });
        const inNamespace = { parent: this, dependsOn: [args.namespace] };
        const reconciler = new k8s.core.v1.ServiceAccount(`${name}-reconciler`, { metadata: metadata(RECONCILER_SERVICE_ACCOUNT) }, inNamespace);
        const binding = new k8s.rbac.v1.RoleBinding(
            `${name}-reconciler`,
            { metadata: metadata(RECONCILER_SERVICE_ACCOUNT), ...reconcilerRoleBinding(ns) },
            inNamespace,
        );
        this.reconcilerReady = [reconciler, binding];

        this.role = new aws.iam.Role(
            `${name}-secrets-role`,
            {
                description: `External Secrets for tenant ${args.tenant}: reads its SSM parameters, from namespace ${ns} only`,
                assumeRolePolicy: JSON.stringify(irsaTrustPolicy({ namespace: ns, name: SECRETS_READER_SERVICE_ACCOUNT }, args.oidcProviderArn)),
                tags: { [TENANT_TAG]: args.tenant },
            },
            { parent: this },
        );
        const access = new ExternalSecretsAccess(
            `${name}-secrets-access`,
            { role: this.role, parameterArns: args.parameterArns, kmsKeyArn: args.kmsKeyArn, region: args.region },
            { parent: this },
        );
        const reader = new k8s.core.v1.ServiceAccount(
            `${name}-secrets-reader`,
            { metadata: metadata(SECRETS_READER_SERVICE_ACCOUNT, this.role.arn.apply((arn) => ({ [IRSA_ROLE_ANNOTATION]: arn }))) },
            inNamespace,
        );
        // Ready once External Secrets validated the store (it checks the region and the reader
        // account, not AWS access: providers/v1/aws/provider.go @v2.9.0 ValidateStore), so an
        // ExternalSecret also waits for the grant itself.
        const store = new k8s.apiextensions.CustomResource(
            `${name}-store`,
            {
                apiVersion: EXTERNAL_SECRETS_API,
                kind: TENANT_STORE.kind,
                metadata: metadata(TENANT_STORE.name, { ...WAIT_FOR_READY }),
                spec: tenantSecretStoreSpec(args.region),
            },
            { parent: this, dependsOn: [args.namespace, reader, ...(args.dependsOn ?? [])] },
        );
        this.storeReady = [store, access.policy];
        this.registerOutputs({});
    }
}

/**
 * A transformation that labels every Kubernetes object of `namespace` (and the Namespace itself)
 * as the tenant's. Labels an object sets win.
 */
export function tenantLabelTransform(tenant: string, namespace: string): pulumi.ResourceTransformation {
    return labelsTransform((type, m) =>
        (type === "kubernetes:core/v1:Namespace" ? m.name : m.namespace) === namespace ? { [TENANT_LABEL]: tenant } : undefined,
    );
}
