/**
 * Resource options are behaviour: the engine acts on them, the mocks do not. The offline evaluator
 * reads them from the registration request the program sends to the engine
 * (pulumi/pulumi proto/pulumi/resource.proto, RegisterResourceRequest), so these tests see what
 * `pulumi up` would act on.
 */
import { strict as assert } from "node:assert";
import { Evaluation } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { one, ofType } from "../helpers/resources";

describe("resource options as the engine receives them", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });
    const urnOf = (type: string, name: string) => one(dev, type, name).urn;

    it("keeps the GPG private key and passphrase secret in the state (additionalSecretOutputs)", () => {
        const key = one(dev, "pulumi-nodejs:dynamic:Resource", "bot-gpg-key");
        assert.deepEqual([...key.options.additionalSecretOutputs].sort(), ["passphrase", "privateKey"]);
    });

    it("never reverts or deletes the seeded files: content ignored, retained on delete", () => {
        const files = ofType(dev, "github:index/repositoryFile:RepositoryFile");
        assert.ok(files.length > 0);
        for (const f of files) {
            assert.ok(f.options.retainOnDelete, `${f.name} is not retained on delete`);
            assert.ok(f.options.ignoreChanges.includes("content"), `${f.name} does not ignore content`);
        }
    });

    it("creates the GitHub webhook only after its Receiver and route exist", () => {
        const webhook = one(dev, "github:index/repositoryWebhook:RepositoryWebhook", "echo-server-receiver");
        const receiver = urnOf("kubernetes:notification.toolkit.fluxcd.io/v1:Receiver", "echo-server-receiver");
        const route = urnOf("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "echo-server-receiver-route");
        assert.ok(webhook.options.dependencies.includes(receiver));
        assert.ok(webhook.options.dependencies.includes(route));
    });

    it("creates the AlertmanagerConfig only after the kube-prometheus-stack release", () => {
        const config = ofType(dev, "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig");
        assert.equal(config.length, 1);
        assert.ok(config[0].options.dependencies.includes(urnOf("kubernetes:helm.sh/v3:Release", "monitoring")));
    });

    it("records no options where none were given", () => {
        const namespace = ofType(dev, "kubernetes:core/v1:Namespace").find((r) => (r.inputs.metadata as { name: string }).name === "echo-server")!;
        assert.deepEqual(namespace.options.ignoreChanges, []);
        assert.equal(namespace.options.retainOnDelete, false);
        assert.equal(namespace.options.deleteBeforeReplace, false);
        assert.equal(namespace.options.importId, "");
    });
});

describe("what every stack says about itself", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });

    it("labels every Kubernetes object with the project and stack that own it", () => {
        const objects = dev.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"));
        assert.ok(objects.length > 10);
        for (const r of objects) {
            const labels = (r.inputs.metadata as { labels?: Record<string, string> }).labels ?? {};
            assert.deepEqual(
                { managedBy: labels["app.kubernetes.io/managed-by"], project: labels["pulumi.com/project"], stack: labels["pulumi.com/stack"] },
                { managedBy: "pulumi", project: "flux-gitops", stack: "dev" },
                `${r.type} ${r.name}`,
            );
        }
    });

    it("asks GitHub which seeded files the branch already has before registering them", () => {
        const asked = dev.invokes.filter((i) => i.token === "github:index/getRepositoryFile:getRepositoryFile").map((i) => i.args);
        const seeded = ofType(dev, "github:index/repositoryFile:RepositoryFile").map((r) => r.inputs.file).sort();
        assert.deepEqual(asked.map((a) => a.file).sort(), seeded);
        assert.ok(asked.every((a) => a.repository === "echo-server" && a.branch === "main"));
        // The offline GitHub has no files, so nothing is imported.
        assert.ok(ofType(dev, "github:index/repositoryFile:RepositoryFile").every((r) => r.options.importId === ""));
    });

    it("treats an empty GPG passphrase as none: no empty SSM parameter", async () => {
        const e = await evaluateStack("dev", { "flux-gitops:gpgPassphrase": { secret: "" } });
        assert.deepEqual(
            ofType(e, "aws:ssm/parameter:Parameter").filter((p) => String(p.inputs.name).endsWith("-passphrase")),
            [],
        );
    });
});

describe("an account and cluster where the recipe already ran", () => {
    let adopting: Evaluation;
    let dev: Evaluation;
    before(async () => {
        [adopting, dev] = [await evaluateStack("dev", { adoptExisting: "true" }), await evaluateStack("dev")];
    });
    const monitoringNamespace = (e: Evaluation) =>
        ofType(e, "kubernetes:core/v1:Namespace").find((r) => (r.inputs.metadata as { name: string }).name === "monitoring")!;

    it("overwrites SSM parameters of the same names only when adopting (AWS refuses to create an existing name)", () => {
        const parameters = ofType(adopting, "aws:ssm/parameter:Parameter");
        assert.ok(parameters.length >= 6);
        for (const p of parameters) assert.equal(p.inputs.overwrite, true, p.name);
        for (const p of ofType(dev, "aws:ssm/parameter:Parameter")) assert.equal(p.inputs.overwrite, undefined, p.name);
    });

    it("imports the existing monitoring namespace when adopting, with the stack's labels (the engine imports, then updates)", () => {
        const namespace = monitoringNamespace(adopting);
        assert.equal(namespace.options.importId, "monitoring");
        // pulumi/pulumi >= 3.174.0 (step_generator.go continueStepsFromImport): differing inputs are an
        // update after the import, not a refusal, so nothing is left out of the adopted namespace.
        assert.deepEqual(namespace.options.ignoreChanges, []);
        assert.deepEqual(namespace.inputs, monitoringNamespace(dev).inputs);
        assert.equal(monitoringNamespace(dev).options.importId, "");
        // The application's own namespace is not adopted.
        const app = ofType(adopting, "kubernetes:core/v1:Namespace").find((r) => (r.inputs.metadata as { name: string }).name === "echo-server")!;
        assert.equal(app.options.importId, "");
    });

    it("never deletes the shared monitoring namespace on destroy", () => {
        assert.equal(monitoringNamespace(dev).options.retainOnDelete, true);
    });
});

describe("logical names that never derive from config", () => {
    it("keeps the shared keys' URNs when the bot or the first application changes", async () => {
        // A changed logical name is a create plus a delete (not a replacement), and the delete
        // would remove an SSM parameter by the name the new resource just wrote.
        const renamed = await evaluateStack("dev", { botUser: "another-bot", botEmail: "another@example.com" });
        for (const [type, name] of [
            ["flux-gitops:keys:GpgSigningKey", "bot-gpg"],
            ["flux-gitops:keys:StoredSecret", "ghcr-registry-token"],
            ["flux-gitops:keys:StoredSecret", "bot-github-token"],
        ]) {
            assert.equal(one(renamed, type, name).name, name);
        }
    });
});
