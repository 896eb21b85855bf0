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

/** What the stack installs into the cluster; a part is undefined when its switch is off. */
export interface InstallsConfig {
    readonly flux?: FluxInstallConfig;
    readonly externalSecrets?: ExternalSecretsInstallConfig;
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
        default: "podIdentity",
        group: "What the stack installs into the cluster",
        description:
            "How External Secrets gets AWS credentials: podIdentity (EKS Pod Identity, needs eksClusterName) or irsa (needs eksOidcProviderArn).",
        check: (c, k) => c.oneOf(k, EXTERNAL_SECRETS_AUTH),
    }),
    eksClusterName: setting({
        key: "eksClusterName",
        type: "string",
        default: "",
        group: "What the stack installs into the cluster",
        description:
            "Name of the EKS cluster, for the Pod Identity association of External Secrets (\"\" = unset).",
        prompt: { description: "Name of the EKS cluster of that context (External Secrets gets its AWS role through EKS Pod Identity)" },
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
            "ARN of the cluster's IAM OIDC provider, for IRSA (\"\" = unset).",
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

/** Reads the install switches and, for what is switched on, its versions and AWS identity. */
export function readInstalls(c: Checks): InstallsConfig {
    const installFlux = INSTALLS.installFlux.read(c);
    const installExternalSecrets = INSTALLS.installExternalSecrets.read(c);
    const flux = installFlux ? readFluxInstall(c) : undefined;
    const externalSecrets = installExternalSecrets ? readExternalSecretsInstall(c) : undefined;
    return { flux, externalSecrets };
}

function readFluxInstall(c: Checks): FluxInstallConfig {
    const distributionVersion = INSTALLS.fluxVersion.read(c);
    return {
        operatorChartVersion: INSTALLS.fluxOperatorVersion.read(c),
        distributionVersion,
        clusterType: INSTALLS.fluxClusterType.read(c),
    };
}

function readExternalSecretsInstall(c: Checks): ExternalSecretsInstallConfig {
    const auth = INSTALLS.externalSecretsAuth.read(c);
    let eksClusterName: string | undefined;
    let oidcProviderArn: string | undefined;
    // Each is required only by its way of getting AWS credentials.
    if (auth === "podIdentity") eksClusterName = INSTALLS.eksClusterName.read(c);
    else if (auth === "irsa") oidcProviderArn = INSTALLS.eksOidcProviderArn.read(c);
    const kmsKeyArn = c.optional("ssmKmsKeyId");
    if (kmsKeyArn !== undefined && !KMS_KEY_ARN.test(kmsKeyArn)) {
        c.problem(
            "ssmKmsKeyId",
            `must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) when External Secrets is installed: its IAM policy may decrypt with that key only (got "${kmsKeyArn}")`,
        );
    }
    return {
        chartVersion: INSTALLS.externalSecretsVersion.read(c),
        namespace: INSTALLS.externalSecretsNamespace.read(c),
        auth,
        eksClusterName,
        oidcProviderArn,
        kmsKeyArn,
    };
}
