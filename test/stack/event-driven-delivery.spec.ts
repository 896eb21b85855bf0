import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as YAML from "yaml";
import { celStringLiteral, commitStatusAlertSpec, commitStatusProviderSpec } from "../../components/flux/commit-status";
import { imageReceiverSpec, imageReceiverType, receiverWebhookPath } from "../../components/flux/specs";
import { WEBHOOK_TOKEN_LENGTH } from "../../components/keys/webhook-token";
import { Evaluation, kubernetesObjects, mockPrivateValue, secretPlaceholder } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { requireSharedCrds, SHARED_CRDS } from "../helpers/schema";
import { object, objectsOfKind, one, ofType, providerOf } from "../helpers/resources";
import { PARAMETER, WEBHOOK } from "../helpers/types";

/** The application's namespace: a tenant's Flux objects live there. */
const TENANT_NS = "echo-server";

/** The SSM parameter an ExternalSecret's first value reads. */
function parameterOf(evaluation: Evaluation, externalSecretName: string) {
    const secret = object(evaluation, "ExternalSecret", externalSecretName);
    assert.equal(secret.spec.data.length, 1);
    assert.equal(secret.spec.data[0].secretKey, "token");
    const found = ofType(evaluation, PARAMETER).filter((p) => p.inputs.name === secret.spec.data[0].remoteRef.key);
    assert.equal(found.length, 1, `one parameter named ${secret.spec.data[0].remoteRef.key}`);
    return found[0];
}

describe("event-driven delivery: the image Receiver", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });

    it("reconciles exactly the ImageRepository on GitHub's package event, with a Secret of its own", () => {
        const receiver = object(dev, "Receiver", "echo-server-image", TENANT_NS);
        assert.equal(receiver.apiVersion, "notification.toolkit.fluxcd.io/v1");
        assert.deepEqual(receiver.spec, {
            type: "github",
            events: ["ping", "package"],
            secretRef: { name: "echo-server-image-receiver-token" },
            resources: [{ apiVersion: "image.toolkit.fluxcd.io/v1", kind: "ImageRepository", name: "echo-server" }],
        });
    });

    it("has its own token, stored in SSM, and a package webhook with the URL derived from it", () => {
        const token = mockPrivateValue("password", "echo-server-image-receiver-token").padEnd(WEBHOOK_TOKEN_LENGTH, "x");
        const pushToken = mockPrivateValue("password", "echo-server-receiver-token").padEnd(WEBHOOK_TOKEN_LENGTH, "x");
        assert.notEqual(token, pushToken);
        const parameter = parameterOf(dev, "echo-server-image-receiver-token");
        assert.equal(parameter.inputs.name, "/github/echo-server/image-receiver-token");
        assert.equal(parameter.inputs.value, token);
        assert.ok(parameter.secretPaths.includes("value"));

        const webhook = one(dev, WEBHOOK, "echo-server-image-receiver");
        const url = `https://${String(dev.outputs.receiverHostname)}${receiverWebhookPath(token, { name: "echo-server-image", namespace: TENANT_NS })}`;
        assert.deepEqual(webhook.inputs, {
            repository: "echo-server",
            active: true,
            events: ["package"],
            configuration: { url, contentType: "json", insecureSsl: false, secret: token },
        });
        assert.ok(webhook.secretPaths.some((p) => p.startsWith("configuration")));
        assert.equal(providerOf(dev, webhook).name, "github-org");
        assert.equal(dev.outputs.imageWebhookUrl, url);
        assert.ok(dev.secretOutputs.includes("imageWebhookUrl"));
        assert.ok(dev.secretOutputPaths.includes("apps.echo-server.imageWebhookUrl"));
    });

    it("waits for the ImageRepository, the token's Secret and the route before it exists", () => {
        const receiver = objectsOfKind(dev, "Receiver").find((r) => (r.inputs.metadata as { name: string }).name === "echo-server-image")!;
        const urnOf = (type: string, name: string) => one(dev, type, name).urn;
        for (const urn of [
            urnOf("kubernetes:image.toolkit.fluxcd.io/v1:ImageRepository", "echo-server-images-repository"),
            urnOf("kubernetes:external-secrets.io/v1:ExternalSecret", "echo-server-secrets-image-receiver-token"),
            urnOf("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "echo-server-receiver-route"),
        ]) {
            assert.ok(receiver.options.dependencies.includes(urn), urn);
        }
    });

    it("chooses the Receiver type that understands the registry's notifications", () => {
        assert.equal(imageReceiverType("ghcr.io"), "github");
        assert.equal(imageReceiverType("docker.io"), "dockerhub");
        assert.equal(imageReceiverType("quay.io"), "quay");
        assert.equal(imageReceiverType("myregistry.azurecr.io"), "acr");
        assert.equal(imageReceiverType("registry.example.com:5000"), "generic-hmac");
        // Types other than github/gitlab/bitbucket/cdevents ignore spec.events (receiver_handlers.go @v1.9.3).
        assert.deepEqual(imageReceiverSpec({ type: "dockerhub", imageRepositoryName: "a", secretName: "s" }), {
            type: "dockerhub",
            secretRef: { name: "s" },
            resources: [{ apiVersion: "image.toolkit.fluxcd.io/v1", kind: "ImageRepository", name: "a" }],
        });
    });

    it("for another registry, creates the Receiver but no webhook: its URL is a secret output to register", async () => {
        const hub = await evaluateStack("dev", { image: "docker.io/developer-friendly/echo-server", imagePublic: "true" });
        assert.equal(object(hub, "Receiver", "echo-server-image").spec.type, "dockerhub");
        assert.deepEqual(
            ofType(hub, WEBHOOK).map((w) => w.name),
            ["echo-server-receiver"],
        );
        assert.match(String(hub.outputs.imageWebhookUrl), /^https:\/\/.+\/hook\/[0-9a-f]{64}$/);
        assert.ok(hub.secretOutputs.includes("imageWebhookUrl"));
        assert.equal((hub.outputs.apps as Record<string, { imageReceiverType: string }>)["echo-server"].imageReceiverType, "dockerhub");
    });

    it("has no image Receiver, token or webhook without image automation", async () => {
        const off = await evaluateStack("dev", { imageAutomation: "false" });
        assert.equal(objectsOfKind(off, "Receiver").length, 1);
        assert.equal(ofType(off, WEBHOOK).length, 1);
        assert.equal(ofType(off, "random:index/randomPassword:RandomPassword").length, 1);
        assert.equal(off.outputs.imageWebhookUrl, undefined);
    });
});

describe("event-driven delivery: commit statuses", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
        prod = await evaluateStack("prod");
    });

    it("posts to the application's repository as `flux/<stack>` with a token from a Secret", () => {
        for (const [evaluation, stack] of [[dev, "dev"], [prod, "prod"]] as const) {
            const provider = object(evaluation, "Provider", "echo-server-commit-status", TENANT_NS);
            assert.equal(provider.apiVersion, "notification.toolkit.fluxcd.io/v1beta3");
            assert.deepEqual(provider.spec, {
                type: "github",
                address: "https://github.com/developer-friendly/echo-server",
                secretRef: { name: "echo-server-github-status-token" },
                commitStatusExpr: `'flux/${stack}'`,
            });
        }
    });

    it("alerts on exactly the application's Kustomization, info and error events alike", () => {
        const alert = object(dev, "Alert", "echo-server-commit-status", TENANT_NS);
        assert.deepEqual(alert.spec, {
            providerRef: { name: "echo-server-commit-status" },
            eventSeverity: "info",
            eventSources: [{ kind: "Kustomization", name: "echo-server" }],
        });
        assert.deepEqual(object(dev, "Kustomization", "echo-server", TENANT_NS).metadata.name, alert.spec.eventSources[0].name);
    });

    it("brings the bot's token in from SSM, where it is stored as a secret", () => {
        const parameter = parameterOf(dev, "echo-server-github-status-token");
        assert.equal(parameter.inputs.name, "/github/bot-tokens/developer-friendly-bot");
        assert.equal(parameter.inputs.type, "SecureString");
        assert.equal(parameter.inputs.value, secretPlaceholder("flux-gitops:botGithubToken"));
        assert.ok(parameter.secretPaths.includes("value"));
        assert.equal(parameterOf(prod, "echo-server-github-status-token").inputs.name, "/prod/github/bot-tokens/developer-friendly-bot");
    });

    it("never puts the token in plain text in a Kubernetes object or a plain output", () => {
        const token = secretPlaceholder("flux-gitops:botGithubToken");
        assert.ok(dev.secretValues.includes(token));
        assert.ok(!JSON.stringify(kubernetesObjects(dev)).includes(token));
        const plain = Object.fromEntries(Object.entries(dev.outputs).filter(([k]) => !dev.secretOutputs.includes(k)));
        assert.ok(!JSON.stringify(plain).includes(token));
    });

    it("quotes the stack name as a CEL string literal", () => {
        assert.equal(celStringLiteral("flux/dev"), "'flux/dev'");
        assert.equal(celStringLiteral("it's\\"), "'it\\'s\\\\'");
        assert.deepEqual(commitStatusAlertSpec({ providerName: "p", kustomizationName: "k" }), {
            providerRef: { name: "p" },
            eventSeverity: "info",
            eventSources: [{ kind: "Kustomization", name: "k" }],
        });
        assert.equal((commitStatusProviderSpec({ owner: "o", repository: "r", secretName: "s", stack: "qa" }) as { address: string }).address, "https://github.com/o/r");
    });
});

describe("event-driven delivery: CEL rules of the reference CRDs", () => {
    /** The CEL rules (x-kubernetes-validations) of a CRD's spec, in the served version. */
    function specRules(file: string): string[] {
        const crd = YAML.parse(fs.readFileSync(`${SHARED_CRDS}/${file}`, "utf8"));
        const version = crd.spec.versions.find((v: { served: boolean; storage: boolean }) => v.served && v.storage);
        return (version.schema.openAPIV3Schema.properties.spec["x-kubernetes-validations"] ?? []).map((r: { rule: string }) =>
            r.rule.replace(/\s+/g, " "),
        );
    }

    it("satisfies the Receiver's and the Provider's rules (pinned here: the schema check does not run CEL)", async function () {
        requireSharedCrds("the CEL check");
        // The rules as the CRDs state them; each is checked below by its JavaScript equivalent.
        assert.deepEqual(specRules("notification.toolkit.fluxcd.io_receivers.yaml"), [
            "self.type != 'generic-oidc' || (has(self.oidcProviders) && size(self.oidcProviders) > 0)",
            "self.type == 'generic-oidc' || !has(self.oidcProviders) || size(self.oidcProviders) == 0",
            "self.type != 'generic-oidc' || !has(self.secretRef)",
            "self.type == 'generic-oidc' || has(self.secretRef)",
        ]);
        assert.deepEqual(specRules("notification.toolkit.fluxcd.io_providers.yaml"), [
            "self.type == 'github' || self.type == 'gitlab' || self.type == 'gitea' || self.type == 'bitbucketserver' || self.type == 'bitbucket' || self.type == 'azuredevops' || !has(self.commitStatusExpr)",
        ]);
        const dev = await evaluateStack("dev", {
            additionalApps: JSON.stringify([{ repository: "other", image: "registry.example.com/other", imagePublic: true }]),
        });
        const receivers = objectsOfKind(dev, "Receiver").map((r) => r.inputs as Record<string, any>);
        assert.equal(receivers.length, 4);
        for (const { spec } of receivers) {
            assert.notEqual(spec.type, "generic-oidc");
            assert.equal(spec.oidcProviders, undefined);
            assert.ok(spec.secretRef?.name);
        }
        for (const { spec } of objectsOfKind(dev, "Provider").map((r) => r.inputs as Record<string, any>)) {
            if (spec.commitStatusExpr !== undefined) assert.equal(spec.type, "github");
        }
    });
});
