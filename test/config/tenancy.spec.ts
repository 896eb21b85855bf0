/**
 * The config of tenancy (issue 22): which applications are tenants, what their IAM roles need
 * (the cluster's OIDC provider, a KMS key ARN), why Pod Identity is refused while any application
 * is a tenant, and which namespaces the platform's ClusterSecretStore serves.
 */
import { strict as assert } from "node:assert";
import { buildConfig } from "../../config";
import { devRaw, problemsOf, required, secrets } from "../helpers/config-helpers";

const ACCOUNT = "123456789012";
/** The OIDC provider of Pulumi.dev.yaml. */
const DEV_OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/5C1E8E2A0B7D4F3A9E6B1C2D3E4F5A6B`;
const KMS = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const additionalApps = (...entries: unknown[]): string => JSON.stringify(entries);
/** Two more applications: billing a tenant (the default), docs a platform application. */
const BILLING_AND_DOCS = additionalApps(
    { repository: "billing", image: "ghcr.io/developer-friendly/billing" },
    { repository: "docs", image: "ghcr.io/developer-friendly/docs", appNamespace: "documentation", tenant: false },
);

const configOf = (overrides: Record<string, string | undefined>) => buildConfig(devRaw(overrides), secrets, "dev");

const oidcRequired = required("eksOidcProviderArn", "the ARN of the cluster's IAM OIDC provider, for IRSA");

describe("config of tenancy: External Secrets' AWS identity", () => {
    it("reads through IRSA by default: the tenants' roles and External Secrets trust the same OIDC provider", () => {
        const { installs } = configOf({});
        assert.equal(installs.externalSecrets?.auth, "irsa");
        assert.equal(installs.externalSecrets?.oidcProviderArn, DEV_OIDC);
        assert.equal(installs.externalSecrets?.eksClusterName, undefined);
        assert.deepEqual(installs.tenancy, { oidcProviderArn: DEV_OIDC, kmsKeyArn: undefined });
    });

    it("refuses Pod Identity while any application is a tenant, naming the tenants (not the platform's) and both ways out", () => {
        // A tenant's SecretStore without auth would read with the controller's own role
        // (external-secrets providers/v1/aws/auth/auth.go @v2.9.0 constructCredsProvider), and
        // `serviceAccountRef` cannot be used with Pod Identity (docs/provider/aws-access.md @v2.9.0).
        assert.deepEqual(problemsOf({ externalSecretsAuth: "podIdentity", eksClusterName: "flux-dev", additionalApps: BILLING_AND_DOCS }), [
            "flux-gitops:externalSecretsAuth is podIdentity, which cannot keep tenants apart: a SecretStore without auth in a " +
                "tenant's namespace reads with the controller's role, and Pod Identity cannot act for a tenant's service account. " +
                "Set it to irsa (with eksOidcProviderArn), or set tenant: false on echo-server, billing",
        ]);
    });

    it("accepts Pod Identity once no application is a tenant, needing no OIDC provider then", () => {
        const { installs, apps } = configOf({
            externalSecretsAuth: "podIdentity",
            eksClusterName: "flux-dev",
            eksOidcProviderArn: "",
            tenant: "false",
            additionalApps: additionalApps({ repository: "billing", image: "ghcr.io/developer-friendly/billing", tenant: false }),
        });
        assert.deepEqual(apps.map((a) => a.tenant), [false, false]);
        assert.equal(installs.externalSecrets?.auth, "podIdentity");
        assert.equal(installs.externalSecrets?.eksClusterName, "flux-dev");
        assert.equal(installs.externalSecrets?.oidcProviderArn, undefined);
        assert.equal(installs.tenancy, undefined);
    });

    it("requires the OIDC provider for the tenants even when the stack does not install External Secrets", () => {
        assert.deepEqual(problemsOf({ installExternalSecrets: "false", eksOidcProviderArn: "" }), [oidcRequired]);
        const { installs } = configOf({ installExternalSecrets: "false" });
        assert.equal(installs.externalSecrets, undefined);
        assert.deepEqual(installs.tenancy, { oidcProviderArn: DEV_OIDC, kmsKeyArn: undefined });
    });

    it("checks the tenants' OIDC provider ARN without External Secrets as with it", () => {
        const arn = "https://oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLE";
        assert.deepEqual(problemsOf({ installExternalSecrets: "false", eksOidcProviderArn: arn }), [
            "flux-gitops:eksOidcProviderArn must be an IAM OIDC provider ARN such as " +
                `arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLE (got "${arn}")`,
        ]);
    });

    it("needs no OIDC provider with neither External Secrets installed nor a tenant", () => {
        const { installs } = configOf({ installExternalSecrets: "false", eksOidcProviderArn: "", tenant: "false" });
        assert.equal(installs.externalSecrets, undefined);
        assert.equal(installs.tenancy, undefined);
    });

    it("asks both for the OIDC provider and for another way when Pod Identity meets tenants without one", () => {
        const problems = problemsOf({ externalSecretsAuth: "podIdentity", eksClusterName: "flux-dev", eksOidcProviderArn: "" });
        assert.equal(problems.length, 2, problems.join("\n"));
        assert.match(problems[0], /^flux-gitops:externalSecretsAuth is podIdentity, which cannot keep tenants apart: .* set tenant: false on echo-server$/);
        assert.equal(problems[1], oidcRequired);
    });
});

describe("config of tenancy: the tenants' KMS key", () => {
    it("refuses a KMS alias for the tenants' policies when External Secrets is not installed, saying why", () => {
        // An IAM policy's Resource names a key by its ARN: an alias matches nothing.
        assert.deepEqual(problemsOf({ installExternalSecrets: "false", ssmKmsKeyId: "alias/flux" }), [
            "flux-gitops:ssmKmsKeyId must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) when an application is a tenant: " +
                'its IAM policy may decrypt with that key only (got "alias/flux")',
        ]);
    });

    it("gives the tenants' roles the key ARN, with External Secrets installed or not", () => {
        assert.equal(configOf({ ssmKmsKeyId: KMS }).installs.tenancy?.kmsKeyArn, KMS);
        assert.equal(configOf({ ssmKmsKeyId: KMS, installExternalSecrets: "false" }).installs.tenancy?.kmsKeyArn, KMS);
    });

    it("reports a KMS alias once when both External Secrets and the tenants need the ARN", () => {
        assert.deepEqual(problemsOf({ ssmKmsKeyId: "alias/flux" }), [
            "flux-gitops:ssmKmsKeyId must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) when External Secrets " +
                'is installed: its IAM policy may decrypt with that key only (got "alias/flux")',
        ]);
    });
});

describe("config of tenancy: the platform", () => {
    it("is the applications with tenant: false, and the store serves Flux's, monitoring's and their namespaces", () => {
        const { platform } = configOf({ additionalApps: BILLING_AND_DOCS });
        assert.deepEqual(platform.apps.map((a) => a.name), ["docs"]);
        assert.deepEqual(platform.namespaces, ["flux-system", "monitoring", "documentation"]);
    });

    it("serves no monitoring namespace when the stack does not install monitoring, and no tenant's ever", () => {
        const { platform } = configOf({ installMonitoring: "false", additionalApps: BILLING_AND_DOCS });
        assert.deepEqual(platform.namespaces, ["flux-system", "documentation"]);
        const dev = configOf({});
        assert.deepEqual(dev.platform, { apps: [], namespaces: ["flux-system", "monitoring"] });
    });

    it("follows fluxNamespace and monitoringNamespace", () => {
        const { platform } = configOf({ fluxNamespace: "flux", monitoringNamespace: "observability", tenant: "false" });
        assert.deepEqual(platform.apps.map((a) => a.name), ["echo-server"]);
        assert.deepEqual(platform.namespaces, ["flux", "observability", "echo-server"]);
    });
});
