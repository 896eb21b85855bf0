/**
 * What a stack may leave out (issue 20, items 5 and 6): its own monitoring (none, or an existing
 * Alertmanager), either alert channel, and registry credentials for a public image; and what a
 * private image's pods get (a pull Secret in their namespace).
 */
import { strict as assert } from "node:assert";
import * as YAML from "yaml";
import { Evaluation } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { object, objectsOfKind, one, ofType, waitsFor } from "../helpers/resources";
import { RELEASE } from "../helpers/types";

const EXISTING = "http://alertmanager-operated.observability:9093/api/v2/alerts";

/** The SSM parameters the stack writes, by name. */
const parameterNames = (e: Evaluation) => ofType(e, "aws:ssm/parameter:Parameter").map((p) => String(p.inputs.name)).sort();
/** Every ARN External Secrets' grants name. */
const granted = (e: Evaluation) =>
    ofType(e, "aws:iam/rolePolicy:RolePolicy")
        .flatMap((r) => (JSON.parse(String(r.inputs.policy)) as { Statement: { Resource: string[] }[] }).Statement.flatMap((s) => s.Resource))
        .map((arn) => arn.replace(/^arn:aws:ssm:eu-central-1:123456789012:parameter/, ""))
        .sort();

describe("a stack without its own monitoring", () => {
    let none: Evaluation;
    let existing: Evaluation;
    before(async () => {
        // The webhooks stay set (the render stands them in): without this stack's Alertmanager
        // nothing sends to them, so they are not stored.
        const off = { installMonitoring: "false" };
        none = await evaluateStack("dev", off);
        existing = await evaluateStack("dev", { ...off, alertmanagerAddress: EXISTING });
    });

    it("installs no kube-prometheus-stack, no AlertmanagerConfig and no webhook parameter or ExternalSecret", () => {
        for (const e of [none, existing]) {
            assert.deepEqual(ofType(e, RELEASE).map((r) => r.name).sort(), ["external-secrets", "flux"]);
            assert.equal(objectsOfKind(e, "AlertmanagerConfig").length, 0);
            assert.equal(e.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace" && r.name === "monitoring-namespace").length, 0);
            assert.deepEqual(parameterNames(e).filter((n) => /webhook-url/.test(n)), []);
            assert.deepEqual(
                objectsOfKind(e, "ExternalSecret").map((r) => (r.inputs.metadata as { namespace: string }).namespace).filter((ns) => ns === "monitoring"),
                [],
            );
            // External Secrets may read exactly what the stack writes, still.
            assert.deepEqual(granted(e), parameterNames(e));
            const ssm = e.outputs.ssmParameters as Record<string, unknown>;
            assert.equal(ssm.slackWebhookUrl, undefined);
            assert.equal(ssm.discordWebhookUrl, undefined);
        }
    });

    it("makes no Flux Provider that would post to an Alertmanager that does not exist", () => {
        assert.deepEqual(objectsOfKind(none, "Provider").map((r) => (r.inputs.metadata as { name: string }).name), ["echo-server-commit-status"]);
        assert.deepEqual(objectsOfKind(none, "Alert").map((r) => (r.inputs.metadata as { name: string }).name), ["echo-server-commit-status"]);
        assert.equal(none.resources.filter((r) => r.name === "flux-alerts-address").length, 0);
    });

    it("points Flux's Provider and both Alerts at an existing Alertmanager, after Flux, without a chart to wait for", () => {
        assert.equal(object(existing, "Secret", "alertmanager-address", "flux-system").stringData.address, EXISTING);
        assert.deepEqual(object(existing, "Provider", "alertmanager", "flux-system").spec, { type: "alertmanager", secretRef: { name: "alertmanager-address" } });
        assert.deepEqual(
            ["info", "error"].map((severity) => object(existing, "Alert", severity, "flux-system").spec.eventSeverity),
            ["info", "error"],
        );
        const address = one(existing, "kubernetes:core/v1:Secret", "flux-alerts-address");
        assert.ok(waitsFor(existing, address).has(one(existing, "kubernetes:fluxcd.controlplane.io/v1:FluxInstance", "flux-instance").urn));
        assert.ok(![...waitsFor(existing, address)].some((urn) => urn.includes("helm.sh/v3:Release::monitoring")));
    });

    it("refuses an address beside its own Alertmanager, and an address that is no http(s) URL", async () => {
        await assert.rejects(evaluateStack("dev", { alertmanagerAddress: EXISTING }), (e: Error) => {
            assert.match(e.message, /flux-gitops:alertmanagerAddress points Flux at an existing Alertmanager, but installMonitoring is true: set installMonitoring to false/);
            return true;
        });
        await assert.rejects(
            evaluateStack("dev", { installMonitoring: "false", alertmanagerAddress: "alertmanager:9093" }),
            (e: Error) => {
                assert.match(e.message, /flux-gitops:alertmanagerAddress must be an http\(s\) URL of Alertmanager's v2 alerts API, e\.g\. .* \(got "alertmanager:9093"\)/);
                return true;
            },
        );
    });
});

describe("registry credentials only for a private image", () => {
    let publicImage: Evaluation;
    let privateImage: Evaluation;
    before(async () => {
        publicImage = await evaluateStack("dev", { imagePublic: "true", registryToken: undefined });
        privateImage = await evaluateStack("dev");
    });

    it("stores no registry token and syncs no registry Secret for a public image", () => {
        assert.deepEqual(parameterNames(publicImage).filter((n) => /token$/.test(n) && /ghcr|registr/.test(n)), []);
        assert.equal(publicImage.resources.filter((r) => r.name === "ghcr-registry-token").length, 0);
        assert.deepEqual(
            objectsOfKind(publicImage, "ExternalSecret").filter((r) => (r.inputs.spec as { target: { name: string } }).target.name === "echo-server-registry"),
            [],
        );
        assert.equal("secretRef" in object(publicImage, "ImageRepository", "echo-server", "echo-server").spec, false);
        assert.equal((publicImage.outputs.ssmParameters as Record<string, unknown>).registryToken, undefined);
        assert.deepEqual(granted(publicImage), parameterNames(publicImage));
    });

    it("seeds a Deployment without imagePullSecrets for a public image, and with the synced Secret for a private one", () => {
        const deployment = (e: Evaluation) =>
            YAML.parse(String(one(e, "github:index/repositoryFile:RepositoryFile", "echo-server-manifests-kustomize-base-deployment-yaml").inputs.content)) as Record<string, any>;
        assert.equal("imagePullSecrets" in deployment(publicImage).spec.template.spec, false);
        const pullSecrets = deployment(privateImage).spec.template.spec.imagePullSecrets as { name: string }[];
        assert.deepEqual(pullSecrets, [{ name: "echo-server-registry" }]);
        // The Secret it names is made in the namespace the Kustomization applies the Deployment to,
        // through the tenant's own store.
        const targetNamespace = object(privateImage, "Kustomization", "echo-server", "echo-server").spec.targetNamespace;
        const pull = object(privateImage, "ExternalSecret", pullSecrets[0].name, targetNamespace);
        assert.equal(pull.spec.target.template.type, "kubernetes.io/dockerconfigjson");
        assert.deepEqual(pull.spec.secretStoreRef, { kind: "SecretStore", name: "parameters" });
        assert.equal(object(privateImage, "SecretStore", "parameters", targetNamespace).metadata.namespace, targetNamespace);
    });

    it("pulls a platform application's image through the ClusterSecretStore, which serves its namespace", async () => {
        const platform = await evaluateStack("dev", { tenant: "false", externalSecretsAuth: "podIdentity", eksClusterName: "flux-dev" });
        const pull = object(platform, "ExternalSecret", "echo-server-registry", "echo-server");
        assert.deepEqual(pull.spec.secretStoreRef, { kind: "ClusterSecretStore", name: "aws-parameter-store" });
        // A ClusterSecretStore serves an ExternalSecret of the namespaces its `conditions` name
        // (external-secrets pkg/controllers/secretstore/client_manager.go `shouldProcessSecret`, v2.9.0).
        const store = object(platform, "ClusterSecretStore", "aws-parameter-store");
        assert.deepEqual(store.spec.conditions, [{ namespaces: ["echo-server", "flux-system", "monitoring"] }]);
    });

    it("creates the pull Secret once the application's namespace exists, and applies the Deployment after it", () => {
        const pull = one(privateImage, "kubernetes:external-secrets.io/v1:ExternalSecret", "echo-server-pull-secret");
        assert.ok(pull.options.dependencies.includes(one(privateImage, "kubernetes:core/v1:Namespace", "echo-server-namespace").urn));
        const kustomization = one(privateImage, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", "echo-server-tenant-kustomization");
        assert.ok(kustomization.options.dependencies.includes(pull.urn));
    });
});
