/**
 * The two installs, each built on its own under Pulumi's mocks: the exact inputs of their Helm
 * releases, the External Secrets role, what waits for what and what each refuses before creating
 * anything. The mocks echo a resource's inputs as its state, so where a test needs the role's ARN
 * it stands in for AWS and gives the role one.
 * What the whole stack passes them (versions, namespaces, the trust policies) is in installs.spec.ts.
 */
import { strict as assert } from "node:assert";
import { ExternalSecrets, ExternalSecretsArgs } from "../../../components/install/external-secrets";
import { FluxOperator } from "../../../components/install/flux-operator";
import { one, record, refusal, Registered, waitsFor } from "../../helpers/record";
import { ASSOCIATION, FLUX_INSTANCE, RELEASE, ROLE, SERVICE_ACCOUNT, STORE } from "../../helpers/types";

const OIDC_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
const ROLE_ARN = "arn:aws:iam::123456789012:role/external-secrets-role";

/** The inputs a Helm release is given, without the SDK's own `compat` marker. */
function releaseInputs(release: Registered): Record<string, unknown> {
    return Object.fromEntries(Object.entries(release.inputs).filter(([key]) => key !== "compat"));
}

/** Stands for AWS: the role comes back with an ARN (the mocks would echo only its inputs). */
const roleWithArn = { computed: (type: string) => (type === ROLE ? { arn: ROLE_ARN } : {}) };

describe("the installs on their own", () => {
    describe("ExternalSecrets", () => {
        const esArgs = (extra: Partial<ExternalSecretsArgs>): ExternalSecretsArgs => ({
            namespace: "external-secrets",
            chartVersion: "2.9.0",
            storeName: "aws-parameter-store",
            region: "eu-west-1",
            storeNamespaces: ["monitoring", "flux-system", "monitoring"],
            auth: "podIdentity",
            eksClusterName: "eks",
            ...extra,
        });
        const build = (extra: Partial<ExternalSecretsArgs>) =>
            record(() => new ExternalSecrets("external-secrets", esArgs(extra)), roleWithArn);
        const irsa = { auth: "irsa", eksClusterName: undefined, oidcProviderArn: OIDC_PROVIDER } as const;

        it("describes the role by the namespace it serves and what it is for", async () => {
            const role = one(await build({ namespace: "eso" }), ROLE, "external-secrets-role");
            assert.equal(role.inputs.description, "External Secrets in eso: reads the platform's SSM parameters of this stack");
        });

        it("releases the chart atomically into a namespace it creates, the same with Pod Identity and IRSA: no role on the controller's service account", async () => {
            // With IRSA the platform's store reads as an account of its own: the controller has no AWS identity.
            for (const mode of [{}, irsa]) {
                const release = one(await build(mode), RELEASE, "external-secrets");
                assert.deepEqual(releaseInputs(release), {
                    name: "external-secrets",
                    namespace: "external-secrets",
                    createNamespace: true,
                    chart: "external-secrets",
                    version: "2.9.0",
                    repositoryOpts: { repo: "https://charts.external-secrets.io" },
                    values: { installCRDs: true, serviceAccount: { create: true, name: "external-secrets" } },
                    atomic: true,
                    cleanupOnFail: true,
                    maxHistory: 10,
                });
            }
        });

        it("with Pod Identity: the release waits for the association only, not for the role's ARN", async () => {
            const registered = await build({});
            assert.deepEqual(waitsFor(one(registered, RELEASE, "external-secrets")), ["external-secrets-pod-identity"]);
            assert.deepEqual(waitsFor(one(registered, ASSOCIATION, "external-secrets-pod-identity")), ["external-secrets-role"]);
        });

        it("with IRSA: no association, and the release waits for nothing", async () => {
            const registered = await build(irsa);
            assert.equal(registered.filter((r) => r.type === ASSOCIATION).length, 0);
            assert.deepEqual(waitsFor(one(registered, RELEASE, "external-secrets")), []);
        });

        it("with IRSA: the platform's reader account external-secrets-platform, in the release's namespace, names the role the store reads with", async () => {
            const registered = await build(irsa);
            const reader = one(registered, SERVICE_ACCOUNT, "external-secrets-platform-reader");
            assert.deepEqual(reader.inputs.metadata, {
                name: "external-secrets-platform",
                namespace: "external-secrets",
                annotations: { "eks.amazonaws.com/role-arn": ROLE_ARN },
            });
            // The release creates the namespace; the annotation is the role's ARN.
            assert.deepEqual(waitsFor(reader), ["external-secrets", "external-secrets-role"]);
            // Only that account may assume the role: the IRSA subject names it, not the controller's.
            const trust = JSON.parse(one(registered, ROLE, "external-secrets-role").inputs.assumeRolePolicy as string) as {
                Statement: { Condition: { StringEquals: Record<string, string> } }[];
            };
            assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
                "oidc.eks.eu-west-1.amazonaws.com/id/ABC123:sub": "system:serviceaccount:external-secrets:external-secrets-platform",
                "oidc.eks.eu-west-1.amazonaws.com/id/ABC123:aud": "sts.amazonaws.com",
            });
        });

        it("with IRSA: the store reads as the platform's reader account and serves the platform's namespaces only, once the account exists", async () => {
            // A ClusterSecretStore's serviceAccountRef names its namespace (external-secrets
            // providers/v1/aws/auth/auth.go @v2.9.0 credsFromServiceAccount); `conditions` limit the
            // namespaces whose ExternalSecrets it serves (pkg/controllers/secretstore/client_manager.go
            // @v2.9.0 shouldProcessSecret).
            const store = one(await build(irsa), STORE, "external-secrets-store");
            assert.deepEqual(store.inputs.spec, {
                provider: {
                    aws: {
                        service: "ParameterStore",
                        region: "eu-west-1",
                        auth: { jwt: { serviceAccountRef: { name: "external-secrets-platform", namespace: "external-secrets" } } },
                    },
                },
                conditions: [{ namespaces: ["flux-system", "monitoring"] }],
            });
            assert.deepEqual(waitsFor(store), ["external-secrets", "external-secrets-platform-reader"]);
        });

        it("with Pod Identity: no reader account, and a store without auth (the controller's own credentials), limited to the platform's namespaces", async () => {
            // serviceAccountRef "cannot be used together with EKS Pod Identity" (docs/provider/aws-access.md @v2.9.0).
            const registered = await build({});
            assert.equal(registered.filter((r) => r.type === SERVICE_ACCOUNT).length, 0);
            const store = one(registered, STORE, "external-secrets-store");
            assert.deepEqual(store.inputs.spec, {
                provider: { aws: { service: "ParameterStore", region: "eu-west-1" } },
                conditions: [{ namespaces: ["flux-system", "monitoring"] }],
            });
            assert.deepEqual(waitsFor(store), ["external-secrets"]);
            assert.deepEqual(one(registered, ASSOCIATION, "external-secrets-pod-identity").inputs.serviceAccount, "external-secrets");
        });

        it("refuses Pod Identity without the EKS cluster's name, before creating the role", async () => {
            const { error, registered } = await refusal(() => new ExternalSecrets("external-secrets", esArgs({ eksClusterName: undefined })));
            assert.deepEqual(error, new Error("Pod Identity needs the EKS cluster name"));
            assert.deepEqual(registered, ["flux-gitops:install:ExternalSecrets"]);
        });

        it("refuses IRSA without the cluster's OIDC provider, before creating the role", async () => {
            const { error, registered } = await refusal(() => new ExternalSecrets("external-secrets", esArgs({ auth: "irsa" })));
            assert.deepEqual(error, new Error("IRSA needs the cluster's OIDC provider ARN"));
            assert.deepEqual(registered, ["flux-gitops:install:ExternalSecrets"]);
        });
    });

    describe("FluxOperator", () => {
        const build = () =>
            record(
                () =>
                    new FluxOperator("flux", {
                        namespace: "flux-system",
                        install: { operatorChartVersion: "0.58.1", distributionVersion: "2.9.x", clusterType: "kubernetes" },
                    }),
            );

        it("releases the operator's OCI chart as `flux-operator`, atomically, into a namespace it creates", async () => {
            const release = one(await build(), RELEASE, "flux");
            assert.deepEqual(releaseInputs(release), {
                name: "flux-operator",
                namespace: "flux-system",
                createNamespace: true,
                chart: "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator",
                version: "0.58.1",
                atomic: true,
                cleanupOnFail: true,
                maxHistory: 10,
            });
            assert.deepEqual(waitsFor(release), []);
        });

        it("runs Flux multi-tenant (the lockdown, tenants' default account `default`), with network policies, on the default cluster domain, once the release is there", async () => {
            // multitenant: the operator adds --no-cross-namespace-refs to the controllers and
            // --default-service-account=<tenantDefaultServiceAccount> to kustomize-controller
            // (flux-operator internal/builder/profiles.go @v0.58.1 profileClusterMultitenant).
            const instance = one(await build(), FLUX_INSTANCE, "flux-instance");
            assert.deepEqual((instance.inputs.spec as Record<string, unknown>).cluster, {
                type: "kubernetes",
                multitenant: true,
                tenantDefaultServiceAccount: "default",
                networkPolicy: true,
                domain: "cluster.local",
            });
            assert.deepEqual(waitsFor(instance), ["flux"]);
        });
    });
});
