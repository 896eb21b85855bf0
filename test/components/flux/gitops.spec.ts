import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { Evaluation, GITHUB_SSH_KEYS, kubernetesObjects, mockPrivateValue } from "../../../scripts/offline";
import { evaluateStack } from "../../helpers/evaluations";
import { knownHosts } from "../../../components/keys/known-hosts";
import { COMMIT_MESSAGE_TEMPLATE, imagePolicySetter, receiverWebhookPath } from "../../../components/flux/specs";
import { dockerConfigAuthsKey, dockerConfigJsonTemplate, externalSecretSpec } from "../../../components/flux/external-secret-specs";
import { WEBHOOK_TOKEN_LENGTH } from "../../../components/keys/webhook-token";
import { object, objectsOfKind, one, ofType, providerOf } from "../../helpers/resources";
import { requireSharedCrds, SHARED_CRDS } from "../../helpers/schema";

const FLUX_NS = "flux-system";
/** The application's namespace: a tenant's Flux objects live there. */
const TENANT_NS = "echo-server";

describe("the GitOps half of the dev stack", () => {
    let dev: Evaluation;
    const ssmName = (logicalName: string) => String(one(dev, "aws:ssm/parameter:Parameter", logicalName).inputs.name);

    before(async () => {
        dev = await evaluateStack("dev");
    });

    it("emits exactly the expected Kubernetes objects, with current API versions", () => {
        const objects = kubernetesObjects(dev).map((o) => {
            const m = o.metadata as { name: string; namespace?: string };
            return `${String(o.apiVersion)} ${String(o.kind)} ${m.namespace ?? "-"}/${m.name}`;
        });
        // The application is a tenant: its Flux objects, Secrets and Alerts live in its own
        // namespace with its reconciler and store; the Receivers' route, the platform's Alerts and
        // the FluxInstance in flux-system.
        assert.deepEqual(objects.sort(), [
            "external-secrets.io/v1 ClusterSecretStore -/aws-parameter-store",
            "external-secrets.io/v1 ExternalSecret echo-server/echo-server-git-ssh",
            "external-secrets.io/v1 ExternalSecret echo-server/echo-server-github-status-token",
            "external-secrets.io/v1 ExternalSecret echo-server/echo-server-gpg-signing",
            "external-secrets.io/v1 ExternalSecret echo-server/echo-server-image-receiver-token",
            "external-secrets.io/v1 ExternalSecret echo-server/echo-server-receiver-token",
            "external-secrets.io/v1 ExternalSecret echo-server/echo-server-registry",
            "external-secrets.io/v1 ExternalSecret monitoring/flux",
            "external-secrets.io/v1 SecretStore echo-server/parameters",
            "fluxcd.controlplane.io/v1 FluxInstance flux-system/flux",
            "gateway.networking.k8s.io/v1 HTTPRoute echo-server/echo-server",
            "gateway.networking.k8s.io/v1 HTTPRoute flux-system/echo-server",
            "image.toolkit.fluxcd.io/v1 ImagePolicy echo-server/echo-server",
            "image.toolkit.fluxcd.io/v1 ImageRepository echo-server/echo-server",
            "image.toolkit.fluxcd.io/v1 ImageUpdateAutomation echo-server/echo-server",
            "kustomize.toolkit.fluxcd.io/v1 Kustomization echo-server/echo-server",
            "monitoring.coreos.com/v1alpha1 AlertmanagerConfig monitoring/flux",
            "notification.toolkit.fluxcd.io/v1 Receiver echo-server/echo-server",
            "notification.toolkit.fluxcd.io/v1 Receiver echo-server/echo-server-image",
            "notification.toolkit.fluxcd.io/v1beta3 Alert echo-server/echo-server-commit-status",
            "notification.toolkit.fluxcd.io/v1beta3 Alert echo-server/error",
            "notification.toolkit.fluxcd.io/v1beta3 Alert echo-server/info",
            "notification.toolkit.fluxcd.io/v1beta3 Alert flux-system/error",
            "notification.toolkit.fluxcd.io/v1beta3 Alert flux-system/info",
            "notification.toolkit.fluxcd.io/v1beta3 Provider echo-server/alertmanager",
            "notification.toolkit.fluxcd.io/v1beta3 Provider echo-server/echo-server-commit-status",
            "notification.toolkit.fluxcd.io/v1beta3 Provider flux-system/alertmanager",
            "rbac.authorization.k8s.io/v1 RoleBinding echo-server/flux-reconciler",
            "source.toolkit.fluxcd.io/v1 GitRepository echo-server/echo-server",
            "v1 Namespace -/echo-server",
            "v1 Namespace -/monitoring",
            "v1 Secret echo-server/alertmanager-address",
            "v1 Secret flux-system/alertmanager-address",
            "v1 ServiceAccount echo-server/external-secrets-reader",
            "v1 ServiceAccount echo-server/flux-reconciler",
            "v1 ServiceAccount external-secrets/external-secrets-platform",
        ]);
        for (const r of dev.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.equal(providerOf(dev, r).name, "kubernetes", `${r.type} ${r.name} uses the stack's Kubernetes provider`);
        }
    });

    it("reads each ExternalSecret from the SSM parameter the keys half wrote", () => {
        const key = (name: string) =>
            (object(dev, "ExternalSecret", name, TENANT_NS).spec.data as { secretKey: string; remoteRef: { key: string } }[]).map(
                (d) => [d.secretKey, d.remoteRef.key],
            );
        assert.deepEqual(key("echo-server-git-ssh"), [["identity", ssmName("echo-server-deploy-key-ssm")]]);
        assert.deepEqual(key("echo-server-registry"), [["token", ssmName("ghcr-registry-token")]]);
        assert.deepEqual(key("echo-server-gpg-signing"), [["git.asc", ssmName("bot-gpg-ssm")]]);
        assert.deepEqual(key("echo-server-receiver-token"), [["token", ssmName("echo-server-receiver-token-ssm")]]);
        // A tenant's ExternalSecrets read through its SecretStore; monitoring's, the platform's store.
        for (const r of objectsOfKind(dev, "ExternalSecret")) {
            const spec = (r.inputs as Record<string, any>).spec;
            const namespace = (r.inputs.metadata as { namespace: string }).namespace;
            assert.deepEqual(
                spec.secretStoreRef,
                namespace === TENANT_NS ? { kind: "SecretStore", name: "parameters" } : { kind: "ClusterSecretStore", name: "aws-parameter-store" },
            );
            assert.equal(spec.refreshInterval, "1h");
            assert.equal(spec.target.name, (r.inputs.metadata as { name: string }).name);
        }
    });

    it("templates the git secret with identity and GitHub's known_hosts, and the registry secret as dockerconfigjson", () => {
        const git = object(dev, "ExternalSecret", "echo-server-git-ssh").spec.target.template;
        assert.equal(git.data.identity, "{{ .identity }}");
        assert.equal(git.data.known_hosts, knownHosts(GITHUB_SSH_KEYS));
        assert.match(git.data.known_hosts, /^github\.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl$/m);
        // One Secret in the tenant's namespace for Flux's ImageRepository and the pods' imagePullSecrets.
        const registry = object(dev, "ExternalSecret", "echo-server-registry", TENANT_NS).spec.target.template;
        assert.equal(registry.type, "kubernetes.io/dockerconfigjson");
        assert.equal(registry.data[".dockerconfigjson"], dockerConfigJsonTemplate("ghcr.io", "developer-friendly-bot", "token"));
        assert.equal(object(dev, "ImageRepository", "echo-server").spec.secretRef.name, "echo-server-registry");
    });

    it("renders a dockerconfigjson that is JSON once External Secrets fills in the token, whatever the token", () => {
        const template = dockerConfigJsonTemplate("ghcr.io", "bot", "token");
        // What ESO's engine does with these two expressions (printf | b64enc, sprig's toJson, which
        // is Go's json.Marshal), done by hand for known tokens; conformance/externalsecrets runs the engine.
        for (const token of ["t0k3n", 'p"a\\ss<w>rd']) {
            const rendered = template
                .replace(/\{\{ printf "%s:%s" "bot" \.token \| b64enc \}\}/, Buffer.from(`bot:${token}`).toString("base64"))
                .replace("{{ .token | toJson }}", JSON.stringify(token));
            assert.deepEqual(JSON.parse(rendered), {
                auths: { "ghcr.io": { username: "bot", password: token, auth: Buffer.from(`bot:${token}`).toString("base64") } },
            });
        }
    });

    it("keys Docker Hub credentials as Docker does, which the image-reflector-controller's keychain matches", () => {
        for (const host of ["docker.io", "index.docker.io"]) {
            assert.equal(dockerConfigAuthsKey(host), "https://index.docker.io/v1/");
            assert.match(dockerConfigJsonTemplate(host, "u", "token"), /^\{"auths":\{"https:\/\/index\.docker\.io\/v1\/":/);
        }
        for (const host of ["ghcr.io", "registry.example.com:5000", "quay.io"]) assert.equal(dockerConfigAuthsKey(host), host);
    });

    it("points the GitRepository at the repository over ssh with the git secret", () => {
        const spec = object(dev, "GitRepository", "echo-server").spec;
        assert.deepEqual(spec, {
            url: "ssh://git@github.com/developer-friendly/echo-server",
            ref: { branch: "main" },
            interval: "1m",
            timeout: "60s",
            secretRef: { name: "echo-server-git-ssh" },
        });
    });

    it("applies the dev overlay into the app namespace with prune, wait and retries, as the tenant's reconciler", () => {
        assert.deepEqual(object(dev, "Kustomization", "echo-server").spec, {
            sourceRef: { kind: "GitRepository", name: "echo-server" },
            serviceAccountName: "flux-reconciler",
            path: "./kustomize/overlays/dev",
            targetNamespace: "echo-server",
            prune: true,
            wait: true,
            interval: "5m",
            retryInterval: "2m",
            timeout: "3m",
        });
    });

    it("scans the image with the registry secret and picks the highest numerical tag", () => {
        assert.deepEqual(object(dev, "ImageRepository", "echo-server").spec, {
            image: "ghcr.io/developer-friendly/echo-server",
            // A fallback: pushes reach it through the image Receiver (Pulumi.dev.yaml).
            interval: "10m",
            provider: "generic",
            secretRef: { name: "echo-server-registry" },
            exclusionList: ["^.*\\.sig$"],
        });
        assert.deepEqual(object(dev, "ImagePolicy", "echo-server").spec, {
            imageRepositoryRef: { name: "echo-server" },
            filterTags: { pattern: "^[0-9]+$" },
            policy: { numerical: { order: "asc" } },
        });
    });

    it("signs image update commits with the bot's GPG key and pushes to the branch", () => {
        assert.deepEqual(object(dev, "ImageUpdateAutomation", "echo-server").spec, {
            sourceRef: { kind: "GitRepository", name: "echo-server" },
            interval: "10m",
            git: {
                checkout: { ref: { branch: "main" } },
                commit: {
                    author: { name: "Developer Friendly Bot", email: "bot@developer-friendly.blog" },
                    signingKey: { secretRef: { name: "echo-server-gpg-signing" } },
                    messageTemplate: COMMIT_MESSAGE_TEMPLATE,
                },
                push: { branch: "main" },
            },
            update: { path: "./kustomize/overlays/dev", strategy: "Setters" },
        });
        assert.match(COMMIT_MESSAGE_TEMPLATE, /\.Changed\.FileChanges/);
        assert.match(COMMIT_MESSAGE_TEMPLATE, /\.Changed\.Changes/);
        assert.doesNotMatch(COMMIT_MESSAGE_TEMPLATE, /\.Updated/);
        assert.match(COMMIT_MESSAGE_TEMPLATE, /\[skip ci\]\n$/);
    });

    it("resolves every reference to an object in the graph", () => {
        const names = (kind: string) => objectsOfKind(dev, kind).map((r) => (r.inputs.metadata as { name: string }).name);
        // The Secrets the tenant's Flux objects read: those made in its namespace.
        const secretTargets = objectsOfKind(dev, "ExternalSecret")
            .filter((r) => (r.inputs.metadata as { namespace: string }).namespace === TENANT_NS)
            .map((r) => (r.inputs as Record<string, any>).spec.target.name as string);
        const refs: [string, string, string[]][] = [
            ["GitRepository secretRef", object(dev, "GitRepository", "echo-server").spec.secretRef.name, secretTargets],
            ["ImageRepository secretRef", object(dev, "ImageRepository", "echo-server").spec.secretRef.name, secretTargets],
            ["signingKey", object(dev, "ImageUpdateAutomation", "echo-server").spec.git.commit.signingKey.secretRef.name, secretTargets],
            ["Receiver secretRef", object(dev, "Receiver", "echo-server").spec.secretRef.name, secretTargets],
            ["Kustomization sourceRef", object(dev, "Kustomization", "echo-server").spec.sourceRef.name, names("GitRepository")],
            ["automation sourceRef", object(dev, "ImageUpdateAutomation", "echo-server").spec.sourceRef.name, names("GitRepository")],
            ["imageRepositoryRef", object(dev, "ImagePolicy", "echo-server").spec.imageRepositoryRef.name, names("ImageRepository")],
            ["Receiver resource", object(dev, "Receiver", "echo-server").spec.resources[0].name, names("GitRepository")],
        ];
        for (const [what, ref, candidates] of refs) assert.ok(candidates.includes(ref), `${what} "${ref}" resolves`);
        // Every Flux object of the application and the Secrets they read live in its namespace: no
        // cross-namespace reference, which the lockdown refuses.
        for (const kind of ["GitRepository", "Kustomization", "ImageRepository", "ImagePolicy", "ImageUpdateAutomation", "Receiver"]) {
            for (const r of objectsOfKind(dev, kind)) assert.equal((r.inputs.metadata as { namespace: string }).namespace, TENANT_NS);
        }
        for (const name of secretTargets.filter((t) => t.startsWith("echo-server-"))) {
            assert.equal(object(dev, "ExternalSecret", name, TENANT_NS).metadata.namespace, TENANT_NS);
        }
    });

    it("seeds an overlay whose setter marker names exactly the ImagePolicy of the graph", () => {
        const overlay = one(dev, "github:index/repositoryFile:RepositoryFile", "echo-server-manifests-kustomize-overlays-dev-kustomization-yaml");
        const policy = object(dev, "ImagePolicy", "echo-server");
        const marker = imagePolicySetter({ name: policy.metadata.name, namespace: policy.metadata.namespace });
        assert.equal(marker, '{"$imagepolicy": "echo-server:echo-server:tag"}');
        assert.match(String(overlay.inputs.content), /^ {4}newTag: latest # \{"\$imagepolicy": "echo-server:echo-server:tag"\}$/m);
        assert.equal(overlay.inputs.file, "kustomize/overlays/dev/kustomization.yaml");
        assert.equal(overlay.inputs.overwriteOnCreate, false);
        assert.equal(providerOf(dev, overlay).name, "github-org");
        assert.deepEqual(
            ofType(dev, "github:index/repositoryFile:RepositoryFile").map((f) => f.inputs.file).sort(),
            [
                "kustomize/base/deployment.yaml",
                "kustomize/base/kustomization.yaml",
                "kustomize/base/service.yaml",
                "kustomize/overlays/dev/kustomization.yaml",
            ],
        );
    });

    it("serves the Receiver for the repository's push and ping events behind an unguessable host with HSTS", () => {
        assert.deepEqual(object(dev, "Receiver", "echo-server").spec, {
            type: "github",
            events: ["ping", "push"],
            secretRef: { name: "echo-server-receiver-token" },
            resources: [{ apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", name: "echo-server" }],
        });
        const subdomain = one(dev, "random:index/randomString:RandomString", "echo-server-receiver-subdomain");
        assert.deepEqual(subdomain.inputs, { length: 20, special: false, upper: false });
        const route = object(dev, "HTTPRoute", "echo-server", FLUX_NS);
        assert.equal(route.metadata.namespace, FLUX_NS);
        assert.deepEqual(route.spec.hostnames, [dev.outputs.receiverHostname]);
        assert.match(String(dev.outputs.receiverHostname), /^[a-z0-9]+\.dev\.developer-friendly\.blog$/);
        assert.deepEqual(route.spec.parentRefs, [
            { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gateway", namespace: "gateway", sectionName: "https" },
        ]);
        assert.deepEqual(route.spec.rules[0].backendRefs, [{ name: "webhook-receiver", port: 80 }]);
        assert.deepEqual(route.spec.rules[0].matches, [{ path: { type: "PathPrefix", value: "/hook/" } }]);
        assert.deepEqual(route.spec.rules[0].filters[0].responseHeaderModifier.set, [
            { name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" },
        ]);
    });

    it("routes the app's hostname to its Service with HSTS", () => {
        const route = objectsOfKind(dev, "HTTPRoute").find((r) => (r.inputs.metadata as { namespace: string }).namespace === "echo-server");
        assert.ok(route);
        const spec = (route.inputs as Record<string, any>).spec;
        assert.deepEqual(spec.hostnames, ["echo-server.dev.developer-friendly.blog"]);
        assert.deepEqual(spec.rules[0].backendRefs, [{ name: "echo-server", port: 8080 }]);
        assert.equal(spec.rules[0].filters[0].responseHeaderModifier.set[0].name, "Strict-Transport-Security");
    });

    it("computes the webhook path exactly as notification-controller does", () => {
        // echo -n "<token>echo-serverflux-system" | sha256sum
        assert.equal(
            receiverWebhookPath("s3cr3t-token-0123456789abcdefghijklmn", { name: "echo-server", namespace: "flux-system" }),
            "/hook/5f50ae6042f166404cc55806dc6c1497e432d4b5290c9dab13be7fe5f0a1b3f6",
        );
    });

    it("gives the GitHub webhook the Receiver's URL and the same token the Receiver reads", () => {
        const webhook = one(dev, "github:index/repositoryWebhook:RepositoryWebhook", "echo-server-receiver");
        const token = mockPrivateValue("password", "echo-server-receiver-token").padEnd(WEBHOOK_TOKEN_LENGTH, "x");
        // The Receiver's Secret comes from the SSM parameter that holds the same random token.
        const receiverSecret = object(dev, "ExternalSecret", "echo-server-receiver-token");
        const parameter = ofType(dev, "aws:ssm/parameter:Parameter").find(
            (p) => p.inputs.name === receiverSecret.spec.data[0].remoteRef.key,
        );
        assert.equal(parameter?.inputs.value, token);
        // The digest names the Receiver's namespace: the tenant's.
        const expectedUrl = `https://${String(dev.outputs.receiverHostname)}${receiverWebhookPath(token, { name: "echo-server", namespace: TENANT_NS })}`;
        assert.deepEqual(webhook.inputs, {
            repository: "echo-server",
            active: true,
            events: ["ping", "push"],
            configuration: { url: expectedUrl, contentType: "json", insecureSsl: false, secret: token },
        });
        assert.equal(providerOf(dev, webhook).name, "github-org");
        assert.equal(dev.outputs.webhookUrl, expectedUrl);
        assert.ok(dev.secretOutputs.includes("webhookUrl"));
    });

    it("puts no secret value into any Kubernetes object", () => {
        const text = JSON.stringify(kubernetesObjects(dev));
        assert.ok(dev.secretValues.length >= 5);
        for (const secret of dev.secretValues) assert.ok(!text.includes(secret), `a Kubernetes object contains ${secret}`);
    });

    it("uses a fixed receiver hostname when one is configured, and no random subdomain", async () => {
        const fixed = await evaluateStack("dev", { receiverHostname: "hooks.example.com" });
        assert.equal(ofType(fixed, "random:index/randomString:RandomString").length, 0);
        assert.deepEqual(object(fixed, "HTTPRoute", "echo-server", FLUX_NS).spec.hostnames, ["hooks.example.com"]);
        assert.match(String(fixed.outputs.webhookUrl), /^https:\/\/hooks\.example\.com\/hook\/[0-9a-f]{64}$/);
    });

    it("leaves out image automation and its write access when it is disabled", async () => {
        const off = await evaluateStack("dev", { imageAutomation: "false" });
        for (const kind of ["ImageRepository", "ImagePolicy", "ImageUpdateAutomation"]) {
            assert.equal(objectsOfKind(off, kind).length, 0, kind);
        }
        // Flux reads neither the registry token nor the GPG key then: no signing Secret. The pods
        // still pull the private image with the registry Secret of the app's namespace.
        const names = objectsOfKind(off, "ExternalSecret").map((r) => {
            const metadata = r.inputs.metadata as { name: string; namespace: string };
            return `${metadata.namespace}/${metadata.name}`;
        });
        assert.deepEqual(names.sort(), [
            "echo-server/echo-server-git-ssh",
            "echo-server/echo-server-github-status-token",
            "echo-server/echo-server-receiver-token",
            "echo-server/echo-server-registry",
            "monitoring/flux",
        ]);
    });

    it("adds the passphrase to the signing Secret when the key has one", async () => {
        const withPassphrase = await evaluateStack("dev", { "flux-gitops:gpgPassphrase": { secret: "correct horse" } });
        const data = object(withPassphrase, "ExternalSecret", "echo-server-gpg-signing").spec.data;
        assert.deepEqual(data, [
            { secretKey: "git.asc", remoteRef: { key: "/github/gpg-keys/developer-friendly-bot" } },
            { secretKey: "passphrase", remoteRef: { key: "/github/gpg-keys/developer-friendly-bot-passphrase" } },
        ]);
    });

    it("does not seed manifests when seeding is switched off", async () => {
        const noSeed = await evaluateStack("dev", { seedManifests: "false" });
        assert.equal(ofType(noSeed, "github:index/repositoryFile:RepositoryFile").length, 0);
    });
});

describe("image automation branches and tag extraction, through the stack", () => {
    let defaults: Evaluation;
    let configured: Evaluation;

    before(async () => {
        defaults = await evaluateStack("dev", { branch: "develop" });
        configured = await evaluateStack("dev", {
            pushBranch: "flux-image-updates",
            tagPattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)$",
            tagExtract: "$ts",
        });
    });

    it("pushes image updates to the checked-out branch when pushBranch is unset", () => {
        const git = object(defaults, "ImageUpdateAutomation", "echo-server").spec.git;
        assert.deepEqual(git.checkout, { ref: { branch: "develop" } });
        assert.deepEqual(git.push, { branch: "develop" });
    });

    it("pushes image updates to pushBranch when it is set, still checking out branch", () => {
        // image-automation-controller: spec.git.push.branch differs from checkout → it pushes
        // there (creating it from the checkout), e.g. for a pull-request flow.
        const git = object(configured, "ImageUpdateAutomation", "echo-server").spec.git;
        assert.deepEqual(git.checkout, { ref: { branch: "main" } });
        assert.deepEqual(git.push, { branch: "flux-image-updates" });
    });

    it("hands tagExtract to the ImagePolicy's filterTags.extract, beside the pattern", () => {
        assert.deepEqual(object(configured, "ImagePolicy", "echo-server").spec.filterTags, {
            pattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)$",
            extract: "$ts",
        });
        // Unset, Flux orders the whole tag: no extract field at all.
        assert.deepEqual(object(defaults, "ImagePolicy", "echo-server").spec.filterTags, {
            pattern: "^[0-9]+$",
        });
    });
});

describe("ExternalSecret ownership and deletion", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });

    it("keeps the Secret when its SSM parameter disappears (deletionPolicy Retain), and owns it (creationPolicy Owner)", () => {
        // ESO v1 ExternalSecretTarget: creationPolicy Owner|Orphan|Merge|None; deletionPolicy
        // Delete|Merge|Retain: what happens to the Secret when the provider's values are gone
        // (external-secrets.io guides/ownership-deletion-policy). Retain: a parameter replaced
        // delete-before-create (stored-secret.ts) must not take Flux's credentials with it for a
        // refresh interval. Owner: deleting the ExternalSecret garbage-collects the Secret.
        const targets = objectsOfKind(dev, "ExternalSecret").map(
            (r) => (r.inputs.spec as { target: Record<string, unknown> }).target,
        );
        // An application's six (git, registry for Flux and its pods alike, signing, two receiver
        // tokens, commit status), and monitoring's.
        assert.equal(targets.length, 7);
        for (const target of targets) {
            assert.equal(target.creationPolicy, "Owner");
            assert.equal(target.deletionPolicy, "Retain");
        }
    });

    it("uses policy values the served CRD accepts", function () {
        const file = path.join(SHARED_CRDS, "external-secrets.io_externalsecrets.yaml");
        requireSharedCrds("the CRD check");
        const crd = YAML.parse(fs.readFileSync(file, "utf8")) as {
            spec: {
                versions: {
                    name: string;
                    schema: {
                        openAPIV3Schema: {
                            properties: {
                                spec: {
                                    properties: {
                                        target: { properties: Record<string, { enum: string[] }> };
                                    };
                                };
                            };
                        };
                    };
                }[];
            };
        };
        const v1 = crd.spec.versions.find((v) => v.name === "v1");
        assert.ok(v1, "external-secrets.io/v1 is served");
        const target = v1.schema.openAPIV3Schema.properties.spec.properties.target.properties;
        assert.deepEqual(target.deletionPolicy.enum, ["Delete", "Merge", "Retain"]);
        assert.ok(target.creationPolicy.enum.includes("Owner"));
    });

    it("builds a plain ExternalSecret with no template, and a typed one with an ESO v2 template", () => {
        const values = [{ secretKey: "token", parameterName: "/x/token" }];
        assert.deepEqual(
            externalSecretSpec({
                store: { kind: "ClusterSecretStore", name: "aws-ssm" },
                refreshInterval: "1h",
                targetName: "t",
                values,
            }),
            {
                refreshInterval: "1h",
                secretStoreRef: { kind: "ClusterSecretStore", name: "aws-ssm" },
                target: { name: "t", creationPolicy: "Owner", deletionPolicy: "Retain" },
                data: [{ secretKey: "token", remoteRef: { key: "/x/token" } }],
            },
        );
        const targetWith = (extra: { type?: string; templateData?: Record<string, string> }) =>
            (externalSecretSpec({ store: { kind: "SecretStore", name: "s" }, refreshInterval: "1h", targetName: "t", values, ...extra }) as { target: unknown }).target;
        assert.deepEqual(targetWith({ type: "kubernetes.io/dockerconfigjson" }), {
            name: "t",
            creationPolicy: "Owner",
            deletionPolicy: "Retain",
            template: { engineVersion: "v2", type: "kubernetes.io/dockerconfigjson" },
        });
        assert.deepEqual(targetWith({ templateData: { a: "{{ .token }}" } }), {
            name: "t",
            creationPolicy: "Owner",
            deletionPolicy: "Retain",
            template: { engineVersion: "v2", data: { a: "{{ .token }}" } },
        });
    });
});
