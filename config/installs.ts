import { setting } from "./settings";
import { Checks, EXACT_VERSION } from "./checks";

/** How the External Secrets controller gets its AWS credentials. */
export const EXTERNAL_SECRETS_AUTH = ["podIdentity", "irsa"] as const;
export type ExternalSecretsAuth = (typeof EXTERNAL_SECRETS_AUTH)[number];

/**
 * `.spec.cluster.type` of a FluxInstance: the enum of the CRD
 * (controlplaneio-fluxcd/flux-operator config/crd/bases/fluxcd.controlplane.io_fluxinstances.yaml @v0.58.1).
 */
export const FLUX_CLUSTER_TYPES = ["kubernetes", "openshift", "azure", "aws", "gcp"] as const;
export type FluxClusterType = (typeof FLUX_CLUSTER_TYPES)[number];

/** Flux through the Flux Operator; undefined when the cluster's Flux is installed some other way. */
export interface FluxInstallConfig {
    /** Exact version of the flux-operator Helm chart. */
    readonly operatorChartVersion: string;
    /** Flux distribution version: exact (2.9.0) or a patch range of one minor (2.9.x). */
    readonly distributionVersion: string;
    readonly clusterType: FluxClusterType;
}

/** External Secrets Operator and its access to this stack's SSM parameters. */
export interface ExternalSecretsInstallConfig {
    /** Exact version of the external-secrets Helm chart. */
    readonly chartVersion: string;
    readonly namespace: string;
    readonly auth: ExternalSecretsAuth;
    /** The EKS cluster (Pod Identity). */
    readonly eksClusterName?: string;
    /** ARN of the cluster's IAM OIDC provider (IRSA). */
    readonly oidcProviderArn?: string;
    /** ARN of the KMS key of the SecureString parameters (`ssmKmsKeyId`), when one is set. */
    readonly kmsKeyArn?: string;
}

/** What the tenants' IAM roles need (config/apps.ts `tenant`); undefined when no application is a tenant. */
export interface TenancyConfig {
    /** ARN of the cluster's IAM OIDC provider: each tenant's role trusts one service account of it. */
    readonly oidcProviderArn: string;
    /** ARN of the KMS key of the SecureString parameters (`ssmKmsKeyId`), when one is set. */
    readonly kmsKeyArn?: string;
}

/** What the stack installs into the cluster; a part is undefined when its switch is off. */
export interface InstallsConfig {
    readonly flux?: FluxInstallConfig;
    readonly externalSecrets?: ExternalSecretsInstallConfig;
    readonly tenancy?: TenancyConfig;
}


// A Flux 2 release or a patch range of one minor: the CRDs this stack's objects are written
// against are those of one minor (../shared/crds: Flux 2.9).
const FLUX_VERSION = /^2\.[0-9]+\.([0-9]+|x)$/;
// arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider\/[a-z0-9.-]+(\/[A-Za-z0-9._-]+)*$/;
// A key ARN, not a key id or an alias: an IAM policy's Resource must be the key's ARN.
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+$/;
// An EKS cluster name (CreateCluster: 1-100 characters, letters, digits, "-" and "_", starting alphanumeric).
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** Reads an exact chart version (`example` names one in the message). */
function exactVersion(example: string): (c: Checks, k: string) => string {
    return (c, k) => {
        const v = c.str(k);
        if (!EXACT_VERSION.test(v)) c.problem(k, `must be an exact chart version such as ${example}, not a range (got "${v}")`);
        return v;
    };
}

/** The settings of what the stack installs. */
export const INSTALLS = {
    installFlux: setting({
        key: "installFlux",
        type: "boolean",
        default: true,
        group: "What the stack installs into the cluster",
        description:
            "Install Flux through the Flux Operator (Helm chart + a FluxInstance); false = the cluster's Flux is managed elsewhere.",
        check: (c, k) => c.bool(k),
    }),
    fluxOperatorVersion: setting({
        key: "fluxOperatorVersion",
        type: "string",
        default: "0.58.1",
        group: "What the stack installs into the cluster",
        description:
            "Exact version of the flux-operator Helm chart (oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator).",
        check: exactVersion("0.58.1"),
    }),
    fluxVersion: setting({
        key: "fluxVersion",
        type: "string",
        default: "2.9.x",
        group: "What the stack installs into the cluster",
        description:
            "Flux distribution version of the FluxInstance, a Flux 2 release or a patch range of one minor (2.9.x).",
        check: (c, k) => {
            const v = c.str(k);
            if (!FLUX_VERSION.test(v)) c.problem(k, `must be a Flux 2 version such as 2.9.x or 2.9.0 (got "${v}")`);
            return v;
        },
    }),
    fluxClusterType: setting({
        key: "fluxClusterType",
        type: "string",
        default: "kubernetes",
        group: "What the stack installs into the cluster",
        description:
            "FluxInstance .spec.cluster.type: kubernetes, openshift, azure, aws or gcp.",
        check: (c, k) => c.oneOf(k, FLUX_CLUSTER_TYPES),
    }),
    installExternalSecrets: setting({
        key: "installExternalSecrets",
        type: "boolean",
        default: true,
        group: "What the stack installs into the cluster",
        description:
            "Install External Secrets (Helm chart), its ClusterSecretStore and its IAM role; false = they exist already.",
        check: (c, k) => c.bool(k),
    }),
    externalSecretsVersion: setting({
        key: "externalSecretsVersion",
        type: "string",
        default: "2.9.0",
        group: "What the stack installs into the cluster",
        description:
            "Exact version of the external-secrets Helm chart (https://charts.external-secrets.io).",
        check: exactVersion("2.9.0"),
    }),
    externalSecretsNamespace: setting({
        key: "externalSecretsNamespace",
        type: "string",
        default: "external-secrets",
        group: "What the stack installs into the cluster",
        description:
            "Namespace of External Secrets (created by its Helm release).",
        check: (c, k) => c.dnsLabel(k, c.required(k, "the namespace of External Secrets")),
    }),
    externalSecretsAuth: setting({
        key: "externalSecretsAuth",
        type: "string",
        default: "irsa",
        group: "What the stack installs into the cluster",
        description:
            "How External Secrets gets AWS credentials: irsa (needs eksOidcProviderArn; the platform's store reads through a service account of its own, and each tenant's store through the tenant's) or podIdentity (EKS Pod Identity for the controller, needs eksClusterName; only when no application is a tenant, since a tenant's store without auth would read with the controller's role).",
        check: (c, k) => c.oneOf(k, EXTERNAL_SECRETS_AUTH),
    }),
    eksClusterName: setting({
        key: "eksClusterName",
        type: "string",
        default: "",
        group: "What the stack installs into the cluster",
        description:
            "Name of the EKS cluster, for the Pod Identity association of External Secrets (\"\" = unset).",
        check: (c, k) => {
            const v = c.required(k, "the EKS cluster of the Pod Identity association");
            if (v && !EKS_CLUSTER_NAME.test(v)) c.problem(k, `is not an EKS cluster name (got "${v}")`);
            return v;
        },
    }),
    eksOidcProviderArn: setting({
        key: "eksOidcProviderArn",
        type: "string",
        default: "",
        group: "What the stack installs into the cluster",
        description:
            "ARN of the cluster's IAM OIDC provider, for IRSA: each tenant's secrets are read with a role only its namespace's service account can assume (\"\" = unset).",
        prompt: { description: "ARN of the cluster's IAM OIDC provider (each tenant reads its parameters through IRSA), e.g. arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>" },
        check: (c, k) => {
            const v = c.required(k, "the ARN of the cluster's IAM OIDC provider, for IRSA");
            if (v && !OIDC_PROVIDER_ARN.test(v)) {
                c.problem(
                    k,
                    `must be an IAM OIDC provider ARN such as arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLE (got "${v}")`,
                );
            }
            return v;
        },
    }),
};

/**
 * Reads the install switches and, for what is switched on, its versions and AWS identity. With
 * `tenants`, each tenant reads its parameters through IRSA, whatever the controller uses, so the
 * OIDC provider is required; and Pod Identity is refused for the controller, since a tenant's
 * SecretStore without `auth` reads with the controller's own credentials (external-secrets
 * providers/v1/aws/auth/auth.go @v2.9.0 `constructCredsProvider`: no auth, the SDK's default chain).
 */
export function readInstalls(c: Checks, tenants: readonly string[]): InstallsConfig {
    const installFlux = INSTALLS.installFlux.read(c);
    const installExternalSecrets = INSTALLS.installExternalSecrets.read(c);
    const flux = installFlux ? readFluxInstall(c) : undefined;
    const externalSecrets = installExternalSecrets ? readExternalSecretsInstall(c, tenants) : undefined;
    const tenancy = tenants.length > 0 ? readTenancy(c, externalSecrets) : undefined;
    return { flux, externalSecrets, tenancy };
}

/** What the tenants' roles need: the cluster's OIDC provider, and the KMS key they may decrypt with. */
function readTenancy(c: Checks, externalSecrets: ExternalSecretsInstallConfig | undefined): TenancyConfig {
    return {
        oidcProviderArn: externalSecrets?.oidcProviderArn ?? INSTALLS.eksOidcProviderArn.read(c),
        kmsKeyArn: externalSecrets ? externalSecrets.kmsKeyArn : kmsKeyArn(c, "an application is a tenant"),
    };
}

/** `ssmKmsKeyId` as a key ARN, which an IAM policy's Resource must be; `why` says what needs it. */
function kmsKeyArn(c: Checks, why: string): string | undefined {
    const arn = c.optional("ssmKmsKeyId");
    if (arn !== undefined && !KMS_KEY_ARN.test(arn)) {
        c.problem(
            "ssmKmsKeyId",
            `must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) when ${why}: its IAM policy may decrypt with that key only (got "${arn}")`,
        );
    }
    return arn;
}

function readFluxInstall(c: Checks): FluxInstallConfig {
    const distributionVersion = INSTALLS.fluxVersion.read(c);
    return {
        operatorChartVersion: INSTALLS.fluxOperatorVersion.read(c),
        distributionVersion,
        clusterType: INSTALLS.fluxClusterType.read(c),
    };
}

function readExternalSecretsInstall(c: Checks, tenants: readonly string[]): ExternalSecretsInstallConfig {
    const auth = INSTALLS.externalSecretsAuth.read(c);
    if (auth === "podIdentity" && tenants.length > 0) {
        c.problem(
            "externalSecretsAuth",
            `is podIdentity, which cannot keep tenants apart: a SecretStore without auth in a tenant's namespace reads with the controller's role, ` +
                `and Pod Identity cannot act for a tenant's service account. Set it to irsa (with eksOidcProviderArn), or set tenant: false on ${tenants.join(", ")}`,
        );
    }
    let eksClusterName: string | undefined;
    let oidcProviderArn: string | undefined;
    // Each is required only by its way of getting AWS credentials.
    if (auth === "podIdentity") eksClusterName = INSTALLS.eksClusterName.read(c);
    else if (auth === "irsa") oidcProviderArn = INSTALLS.eksOidcProviderArn.read(c);
    return {
        chartVersion: INSTALLS.externalSecretsVersion.read(c),
        namespace: INSTALLS.externalSecretsNamespace.read(c),
        auth,
        eksClusterName,
        oidcProviderArn,
        kmsKeyArn: kmsKeyArn(c, "External Secrets is installed"),
    };
}
