/**
 * The two installs, each built on its own under Pulumi's mocks: the exact inputs of their Helm
 * releases, the External Secrets role, what waits for what and what each refuses before creating
 * anything. The mocks echo a resource's inputs as its state, so where a test needs the role's ARN
 * it stands in for AWS and gives the role one.
 * What the whole stack passes them (versions, namespaces, the trust policies) is in installs.spec.ts.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ExternalSecrets, ExternalSecretsArgs } from "../../../components/install/external-secrets";
import { FluxOperator } from "../../../components/install/flux-operator";
import { one, record, refusal, Registered, waitsFor } from "../../helpers/record";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const ROLE = "aws:iam/role:Role";
const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const FLUX_INSTANCE = "kubernetes:fluxcd.controlplane.io/v1:FluxInstance";
const OIDC_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
const ROLE_ARN = "arn:aws:iam::123456789012:role/external-secrets-role";

/** The inputs a Helm release is given, without the SDK's own `compat` marker. */
function releaseInputs(release: Registered): Record<string, unknown> {
    return Object.fromEntries(Object.entries(release.inputs).filter(([key]) => key !== "compat"));
}

/** Stands for AWS: the role comes back with an ARN (the mocks would echo only its inputs). */
const roleWithArn: pulumi.ResourceTransformation = ({ type, props, opts }) =>
    type === ROLE ? { props: { ...props, arn: ROLE_ARN }, opts } : undefined;

describe("the installs on their own", () => {
    describe("ExternalSecrets", () => {
        const esArgs = (extra: Partial<ExternalSecretsArgs>): ExternalSecretsArgs => ({
            namespace: "external-secrets",
            chartVersion: "2.9.0",
            storeName: "aws-parameter-store",
            region: "eu-west-1",
            auth: "podIdentity",
            eksClusterName: "eks",
            ...extra,
        });
        const build = (extra: Partial<ExternalSecretsArgs>) =>
            record(() => new ExternalSecrets("external-secrets", esArgs(extra), { transformations: [roleWithArn] }));
        const irsa = { auth: "irsa", eksClusterName: undefined, oidcProviderArn: OIDC_PROVIDER } as const;

        it("describes the role by the namespace it serves and what it is for", async () => {
            const role = one(await build({ namespace: "eso" }), ROLE, "external-secrets-role");
            assert.equal(role.inputs.description, "External Secrets in eso: reads this stack's SSM parameters");
        });

        it("with Pod Identity: releases the chart atomically into a namespace it creates, with no role on the service account", async () => {
            const release = one(await build({}), RELEASE, "external-secrets");
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
        });

        it("with Pod Identity: the release waits for the association only, not for the role's ARN", async () => {
            const registered = await build({});
            assert.deepEqual(waitsFor(one(registered, RELEASE, "external-secrets")), ["external-secrets-pod-identity"]);
            assert.deepEqual(waitsFor(one(registered, ASSOCIATION, "external-secrets-pod-identity")), ["external-secrets-role"]);
        });

        it("with IRSA: the same release, its service account annotated with the role's ARN", async () => {
            const release = one(await build(irsa), RELEASE, "external-secrets");
            assert.deepEqual(releaseInputs(release), {
                name: "external-secrets",
                namespace: "external-secrets",
                createNamespace: true,
                chart: "external-secrets",
                version: "2.9.0",
                repositoryOpts: { repo: "https://charts.external-secrets.io" },
                values: {
                    installCRDs: true,
                    serviceAccount: {
                        create: true,
                        name: "external-secrets",
                        annotations: { "eks.amazonaws.com/role-arn": ROLE_ARN },
                    },
                },
                atomic: true,
                cleanupOnFail: true,
                maxHistory: 10,
            });
        });

        it("with IRSA: no association, and the release waits for the role", async () => {
            const registered = await build(irsa);
            assert.equal(registered.filter((r) => r.type === ASSOCIATION).length, 0);
            assert.deepEqual(waitsFor(one(registered, RELEASE, "external-secrets")), ["external-secrets-role"]);
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

        it("runs Flux single-tenant, with network policies, on the default cluster domain, once the release is there", async () => {
            const instance = one(await build(), FLUX_INSTANCE, "flux-instance");
            assert.deepEqual((instance.inputs.spec as Record<string, unknown>).cluster, {
                type: "kubernetes",
                multitenant: false,
                networkPolicy: true,
                domain: "cluster.local",
            });
            assert.deepEqual(waitsFor(instance), ["flux"]);
        });
    });
});
