/**
 * Each application a tenant: its namespace, the account its Kustomization applies as, the store
 * its secrets come through and the IAM role behind it; a platform application (`tenant: false`)
 * stays in the Flux namespace; the lockdown; the upgrade of a stack made before tenancy.
 */
import { strict as assert } from "node:assert";
import { Evaluation, kubernetesObjects, RecordedResource } from "../../../scripts/offline";
import { RENDER_VARIANTS } from "../../../scripts/render";
import { evaluateStack } from "../../helpers/evaluations";
import { assertDoesNotWait, assertWaits, object, objectsOfKind, one, ofType, parentOf } from "../../helpers/resources";
import * as pulumi from "@pulumi/pulumi";
import { reconcilerRoleBinding, TENANT_LABEL, tenantLabelTransform, tenantSecretStoreSpec } from "../../../components/tenancy/tenant";
import { fluxInstanceSpec } from "../../../components/install/flux-operator";
import { SSM_READ_ACTIONS } from "../../../components/install/iam";
import { readableBy } from "../../../policy/iam";
import { KUSTOMIZATION } from "../../helpers/types";

const OIDC_ISSUER = "oidc.eks.eu-central-1.amazonaws.com/id/5C1E8E2A0B7D4F3A9E6B1C2D3E4F5A6B";

/** The render variant with three tenants and one platform application (scripts/render.ts). */
const variant = (name: string) => {
    const found = RENDER_VARIANTS.find((v) => v.name === name);
    if (!found) throw new Error(`scripts/render.ts has no ${name} variant`);
    return found;
};

const metadataOf = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace?: string; labels?: Record<string, string> };

describe("each application a tenant of its own namespace", () => {
    let apps: Evaluation;
    const tenants = ["echo-server", "billing", "search"];
    before(async () => {
        apps = await evaluateStack("dev", variant("dev-apps").overrides);
    });

    it("binds each tenant's reconciler to admin in its own namespace only, through a RoleBinding", () => {
        for (const tenant of tenants) {
            const binding = object(apps, "RoleBinding", "flux-reconciler", tenant);
            assert.deepEqual(
                { roleRef: binding.roleRef, subjects: binding.subjects },
                {
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
                    subjects: [{ kind: "ServiceAccount", name: "flux-reconciler", namespace: tenant }],
                },
            );
            assert.equal(object(apps, "ServiceAccount", "flux-reconciler", tenant).metadata.namespace, tenant);
        }
        assert.deepEqual(reconcilerRoleBinding("x").subjects, [{ kind: "ServiceAccount", name: "flux-reconciler", namespace: "x" }]);
        // Nothing cluster-wide is granted to anyone: no ClusterRole, no ClusterRoleBinding, and a
        // RoleBinding per tenant, none for the platform application.
        for (const kind of ["ClusterRole", "ClusterRoleBinding", "Role"]) assert.equal(objectsOfKind(apps, kind).length, 0, kind);
        assert.deepEqual(objectsOfKind(apps, "RoleBinding").map((r) => metadataOf(r).namespace).sort(), [...tenants].sort());
    });

    it("applies each tenant's Kustomization as its reconciler, and the platform application's as kustomize-controller", () => {
        for (const tenant of tenants) {
            const kustomization = object(apps, "Kustomization", tenant, tenant);
            assert.equal(kustomization.spec.serviceAccountName, "flux-reconciler");
            assert.equal(kustomization.spec.targetNamespace, tenant);
            assert.deepEqual(kustomization.spec.sourceRef, { kind: "GitRepository", name: tenant });
        }
        // The lockdown applies `--default-service-account` to every Kustomization that names none,
        // the Flux namespace's too (flux-operator internal/builder/profiles.go @v0.58.1): the
        // platform application names kustomize-controller, bound to cluster-admin by Flux.
        const docs = object(apps, "Kustomization", "docs", "flux-system");
        assert.equal(docs.spec.serviceAccountName, "kustomize-controller");
        assert.equal(docs.spec.targetNamespace, "docs");
        for (const r of objectsOfKind(apps, "Kustomization")) assert.ok((r.inputs.spec as { serviceAccountName?: string }).serviceAccountName, metadataOf(r).name);
    });

    it("creates each tenant's Kustomization only once its account and binding exist (else its first apply is forbidden)", () => {
        for (const tenant of tenants) {
            const kustomization = one(apps, KUSTOMIZATION, `${tenant}-tenant-kustomization`);
            assertWaits(apps, kustomization, one(apps, "kubernetes:core/v1:ServiceAccount", `${tenant}-tenant-reconciler`));
            assertWaits(apps, kustomization, one(apps, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", `${tenant}-tenant-reconciler`));
            // No tenant waits for another's.
            for (const other of tenants.filter((t) => t !== tenant)) {
                assertDoesNotWait(apps, kustomization, one(apps, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", `${other}-tenant-reconciler`));
            }
        }
    });

    it("keeps every Flux object, Secret and Alert of a tenant in its namespace, labelled as the tenant's", () => {
        for (const tenant of tenants) {
            const inNamespace = kubernetesObjects(apps).filter((o) => (o.metadata as { namespace?: string }).namespace === tenant);
            const kinds = new Set(inNamespace.map((o) => String(o.kind)));
            for (const kind of ["GitRepository", "Kustomization", "ImageRepository", "ImagePolicy", "ImageUpdateAutomation", "Receiver", "Provider", "Alert", "ExternalSecret", "SecretStore", "ServiceAccount", "RoleBinding", "Secret", "HTTPRoute"]) {
                assert.ok(kinds.has(kind), `${tenant} has no ${kind}`);
            }
            for (const o of inNamespace) {
                assert.equal((o.metadata as { labels: Record<string, string> }).labels[TENANT_LABEL], tenant, `${String(o.kind)} ${tenant}`);
            }
            assert.equal(object(apps, "Namespace", tenant).metadata.labels[TENANT_LABEL], tenant);
        }
        // Nothing outside the tenants' namespaces carries the label: not the platform application's
        // objects, not the Receivers' routes in flux-system.
        for (const o of kubernetesObjects(apps)) {
            const m = o.metadata as { name: string; namespace?: string; labels?: Record<string, string> };
            const own = o.kind === "Namespace" ? m.name : m.namespace;
            if (!tenants.includes(own ?? "")) assert.equal(m.labels?.[TENANT_LABEL], undefined, `${String(o.kind)} ${own}/${m.name}`);
        }
        assert.equal(object(apps, "HTTPRoute", "billing", "flux-system").metadata.labels[TENANT_LABEL], undefined);
    });

    it("refers across no namespace: every reference of a tenant's objects is to its own namespace", () => {
        // The lockdown refuses a reference with another namespace (kustomize-controller v1.9.1
        // kustomization_controller.go, image-reflector-controller v1.2.0 imagepolicy_controller.go,
        // image-automation-controller v1.2.1 internal/source/source.go, notification-controller
        // v1.9.1 event_handlers.go and receiver_handlers.go); kustomize-controller does not check
        // `dependsOn`, so no other namespace may appear anywhere in a tenant's specs.
        const namespaces = (value: unknown, into: string[] = []): string[] => {
            if (Array.isArray(value)) value.forEach((v) => namespaces(v, into));
            else if (value !== null && typeof value === "object") {
                for (const [k, v] of Object.entries(value)) {
                    if (k === "namespace" && typeof v === "string") into.push(v);
                    else namespaces(v, into);
                }
            }
            return into;
        };
        for (const tenant of tenants) {
            for (const o of kubernetesObjects(apps).filter((x) => (x.metadata as { namespace?: string }).namespace === tenant)) {
                // A RoleBinding's subject names the tenant's own namespace; the application's HTTPRoute
                // attaches to the cluster's Gateway, which admits it by its allowedRoutes (Gateway API).
                if (o.kind === "RoleBinding" || o.kind === "HTTPRoute") continue;
                assert.deepEqual(namespaces(o.spec).filter((n) => n !== tenant), [], `${String(o.kind)} ${tenant}`);
            }
            for (const es of objectsOfKind(apps, "ExternalSecret").filter((r) => metadataOf(r).namespace === tenant)) {
                assert.deepEqual((es.inputs.spec as { secretStoreRef: unknown }).secretStoreRef, { kind: "SecretStore", name: "parameters" });
            }
        }
    });

    it("reads each tenant's secrets through a store of its namespace, as its own reader account, with a role only that account may assume", () => {
        for (const tenant of tenants) {
            const store = object(apps, "SecretStore", "parameters", tenant);
            assert.deepEqual(store.spec, {
                provider: { aws: { service: "ParameterStore", region: "eu-central-1", auth: { jwt: { serviceAccountRef: { name: "external-secrets-reader" } } } } },
            });
            assert.deepEqual(tenantSecretStoreSpec("us-east-1"), { ...store.spec, provider: { aws: { ...store.spec.provider.aws, region: "us-east-1" } } });
            // `pulumi up` waits until External Secrets has validated it (custom-resource.ts WAIT_FOR_READY).
            assert.equal(store.metadata.annotations["pulumi.com/waitFor"], "condition=Ready");
            const role = one(apps, "aws:iam/role:Role", `${tenant}-tenant-secrets-role`);
            const reader = object(apps, "ServiceAccount", "external-secrets-reader", tenant);
            // The reader account names the role the tenant's grant is attached to.
            const grant = one(apps, "aws:iam/rolePolicy:RolePolicy", `${tenant}-tenant-secrets-access`);
            assert.match(String(grant.inputs.role), new RegExp(`^${tenant}-tenant-secrets-role-[0-9a-f]{7}$`));
            assert.equal(reader.metadata.annotations["eks.amazonaws.com/role-arn"], `arn:aws:iam::123456789012:role/${String(grant.inputs.role)}`);
            // IRSA: STS checks the token's `sub`, which the API server signs for the real account
            // (docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
            assert.deepEqual(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement, [
                {
                    Sid: "AllowServiceAccountWebIdentity",
                    Effect: "Allow",
                    Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${OIDC_ISSUER}` },
                    Action: ["sts:AssumeRoleWithWebIdentity"],
                    Condition: {
                        StringEquals: {
                            [`${OIDC_ISSUER}:sub`]: `system:serviceaccount:${tenant}:external-secrets-reader`,
                            [`${OIDC_ISSUER}:aud`]: "sts.amazonaws.com",
                        },
                    },
                },
            ]);
            assert.deepEqual(role.inputs.tags, { "flux-gitops:tenant": tenant });
            assert.equal(role.inputs.description, `External Secrets for tenant ${tenant}: reads its SSM parameters, from namespace ${tenant} only`);
            // Its ExternalSecrets wait for the store and the grant of what they read.
            for (const es of ofType(apps, "kubernetes:external-secrets.io/v1:ExternalSecret").filter((r) => metadataOf(r).namespace === tenant)) {
                assertWaits(apps, es, one(apps, "kubernetes:external-secrets.io/v1:SecretStore", `${tenant}-tenant-store`));
                assertWaits(apps, es, one(apps, "aws:iam/rolePolicy:RolePolicy", `${tenant}-tenant-secrets-access`));
            }
        }
        // The store waits for the account it reads as, and for External Secrets (its CRD comes with the release).
        const store = one(apps, "kubernetes:external-secrets.io/v1:SecretStore", "billing-tenant-store");
        assertWaits(apps, store, one(apps, "kubernetes:core/v1:ServiceAccount", "billing-tenant-secrets-reader"));
        assert.ok(store.options.dependencies.includes(one(apps, "kubernetes:external-secrets.io/v1:ClusterSecretStore", "external-secrets-store").urn));
        assertWaits(apps, store, one(apps, "kubernetes:helm.sh/v3:Release", "external-secrets"));
        // Every object of the tenant's namespace waits for the namespace.
        const namespace = one(apps, "kubernetes:core/v1:Namespace", "billing-namespace");
        for (const r of apps.resources.filter((x) => x.urn.includes("flux-gitops:tenancy:Tenant$kubernetes:") && x.name.startsWith("billing-"))) {
            assert.ok(r.options.dependencies.includes(namespace.urn), `${r.name} waits for the namespace`);
        }
    });

    it("lets each tenant's role read exactly its own parameters and the shared ones it uses, as IAM resolves the policy", () => {
        // Every parameter of the stack, and ARNs a wildcard would reach: another tenant's, and one
        // that does not exist yet under a tenant's path.
        const parameters = ofType(apps, "aws:ssm/parameter:Parameter").map((p) => `arn:aws:ssm:eu-central-1:123456789012:parameter${String(p.inputs.name)}`);
        const candidates = [...parameters, "arn:aws:ssm:eu-central-1:123456789012:parameter/github/billing/future-key", "arn:aws:ssm:eu-central-1:123456789012:parameter/github/gpg-keys/another-bot"];
        const readable = (policyName: string) =>
            readableBy(String(one(apps, "aws:iam/rolePolicy:RolePolicy", policyName).inputs.policy), candidates, SSM_READ_ACTIONS).map((arn) => arn.replace(/^.*:parameter/, ""));
        const own = (app: string) => [`/github/${app}/deploy-key`, `/github/${app}/image-receiver-token`, `/github/${app}/receiver-token`];
        const bot = ["/github/bot-tokens/developer-friendly-bot", "/github/gpg-keys/developer-friendly-bot"];
        assert.deepEqual(readable("echo-server-tenant-secrets-access").sort(), [...own("echo-server"), "/github/echo-server/ghcr-token", ...bot].sort());
        // billing pulls from ghcr.io with the bot's token (stored under the first application's path).
        assert.deepEqual(readable("billing-tenant-secrets-access").sort(), [...own("billing"), "/github/echo-server/ghcr-token", ...bot].sort());
        assert.deepEqual(readable("search-tenant-secrets-access").sort(), [...own("search"), "/registries/docker.io/token", ...bot].sort());
        // The platform's role reads the platform application's and the shared parameters, no tenant's.
        const platform = [...readable("docs-external-secrets-access"), ...readable("external-secrets-access")];
        for (const tenant of tenants) assert.deepEqual(platform.filter((p) => own(tenant).includes(p)), [], tenant);
        assert.deepEqual(readable("docs-external-secrets-access").sort(), own("docs").sort());
    });

    it("serves only the platform's namespaces from the ClusterSecretStore, read as the platform's own account", () => {
        const store = object(apps, "ClusterSecretStore", "aws-parameter-store");
        // external-secrets pkg/controllers/secretstore/client_manager.go `shouldProcessSecret` @v2.9.0:
        // with conditions, only the namespaces they name; without, every namespace.
        assert.deepEqual(store.spec.conditions, [{ namespaces: ["docs", "flux-system", "monitoring"] }]);
        assert.deepEqual(store.spec.provider.aws.auth, {
            jwt: { serviceAccountRef: { name: "external-secrets-platform", namespace: "external-secrets" } },
        });
        // The platform application's ExternalSecrets read through it, from the Flux namespace and its own.
        const docsSecrets = objectsOfKind(apps, "ExternalSecret").filter((r) => metadataOf(r).name.startsWith("docs-"));
        assert.deepEqual([...new Set(docsSecrets.map((r) => metadataOf(r).namespace))].sort(), ["docs", "flux-system"]);
        for (const r of docsSecrets) {
            assert.deepEqual((r.inputs.spec as { secretStoreRef: unknown }).secretStoreRef, { kind: "ClusterSecretStore", name: "aws-parameter-store" });
        }
    });

    it("posts each tenant's Flux events through an alertmanager Provider and Alerts of its own namespace", () => {
        for (const namespace of [...tenants, "flux-system"]) {
            const provider = object(apps, "Provider", "alertmanager", namespace);
            assert.deepEqual(provider.spec, { type: "alertmanager", secretRef: { name: "alertmanager-address" } });
            for (const severity of ["info", "error"]) {
                const sources = object(apps, "Alert", severity, namespace).spec.eventSources as { namespace: string }[];
                assert.ok(sources.every((s) => s.namespace === namespace), `${namespace} ${severity}`);
            }
        }
        // The platform application's events go through the Flux namespace's Alerts: no Alerts in its namespace.
        assert.equal(objectsOfKind(apps, "Alert").filter((r) => metadataOf(r).namespace === "docs").length, 0);
    });

    it("turns the lockdown on in the FluxInstance: no cross-namespace references, and a default account without rights", () => {
        const instance = object(apps, "FluxInstance", "flux", "flux-system");
        // flux-operator api/v1/fluxinstance_types.go and internal/builder/profiles.go @v0.58.1.
        assert.equal(instance.spec.cluster.multitenant, true);
        assert.equal(instance.spec.cluster.tenantDefaultServiceAccount, "default");
        assert.deepEqual(fluxInstanceSpec({ version: "2.9.x", clusterType: "aws" }).cluster, {
            type: "aws",
            multitenant: true,
            tenantDefaultServiceAccount: "default",
            networkPolicy: true,
            domain: "cluster.local",
        });
    });

    it("keeps a tenant's namespace under an alias of the URN it had under AppDelivery (a new URN would delete it)", () => {
        const namespace = one(apps, "kubernetes:core/v1:Namespace", "echo-server-namespace");
        assert.equal(parentOf(apps, namespace)?.type, "flux-gitops:app:FluxApplication");
        const delivery = apps.resources.find((r) => r.type === "flux-gitops:flux:AppDelivery" && r.name === "echo-server");
        assert.ok(delivery);
        assert.deepEqual(namespace.options.aliases, [`parent=${delivery.urn}`]);
    });
});

describe("the tenant label transformation", () => {
    const transform = tenantLabelTransform("billing", "billing");
    const labelsOf = async (type: string, metadata: Record<string, unknown> | undefined) => {
        const result = transform({ type, name: "x", props: { metadata }, opts: {}, resource: undefined as never });
        if (!result) return "untouched";
        return new Promise((resolve) => pulumi.output(result.props.metadata as Record<string, unknown>).apply((m) => resolve(m.labels)));
    };

    it("labels the tenant's Namespace and the Kubernetes objects in it, keeping labels they set", async () => {
        assert.deepEqual(await labelsOf("kubernetes:core/v1:Namespace", { name: "billing" }), { [TENANT_LABEL]: "billing" });
        assert.deepEqual(await labelsOf("kubernetes:core/v1:Secret", { name: "s", namespace: "billing", labels: { a: "b" } }), { [TENANT_LABEL]: "billing", a: "b" });
        assert.deepEqual(await labelsOf("kubernetes:core/v1:Secret", { name: "s", namespace: "billing", labels: { [TENANT_LABEL]: "own" } }), { [TENANT_LABEL]: "own" });
    });

    it("leaves alone what is not the tenant's: other namespaces, other Namespaces, Helm releases, other clouds, objects without metadata", async () => {
        assert.equal(await labelsOf("kubernetes:core/v1:Secret", { name: "s", namespace: "flux-system" }), undefined);
        assert.equal(await labelsOf("kubernetes:core/v1:Namespace", { name: "search" }), undefined);
        assert.equal(await labelsOf("kubernetes:helm.sh/v3:Release", { name: "r", namespace: "billing" }), "untouched");
        assert.equal(await labelsOf("aws:iam/role:Role", { name: "r", namespace: "billing" }), "untouched");
        assert.equal(await labelsOf("kubernetes:core/v1:Secret", undefined), "untouched");
    });
});

describe("upgrading a stack made before tenancy", () => {
    let upgrade: Evaluation;
    let dev: Evaluation;
    before(async () => {
        upgrade = await evaluateStack("dev", variant("dev-upgrade").overrides);
        dev = await evaluateStack("dev");
    });

    it("keeps the old Kustomization of the Flux namespace under its URN, suspended and orphaning", () => {
        const retired = one(upgrade, KUSTOMIZATION, "echo-server-kustomization");
        assert.equal(parentOf(upgrade, retired)?.type, "flux-gitops:flux:AppDelivery");
        assert.deepEqual(metadataOf(retired).namespace, "flux-system");
        // kustomize-controller v1.9.1 internal/controller/kustomization_controller.go
        // finalizerShouldDeleteResources: suspended, or deletionPolicy Orphan, deletes nothing; and
        // a suspended object no longer reconciles, so it stops taking the objects' owner labels back.
        const spec = retired.inputs.spec as Record<string, unknown>;
        assert.equal(spec.suspend, true);
        assert.equal(spec.deletionPolicy, "Orphan");
        assert.equal(spec.prune, true);
        // Otherwise as it was: the same source, path and target, so the update changes nothing else.
        const tenantSpec = object(upgrade, "Kustomization", "echo-server", "echo-server").spec;
        for (const key of ["sourceRef", "path", "targetNamespace", "interval"]) assert.deepEqual(spec[key], tenantSpec[key], key);
    });

    it("creates the tenant's Kustomization only after the old one is retired", () => {
        const retired = one(upgrade, KUSTOMIZATION, "echo-server-kustomization");
        const tenant = one(upgrade, KUSTOMIZATION, "echo-server-tenant-kustomization");
        assert.ok(tenant.options.dependencies.includes(retired.urn));
        assertDoesNotWait(upgrade, retired, tenant);
    });

    it("registers no retired Kustomization without the setting, so the next up deletes it (with nothing to prune)", () => {
        assert.equal(dev.resources.filter((r) => r.name === "echo-server-kustomization").length, 0);
        assert.equal(objectsOfKind(dev, "Kustomization").length, 1);
        // The rest of the stack is the same either way.
        const urns = (e: Evaluation) => e.resources.map((r) => r.urn).filter((u) => !u.endsWith("::echo-server-kustomization"));
        assert.deepEqual(urns(upgrade).sort(), urns(dev).sort());
    });

    it("retires nothing of a platform application, which stays where it was", async () => {
        const platform = await evaluateStack("dev", { suspendLegacyKustomizations: "true", tenant: "false", externalSecretsAuth: "podIdentity", eksClusterName: "flux-dev" });
        const kustomizations = objectsOfKind(platform, "Kustomization");
        assert.equal(kustomizations.length, 1);
        assert.equal((kustomizations[0].inputs.spec as { suspend?: boolean }).suspend, undefined);
        assert.equal(one(platform, KUSTOMIZATION, "echo-server-kustomization").inputs.kind, "Kustomization");
    });
});
