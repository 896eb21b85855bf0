/**
 * What the stack installs into a bare cluster: Flux through the Flux Operator, External Secrets with
 * its ClusterSecretStore and a least-privilege IAM role, and the order in which everything waits.
 */
import { strict as assert } from "node:assert";
import { ConfigError } from "../../../config";
import {
    clusterSecretStoreSpec,
    EXTERNAL_SECRETS_CHART,
    EXTERNAL_SECRETS_REPO,
    externalSecretsTrustPolicy,
    externalSecretsValues,
} from "../../../components/install/external-secrets";
import { FLUX_OPERATOR_CHART, fluxInstanceSpec } from "../../../components/install/flux-operator";
import {
    externalSecretsReadPolicy,
    irsaTrustPolicy,
    oidcIssuerOf,
    podIdentityTrustPolicy,
    PolicyDocument,
    SSM_READ_ACTIONS,
} from "../../../components/install/iam";
import { kubePrometheusStackValues } from "../../../components/monitoring/specs";
import { SSM_READ_ACTIONS as PACK_SSM_READ_ACTIONS } from "../../../policy/tenancy";
import { Evaluation, mockParameterArn, RecordedResource } from "../../../scripts/offline";
import { evaluateStack } from "../../helpers/evaluations";
import { one, ofType, waitsFor } from "../../helpers/resources";
import { loadCrdSchemas, requireSharedCrds, validateWithCrd } from "../../helpers/schema";
import { ASSOCIATION, FLUX_INSTANCE, RELEASE, ROLE, ROLE_POLICY, SERVICE_ACCOUNT, STORE, TENANT_STORE } from "../../helpers/types";

const INSTALL_TYPES = [
    "flux-gitops:install:FluxOperator",
    "flux-gitops:install:ExternalSecrets",
    FLUX_INSTANCE,
    STORE,
    ASSOCIATION,
];
/** The dev stack's OIDC provider (Pulumi.dev.yaml) and its issuer. */
const DEV_OIDC_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/5C1E8E2A0B7D4F3A9E6B1C2D3E4F5A6B";
const DEV_ISSUER = "oidc.eks.eu-central-1.amazonaws.com/id/5C1E8E2A0B7D4F3A9E6B1C2D3E4F5A6B";
/** The dev stack with Pod Identity, where it is allowed: its application is not a tenant. */
const POD_IDENTITY = { externalSecretsAuth: "podIdentity", eksClusterName: "flux-dev", tenant: "false" };

/**
 * Whether an IAM Resource pattern matches an ARN: `*` any run of characters, `?` one character,
 * everything else literal, case-sensitive (IAM policy elements: Resource,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
 */
function iamResourceMatches(pattern: string, arn: string): boolean {
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${regex}$`).test(arn);
}

/** Whether a policy allows `action` on `arn` (Allow statements only; the stack writes no Deny). */
function allows(policy: PolicyDocument, action: string, arn: string): boolean {
    return policy.Statement.some(
        (s) =>
            s.Effect === "Allow" &&
            s.Action.some((a) => iamResourceMatches(a, action)) &&
            (s.Resource ?? []).some((r) => iamResourceMatches(r, arn)),
    );
}

/** The top-level resource a resource belongs to (itself when it has no parent). */
function rootOf(e: Evaluation, r: RecordedResource): RecordedResource {
    const byUrn = new Map(e.resources.map((x) => [x.urn, x]));
    let at = r;
    while (at.parent && byUrn.has(at.parent)) at = byUrn.get(at.parent)!;
    return at;
}

/** Whether a resource is part of what the stack installs (a top-level `flux-gitops:install:` component or under one). */
const isInstalled = (e: Evaluation, r: RecordedResource) => rootOf(e, r).type.startsWith("flux-gitops:install:");

/** A recorded object's inputs, read as the Kubernetes object it is. */
const inputsOf = (r: RecordedResource): Record<string, any> => r.inputs;

const kubernetesObjectsWhere = (
    e: Evaluation,
    test: (apiVersion: string, metadata: { namespace?: string }) => boolean,
) =>
    e.resources.filter(
        (r) =>
            r.type.startsWith("kubernetes:") &&
            r.type !== RELEASE &&
            typeof r.inputs.apiVersion === "string" &&
            test(r.inputs.apiVersion, (r.inputs.metadata ?? {}) as { namespace?: string }),
    );

describe("what the stack installs", () => {
    let dev: Evaluation;
    let podIdentity: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
        podIdentity = await evaluateStack("dev", POD_IDENTITY);
    });

    describe("Flux, through the Flux Operator", () => {
        it("installs the operator's chart from its OCI registry at an exact version, into Flux's namespace", () => {
            const release = one(dev, RELEASE, "flux");
            assert.equal(release.inputs.chart, FLUX_OPERATOR_CHART);
            assert.equal(
                FLUX_OPERATOR_CHART,
                "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator",
            );
            assert.equal(release.inputs.version, "0.58.1");
            assert.equal(
                release.inputs.repositoryOpts,
                undefined,
                "an OCI chart needs no repository",
            );
            assert.equal(release.inputs.namespace, "flux-system");
            assert.equal(release.inputs.createNamespace, true);
        });

        it("creates the FluxInstance `flux` in Flux's namespace, pinned to Flux 2.9, with the image controllers and no helm-controller", () => {
            const instance = inputsOf(one(dev, FLUX_INSTANCE, "flux-instance"));
            // The CRD's CEL rule: "the only accepted name for a FluxInstance is 'flux'".
            assert.deepEqual(instance.metadata.name, "flux");
            assert.equal(instance.metadata.namespace, "flux-system");
            assert.deepEqual(instance.spec.distribution, {
                version: "2.9.x",
                registry: "ghcr.io/fluxcd",
            });
            assert.deepEqual(instance.spec.components, [
                "source-controller",
                "kustomize-controller",
                "notification-controller",
                "image-reflector-controller",
                "image-automation-controller",
            ]);
            assert.equal(instance.spec.cluster.type, "kubernetes");
            assert.equal(instance.spec.sync, undefined, "the stack creates its own sources");
        });

        it("turns on Flux's multi-tenancy lockdown, a Kustomization naming no account applying as `default`", () => {
            // flux-operator internal/builder/profiles.go @v0.58.1 profileClusterMultitenant:
            // --no-cross-namespace-refs=true on the controllers, --no-remote-bases=true and
            // --default-service-account=<tenantDefaultServiceAccount> on kustomize-controller.
            const { cluster } = inputsOf(one(dev, FLUX_INSTANCE, "flux-instance")).spec;
            assert.equal(cluster.multitenant, true);
            assert.equal(cluster.tenantDefaultServiceAccount, "default");
            // The same with Pod Identity and no tenant: the lockdown does not depend on tenants.
            assert.deepEqual(inputsOf(one(podIdentity, FLUX_INSTANCE, "flux-instance")).spec.cluster, cluster);
        });

        it("makes the update wait until the FluxInstance is Ready (pulumi-kubernetes waitFor)", () => {
            assert.deepEqual(
                inputsOf(one(dev, FLUX_INSTANCE, "flux-instance")).metadata.annotations,
                { "pulumi.com/waitFor": "condition=Ready" },
            );
        });

        it("is valid for the served FluxInstance CRD (fluxcd.controlplane.io/v1)", function () {
            requireSharedCrds("the CRD check");
            const schemas = loadCrdSchemas();
            const instance = inputsOf(one(dev, FLUX_INSTANCE, "flux-instance"));
            assert.deepEqual(validateWithCrd(instance, schemas), []);
            for (const clusterType of ["kubernetes", "aws"] as const) {
                const spec = fluxInstanceSpec({ version: "2.9.0", clusterType });
                assert.deepEqual(
                    validateWithCrd(
                        { apiVersion: "fluxcd.controlplane.io/v1", kind: "FluxInstance", spec },
                        schemas,
                    ),
                    [],
                );
            }
            assert.notDeepEqual(
                validateWithCrd(
                    {
                        apiVersion: "fluxcd.controlplane.io/v1",
                        kind: "FluxInstance",
                        spec: { ...instance.spec, components: ["image-controller"] },
                    },
                    schemas,
                ),
                [],
                "the CRD check rejects an unknown component",
            );
        });
    });

    describe("External Secrets", () => {
        it("installs the chart at an exact version with its CRDs, as service account external-secrets", () => {
            const release = one(dev, RELEASE, "external-secrets");
            assert.equal(release.inputs.chart, EXTERNAL_SECRETS_CHART);
            assert.deepEqual(release.inputs.repositoryOpts, { repo: EXTERNAL_SECRETS_REPO });
            assert.equal(EXTERNAL_SECRETS_REPO, "https://charts.external-secrets.io");
            assert.equal(release.inputs.version, "2.9.0");
            assert.equal(release.inputs.namespace, "external-secrets");
            assert.equal(release.inputs.name, "external-secrets");
            assert.deepEqual(release.inputs.values, {
                installCRDs: true,
                serviceAccount: { create: true, name: "external-secrets" },
            });
        });

        it("names no role on the controller's service account, in either mode: the controller reads nothing with its own identity under IRSA", () => {
            assert.deepEqual(externalSecretsValues(), {
                installCRDs: true,
                serviceAccount: { create: true, name: "external-secrets" },
            });
            assert.deepEqual(one(podIdentity, RELEASE, "external-secrets").inputs.values, externalSecretsValues());
        });

        it("reads the platform's parameters as ServiceAccount external-secrets/external-secrets-platform, annotated with the platform's role (IRSA)", () => {
            const reader = inputsOf(one(dev, SERVICE_ACCOUNT, "external-secrets-platform-reader"));
            assert.equal(reader.metadata.name, "external-secrets-platform");
            assert.equal(reader.metadata.namespace, "external-secrets");
            // The role the platform's grant is on, not a tenant's.
            const platformRole = one(dev, ROLE_POLICY, "external-secrets-access").inputs.role as string;
            assert.match(platformRole, /^external-secrets-role-/);
            assert.deepEqual(reader.metadata.annotations, {
                "eks.amazonaws.com/role-arn": `arn:aws:iam::123456789012:role/${platformRole}`,
            });
            // Only that account may assume the platform's role.
            const trust = JSON.parse(one(dev, ROLE, "external-secrets-role").inputs.assumeRolePolicy as string) as PolicyDocument;
            assert.deepEqual(
                trust,
                externalSecretsTrustPolicy(
                    "irsa",
                    { namespace: "external-secrets", name: "external-secrets-platform" },
                    { oidcProviderArn: DEV_OIDC_PROVIDER },
                ),
            );
            assert.equal(
                (trust.Statement[0].Condition as { StringEquals: Record<string, string> }).StringEquals[`${DEV_ISSUER}:sub`],
                "system:serviceaccount:external-secrets:external-secrets-platform",
            );
            assert.equal(ofType(dev, ASSOCIATION).length, 0, "no Pod Identity association with IRSA");
            assert.equal(
                ofType(podIdentity, SERVICE_ACCOUNT).filter((r) => inputsOf(r).metadata.name === "external-secrets-platform").length,
                0,
                "no reader account with Pod Identity",
            );
        });

        it("creates the ClusterSecretStore for Parameter Store in the stack's region, reading as the platform's account, serving the platform's namespaces only, awaited until Ready", () => {
            const store = inputsOf(one(dev, STORE, "external-secrets-store"));
            assert.equal(store.metadata.name, "aws-parameter-store");
            assert.deepEqual(store.metadata.annotations, {
                "pulumi.com/waitFor": "condition=Ready",
            });
            // auth: a ClusterSecretStore's serviceAccountRef names its namespace (external-secrets
            // providers/v1/aws/auth/auth.go @v2.9.0 credsFromServiceAccount). conditions: External
            // Secrets refuses an ExternalSecret of any other namespace (pkg/controllers/secretstore/
            // client_manager.go @v2.9.0 shouldProcessSecret); Flux's and monitoring's here, no tenant's.
            assert.deepEqual(store.spec, {
                provider: {
                    aws: {
                        service: "ParameterStore",
                        region: "eu-central-1",
                        auth: { jwt: { serviceAccountRef: { name: "external-secrets-platform", namespace: "external-secrets" } } },
                    },
                },
                conditions: [{ namespaces: ["flux-system", "monitoring"] }],
            });
        });

        it("serves the platform applications' namespaces too, and without monitoring no monitoring namespace", async () => {
            const withDocs = await evaluateStack("dev", {
                installMonitoring: "false",
                additionalApps: JSON.stringify([
                    { repository: "docs", image: "ghcr.io/developer-friendly/docs", appNamespace: "documentation", tenant: false },
                    { repository: "billing", image: "ghcr.io/developer-friendly/billing" },
                ]),
            });
            assert.deepEqual(inputsOf(one(withDocs, STORE, "external-secrets-store")).spec.conditions, [
                { namespaces: ["documentation", "flux-system"] },
            ]);
        });

        it("with Pod Identity (no tenant): a store without auth, the controller's own credentials, still limited to the platform's namespaces", () => {
            // serviceAccountRef "cannot be used together with EKS Pod Identity" (docs/provider/aws-access.md @v2.9.0).
            assert.deepEqual(inputsOf(one(podIdentity, STORE, "external-secrets-store")).spec, {
                provider: { aws: { service: "ParameterStore", region: "eu-central-1" } },
                conditions: [{ namespaces: ["echo-server", "flux-system", "monitoring"] }],
            });
        });

        it("is a valid external-secrets.io/v1 ClusterSecretStore", function () {
            requireSharedCrds("the ClusterSecretStore CRD check");
            const schemas = loadCrdSchemas();
            for (const e of [dev, podIdentity])
                assert.deepEqual(validateWithCrd(inputsOf(one(e, STORE, "external-secrets-store")), schemas), []);
            assert.notDeepEqual(
                validateWithCrd(
                    {
                        apiVersion: "external-secrets.io/v1",
                        kind: "ClusterSecretStore",
                        spec: { provider: { aws: { service: "SSM", region: "x" } } },
                    },
                    schemas,
                ),
                [],
            );
            // Each namespace once, in order; `auth` only with a reader account.
            assert.deepEqual(clusterSecretStoreSpec({ region: "us-east-1", namespaces: ["monitoring", "flux-system", "monitoring"] }), {
                provider: { aws: { service: "ParameterStore", region: "us-east-1" } },
                conditions: [{ namespaces: ["flux-system", "monitoring"] }],
            });
            // No namespace would serve none: refused rather than written.
            assert.throws(() => clusterSecretStoreSpec({ region: "us-east-1", namespaces: [] }), {
                message: "the platform's ClusterSecretStore needs at least one namespace to serve",
            });
            const withReader = clusterSecretStoreSpec({
                region: "us-east-1",
                namespaces: ["flux-system"],
                reader: { namespace: "eso", name: "reader" },
            });
            assert.deepEqual((withReader as { provider: { aws: { auth: unknown } } }).provider.aws.auth, {
                jwt: { serviceAccountRef: { name: "reader", namespace: "eso" } },
            });
            assert.deepEqual(
                validateWithCrd({ apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", spec: withReader }, schemas),
                [],
            );
        });

        it("associates the role with exactly the controller's service account on the stack's EKS cluster (Pod Identity, no tenant)", () => {
            const association = one(podIdentity, ASSOCIATION, "external-secrets-pod-identity").inputs;
            assert.deepEqual(
                {
                    clusterName: association.clusterName,
                    namespace: association.namespace,
                    serviceAccount: association.serviceAccount,
                },
                {
                    clusterName: "flux-dev",
                    namespace: "external-secrets",
                    serviceAccount: "external-secrets",
                },
            );
            const trust = JSON.parse(
                one(podIdentity, ROLE, "external-secrets-role").inputs.assumeRolePolicy as string,
            ) as PolicyDocument;
            assert.deepEqual(
                trust,
                externalSecretsTrustPolicy(
                    "podIdentity",
                    { namespace: "external-secrets", name: "external-secrets" },
                    { eksClusterName: "flux-dev" },
                ),
            );
        });
    });

    describe("the IAM roles External Secrets reads with (the platform's, each tenant's)", () => {
        /** Every grant's statements together: what the roles may do. */
        let policy: PolicyDocument;
        let grants: Map<string, PolicyDocument>;
        let parameterArns: string[];
        before(() => {
            grants = new Map(
                ofType(dev, "aws:iam/rolePolicy:RolePolicy").map((r) => [r.name, JSON.parse(r.inputs.policy as string) as PolicyDocument]),
            );
            policy = { Version: "2012-10-17", Statement: [...grants.values()].flatMap((g) => g.Statement) };
            parameterArns = ofType(dev, "aws:ssm/parameter:Parameter")
                .map((p) => mockParameterArn(String(p.inputs.name), "eu-central-1"))
                .sort();
        });

        it("read exactly this stack's parameters between them, by the ARNs of the parameter resources", () => {
            // Four shared (GPG key, GHCR token, Slack, Discord) plus the bot token, and the application's three.
            assert.equal(parameterArns.length, 8);
            const granted = policy.Statement.flatMap((st) => [...(st.Resource ?? [])]).sort();
            assert.deepEqual(granted, parameterArns, "each parameter granted once, and nothing else");
            for (const statement of policy.Statement) {
                assert.deepEqual({ ...statement, Resource: undefined }, {
                    Sid: "ReadStackParameters",
                    Effect: "Allow",
                    Action: ["ssm:GetParameter", "ssm:GetParameters"],
                    Resource: undefined,
                });
            }
            for (const arn of parameterArns)
                assert.ok(allows(policy, "ssm:GetParameter", arn), arn);
        });

        it("grants the platform's role only the alert channels' parameters while every application is a tenant, and the tenant's role its own and the shared ones it reads", () => {
            const arn = (name: string) => mockParameterArn(name, "eu-central-1");
            assert.deepEqual([...grants.keys()].sort(), ["echo-server-tenant-secrets-access", "external-secrets-access"]);
            assert.deepEqual(grants.get("external-secrets-access")!.Statement[0].Resource, [
                arn("/flux-gitops/dev/discord-webhook-url"),
                arn("/flux-gitops/dev/slack-webhook-url"),
            ]);
            assert.deepEqual(grants.get("echo-server-tenant-secrets-access")!.Statement[0].Resource, [
                arn("/github/bot-tokens/developer-friendly-bot"),
                arn("/github/echo-server/deploy-key"),
                arn("/github/echo-server/ghcr-token"),
                arn("/github/echo-server/image-receiver-token"),
                arn("/github/echo-server/receiver-token"),
                arn("/github/gpg-keys/developer-friendly-bot"),
            ]);
            // Each grant on its own role: the platform's, and the tenant's.
            const roleOf = (grant: string) => String(one(dev, ROLE_POLICY, grant).inputs.role);
            assert.match(roleOf("external-secrets-access"), /^external-secrets-role-/);
            assert.match(roleOf("echo-server-tenant-secrets-access"), /^echo-server-tenant-secrets-role-/);
        });

        it("with a platform application (tenant: false): the shared parameters in the platform's grant, the application's own in one of its own on the same role", () => {
            const arn = (name: string) => mockParameterArn(name, "eu-central-1");
            const platformGrants = new Map(
                ofType(podIdentity, ROLE_POLICY).map((r) => [r.name, JSON.parse(r.inputs.policy as string) as PolicyDocument]),
            );
            assert.deepEqual([...platformGrants.keys()].sort(), ["echo-server-external-secrets-access", "external-secrets-access"]);
            assert.deepEqual(
                ofType(podIdentity, ROLE_POLICY).map((r) => r.inputs.role),
                [one(podIdentity, ROLE_POLICY, "external-secrets-access").inputs.role, one(podIdentity, ROLE_POLICY, "external-secrets-access").inputs.role],
            );
            assert.deepEqual(ofType(podIdentity, ROLE).map((r) => r.name), ["external-secrets-role"]);
            assert.deepEqual(platformGrants.get("external-secrets-access")!.Statement[0].Resource, [
                arn("/flux-gitops/dev/discord-webhook-url"),
                arn("/flux-gitops/dev/slack-webhook-url"),
                arn("/github/bot-tokens/developer-friendly-bot"),
                arn("/github/echo-server/ghcr-token"),
                arn("/github/gpg-keys/developer-friendly-bot"),
            ]);
            assert.deepEqual(platformGrants.get("echo-server-external-secrets-access")!.Statement[0].Resource, [
                arn("/github/echo-server/deploy-key"),
                arn("/github/echo-server/image-receiver-token"),
                arn("/github/echo-server/receiver-token"),
            ]);
        });

        it("allows no wildcard, no other parameter and no write", () => {
            assert.ok(!JSON.stringify(policy).includes("*"));
            const foreign = [
                "arn:aws:ssm:eu-central-1:123456789012:parameter/github/other-app/deploy-key",
                "arn:aws:ssm:eu-central-1:123456789012:parameter/github/echo-server/deploy-key-old",
                "arn:aws:ssm:eu-central-1:210987654321:parameter/github/echo-server/deploy-key",
                "arn:aws:ssm:eu-west-1:123456789012:parameter/github/echo-server/deploy-key",
            ];
            for (const arn of foreign) assert.ok(!allows(policy, "ssm:GetParameter", arn), arn);
            for (const action of [
                "ssm:PutParameter",
                "ssm:DeleteParameter",
                "ssm:GetParametersByPath",
                "ssm:DescribeParameters",
                "kms:Decrypt",
            ]) {
                assert.ok(!allows(policy, action, parameterArns[0]), action);
            }
            assert.deepEqual([...SSM_READ_ACTIONS], ["ssm:GetParameter", "ssm:GetParameters"]);
            // The policy pack, a package of its own, judges tenants' reads by the same actions.
            assert.deepEqual([...PACK_SSM_READ_ACTIONS], [...SSM_READ_ACTIONS]);
        });

        it("the matcher itself sees wildcards (so the checks above would catch one)", () => {
            assert.ok(
                iamResourceMatches(
                    "arn:aws:ssm:*:*:parameter/github/*",
                    "arn:aws:ssm:region:1:parameter/github/x/y",
                ),
            );
            assert.ok(iamResourceMatches("*", "arn:aws:kms:eu-central-1:1:key/k"));
            assert.ok(
                !iamResourceMatches("arn:aws:ssm:r:1:parameter/a", "arn:aws:ssm:r:1:parameter/ab"),
            );
        });

        it("decrypts only with the stack's own KMS key, only through SSM in its region", () => {
            const key =
                "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
            const withKey = externalSecretsReadPolicy({
                parameterArns,
                kmsKeyArn: key,
                region: "eu-central-1",
            });
            assert.deepEqual(withKey.Statement[1], {
                Sid: "DecryptThroughSsm",
                Effect: "Allow",
                Action: ["kms:Decrypt"],
                Resource: [key],
                Condition: { StringEquals: { "kms:ViaService": "ssm.eu-central-1.amazonaws.com" } },
            });
            assert.ok(
                !allows(withKey, "kms:Decrypt", "arn:aws:kms:eu-central-1:123456789012:key/other"),
            );
            assert.equal(
                externalSecretsReadPolicy({ parameterArns, region: "eu-central-1" }).Statement
                    .length,
                1,
            );
        });

        it("refuses an empty list and anything but one parameter's ARN", () => {
            assert.throws(
                () => externalSecretsReadPolicy({ parameterArns: [], region: "r" }),
                /at least one parameter ARN/,
            );
            assert.throws(
                () =>
                    externalSecretsReadPolicy({
                        parameterArns: ["arn:aws:ssm:r:123456789012:parameter/*"],
                        region: "r",
                    }),
                /not the ARN of one SSM parameter/,
            );
            assert.throws(
                () => externalSecretsReadPolicy({ parameterArns: ["/github/x"], region: "r" }),
                /not the ARN/,
            );
        });

        it("is assumed only by the ESO service account: Pod Identity session tags, or the IRSA subject and audience", () => {
            const sa = { namespace: "external-secrets", name: "external-secrets" };
            const pod = externalSecretsTrustPolicy("podIdentity", sa, {
                eksClusterName: "flux-dev",
            });
            assert.deepEqual(pod.Statement, [
                {
                    Sid: "AllowEksAuthToAssumeRoleForPodIdentity",
                    Effect: "Allow",
                    Principal: { Service: "pods.eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                    Condition: {
                        StringEquals: {
                            "aws:RequestTag/kubernetes-namespace": "external-secrets",
                            "aws:RequestTag/kubernetes-service-account": "external-secrets",
                            "aws:RequestTag/eks-cluster-name": "flux-dev",
                        },
                    },
                },
            ]);
            const provider =
                "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC123";
            assert.equal(oidcIssuerOf(provider), "oidc.eks.eu-central-1.amazonaws.com/id/ABC123");
            const irsa = externalSecretsTrustPolicy("irsa", sa, { oidcProviderArn: provider });
            assert.deepEqual(irsa.Statement, [
                {
                    Sid: "AllowServiceAccountWebIdentity",
                    Effect: "Allow",
                    Principal: { Federated: provider },
                    Action: ["sts:AssumeRoleWithWebIdentity"],
                    Condition: {
                        StringEquals: {
                            "oidc.eks.eu-central-1.amazonaws.com/id/ABC123:sub":
                                "system:serviceaccount:external-secrets:external-secrets",
                            "oidc.eks.eu-central-1.amazonaws.com/id/ABC123:aud":
                                "sts.amazonaws.com",
                        },
                    },
                },
            ]);
            assert.ok(!JSON.stringify([pod, irsa]).includes("*"));
        });
    });

    describe("the order on the dependency graph (what `pulumi up` waits for)", () => {
        it("creates the FluxInstance after the operator's release, and the store after the ESO release and the account it reads as (IRSA)", () => {
            const instance = one(dev, FLUX_INSTANCE, "flux-instance");
            assert.ok(waitsFor(dev, instance).has(one(dev, RELEASE, "flux").urn));
            const store = one(dev, STORE, "external-secrets-store");
            const reader = one(dev, SERVICE_ACCOUNT, "external-secrets-platform-reader");
            assert.ok(waitsFor(dev, store).has(one(dev, RELEASE, "external-secrets").urn));
            assert.ok(store.options.dependencies.includes(reader.urn), "the store waits for its reader account");
            // The account lives in the release's namespace and names the role's ARN.
            assert.ok(reader.options.dependencies.includes(one(dev, RELEASE, "external-secrets").urn));
            assert.ok(reader.options.dependencies.includes(one(dev, ROLE, "external-secrets-role").urn));
            // The controller needs no AWS identity of its own: the release waits for none.
            assert.deepEqual(one(dev, RELEASE, "external-secrets").options.dependencies, []);
        });

        it("with Pod Identity: the store after the ESO release and the association, the release after the association", () => {
            const association = one(podIdentity, ASSOCIATION, "external-secrets-pod-identity").urn;
            const store = waitsFor(podIdentity, one(podIdentity, STORE, "external-secrets-store"));
            assert.ok(store.has(one(podIdentity, RELEASE, "external-secrets").urn));
            assert.ok(store.has(association));
            // Pod Identity injects credentials when the pod is created: the association first.
            assert.ok(one(podIdentity, RELEASE, "external-secrets").options.dependencies.includes(association));
        });

        it("creates every Flux object after the FluxInstance is Ready", () => {
            const instance = one(dev, FLUX_INSTANCE, "flux-instance").urn;
            const fluxObjects = kubernetesObjectsWhere(dev, (apiVersion) =>
                apiVersion.includes(".toolkit.fluxcd.io/"),
            );
            assert.ok(fluxObjects.length >= 8, `only ${fluxObjects.length} Flux objects`);
            for (const r of fluxObjects)
                assert.ok(
                    waitsFor(dev, r).has(instance),
                    `${r.type} ${r.name} does not wait for the FluxInstance`,
                );
        });

        it("creates every object in Flux's namespace after the operator's release created it", () => {
            const release = one(dev, RELEASE, "flux").urn;
            const inFluxNamespace = kubernetesObjectsWhere(
                dev,
                (_, m) => m.namespace === "flux-system",
            );
            assert.ok(inFluxNamespace.length > 0);
            for (const r of inFluxNamespace)
                assert.ok(
                    waitsFor(dev, r).has(release),
                    `${r.type} ${r.name} does not wait for the release`,
                );
        });

        it("creates each ExternalSecret after its store is Ready: a tenant's its own SecretStore, the platform's the ClusterSecretStore", () => {
            const clusterStore = one(dev, STORE, "external-secrets-store").urn;
            const tenantStore = one(dev, TENANT_STORE, "echo-server-tenant-store");
            assert.deepEqual(inputsOf(tenantStore).metadata.namespace, "echo-server");
            const externalSecrets = kubernetesObjectsWhere(
                dev,
                (apiVersion) => apiVersion === "external-secrets.io/v1",
            ).filter((r) => r.inputs.kind === "ExternalSecret");
            assert.equal(
                externalSecrets.length,
                5 + 1 + 1,
                "the tenant's five (git, signing, two receiver tokens, commit status), its pods' pull Secret (Flux's registry Secret too) and the monitoring webhooks'",
            );
            for (const r of externalSecrets) {
                const { metadata, spec } = inputsOf(r);
                if (metadata.namespace === "echo-server") {
                    assert.deepEqual(spec.secretStoreRef, { kind: "SecretStore", name: "parameters" }, r.name);
                    assert.ok(r.options.dependencies.includes(tenantStore.urn), `${r.name} does not wait for the tenant's store`);
                } else {
                    assert.equal(metadata.namespace, "monitoring", r.name);
                    assert.deepEqual(spec.secretStoreRef, { kind: "ClusterSecretStore", name: "aws-parameter-store" }, r.name);
                    assert.ok(r.options.dependencies.includes(clusterStore), `${r.name} does not wait for the store`);
                }
            }
        });

        it("creates every ExternalSecret after the grant of each parameter it reads, on the role its store reads with, and after that role", () => {
            // Without the grant, External Secrets' first GetParameter is denied and the ExternalSecret
            // backs off (and `pulumi up` waits on its Ready condition until the timeout).
            const grantOf = (name: string) => {
                const r = one(dev, ROLE_POLICY, name);
                return { urn: r.urn, resources: (JSON.parse(r.inputs.policy as string) as PolicyDocument).Statement.flatMap((st) => [...(st.Resource ?? [])]) };
            };
            const tenantGrant = grantOf("echo-server-tenant-secrets-access");
            const platformGrant = grantOf("external-secrets-access");
            const externalSecrets = ofType(dev, "kubernetes:external-secrets.io/v1:ExternalSecret");
            assert.equal(externalSecrets.length, 7);
            for (const r of externalSecrets) {
                const direct = r.options.dependencies;
                const tenant = inputsOf(r).metadata.namespace === "echo-server";
                const grant = tenant ? tenantGrant : platformGrant;
                const keys = (inputsOf(r).spec.data as { remoteRef: { key: string } }[]).map((d) => d.remoteRef.key);
                assert.ok(keys.length > 0, r.name);
                for (const key of keys) {
                    assert.ok(grant.resources.includes(mockParameterArn(key, "eu-central-1")), `${key} of ${r.name} is not granted to the role its store reads with`);
                }
                assert.ok(direct.includes(grant.urn), `${r.name} does not wait for its grant`);
                // The platform's: the role the store reads with (IRSA); a tenant's: its store, which waits for its reader account and role.
                if (!tenant) assert.ok(direct.includes(one(dev, ROLE, "external-secrets-role").urn), `${r.name} does not wait for the platform's role`);
                else assert.ok(waitsFor(dev, r).has(one(dev, ROLE, "echo-server-tenant-secrets-role").urn), `${r.name} does not wait for the tenant's role`);
            }
        });

        it("with Pod Identity (no tenant): every ExternalSecret after the grant of each parameter it reads and the association", () => {
            const grants = ofType(podIdentity, ROLE_POLICY).map((r) => ({
                urn: r.urn,
                resources: (JSON.parse(r.inputs.policy as string) as PolicyDocument).Statement.flatMap((st) => [...(st.Resource ?? [])]),
            }));
            const association = one(podIdentity, ASSOCIATION, "external-secrets-pod-identity").urn;
            const externalSecrets = ofType(podIdentity, "kubernetes:external-secrets.io/v1:ExternalSecret");
            // A platform application keeps Flux's registry Secret beside the pods' pull Secret.
            assert.equal(externalSecrets.length, 8);
            for (const r of externalSecrets) {
                const direct = r.options.dependencies;
                assert.ok(direct.includes(association), `${r.name} does not wait for the Pod Identity association`);
                assert.deepEqual(inputsOf(r).spec.secretStoreRef, { kind: "ClusterSecretStore", name: "aws-parameter-store" }, r.name);
                const keys = (inputsOf(r).spec.data as { remoteRef: { key: string } }[]).map((d) => d.remoteRef.key);
                assert.ok(keys.length > 0, r.name);
                for (const key of keys) {
                    const arn = mockParameterArn(key, "eu-central-1");
                    const covering = grants.filter((g) => g.resources.includes(arn));
                    assert.equal(covering.length, 1, `${key} is granted once`);
                    assert.ok(direct.includes(covering[0].urn), `${r.name} does not wait for the grant of ${key}`);
                }
            }
        });
    });

    describe("the switches", () => {
        let bare: Evaluation;
        before(async () => {
            bare = await evaluateStack("dev", {
                installFlux: "false",
                installExternalSecrets: "false",
            });
        });

        it("creates none of the installs when both are off, and the rest exactly as with them (the tenant's own role and grant included)", () => {
            for (const type of INSTALL_TYPES) assert.equal(ofType(bare, type).length, 0, type);
            assert.deepEqual(
                ofType(bare, RELEASE).map((r) => r.name),
                ["monitoring"],
            );
            // A tenant reads through its own role whoever installed External Secrets.
            assert.deepEqual(ofType(bare, ROLE).map((r) => r.name), ["echo-server-tenant-secrets-role"]);
            assert.deepEqual(ofType(bare, ROLE_POLICY).map((r) => r.name), ["echo-server-tenant-secrets-access"]);
            const installed = new Set(dev.resources.filter((r) => isInstalled(dev, r)).map((r) => r.urn));
            assert.ok(installed.has(one(dev, ROLE_POLICY, "external-secrets-access").urn));
            assert.ok(!installed.has(one(dev, ROLE_POLICY, "echo-server-tenant-secrets-access").urn));
            // Instead of installing Flux, the stack checks the lockdown of the Flux it finds
            // (components/install/flux-lockdown.ts): a component and the Deployments it reads.
            const lockdown = bare.resources.filter((r) => r.urn.includes("flux-gitops:install:FluxLockdownCheck"));
            assert.deepEqual(lockdown.map((r) => r.readId ?? r.type).sort(), [
                "flux-gitops:install:FluxLockdownCheck",
                "flux-system/image-automation-controller",
                "flux-system/image-reflector-controller",
                "flux-system/kustomize-controller",
                "flux-system/notification-controller",
            ]);
            assert.deepEqual(
                bare.resources.filter((r) => !lockdown.includes(r)).map((r) => r.urn).sort(),
                dev.resources
                    .map((r) => r.urn)
                    .filter((u) => !installed.has(u))
                    .sort(),
            );
            // Nothing waits for what is not there.
            const bareUrns = new Set(bare.resources.map((r) => r.urn));
            for (const r of bare.resources)
                for (const d of r.options.dependencies) {
                    assert.ok(bareUrns.has(d), `${r.name} → ${d}`);
                    assert.ok(!installed.has(d), `${r.name} → ${d}`);
                }
        });

        it("installs each on its own", async () => {
            const fluxOnly = await evaluateStack("dev", { installExternalSecrets: "false" });
            assert.equal(ofType(fluxOnly, FLUX_INSTANCE).length, 1);
            assert.equal(ofType(fluxOnly, STORE).length, 0);
            assert.deepEqual(ofType(fluxOnly, ROLE).map((r) => r.name), ["echo-server-tenant-secrets-role"]);
            const esoOnly = await evaluateStack("dev", { installFlux: "false" });
            assert.equal(ofType(esoOnly, FLUX_INSTANCE).length, 0);
            assert.equal(ofType(esoOnly, STORE).length, 1);
        });

        it("uses Pod Identity instead of IRSA when asked and no application is a tenant: an association, a session-tag trust, no reader account", () => {
            assert.equal(ofType(podIdentity, ASSOCIATION).length, 1);
            const trust = JSON.parse(one(podIdentity, ROLE, "external-secrets-role").inputs.assumeRolePolicy as string) as PolicyDocument;
            assert.deepEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
            assert.equal(ofType(podIdentity, TENANT_STORE).length, 0, "no tenant, no SecretStore");
            const devTrust = JSON.parse(one(dev, ROLE, "external-secrets-role").inputs.assumeRolePolicy as string) as PolicyDocument;
            assert.deepEqual(devTrust.Statement[0].Principal, { Federated: DEV_OIDC_PROVIDER });
        });

        it("lists missing or invalid install config with the other problems", async () => {
            const problems = async (overrides: Record<string, string>) => {
                try {
                    await evaluateStack("dev", overrides);
                } catch (e) {
                    assert.ok(e instanceof Error && e.name === "ConfigError", String(e));
                    return (e as ConfigError).problems;
                }
                assert.fail("expected a ConfigError");
            };
            assert.deepEqual(await problems({ eksOidcProviderArn: "", owner: "-bad-" }), [
                'flux-gitops:owner is not a valid GitHub login (got "-bad-")',
                "flux-gitops:eksOidcProviderArn is required (the ARN of the cluster's IAM OIDC provider, for IRSA); set it with `pulumi config set eksOidcProviderArn <value>`",
            ]);
            assert.deepEqual(await problems({ externalSecretsAuth: "podIdentity", tenant: "false" }), [
                "flux-gitops:eksClusterName is required (the EKS cluster of the Pod Identity association); set it with `pulumi config set eksClusterName <value>`",
            ]);
            // Pod Identity cannot keep tenants apart: refused, naming them and both ways out.
            assert.deepEqual(await problems({ externalSecretsAuth: "podIdentity", eksClusterName: "flux-dev" }), [
                "flux-gitops:externalSecretsAuth is podIdentity, which cannot keep tenants apart: a SecretStore without auth in a tenant's namespace " +
                    "reads with the controller's role, and Pod Identity cannot act for a tenant's service account. " +
                    "Set it to irsa (with eksOidcProviderArn), or set tenant: false on echo-server",
            ]);
            // The tenants' roles need the OIDC provider even when the stack does not install External Secrets.
            assert.deepEqual(await problems({ installExternalSecrets: "false", eksOidcProviderArn: "" }), [
                "flux-gitops:eksOidcProviderArn is required (the ARN of the cluster's IAM OIDC provider, for IRSA); set it with `pulumi config set eksOidcProviderArn <value>`",
            ]);
            assert.deepEqual(
                await problems({
                    fluxVersion: "2.x",
                    fluxOperatorVersion: "^0.58",
                    externalSecretsVersion: "latest",
                    ssmKmsKeyId: "alias/flux",
                }),
                [
                    'flux-gitops:fluxVersion must be a Flux 2 version such as 2.9.x or 2.9.0 (got "2.x")',
                    'flux-gitops:fluxOperatorVersion must be an exact chart version such as 0.58.1, not a range (got "^0.58")',
                    'flux-gitops:externalSecretsVersion must be an exact chart version such as 2.9.0, not a range (got "latest")',
                    'flux-gitops:ssmKmsKeyId must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) when External Secrets is installed: its IAM policy may decrypt with that key only (got "alias/flux")',
                ],
            );
            assert.deepEqual(await problems({ externalSecretsAuth: "kiam", installFlux: "yes" }), [
                'flux-gitops:installFlux must be true or false (got "yes")',
                'flux-gitops:externalSecretsAuth must be one of podIdentity, irsa (got "kiam")',
            ]);
        });
    });

    describe("CRDs follow the charts", () => {
        it("turns on kube-prometheus-stack's CRD upgrade job (its CRDs sit in a crds/ dir Helm never upgrades)", () => {
            const values = one(dev, RELEASE, "monitoring").inputs.values as { crds: unknown };
            assert.deepEqual(values.crds, { upgradeJob: { enabled: true } });
            assert.deepEqual(
                kubePrometheusStackValues("kps", { crds: { upgradeJob: { enabled: false } } }).crds,
                { upgradeJob: { enabled: false } },
            );
        });
    });
});

describe("IAM documents of External Secrets' role", () => {
    const account = "123456789012";
    const parameter = `arn:aws:ssm:eu-central-1:${account}:parameter/github/echo-server/deploy-key`;
    const serviceAccount = { namespace: "external-secrets", name: "external-secrets" };
    const oidcProvider = `arn:aws:iam::${account}:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC123`;

    it("writes every document in the current policy language version, 2012-10-17", () => {
        // IAM JSON policy elements: Version. Without it, IAM reads a document in the old 2008-10-17
        // language, where policy variables are plain text.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
        assert.deepEqual(externalSecretsReadPolicy({ parameterArns: [parameter], region: "eu-central-1" }), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "ReadStackParameters",
                    Effect: "Allow",
                    Action: ["ssm:GetParameter", "ssm:GetParameters"],
                    Resource: [parameter],
                },
            ],
        });
        assert.equal(podIdentityTrustPolicy(serviceAccount, "flux-dev").Version, "2012-10-17");
        assert.equal(irsaTrustPolicy(serviceAccount, oidcProvider).Version, "2012-10-17");
    });

    describe("the read policy's parameter ARNs", () => {
        const read = (arn: string) => () => externalSecretsReadPolicy({ parameterArns: [arn], region: "eu-central-1" });

        it("accepts the parameter ARNs of the other AWS partitions (aws-cn, aws-us-gov)", () => {
            const china = `arn:aws-cn:ssm:cn-north-1:${account}:parameter/github/echo-server/deploy-key`;
            const govCloud = `arn:aws-us-gov:ssm:us-gov-west-1:${account}:parameter/github/echo-server/deploy-key`;
            const policy = externalSecretsReadPolicy({ parameterArns: [govCloud, china], region: "cn-north-1" });
            assert.deepEqual(policy.Statement[0].Resource, [china, govCloud]);
        });

        it("refuses a wildcard after a path, which would grant every parameter under it", () => {
            const everyGithubParameter = `arn:aws:ssm:eu-central-1:${account}:parameter/github/*`;
            assert.throws(read(everyGithubParameter), {
                message: `not the ARN of one SSM parameter: "${everyGithubParameter}"`,
            });
        });

        it("refuses an ARN with anything in front of it", () => {
            assert.throws(read(` ${parameter}`), { message: `not the ARN of one SSM parameter: " ${parameter}"` });
            assert.throws(read(`*${parameter}`), /not the ARN of one SSM parameter/);
        });
    });

    describe("the issuer of an IAM OIDC provider (IRSA)", () => {
        it("is everything after oidc-provider/, in any partition", () => {
            assert.equal(
                oidcIssuerOf(`arn:aws-us-gov:iam::${account}:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC123`),
                "oidc.eks.us-gov-west-1.amazonaws.com/id/ABC123",
            );
        });

        it("is refused for any other ARN, naming the value", () => {
            const role = `arn:aws:iam::${account}:role/external-secrets`;
            assert.throws(() => oidcIssuerOf(role), { message: `not an IAM OIDC provider ARN: "${role}"` });
            assert.throws(() => irsaTrustPolicy(serviceAccount, role), { message: `not an IAM OIDC provider ARN: "${role}"` });
        });

        it("is refused for a provider ARN with whitespace around it (a copied line), not read from the middle", () => {
            assert.throws(() => oidcIssuerOf(` ${oidcProvider}`), /not an IAM OIDC provider ARN/);
            assert.throws(() => oidcIssuerOf(`${oidcProvider}\n`), /not an IAM OIDC provider ARN/);
        });
    });
});
