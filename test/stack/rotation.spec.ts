/**
 * Rotating a key without an outage (README "Rotation"), and Flux objects created only once their
 * Secrets exist. The order of an update is the order of the dependency graph the engine receives
 * (RegisterResourceRequest.dependencies, recorded by the offline evaluator): a resource is created
 * or updated only after everything it depends on; the old half of a create-before-delete
 * replacement is deleted at the end of the update (pulumi/pulumi pkg/resource/deploy/
 * deployment_executor.go `performPostSteps` → `GenerateDeletes`, v3.259.0), the old half of a
 * deleteBeforeReplace one before its replacement is created (step_generator.go).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { FluxSecrets } from "../../components/flux/flux-secrets";
import {
    EXTERNAL_SECRET_READY_TIMEOUT_SECONDS,
    externalSecretAnnotations,
    PARAMETER_VERSIONS_ANNOTATION,
    parameterVersions,
} from "../../components/flux/external-secret-specs";
import { appPullSecretName, fluxObjectNames } from "../../components/flux/names";
import { Evaluation, mockParameterVersion, RecordedResource } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { assertDoesNotWait, assertWaits, one, ofType, objectsOfKind } from "../helpers/resources";
import { record, Registered } from "../helpers/record";
import { requireSharedCrds, SHARED_CRDS } from "../helpers/schema";
import { EXTERNAL_SECRET } from "../helpers/types";

const annotationsOf = (r: { inputs: Record<string, unknown> }) =>
    (r.inputs.metadata as { annotations?: Record<string, string> }).annotations ?? {};

describe("rotation: a new value in SSM reaches its Secret in the same update", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });

    it("lists each parameter once as name=version, sorted by name", () => {
        assert.equal(
            parameterVersions([
                { parameterName: "/b/key", version: 3 },
                { parameterName: "/a/passphrase", version: 12 },
                { parameterName: "/b/key", version: 3 },
            ]),
            "/a/passphrase=12,/b/key=3",
        );
        assert.notEqual(
            parameterVersions([{ parameterName: "/b/key", version: 3 }]),
            parameterVersions([{ parameterName: "/b/key", version: 4 }]),
        );
    });

    it("refuses a parameter without a version, or with two", () => {
        assert.throws(() => parameterVersions([{ parameterName: "/a", version: 0 }]), {
            message: "SSM parameter /a has no version (got 0)",
        });
        assert.throws(() => parameterVersions([{ parameterName: "/a", version: undefined as unknown as number }]), {
            message: "SSM parameter /a has no version (got undefined)",
        });
        assert.throws(
            () =>
                parameterVersions([
                    { parameterName: "/a", version: 1 },
                    { parameterName: "/a", version: 2 },
                ]),
            { message: "SSM parameter /a has two versions: 1 and 2" },
        );
    });

    it("annotates every ExternalSecret with the version of exactly the SSM parameters it reads", () => {
        // The annotation's name is in every stack's state and cluster: renaming it rewrites every ExternalSecret.
        assert.equal(PARAMETER_VERSIONS_ANNOTATION, "flux-gitops.io/parameter-versions");
        const externalSecrets = ofType(dev, EXTERNAL_SECRET);
        // An application's six (git, registry for Flux and its pods, signing, push and image receiver
        // tokens, commit status), and monitoring's.
        assert.equal(externalSecrets.length, 7);
        const parameters = ofType(dev, "aws:ssm/parameter:Parameter");
        for (const es of externalSecrets) {
            const keys = (es.inputs.spec as { data: { remoteRef: { key: string } }[] }).data.map((d) => d.remoteRef.key);
            for (const key of keys) assert.ok(parameters.some((p) => p.inputs.name === key), `no SSM parameter ${key}`);
            // Each parameter has its own version under the evaluator, so a pin of another parameter's shows.
            const expected = [...keys].sort().map((k) => `${k}=${mockParameterVersion(k)}`).join(",");
            assert.equal(annotationsOf(es)[PARAMETER_VERSIONS_ANNOTATION], expected, es.name);
        }
    });

    it("takes each version from the parameter's `version` output, and changes only the ExternalSecrets of a parameter written again", async () => {
        const ref = (name: string, version: number) => ({ name, version });
        const build = (gpgVersion: number) => () =>
            new FluxSecrets("app-secrets", {
                namespace: "flux-system",
                names: fluxObjectNames("app"),
                store: { kind: "ClusterSecretStore", name: "aws-parameter-store" },
                refreshInterval: "1h",
                git: { deployKeyParameter: ref("/app/deploy-key", 4), knownHosts: "github.com ssh-ed25519 AAAA" },
                registry: { host: "ghcr.io", username: "bot", tokenParameter: ref("/bot/ghcr-token", 2) },
                gpgKeyParameter: ref("/bot/gpg-key", gpgVersion),
                gpgPassphraseParameter: ref("/bot/gpg-passphrase", 9),
                webhookTokenParameter: ref("/app/webhook-token", 7),
                imageWebhookTokenParameter: ref("/app/image-webhook-token", 3),
                commitStatusTokenParameter: ref("/bot/github-token", 1),
            });
        const versions = (registered: Registered[]) =>
            Object.fromEntries(
                registered.filter((r) => r.type === EXTERNAL_SECRET).map((r) => [r.name, annotationsOf(r)[PARAMETER_VERSIONS_ANNOTATION]]),
            );
        const before = versions(await record(build(5)));
        assert.deepEqual(before, {
            "app-secrets-git-ssh": "/app/deploy-key=4",
            "app-secrets-registry": "/bot/ghcr-token=2",
            "app-secrets-gpg-signing": "/bot/gpg-key=5,/bot/gpg-passphrase=9",
            "app-secrets-receiver-token": "/app/webhook-token=7",
            "app-secrets-image-receiver-token": "/app/image-webhook-token=3",
            "app-secrets-github-status-token": "/bot/github-token=1",
        });
        // A new GPG key is written to its parameter: version 6. Only the signing Secret re-syncs.
        const after = versions(await record(build(6)));
        assert.deepEqual(after, { ...before, "app-secrets-gpg-signing": "/bot/gpg-key=6,/bot/gpg-passphrase=9" });
    });

    it("labels the receiver token's Secret reconcile.fluxcd.io/watch: Enabled, so notification-controller re-reconciles the Receiver when it changes", () => {
        // fluxcd/notification-controller main.go @v1.9.3 (--watch-configs-label-selector default)
        // and internal/controller/receiver_controller.go (watches labelled Secrets only).
        // Both receivers' tokens: the push Receiver's and the image Receiver's.
        const receivers = ["echo-server-secrets-receiver-token", "echo-server-secrets-image-receiver-token"].map((n) => one(dev, EXTERNAL_SECRET, n));
        for (const receiver of receivers) {
            const target = (receiver.inputs.spec as { target: Record<string, unknown> }).target;
            // No data template: ESO copies the token into the Secret as `token` (ApplyTemplate,
            // externalsecret_controller_template.go @v2.9.0).
            assert.deepEqual(target.template, { engineVersion: "v2", metadata: { labels: { "reconcile.fluxcd.io/watch": "Enabled" } } });
        }
        for (const es of ofType(dev, EXTERNAL_SECRET).filter((r) => !receivers.includes(r))) {
            const template = (es.inputs.spec as { target: { template?: { metadata?: unknown } } }).target.template;
            assert.equal(template?.metadata, undefined, `${es.name} labels its Secret`);
        }
    });
});

describe("rotation order, over the dependency graph the engine receives", () => {
    let dev: Evaluation;
    const get = (type: string, name: string) => one(dev, type, name);
    const externalSecret = (name: string) => get(EXTERNAL_SECRET, name);
    const parameter = (name: string) => get("aws:ssm/parameter:Parameter", name);
    before(async () => {
        dev = await evaluateStack("dev");
    });

    it("GPG key: registers the new key on GitHub, then writes SSM, then updates the ExternalSecret; the old key goes at the end of the update", () => {
        const key = get("pulumi-nodejs:dynamic:Resource", "bot-gpg-key");
        const registered = get("github:index/userGpgKey:UserGpgKey", "bot-gpg");
        const ssm = parameter("bot-gpg-ssm");
        const es = externalSecret("echo-server-secrets-gpg-signing");
        assertWaits(dev, registered, key);
        assertWaits(dev, ssm, registered);
        assertWaits(dev, es, ssm);
        // Create-before-delete: the old UserGpgKey is deleted only after everything else.
        assert.equal(registered.options.deleteBeforeReplace, false);
        assert.equal(key.options.deleteBeforeReplace, false);
        // The image automation that signs with it comes after its Secret.
        assertWaits(dev, get("kubernetes:image.toolkit.fluxcd.io/v1:ImageUpdateAutomation", "echo-server-images-update"), es);
    });

    it("deploy key: registers the new key on GitHub, then writes SSM, then updates the ExternalSecret; the old key goes at the end of the update", () => {
        const key = get("tls:index/privateKey:PrivateKey", "echo-server-deploy-key-key");
        const registered = get("github:index/repositoryDeployKey:RepositoryDeployKey", "echo-server-deploy-key");
        const ssm = parameter("echo-server-deploy-key-ssm");
        const es = externalSecret("echo-server-secrets-git-ssh");
        assertWaits(dev, registered, key);
        assertWaits(dev, ssm, registered);
        assertWaits(dev, es, ssm);
        // Create-before-delete: a rotated (or re-attributed) deploy key always has a new public key
        // (the key pair's replacementTrigger), so GitHub takes it next to the old one, which is
        // deleted only after everything else (pulumi/pulumi deployment_executor.go, performPostSteps).
        assert.equal(registered.options.deleteBeforeReplace, false);
        assert.equal(key.options.deleteBeforeReplace, false);
        assertWaits(dev, get("kubernetes:source.toolkit.fluxcd.io/v1:GitRepository", "echo-server-source"), es);
    });

    it("webhook token: writes SSM, updates the ExternalSecret, and only then gives GitHub the new secret and URL", () => {
        const token = get("random:index/randomPassword:RandomPassword", "echo-server-receiver-token");
        const ssm = parameter("echo-server-receiver-token-ssm");
        const es = externalSecret("echo-server-secrets-receiver-token");
        const webhook = get("github:index/repositoryWebhook:RepositoryWebhook", "echo-server-receiver");
        assertWaits(dev, ssm, token);
        assertWaits(dev, es, ssm);
        assertWaits(dev, webhook, es);
        assertWaits(dev, webhook, token);
        assert.equal(token.options.deleteBeforeReplace, false);
    });

    it("registry token and alert webhook URLs: the ExternalSecret is updated after the parameter it reads", () => {
        assertWaits(dev, externalSecret("echo-server-pull-secret"), parameter("ghcr-registry-token"));
        assertWaits(dev, externalSecret("monitoring-webhooks"), parameter("slack-webhook-url"));
        assertWaits(dev, externalSecret("monitoring-webhooks"), parameter("discord-webhook-url"));
    });

    it("never makes a GitHub key wait for its own SSM parameter (the reverse order would store a key GitHub does not know yet)", () => {
        assertDoesNotWait(dev, get("github:index/userGpgKey:UserGpgKey", "bot-gpg"), parameter("bot-gpg-ssm"));
        assertDoesNotWait(
            dev,
            get("github:index/repositoryDeployKey:RepositoryDeployKey", "echo-server-deploy-key"),
            parameter("echo-server-deploy-key-ssm"),
        );
    });
});

describe("Flux objects are created once their Secrets exist", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });

    it("makes `pulumi up` wait for every ExternalSecret's Ready condition, five minutes at most", () => {
        assert.deepEqual(Object.keys(externalSecretAnnotations([{ parameterName: "/a", version: 1 }])).sort(), [
            PARAMETER_VERSIONS_ANNOTATION,
            "pulumi.com/timeoutSeconds",
            "pulumi.com/waitFor",
        ]);
        for (const es of ofType(dev, EXTERNAL_SECRET)) {
            const annotations = annotationsOf(es);
            assert.equal(annotations["pulumi.com/waitFor"], "condition=Ready", es.name);
            assert.equal(annotations["pulumi.com/timeoutSeconds"], String(EXTERNAL_SECRET_READY_TIMEOUT_SECONDS), es.name);
            assert.equal(EXTERNAL_SECRET_READY_TIMEOUT_SECONDS, 300);
            // customTimeouts would take precedence over the annotation (overrides.go TimeoutDuration).
            assert.deepEqual(es.options.customTimeouts, {}, es.name);
        }
    });

    it("pins a @pulumi/kubernetes that honours pulumi.com/waitFor over its default await (4.18.4 and later)", () => {
        // CHANGELOG 4.18.0 (waitFor added), 4.18.4 (#3329: await annotations take precedence).
        const pkg = require("@pulumi/kubernetes/package.json") as { version: string };
        const [major, minor, patch] = pkg.version.split(".").map(Number);
        assert.ok(major > 4 || (major === 4 && (minor > 18 || (minor === 18 && patch >= 4))), pkg.version);
    });

    it("waits for the condition External Secrets really sets: Ready", function () {
        const file = path.join(SHARED_CRDS, "external-secrets.io_externalsecrets.yaml");
        requireSharedCrds("the ExternalSecret condition check");
        const crd = YAML.parse(fs.readFileSync(file, "utf8")) as {
            spec: { versions: { name: string; schema: { openAPIV3Schema: any } }[] };
        };
        const v1 = crd.spec.versions.find((v) => v.name === "v1")!.schema.openAPIV3Schema;
        const condition = v1.properties.status.properties.conditions.items.properties;
        assert.deepEqual(condition.type.enum, ["Ready", "Deleted"]);
        // No observedGeneration, in the condition or the status: on an update the provider sees the
        // previous sync's Ready=True and goes on (pulumi-kubernetes provider/pkg/await/condition/
        // kubectl.go checkCondition). So waitFor orders creation; a rotation's re-sync is not awaited.
        assert.equal(condition.observedGeneration, undefined);
        assert.equal(v1.properties.status.properties.observedGeneration, undefined);
    });

    it("creates every object that reads a Secret after the ExternalSecret that makes that Secret", () => {
        const externalSecrets = ofType(dev, EXTERNAL_SECRET);
        const makerOf = (namespace: string, secret: string) =>
            externalSecrets.find(
                (es) =>
                    (es.inputs.metadata as { namespace: string }).namespace === namespace &&
                    (es.inputs.spec as { target: { name: string } }).target.name === secret,
            );
        // Every Secret name an object's spec refers to: `secretRef.name` (Flux), `apiURL.name`
        // (AlertmanagerConfig receivers).
        const secretNames = (value: unknown, into: Set<string>): Set<string> => {
            if (Array.isArray(value)) value.forEach((v) => secretNames(v, into));
            else if (value !== null && typeof value === "object") {
                for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
                    if ((k === "secretRef" || k === "apiURL") && typeof (v as { name?: unknown }).name === "string") {
                        into.add((v as { name: string }).name);
                    } else secretNames(v, into);
                }
            }
            return into;
        };
        const covered = new Set<RecordedResource>();
        const readers = dev.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== EXTERNAL_SECRET);
        for (const reader of readers) {
            const namespace = (reader.inputs.metadata as { namespace?: string } | undefined)?.namespace ?? "";
            for (const secret of secretNames(reader.inputs.spec, new Set())) {
                const maker = makerOf(namespace, secret);
                if (!maker) continue; // a Secret the stack writes itself (the Alert Provider's address)
                assertWaits(dev, reader, maker);
                covered.add(maker);
            }
        }
        // The pull Secret's reader is the seeded Deployment, which the Kustomization applies into
        // its targetNamespace: the Kustomization waits for it.
        for (const kustomization of objectsOfKind(dev, "Kustomization")) {
            const spec = kustomization.inputs.spec as { targetNamespace: string };
            const maker = makerOf(spec.targetNamespace, appPullSecretName("echo-server"));
            assert.ok(maker, "the pull Secret is made in the application's namespace");
            assertWaits(dev, kustomization, maker);
            covered.add(maker);
        }
        // Every ExternalSecret's Secret has a reader, so the check above covered them all.
        assert.deepEqual([...covered].map((r) => r.name).sort(), externalSecrets.map((r) => r.name).sort());
        assert.deepEqual(
            ["GitRepository", "ImageRepository", "ImageUpdateAutomation", "Receiver", "AlertmanagerConfig", "Provider"].map(
                (kind) => objectsOfKind(dev, kind).length,
            ),
            // Two Receivers (git push, image push); three Providers (the Flux namespace's and the
            // tenant's Alertmanager, commit status).
            [1, 1, 1, 2, 1, 3],
        );
    });
});
