import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ExternalSecretsAuth } from "../../config/installs";
import { EXTERNAL_SECRETS_API } from "../flux/external-secret-specs";
import { WAIT_FOR_READY } from "../custom-resource";
import {
    externalSecretsReadPolicy,
    irsaTrustPolicy,
    PolicyDocument,
    podIdentityTrustPolicy,
    ServiceAccountRef,
} from "./iam";

/**
 * External Secrets' chart (`helm repo add external-secrets https://charts.external-secrets.io`,
 * external-secrets/external-secrets deploy/charts/external-secrets/README.md @v2.9.0).
 */
export const EXTERNAL_SECRETS_CHART = "external-secrets";
export const EXTERNAL_SECRETS_REPO = "https://charts.external-secrets.io";
/**
 * The release name, and so the controller's service account: with `serviceAccount.name: ""` the
 * chart names it after its fullname, which is the release name when that contains the chart name
 * (deploy/charts/external-secrets/templates/_helpers.tpl @v2.9.0). Set explicitly all the same.
 */
export const EXTERNAL_SECRETS_RELEASE = "external-secrets";
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = "external-secrets";
/** The annotation IRSA's webhook reads to inject the role (EKS, associate-service-account-role.html). */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/**
 * The service account the platform's ClusterSecretStore reads SSM as, with IRSA: the controller
 * itself has no AWS identity then, so a tenant's SecretStore without `auth`, which would use the
 * controller's credentials (providers/v1/aws/auth/auth.go @v2.9.0 `constructCredsProvider`), gets
 * none. No pod runs as it; External Secrets requests its tokens (TokenRequest, granted to the
 * controller by the chart's `rbac.serviceAccountTokenCreate`, default true, values.yaml @v2.9.0).
 */
export const PLATFORM_READER_SERVICE_ACCOUNT = "external-secrets-platform";

/**
 * Values of the external-secrets release. `installCRDs`: the chart's CRDs are templates
 * (templates/crds/, wrapped in `if .Values.installCRDs` by hack/helm.generate.sh @v2.9.0), so
 * `helm upgrade` upgrades them with the chart. The controller's service account names no role:
 * with IRSA the platform's store reads as PLATFORM_READER_SERVICE_ACCOUNT, with Pod Identity the
 * association gives the controller its role.
 */
export function externalSecretsValues(): Record<string, unknown> {
    return {
        installCRDs: true,
        serviceAccount: { create: true, name: EXTERNAL_SECRETS_SERVICE_ACCOUNT },
    };
}

/**
 * `.spec` of the platform's ClusterSecretStore: AWS Parameter Store in the stack's region.
 * - `conditions`: it serves the platform's namespaces only, never a tenant's. External Secrets
 *   refuses an ExternalSecret of any other namespace, and with no conditions serves every
 *   namespace (pkg/controllers/secretstore/client_manager.go @v2.9.0 `shouldProcessSecret`;
 *   `namespaces` match the label kubernetes.io/metadata.name, which the API server sets).
 * - `auth`: with IRSA, a web identity token of the platform's reader account (a ClusterSecretStore
 *   may name its namespace: auth.go `credsFromServiceAccount`); with Pod Identity none, so the
 *   controller's own credentials: `serviceAccountRef` "cannot be used together with EKS Pod
 *   Identity" (docs/provider/aws-access.md @v2.9.0).
 */
export function clusterSecretStoreSpec(args: {
    readonly region: string;
    readonly namespaces: readonly string[];
    readonly reader?: ServiceAccountRef;
}): Record<string, unknown> {
    // An empty list would serve no namespace at all: the platform's always has Flux's.
    if (args.namespaces.length === 0) throw new Error("the platform's ClusterSecretStore needs at least one namespace to serve");
    const auth = args.reader ? { auth: { jwt: { serviceAccountRef: { name: args.reader.name, namespace: args.reader.namespace } } } } : {};
    return {
        provider: { aws: { service: "ParameterStore", region: args.region, ...auth } },
        conditions: [{ namespaces: [...new Set(args.namespaces)].sort() }],
    };
}

/** The role's trust policy for the chosen way of authenticating. */
export function externalSecretsTrustPolicy(
    auth: ExternalSecretsAuth,
    serviceAccount: ServiceAccountRef,
    identity: { readonly eksClusterName?: string; readonly oidcProviderArn?: string },
): PolicyDocument {
    if (auth === "podIdentity") {
        if (!identity.eksClusterName) throw new Error("Pod Identity needs the EKS cluster name");
        return podIdentityTrustPolicy(serviceAccount, identity.eksClusterName);
    }
    if (!identity.oidcProviderArn) throw new Error("IRSA needs the cluster's OIDC provider ARN");
    return irsaTrustPolicy(serviceAccount, identity.oidcProviderArn);
}

export interface ExternalSecretsArgs {
    /** Namespace of the controller (created by the release). */
    readonly namespace: string;
    /** Exact chart version. */
    readonly chartVersion: string;
    /** Name of the ClusterSecretStore. */
    readonly storeName: string;
    /** Region of the SSM parameters. */
    readonly region: string;
    /** The namespaces the ClusterSecretStore serves: the platform's (Flux's, monitoring's, opt-out applications'). */
    readonly storeNamespaces: readonly string[];
    readonly auth: ExternalSecretsAuth;
    /** The EKS cluster (Pod Identity). */
    readonly eksClusterName?: string;
    /** ARN of the cluster's IAM OIDC provider (IRSA). */
    readonly oidcProviderArn?: string;
}

/**
 * External Secrets installed by Helm, the platform's ClusterSecretStore (the platform's namespaces
 * only: each tenant reads through a SecretStore of its own, components/tenancy/tenant.ts), and the
 * IAM role that store reads with, which only one service account can assume: the platform's
 * reader account (IRSA) or the controller's (EKS Pod Identity). What the role may read is
 * granted by ExternalSecretsAccess.
 */
export class ExternalSecrets extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly release: k8s.helm.v3.Release;
    public readonly store: k8s.apiextensions.CustomResource;
    /**
     * What every ExternalSecret waits for: the store, Ready once the controller has credentials,
     * and the controller's AWS identity (the Pod Identity association, or the IRSA role).
     */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: ExternalSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:install:ExternalSecrets", name, {}, opts);
        const serviceAccount = {
            namespace: args.namespace,
            name: args.auth === "irsa" ? PLATFORM_READER_SERVICE_ACCOUNT : EXTERNAL_SECRETS_SERVICE_ACCOUNT,
        };
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `External Secrets in ${args.namespace}: reads the platform's SSM parameters of this stack`,
                assumeRolePolicy: JSON.stringify(
                    externalSecretsTrustPolicy(args.auth, serviceAccount, args),
                ),
            },
            { parent: this },
        );
        // Pod Identity injects credentials when a pod is created: the association comes first.
        const association =
            args.auth === "podIdentity"
                ? new aws.eks.PodIdentityAssociation(
                      `${name}-pod-identity`,
                      {
                          clusterName: args.eksClusterName!,
                          namespace: serviceAccount.namespace,
                          serviceAccount: serviceAccount.name,
                          roleArn: this.role.arn,
                      },
                      { parent: this },
                  )
                : undefined;
        this.release = new k8s.helm.v3.Release(
            name,
            {
                name: EXTERNAL_SECRETS_RELEASE,
                namespace: args.namespace,
                createNamespace: true,
                chart: EXTERNAL_SECRETS_CHART,
                version: args.chartVersion,
                repositoryOpts: { repo: EXTERNAL_SECRETS_REPO },
                values: externalSecretsValues(),
                atomic: true,
                cleanupOnFail: true,
                maxHistory: 10,
            },
            { parent: this, dependsOn: association ? [association] : [] },
        );
        // IRSA: the account the store reads as, in the release's namespace (created by it).
        const reader =
            args.auth === "irsa"
                ? new k8s.core.v1.ServiceAccount(
                      `${name}-platform-reader`,
                      {
                          metadata: {
                              name: PLATFORM_READER_SERVICE_ACCOUNT,
                              namespace: args.namespace,
                              annotations: this.role.arn.apply((arn) => ({ [IRSA_ROLE_ANNOTATION]: arn })),
                          },
                      },
                      { parent: this, dependsOn: [this.release] },
                  )
                : undefined;
        // The CRD comes with the release; Ready once the controller has validated its credentials.
        this.store = new k8s.apiextensions.CustomResource(
            `${name}-store`,
            {
                apiVersion: EXTERNAL_SECRETS_API,
                kind: "ClusterSecretStore",
                metadata: { name: args.storeName, annotations: { ...WAIT_FOR_READY } },
                spec: clusterSecretStoreSpec({ region: args.region, namespaces: args.storeNamespaces, reader: reader && serviceAccount }),
            },
            { parent: this, dependsOn: [this.release, ...(reader ? [reader] : [])] },
        );
        // The store is Ready once the controller has credentials, which does not need the AWS
        // identity to be usable yet; an ExternalSecret also waits for that identity explicitly.
        this.ready = [this.store, association ?? this.role];
        this.registerOutputs({});
    }
}

export interface ExternalSecretsAccessArgs {
    /** The role of ExternalSecrets. */
    readonly role: aws.iam.Role;
    /** ARNs of the parameters it reads: outputs of the parameter resources. */
    readonly parameterArns: pulumi.Input<pulumi.Input<string>[]>;
    /** KMS key ARN of the SecureString parameters, when not the AWS managed key. */
    readonly kmsKeyArn?: string;
    readonly region: string;
}

/**
 * A grant to External Secrets' role: read access to exactly these parameters, as an inline policy
 * of the role. The stack makes one for its shared parameters and one per application, each from
 * the parameters' own ARNs, so an ExternalSecret can wait for the grant that covers what it reads
 * (without it, its first sync may meet AccessDenied and back off). Together they grant exactly the
 * stack's parameters. IAM limits the inline policies of a role to 10,240 characters in all
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export class ExternalSecretsAccess extends pulumi.ComponentResource {
    public readonly policy: aws.iam.RolePolicy;

    constructor(
        name: string,
        args: ExternalSecretsAccessArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("flux-gitops:install:ExternalSecretsAccess", name, {}, opts);
        this.policy = new aws.iam.RolePolicy(
            name,
            {
                role: args.role.name,
                policy: pulumi
                    .output(args.parameterArns)
                    .apply((arns) =>
                        JSON.stringify(
                            externalSecretsReadPolicy({
                                parameterArns: arns,
                                kmsKeyArn: args.kmsKeyArn,
                                region: args.region,
                            }),
                        ),
                    ),
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
