import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import * as YAML from "yaml";
import { words } from "../common";
import {
    fluxApiCurrent,
    imageAutomationSigned,
    imagePolicyFiltered,
    kustomizationPrune,
    REMOVED_VERSIONS,
    SERVED_VERSIONS,
} from "../flux";
import { httpRouteHsts } from "../gateway";
import { helmChartPinned, isExactVersion } from "../install";
import {
    deployKeyLeastPrivilege,
    githubRepository,
    keyStrength,
    noPlaintextSecretOutputs,
    ssmSecureString,
} from "../keys";
import { policies } from "../policies";
import {
    AUTHENTICATED_RECEIVER_TYPES,
    githubWebhookEvents,
    githubWebhookTls,
    receiverAuthenticated,
} from "../webhooks";
import { loadCrdSchemas, SHARED_CRDS } from "../../test/schema";
import { FakeResource, isStackPolicy, runResourcePolicy, runStackPolicy, urnOf } from "./harness";

const k8s = (apiVersion: string, kind: string, name: string, spec: Record<string, unknown>, namespace = "flux-system"): FakeResource => ({
    type: `kubernetes:${apiVersion}:${kind}`,
    name: `${name}-${kind.toLowerCase()}`,
    props: { apiVersion, kind, metadata: { name, namespace }, spec },
});

describe("policy pack", () => {
    it("has the thirteen policies, kebab-case, each described with remediation, mandatory unless advisory by design", () => {
        const all = policies();
        assert.deepEqual(
            all.map((p) => [p.name, p.enforcementLevel, isStackPolicy(p) ? "stack" : "resource"]),
            [
                ["ssm-secure-string", "mandatory", "resource"],
                ["github-webhook-tls", "mandatory", "resource"],
                ["github-webhook-events", "advisory", "resource"],
                ["deploy-key-least-privilege", "mandatory", "stack"],
                ["key-strength", "mandatory", "resource"],
                ["flux-api-current", "mandatory", "resource"],
                ["image-policy-filtered", "mandatory", "resource"],
                ["image-automation-signed", "mandatory", "resource"],
                ["receiver-authenticated", "mandatory", "resource"],
                ["httproute-hsts", "mandatory", "resource"],
                ["kustomization-prune", "mandatory", "resource"],
                ["helm-chart-pinned", "mandatory", "resource"],
                ["no-plaintext-secret-outputs", "mandatory", "stack"],
            ],
        );
        for (const p of all) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.match(p.description, /^[A-Z][^.]*\.$/, `${p.name}: one sentence`);
            assert.ok(p.remediationSteps && p.remediationSteps.length > 20, `${p.name}: remediation`);
        }
    });

    it("describes each policy and its remediation word for word (what the CLI prints beside a violation)", () => {
        assert.deepEqual(
            policies().map((p) => [p.name, p.description, p.remediationSteps]),
            [
                [
                    "ssm-secure-string",
                    "An SSM parameter that holds a key, token or webhook URL is a SecureString.",
                    'Set `type: "SecureString"` on the aws.ssm.Parameter (the StoredSecret component does).',
                ],
                [
                    "github-webhook-tls",
                    "A GitHub repository webhook uses https, keeps insecure_ssl false and has a secret.",
                    "Point the webhook at an https:// URL, leave `insecureSsl` false and set `secret` to the receiver's token.",
                ],
                [
                    "github-webhook-events",
                    "A GitHub repository webhook subscribes only to the events its Flux receiver handles.",
                    "Subscribe the webhook to the receiver's events only (push and ping for a GitRepository receiver).",
                ],
                [
                    "deploy-key-least-privilege",
                    "A deploy key has write access only to a repository that an ImageUpdateAutomation in the stack pushes to.",
                    "Set `readOnly: true` on the deploy key, or add the ImageUpdateAutomation that needs to push.",
                ],
                [
                    "key-strength",
                    "Deploy keys are ED25519 or RSA of at least the configured bits, and GPG keys ed25519 or RSA of at least 3072 bits.",
                    'Use `algorithm: "ED25519"` for tls.PrivateKey and `gpgAlgorithm: ed25519` (or rsa3072/rsa4096) in the stack config.',
                ],
                [
                    "flux-api-current",
                    "Flux, External Secrets and Gateway API objects use API versions that current releases serve.",
                    "Move the object to the version named in the message; see the project's release notes for field changes.",
                ],
                [
                    "image-policy-filtered",
                    "An ImagePolicy with numerical or alphabetical order has a filterTags pattern.",
                    "Set `spec.filterTags.pattern` (and `extract` if needed) to the tags the policy should compare, e.g. ^[0-9]+$.",
                ],
                [
                    "image-automation-signed",
                    "An ImageUpdateAutomation signs the commits it pushes.",
                    "Set `spec.git.commit.signingKey.secretRef.name` to the Secret with `git.asc` (the GPG key ExternalSecret).",
                ],
                [
                    "receiver-authenticated",
                    "A Flux Receiver of a type that supports authentication has a secretRef.",
                    "Set `spec.secretRef.name` to the Secret whose `token` the webhook sender also holds.",
                ],
                [
                    "httproute-hsts",
                    "An HTTPRoute sets the Strict-Transport-Security response header.",
                    "Add a ResponseHeaderModifier filter that sets Strict-Transport-Security: max-age=31536000; includeSubDomains.",
                ],
                [
                    "kustomization-prune",
                    "A Flux Kustomization prunes the objects that were removed from its source.",
                    "Set `spec.prune: true` on the Kustomization.",
                ],
                [
                    "helm-chart-pinned",
                    "A Helm release pins an exact chart version, not a range or none.",
                    "Set the release's chart version to one exact release (e.g. 82.8.0) and upgrade it deliberately.",
                ],
                [
                    "no-plaintext-secret-outputs",
                    "Stack outputs whose names suggest keys, tokens or passwords are secret.",
                    "Export the value with pulumi.secret() (or not at all) and list it in the policy's secretOutputs config.",
                ],
            ],
        );
    });
});

describe("policy/config.example.json", () => {
    it("sets only known policies and keys, each valid against the policy's config schema", () => {
        const example = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "config.example.json"), "utf8")) as Record<string, Record<string, unknown>>;
        const byName = new Map(policies().map((p) => [p.name, p]));
        const ajv = new Ajv({ strict: false });
        for (const [name, config] of Object.entries(example)) {
            const policy = byName.get(name);
            assert.ok(policy, `${name} is not a policy`);
            const properties = { ...policy.configSchema?.properties, enforcementLevel: { enum: ["advisory", "mandatory", "disabled"] } };
            const validate = ajv.compile({ type: "object", properties, additionalProperties: false });
            assert.ok(validate(config), `${name}: ${ajv.errorsText(validate.errors)}`);
        }
    });
});

describe("ssm-secure-string", () => {
    const policy = ssmSecureString();
    const parameter = (name: string, type: string, value = "x"): FakeResource => ({
        type: "aws:ssm/parameter:Parameter",
        name: "p",
        props: { name, type, value },
    });

    it("rejects a key, token or webhook URL stored as String", async () => {
        assert.deepEqual(await runResourcePolicy(policy, parameter("/github/echo-server/deploy-key", "String")), [
            'SSM parameter "/github/echo-server/deploy-key" holds a key, token or webhook URL but its type is "String": use "SecureString" so that it is encrypted with KMS.',
        ]);
        assert.equal((await runResourcePolicy(policy, parameter("/github/echo-server/ghcr-token", "StringList"))).length, 1);
        assert.equal((await runResourcePolicy(policy, parameter("/flux/slack-webhook-url", "String"))).length, 1);
    });

    it("recognises private material by its value whatever the parameter is called", async () => {
        assert.deepEqual(
            await runResourcePolicy(policy, parameter("/app/settings", "String", "https://hooks.slack.com/services/T0/B0/x")),
            ['SSM parameter "/app/settings" holds a key, token or webhook URL but its type is "String": use "SecureString" so that it is encrypted with KMS.'],
        );
        assert.equal(
            (await runResourcePolicy(policy, parameter("/app/identity", "String", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc"))).length,
            1,
        );
    });

    it("accepts a SecureString and a plain setting", async () => {
        assert.deepEqual(await runResourcePolicy(policy, parameter("/github/echo-server/deploy-key", "SecureString")), []);
        assert.deepEqual(await runResourcePolicy(policy, parameter("/app/replicas", "String", "3")), []);
    });

    it("takes the sensitive words from the pack config", async () => {
        const custom = { sensitiveWords: ["replicas"] };
        assert.equal((await runResourcePolicy(policy, parameter("/app/replicas", "String", "3"), custom)).length, 1);
        assert.deepEqual(await runResourcePolicy(policy, parameter("/github/echo-server/deploy-key", "String"), custom), []);
    });
});

describe("github-webhook-tls", () => {
    const policy = githubWebhookTls();
    const webhook = (configuration: Record<string, unknown>): FakeResource => ({
        type: "github:index/repositoryWebhook:RepositoryWebhook",
        name: "echo-server-webhook",
        props: { repository: "echo-server", events: ["push", "ping"], active: true, configuration },
    });
    const good = { url: "https://r1.example.com/hook/abc", contentType: "json", insecureSsl: false, secret: "token" };

    it("accepts an https webhook with TLS verification and a secret", async () => {
        assert.deepEqual(await runResourcePolicy(policy, webhook(good)), []);
    });

    it("reports http, insecure_ssl and a missing secret, without printing the URL", async () => {
        assert.deepEqual(await runResourcePolicy(policy, webhook({ ...good, url: "http://r1.example.com/hook/abc", insecureSsl: true, secret: "" })), [
            'GitHub webhook "echo-server-webhook" does not send to an https:// URL: payloads and their signature would travel in clear text.',
            'GitHub webhook "echo-server-webhook" sets insecure_ssl: GitHub would not verify the receiver\'s certificate.',
            'GitHub webhook "echo-server-webhook" has no secret: GitHub cannot sign its payloads, so the receiver cannot verify them.',
        ]);
        const { secret: _secret, ...withoutSecret } = good;
        assert.deepEqual(await runResourcePolicy(policy, webhook(withoutSecret)), [
            'GitHub webhook "echo-server-webhook" has no secret: GitHub cannot sign its payloads, so the receiver cannot verify them.',
        ]);
    });
});

describe("github-webhook-events (advisory)", () => {
    const policy = githubWebhookEvents();
    const webhook = (events: string[]): FakeResource => ({
        type: "github:index/repositoryWebhook:RepositoryWebhook",
        name: "echo-server-webhook",
        props: { events },
    });

    it("accepts push and ping, and package (the image Receiver's ghcr.io pushes)", async () => {
        assert.deepEqual(await runResourcePolicy(policy, webhook(["push", "ping"])), []);
        assert.deepEqual(await runResourcePolicy(policy, webhook(["package"])), []);
    });

    it("reports events the receiver does not handle", async () => {
        assert.deepEqual(await runResourcePolicy(policy, webhook(["push", "issues", "*"])), [
            'GitHub webhook "echo-server-webhook" subscribes to events the receiver does not handle: issues, * (handled: push, ping, package).',
        ]);
    });

    it("takes the handled events from the pack config", async () => {
        assert.deepEqual(await runResourcePolicy(policy, webhook(["push", "release"]), { allowedEvents: ["push", "ping", "release"] }), []);
    });
});

describe("deploy-key-least-privilege (stack)", () => {
    const policy = deployKeyLeastPrivilege();
    const deployKey = (repository: string, readOnly: boolean): FakeResource => ({
        type: "github:index/repositoryDeployKey:RepositoryDeployKey",
        name: `${repository}-deploy-key`,
        props: { repository, readOnly, title: "flux", key: "ssh-ed25519 AAAA" },
    });
    const gitRepository = k8s("source.toolkit.fluxcd.io/v1", "GitRepository", "echo-server", {
        url: "ssh://git@github.com/developer-friendly/echo-server",
    });
    const automation = k8s("image.toolkit.fluxcd.io/v1", "ImageUpdateAutomation", "echo-server", {
        sourceRef: { kind: "GitRepository", name: "echo-server" },
    });

    it("accepts a write key for the repository an ImageUpdateAutomation pushes to, and read-only keys", async () => {
        assert.deepEqual(
            await runStackPolicy(policy, [deployKey("echo-server", false), deployKey("other", true), gitRepository, automation]),
            [],
        );
    });

    it("reports a write key when nothing pushes to its repository", async () => {
        const key = deployKey("echo-server", false);
        assert.deepEqual(await runStackPolicy(policy, [key, gitRepository]), [
            {
                message:
                    'Deploy key "echo-server-deploy-key" can write to repository "echo-server", but no ImageUpdateAutomation in the stack pushes to it: make it read-only.',
                urn: urnOf(key),
            },
        ]);
        // An automation that pushes to another repository does not count.
        const elsewhere = k8s("source.toolkit.fluxcd.io/v1", "GitRepository", "echo-server", {
            url: "ssh://git@github.com/developer-friendly/other.git",
        });
        assert.equal((await runStackPolicy(policy, [key, elsewhere, automation])).length, 1);
        // Nor does one whose source lives in another namespace.
        const otherNamespace = k8s("source.toolkit.fluxcd.io/v1", "GitRepository", "echo-server", gitRepository.props.spec as never, "apps");
        assert.equal((await runStackPolicy(policy, [key, otherNamespace, automation])).length, 1);
    });

    it("reads the repository from every GitHub URL form Flux takes", () => {
        for (const url of [
            "ssh://git@github.com/Developer-Friendly/echo-server",
            "ssh://git@github.com/developer-friendly/echo-server.git",
            "git@github.com:developer-friendly/echo-server.git",
            "https://github.com/developer-friendly/echo-server",
        ]) {
            assert.equal(githubRepository(url), "developer-friendly/echo-server", url);
        }
        assert.equal(githubRepository("https://gitlab.com/a/b"), undefined);
    });
});

describe("key-strength", () => {
    const policy = keyStrength();
    const tlsKey = (props: Record<string, unknown>): FakeResource => ({ type: "tls:index/privateKey:PrivateKey", name: "echo-server-deploy-key-key", props });
    const gpgKey = (algorithm: string): FakeResource => ({
        type: "pulumi-nodejs:dynamic:Resource",
        name: "bot-gpg-key",
        props: { name: "bot", email: "bot@example.com", algorithm, rotation: "" },
    });

    it("accepts ED25519 and large enough RSA deploy keys", async () => {
        assert.deepEqual(await runResourcePolicy(policy, tlsKey({ algorithm: "ED25519" })), []);
        assert.deepEqual(await runResourcePolicy(policy, tlsKey({ algorithm: "RSA", rsaBits: 4096 })), []);
    });

    it("rejects small RSA (the provider's 2048 default included) and ECDSA deploy keys", async () => {
        assert.deepEqual(await runResourcePolicy(policy, tlsKey({ algorithm: "RSA" })), [
            'SSH key "echo-server-deploy-key-key" is RSA 2048: use ED25519 or RSA of at least 3072 bits.',
        ]);
        assert.deepEqual(await runResourcePolicy(policy, tlsKey({ algorithm: "ECDSA", ecdsaCurve: "P256" })), [
            'SSH key "echo-server-deploy-key-key" uses ECDSA: use ED25519 or RSA of at least 3072 bits.',
        ]);
    });

    it("takes the RSA minimum from the pack config", async () => {
        assert.deepEqual(await runResourcePolicy(policy, tlsKey({ algorithm: "RSA", rsaBits: 3072 }), { minimumRsaBits: 4096 }), [
            'SSH key "echo-server-deploy-key-key" is RSA 3072: use ED25519 or RSA of at least 4096 bits.',
        ]);
    });

    it("accepts ed25519, rsa3072 and rsa4096 GPG keys and rejects weaker ones", async () => {
        for (const algorithm of ["ed25519", "rsa3072", "rsa4096"]) {
            assert.deepEqual(await runResourcePolicy(policy, gpgKey(algorithm)), [], algorithm);
        }
        assert.deepEqual(await runResourcePolicy(policy, gpgKey("rsa2048")), [
            'GPG key "bot-gpg-key" uses rsa2048: use ed25519 or RSA of at least 3072 bits.',
        ]);
    });

    it("leaves other dynamic resources alone", async () => {
        assert.deepEqual(
            await runResourcePolicy(policy, { type: "pulumi-nodejs:dynamic:Resource", name: "x", props: { algorithm: "md5" } }),
            [],
        );
    });
});

describe("flux-api-current", () => {
    const policy = fluxApiCurrent();
    const check = (type: string) => runResourcePolicy(policy, { type, name: "x", props: {} });

    it("accepts the versions current releases serve", async () => {
        for (const type of [
            "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository",
            "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization",
            "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy",
            "kubernetes:image.toolkit.fluxcd.io/v1:ImageRepository",
            "kubernetes:image.toolkit.fluxcd.io/v1:ImageUpdateAutomation",
            "kubernetes:notification.toolkit.fluxcd.io/v1:Receiver",
            "kubernetes:notification.toolkit.fluxcd.io/v1beta3:Provider",
            "kubernetes:notification.toolkit.fluxcd.io/v1beta3:Alert",
            "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease",
            "kubernetes:external-secrets.io/v1:ExternalSecret",
            "kubernetes:external-secrets.io/v1:SecretStore",
            "kubernetes:external-secrets.io/v1:ClusterSecretStore",
            "kubernetes:external-secrets.io/v1:ClusterExternalSecret",
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            "kubernetes:gateway.networking.k8s.io/v1beta1:HTTPRoute",
            "kubernetes:gateway.networking.k8s.io/v1:Gateway",
            "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway",
            "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
            "kubernetes:gateway.networking.k8s.io/v1beta1:GatewayClass",
            "kubernetes:gateway.networking.k8s.io/v1:GRPCRoute",
            "kubernetes:core/v1:Secret",
            "kubernetes:helm.sh/v3:Release",
        ]) {
            assert.deepEqual(await check(type), [], type);
        }
    });

    it("refuses every version each group has removed, for a kind the table does not list", async () => {
        // Earlier API versions of each project, none served by the releases above (the reference
        // CRDs list only the served versions, or list v1beta1 with served: false for External Secrets).
        const removed: [string, string[]][] = [
            ["source.toolkit.fluxcd.io", ["v1beta1", "v1beta2"]],
            ["kustomize.toolkit.fluxcd.io", ["v1beta1", "v1beta2"]],
            ["helm.toolkit.fluxcd.io", ["v2beta1", "v2beta2"]],
            ["notification.toolkit.fluxcd.io", ["v1beta1", "v1beta2"]],
            ["image.toolkit.fluxcd.io", ["v1alpha1", "v1alpha2", "v1beta1", "v1beta2"]],
            ["external-secrets.io", ["v1alpha1", "v1beta1"]],
            ["gateway.networking.k8s.io", ["v1alpha1", "v1alpha2"]],
        ];
        for (const [group, versions] of removed) {
            for (const version of versions) {
                assert.deepEqual(await check(`kubernetes:${group}/${version}:Future`), [
                    `Future uses ${group}/${version}, which current releases no longer serve: use the group's current version.`,
                ]);
            }
            assert.deepEqual(await check(`kubernetes:${group}/v1:Future`), [], `${group}/v1`);
        }
    });

    it("lists exactly the versions each kind's upstream CRD serves, and never calls a served version removed", function () {
        // The reference CRDs beside the project (../shared/crds/SOURCES.md names each release): a
        // version is served when its `served` is true. Gateway API v1.6.1 serves v1beta1 next to v1
        // for Gateway, GatewayClass and HTTPRoute (config/crd/standard/*.yaml at tag v1.6.1).
        if (!fs.existsSync(SHARED_CRDS)) {
            console.log(`    reference CRDs not found at ${SHARED_CRDS}: skipping the served-versions check`);
            this.skip();
        }
        const served = new Map<string, string[]>();
        for (const key of loadCrdSchemas().keys()) {
            const [apiVersion, kind] = key.split(" ");
            const [group, version] = apiVersion.split("/");
            if (!(group in SERVED_VERSIONS)) continue; // e.g. monitoring.coreos.com: not judged by the policy
            served.set(`${group} ${kind}`, [...(served.get(`${group} ${kind}`) ?? []), version]);
        }
        assert.ok(served.size >= 15, `only ${served.size} kinds found in ${SHARED_CRDS}`);
        for (const [groupKind, versions] of served) {
            const [group, kind] = groupKind.split(" ");
            assert.deepEqual([...(SERVED_VERSIONS[group][kind] ?? [])].sort(), versions.sort(), groupKind);
            for (const version of versions) assert.ok(!REMOVED_VERSIONS[group].includes(version), `${groupKind} ${version}`);
        }
    });

    it("rejects the versions that are no longer served, naming the one to use", async () => {
        assert.deepEqual(await check("kubernetes:image.toolkit.fluxcd.io/v1beta2:ImagePolicy"), [
            "ImagePolicy uses image.toolkit.fluxcd.io/v1beta2, which current releases no longer serve: use image.toolkit.fluxcd.io/v1.",
        ]);
        assert.deepEqual(await check("kubernetes:external-secrets.io/v1beta1:ExternalSecret"), [
            "ExternalSecret uses external-secrets.io/v1beta1, which current releases no longer serve: use external-secrets.io/v1.",
        ]);
        assert.deepEqual(await check("kubernetes:helm.toolkit.fluxcd.io/v2beta2:HelmRelease"), [
            "HelmRelease uses helm.toolkit.fluxcd.io/v2beta2, which current releases no longer serve: use helm.toolkit.fluxcd.io/v2.",
        ]);
        assert.deepEqual(await check("kubernetes:notification.toolkit.fluxcd.io/v1beta2:Alert"), [
            "Alert uses notification.toolkit.fluxcd.io/v1beta2, which current releases no longer serve: use notification.toolkit.fluxcd.io/v1beta3.",
        ]);
        assert.equal((await check("kubernetes:image.toolkit.fluxcd.io/v1beta1:ImageRepository")).length, 1);
        assert.equal((await check("kubernetes:image.toolkit.fluxcd.io/v1beta1:ImageUpdateAutomation")).length, 1);
        assert.equal((await check("kubernetes:notification.toolkit.fluxcd.io/v1beta1:Receiver")).length, 1);
        // Gateway API v1.6.1 (config/crd/standard): GRPCRoute serves v1 only, Gateway v1 and v1beta1.
        assert.deepEqual(await check("kubernetes:gateway.networking.k8s.io/v1alpha2:GRPCRoute"), [
            "GRPCRoute uses gateway.networking.k8s.io/v1alpha2, which current releases no longer serve: use gateway.networking.k8s.io/v1.",
        ]);
        assert.deepEqual(await check("kubernetes:gateway.networking.k8s.io/v1alpha2:Gateway"), [
            "Gateway uses gateway.networking.k8s.io/v1alpha2, which current releases no longer serve: use gateway.networking.k8s.io/v1 or gateway.networking.k8s.io/v1beta1.",
        ]);
        // A kind the table does not list is judged by its group's removed versions.
        assert.deepEqual(await check("kubernetes:external-secrets.io/v1beta1:PushSecret"), [
            "PushSecret uses external-secrets.io/v1beta1, which current releases no longer serve: use the group's current version.",
        ]);
        assert.deepEqual(await check("kubernetes:external-secrets.io/v1alpha2:PushSecret"), []);
    });
});

describe("image-policy-filtered", () => {
    const policy = imagePolicyFiltered();
    const imagePolicy = (spec: Record<string, unknown>) => k8s("image.toolkit.fluxcd.io/v1", "ImagePolicy", "echo-server", spec);

    it("accepts ordered policies with a pattern, and semver without one", async () => {
        assert.deepEqual(await runResourcePolicy(policy, imagePolicy({ policy: { numerical: { order: "asc" } }, filterTags: { pattern: "^[0-9]+$" } })), []);
        assert.deepEqual(await runResourcePolicy(policy, imagePolicy({ policy: { semver: { range: ">=1.0.0" } } })), []);
    });

    it("rejects numerical or alphabetical order without filterTags", async () => {
        assert.deepEqual(await runResourcePolicy(policy, imagePolicy({ policy: { numerical: { order: "asc" } } })), [
            'ImagePolicy "echo-server" orders tags numerically without a filterTags pattern: tags such as "latest" or short commit SHAs would be ordered too.',
        ]);
        assert.deepEqual(await runResourcePolicy(policy, imagePolicy({ policy: { alphabetical: {} }, filterTags: { pattern: "" } })), [
            'ImagePolicy "echo-server" orders tags alphabetically without a filterTags pattern: tags such as "latest" or short commit SHAs would be ordered too.',
        ]);
    });
});

describe("image-automation-signed", () => {
    const policy = imageAutomationSigned();
    const automation = (commit: Record<string, unknown>) =>
        k8s("image.toolkit.fluxcd.io/v1", "ImageUpdateAutomation", "echo-server", { git: { commit } });

    it("accepts an automation with a signing key", async () => {
        assert.deepEqual(await runResourcePolicy(policy, automation({ signingKey: { secretRef: { name: "echo-server-gpg" } } })), []);
    });

    it("rejects one without", async () => {
        assert.deepEqual(await runResourcePolicy(policy, automation({ author: { name: "bot", email: "bot@example.com" } })), [
            'ImageUpdateAutomation "echo-server" pushes unsigned commits: set spec.git.commit.signingKey.secretRef to the Secret with the GPG key.',
        ]);
    });
});

describe("receiver-authenticated", () => {
    const policy = receiverAuthenticated();
    const receiver = (spec: Record<string, unknown>) => k8s("notification.toolkit.fluxcd.io/v1", "Receiver", "echo-server", spec);

    it("accepts a receiver with a secretRef", async () => {
        assert.deepEqual(await runResourcePolicy(policy, receiver({ type: "github", secretRef: { name: "echo-server-webhook-token" } })), []);
    });

    it("rejects one without", async () => {
        assert.deepEqual(await runResourcePolicy(policy, receiver({ type: "github", events: ["push"] })), [
            'Receiver "echo-server" of type github has no secretRef: its requests would not be authenticated.',
        ]);
        assert.equal((await runResourcePolicy(policy, receiver({ type: "generic-hmac", secretRef: { name: "" } }))).length, 1);
    });
    it("judges every type the v1 Receiver CRD allows: all but generic-oidc authenticate with the token of secretRef", function () {
        // notification-controller's Receiver CRD (../shared/crds): spec.type's enum, and the CEL rules
        // "secretRef is required when type is not generic-oidc" / "secretRef cannot be set when type
        // is generic-oidc" (that type authenticates with an OIDC token).
        if (!fs.existsSync(SHARED_CRDS)) {
            console.log(`    reference CRDs not found at ${SHARED_CRDS}: skipping the Receiver types check`);
            this.skip();
        }
        const crd = YAML.parse(fs.readFileSync(path.join(SHARED_CRDS, "notification.toolkit.fluxcd.io_receivers.yaml"), "utf8")) as {
            spec: { versions: { name: string; schema: { openAPIV3Schema: { properties: { spec: { properties: { type: { enum: string[] } } } } } } }[] };
        };
        const v1 = crd.spec.versions.find((v) => v.name === "v1")!;
        const types = v1.schema.openAPIV3Schema.properties.spec.properties.type.enum;
        assert.deepEqual([...AUTHENTICATED_RECEIVER_TYPES].sort(), types.filter((t) => t !== "generic-oidc").sort());
    });

    it("leaves a generic-oidc receiver, which has no secretRef, alone", async () => {
        const oidc = receiver({ type: "generic-oidc", oidcProviders: [{ issuerURL: "https://token.actions.githubusercontent.com" }] });
        assert.deepEqual(await runResourcePolicy(policy, oidc), []);
    });
});

describe("httproute-hsts", () => {

    const policy = httpRouteHsts();
    const hsts = (value: string) => ({
        type: "ResponseHeaderModifier",
        responseHeaderModifier: { set: [{ name: "Strict-Transport-Security", value }] },
    });
    const route = (rules: unknown[]) => k8s("gateway.networking.k8s.io/v1", "HTTPRoute", "echo-server", { rules }, "echo-server");

    it("accepts a route whose rules set HSTS for a year (a redirect-only rule needs none)", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                route([
                    { filters: [hsts("max-age=31536000; includeSubDomains")] },
                    { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https" } }] },
                ]),
            ),
            [],
        );
    });

    it("reports each rule without the header and a max-age below the minimum", async () => {
        assert.deepEqual(await runResourcePolicy(policy, route([{ backendRefs: [] }, { filters: [hsts("max-age=300")] }])), [
            'HTTPRoute "echo-server" rule 1 does not set the Strict-Transport-Security response header.',
            'HTTPRoute "echo-server" rule 2 sets Strict-Transport-Security "max-age=300": max-age must be at least 31536000 seconds.',
        ]);
        assert.deepEqual(await runResourcePolicy(policy, route([])), [
            'HTTPRoute "echo-server" rule 1 does not set the Strict-Transport-Security response header.',
        ]);
    });

    it("takes the minimum max-age from the pack config", async () => {
        assert.deepEqual(await runResourcePolicy(policy, route([{ filters: [hsts("max-age=300")] }]), { minimumMaxAge: 300 }), []);
    });
});

describe("kustomization-prune", () => {
    const policy = kustomizationPrune();
    const kustomization = (prune?: boolean) =>
        k8s("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "echo-server", prune === undefined ? {} : { prune });

    it("accepts a pruning Kustomization", async () => {
        assert.deepEqual(await runResourcePolicy(policy, kustomization(true)), []);
    });

    it("rejects one that does not prune", async () => {
        const message = 'Kustomization "echo-server" does not prune: objects removed from git would stay in the cluster.';
        assert.deepEqual(await runResourcePolicy(policy, kustomization(false)), [message]);
        assert.deepEqual(await runResourcePolicy(policy, kustomization()), [message]);
    });

    it("leaves Pulumi's own kustomize Directory alone", async () => {
        assert.deepEqual(await runResourcePolicy(policy, { type: "kubernetes:kustomize:Directory", name: "d", props: {} }), []);
    });
});

describe("helm-chart-pinned", () => {
    const policy = helmChartPinned();
    const release = (version?: string): FakeResource => ({
        type: "kubernetes:helm.sh/v3:Release",
        name: "monitoring",
        props: { chart: "kube-prometheus-stack", ...(version === undefined ? {} : { version }) },
    });

    it("accepts an exact version", async () => {
        assert.deepEqual(await runResourcePolicy(policy, release("82.8.0")), []);
        assert.ok(isExactVersion("v1.2.3-rc.1+build.5"));
    });

    it("rejects ranges and a missing version", async () => {
        assert.deepEqual(await runResourcePolicy(policy, release("^82.0.0")), [
            'Helm release "monitoring" installs chart "kube-prometheus-stack" at version "^82.0.0": pin an exact version such as 1.2.3.',
        ]);
        assert.deepEqual(await runResourcePolicy(policy, release()), [
            'Helm release "monitoring" installs chart "kube-prometheus-stack" without a version: pin an exact version such as 1.2.3.',
        ]);
        for (const range of ["82.x", "*", ">=82.0.0", "~82.8", "82.8"]) assert.equal(isExactVersion(range), false, range);
    });

    it("checks a Flux HelmRelease's chart version too", async () => {
        const helmRelease = (version: string) =>
            k8s("helm.toolkit.fluxcd.io/v2", "HelmRelease", "podinfo", { chart: { spec: { chart: "podinfo", version } } });
        assert.deepEqual(await runResourcePolicy(policy, helmRelease("6.x")), [
            'Helm release "podinfo" installs chart "podinfo" at version "6.x": pin an exact version such as 1.2.3.',
        ]);
        assert.deepEqual(await runResourcePolicy(policy, helmRelease("6.7.1")), []);
    });
});

describe("no-plaintext-secret-outputs (stack)", () => {
    const policy = noPlaintextSecretOutputs();
    const stack = (outputs: Record<string, unknown>): FakeResource => ({
        type: "pulumi:pulumi:Stack",
        name: "flux-gitops-dev",
        props: outputs,
    });

    it("accepts public values and the declared secret outputs", async () => {
        const outputs = {
            deployKeyId: "1",
            deployKeyPublicKey: "ssh-ed25519 AAAA",
            gpgKeyFingerprint: "ABCD",
            gpgPublicKey: "-----BEGIN PGP PUBLIC KEY BLOCK-----",
            ssmParameters: { deployKey: "/github/echo-server/deploy-key", webhookToken: "/github/echo-server/receiver-token" },
            webhookUrl: "https://r.example.com/hook/abc",
            apps: { "echo-server": { webhookUrl: "https://r.example.com/hook/abc", deployKeyId: "1" } },
            appUrl: "https://echo-server.example.com",
        };
        assert.deepEqual(await runStackPolicy(policy, [stack(outputs)]), []);
    });

    it("reports an output named like a key, token or password that is not a secret output", async () => {
        const s = stack({ webhookToken: "abc", apps: { api: { gpgPrivateKey: "x" } } });
        assert.deepEqual(await runStackPolicy(policy, [s]), [
            {
                message:
                    'Stack output "webhookToken" is named like a key, token or password but is not one of the secret outputs: export it with pulumi.secret() and add it to secretOutputs.',
                urn: urnOf(s),
            },
            {
                message:
                    'Stack output "apps.api.gpgPrivateKey" is named like a key, token or password but is not one of the secret outputs: export it with pulumi.secret() and add it to secretOutputs.',
                urn: urnOf(s),
            },
        ]);
    });

    it("takes the secret outputs from the pack config", async () => {
        assert.deepEqual(await runStackPolicy(policy, [stack({ webhookToken: "abc" })], { secretOutputs: ["webhookToken"] }), []);
    });

    it("splits names into words the way it matches them", () => {
        assert.deepEqual(words("deployKeyPublicKey"), ["deploy", "key", "public", "key"]);
        assert.deepEqual(words("/github/echo-server/ghcr-token"), ["github", "echo", "server", "ghcr", "token"]);
    });
});
