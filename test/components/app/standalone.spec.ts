/**
 * The application's components, each used on its own (built under Pulumi's mocks, without the
 * composition root): what each registers, with which inputs, and what it waits for when the
 * optional arguments a stack passes (`fluxReady`, `secretStoreReady`, `seed`, a registry) are left
 * out. `dependencies` are the URNs of the RegisterResourceRequest: what the engine makes a resource wait for.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AppManifests, AppManifestsArgs } from "../../../components/app/app-manifests";
import { FluxApplication, FluxApplicationArgs } from "../../../components/app/flux-application";
import { fluxObjectNames } from "../../../components/flux/names";
import { marker, one, record, recordState, valueOf, waitsFor } from "../../helpers/record";
import { EXTERNAL_SECRET, FILE, GIT_REPOSITORY, HTTP_ROUTE, IMAGE_REPOSITORY, KUSTOMIZATION, NAMESPACE, TENANT_STORE } from "../../helpers/types";
import { TENANT_LABEL } from "../../../components/tenancy/tenant";

describe("the application's components on their own", () => {
    describe("AppManifests", () => {
        const args = (overlayPath: string, extra: Partial<AppManifestsArgs> = {}): AppManifestsArgs => ({
            repository: "echo-server",
            branch: "main",
            appName: "echo-server",
            image: "ghcr.io/developer-friendly/echo-server",
            port: 8080,
            overlayPath,
            imagePolicy: { name: "echo-server", namespace: "flux-system" },
            commitAuthor: "Bot",
            commitEmail: "bot@example.com",
            ...extra,
        });

        it("commits each file with a message naming it, skipped by CI", async () => {
            const files = (await record(() => new AppManifests("m", args("./kustomize/overlays/dev")))).filter((r) => r.type === FILE);
            assert.equal(files.length, 4);
            for (const f of files) assert.equal(f.inputs.commitMessage, `chore(flux): add ${String(f.inputs.file)} [skip ci]`);
        });

        it("names each file's resource after its path, a run of other characters than letters and digits becoming one dash", async () => {
            const files = (await record(() => new AppManifests("m", args("kustomize/overlays/eu--west")))).filter((r) => r.type === FILE);
            assert.deepEqual(files.map((f) => f.name).sort(), [
                "m-kustomize-base-deployment-yaml",
                "m-kustomize-base-kustomization-yaml",
                "m-kustomize-base-service-yaml",
                "m-kustomize-overlays-eu-west-kustomization-yaml",
            ]);
        });
    });

    describe("FluxApplication", () => {
        const ref = (name: string, version: number) => ({ name, version });
        const args = (extra: Partial<FluxApplicationArgs> = {}, image: Partial<FluxApplicationArgs["image"]> = {}): FluxApplicationArgs => ({
            owner: "developer-friendly",
            repository: "echo",
            branch: "main",
            stack: "dev",
            namespace: "echo",
            overlayPath: "./kustomize/overlays/dev",
            port: 8080,
            hostname: "echo.example.com",
            image: {
                repository: "ghcr.io/developer-friendly/echo",
                registryHost: "ghcr.io",
                policy: { policy: "semver", order: "asc", semverRange: ">=0.1.0" },
                automation: true,
                pushBranch: "main",
                ...image,
            },
            bot: {
                name: "Bot",
                email: "bot@example.com",
                gpgKey: marker("bot-gpg"),
                gpgKeyParameter: ref("/bot/gpg-key", 1),
                githubTokenParameter: ref("/bot/github-token", 1),
            },
            flux: {
                namespace: "flux-system",
                gitInterval: "1m",
                gitTimeout: "1m",
                kustomizationInterval: "5m",
                kustomizationRetryInterval: "1m",
                kustomizationTimeout: "3m",
                imageInterval: "5m",
                imageUpdateInterval: "5m",
                clusterSecretStore: "aws-parameter-store",
                externalSecretRefreshInterval: "1h",
                suspendLegacyKustomizations: false,
                knownHosts: "github.com ssh-ed25519 AAAA",
            },
            ssm: { deployKey: "/github/echo/deploy-key", webhookToken: "/github/echo/receiver-token", imageWebhookToken: "/github/echo/image-receiver-token" },
            receiver: { baseDomain: "example.com" },
            gateway: { name: "gateway", namespace: "gateway" },
            protectKeys: false,
            ...extra,
        });
        // The outputs the providers compute: a parameter's ARN and version, the key's public half.
        const computed = (type: string, inputs: Record<string, unknown>): Record<string, unknown> =>
            ({
                "aws:ssm/parameter:Parameter": { version: 1, arn: `arn:aws:ssm:eu-west-1:123456789012:parameter${String(inputs.name)}` },
                "tls:index/privateKey:PrivateKey": { publicKeyOpenssh: "ssh-ed25519 AAAA flux" },
            })[type] ?? {};
        const build = (applicationArgs: FluxApplicationArgs) => {
            const built: { app?: FluxApplication } = {};
            const registered = record(() => {
                built.app = new FluxApplication("echo", applicationArgs);
            }, { computed });
            return registered.then((r) => ({ registered: r, app: built.app! }));
        };

        it("alone (no Flux nor store installed, nothing seeded): the ExternalSecrets wait only for their parameters, Flux's source for its key, Secrets and the application's namespace", async () => {
            const { registered } = await build(args());
            assert.deepEqual(waitsFor(one(registered, EXTERNAL_SECRET, "echo-secrets-git-ssh")), ["echo-deploy-key-ssm"]);
            assert.deepEqual(waitsFor(one(registered, EXTERNAL_SECRET, "echo-secrets-gpg-signing")), []);
            // The namespace comes first for every application (a tenant's Flux objects live in it).
            assert.deepEqual(waitsFor(one(registered, GIT_REPOSITORY, "echo-source")), [
                "echo-deploy-key",
                "echo-deploy-key-key",
                "echo-deploy-key-ssm",
                "echo-namespace",
                "echo-secrets-git-ssh",
                "echo-secrets-github-status-token",
                "echo-secrets-gpg-signing",
                "echo-secrets-image-receiver-token",
                "echo-secrets-receiver-token",
            ]);
            assert.equal(registered.filter((r) => r.type === FILE).length, 0);
            // A public image has no pull Secret: the workload waits for its source and namespace only.
            assert.deepEqual(waitsFor(one(registered, KUSTOMIZATION, "echo-kustomization")), ["echo-namespace", "echo-source"]);
        });

        it("makes a platform application's source wait for Flux's registry Secret, and only its workload for the pods' pull Secret", async () => {
            const registry = { host: "ghcr.io", username: "bot", tokenParameter: ref("/github/echo/ghcr-token", 1) };
            const { registered } = await build(args({}, { registry }));
            const source = waitsFor(one(registered, GIT_REPOSITORY, "echo-source"));
            assert.ok(source.includes("echo-secrets-registry"), source.join(", "));
            // The pods' pull Secret is in the application's namespace: Flux's source does not read it.
            assert.ok(!source.includes("echo-pull-secret"), source.join(", "));
            assert.ok(waitsFor(one(registered, KUSTOMIZATION, "echo-kustomization")).includes("echo-pull-secret"));
        });

        const tenancy = { region: "eu-west-1", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc", sharedParameterArns: [], suspendLegacyKustomization: false };

        it("as a tenant alone (no store installed): its SecretStore waits for its namespace and its reader role only", async () => {
            const { registered } = await build(args({ tenancy }));
            assert.deepEqual(waitsFor(one(registered, TENANT_STORE, "echo-tenant-store")), ["echo-namespace", "echo-tenant-secrets-reader"]);
        });

        it("labels a tenant's objects as the tenant's, with or without the caller's own transformations", async () => {
            const label = (registered: Awaited<ReturnType<typeof record>>) =>
                (one(registered, NAMESPACE, "echo-namespace").inputs.metadata as { labels?: Record<string, string> }).labels;
            for (const opts of [undefined, {}]) {
                const registered = await record(() => new FluxApplication("echo", args({ tenancy }), opts), { computed });
                assert.deepEqual(label(registered), { [TENANT_LABEL]: "echo" }, `with options ${JSON.stringify(opts)}`);
            }
        });

        it("makes the ExternalSecrets wait for Flux and the store, and Flux's source for Flux and the seeded files", async () => {
            const { registered } = await build(
                args({ fluxReady: [marker("flux")], secretStoreReady: [marker("store")], seed: { existingFiles: [] } }),
            );
            assert.deepEqual(waitsFor(one(registered, EXTERNAL_SECRET, "echo-secrets-gpg-signing")), ["flux", "store"]);
            const source = waitsFor(one(registered, GIT_REPOSITORY, "echo-source"));
            assert.ok(source.includes("flux"), `the GitRepository waits for ${source.join(", ")}`);
            assert.ok(!source.includes("store"));
            const files = registered.filter((r) => r.type === FILE).map((f) => f.name);
            assert.equal(files.length, 4);
            for (const file of files) assert.ok(source.includes(file), `the GitRepository does not wait for ${file}`);
        });

        it("routes the application only once its namespace exists", async () => {
            const { registered } = await build(args());
            assert.deepEqual(waitsFor(one(registered, HTTP_ROUTE, "echo-route")), ["echo-namespace"]);
            assert.deepEqual(one(registered, NAMESPACE, "echo-namespace").inputs.metadata, { name: "echo" });
        });

        it("scans a public image anonymously, a private one with the registry's pull Secret", async () => {
            const spec = async (registry?: FluxApplicationArgs["image"]["registry"]) =>
                one((await build(args({}, { registry }))).registered, IMAGE_REPOSITORY, "echo-images-repository").inputs.spec as Record<string, unknown>;
            assert.equal("secretRef" in (await spec()), false);
            const pull = await spec({ host: "ghcr.io", username: "bot", tokenParameter: ref("/github/echo/ghcr-token", 1) });
            assert.deepEqual(pull.secretRef, { name: fluxObjectNames("echo").registrySecret });
        });

        it("outputs the application's URL and, without image automation, the ARNs of its two parameters", async () => {
            const { app } = await build(args({}, { automation: false }));
            assert.equal(await valueOf(app.appUrl), "https://echo.example.com");
            assert.deepEqual(await valueOf(pulumi.all(app.parameterArns)), [
                "arn:aws:ssm:eu-west-1:123456789012:parameter/github/echo/deploy-key",
                "arn:aws:ssm:eu-west-1:123456789012:parameter/github/echo/receiver-token",
            ]);
            assert.equal(app.imageReceiverType, undefined);
        });

        it("records its outputs in the state", async () => {
            const { outputs } = await recordState(() => new FluxApplication("echo", args()), { computed });
            const state = outputs.get("flux-gitops:app:FluxApplication::echo");
            assert.ok(state, "FluxApplication registered no outputs");
            assert.deepEqual(Object.keys(state).sort(), [
                "appUrl",
                "deployKeyId",
                "deployKeyPublicKey",
                "imageWebhookUrl",
                "parameterArns",
                "receiverHostname",
                "ssmParameters",
                "webhookUrl",
            ]);
            assert.equal(state.appUrl, "https://echo.example.com");
        });
    });
});
