/**
 * The pack as a whole (policy/policies.ts): its list, what the CLI shows of each policy, the
 * example config.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { policies } from "../policies";
import { isStackPolicy } from "./harness";

describe("the pack: twenty-one policies in the README's order, each named, described and levelled", () => {
    it("has the twenty-one policies, kebab-case, each described with remediation, mandatory unless advisory by design", () => {
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
                ["github-app-no-token", "mandatory", "stack"],
                ["github-app-no-deploy-key", "mandatory", "stack"],
                ["github-app-https-git", "mandatory", "stack"],
                ["tenant-kustomization-service-account", "mandatory", "stack"],
                ["tenant-no-cluster-role-binding", "mandatory", "stack"],
                ["cluster-secret-store-conditions", "mandatory", "resource"],
                ["tenant-parameters-isolated", "mandatory", "stack"],
                ["tenant-no-cross-namespace-refs", "mandatory", "stack"],
            ],
        );
        for (const p of all) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.match(p.description, /^[A-Z][^.]*\.$/, `${p.name}: one sentence`);
            assert.ok(
                p.remediationSteps && p.remediationSteps.length > 20,
                `${p.name}: remediation`,
            );
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
                [
                    "github-app-no-token",
                    "In GitHub App mode no GitHub provider but the bot's GPG-key provider carries a token.",
                    "Drop githubToken and GITHUB_TOKEN from the stack; the organisation provider authenticates with appAuth.",
                ],
                [
                    "github-app-no-deploy-key",
                    "In GitHub App mode no repository deploy key is registered.",
                    "Remove the RepositoryDeployKey: Flux reads and pushes as the App.",
                ],
                [
                    "github-app-https-git",
                    "In GitHub App mode every GitRepository reads over https, not SSH.",
                    "Point the GitRepository at https://github.com/<owner>/<repo> with provider: github and the App's Secret.",
                ],
                [
                    "tenant-kustomization-service-account",
                    "A tenant's Kustomization applies as the tenant's own service account, and with multitenancy on every Kustomization names one.",
                    "Set `spec.serviceAccountName` to the tenant's service account (flux-reconciler), or to kustomize-controller for a platform Kustomization in the Flux namespace.",
                ],
                [
                    "tenant-no-cluster-role-binding",
                    "No ClusterRoleBinding grants rights to a service account of a tenant namespace.",
                    "Bind the tenant's service account with a RoleBinding in its own namespace (ClusterRole admin) instead of a ClusterRoleBinding.",
                ],
                [
                    "cluster-secret-store-conditions",
                    "A ClusterSecretStore serves only the namespaces its conditions name.",
                    "Set `spec.conditions: [{namespaces: [<flux namespace>, …platform namespaces]}]` on the ClusterSecretStore; tenants read through their own SecretStore.",
                ],
                [
                    "tenant-parameters-isolated",
                    "No IAM policy may read the SSM parameters of more than one tenant.",
                    "Give each tenant's role a policy over its own parameter ARNs (and the shared ones it needs), with no wildcard that reaches another tenant's parameters.",
                ],
                [
                    "tenant-no-cross-namespace-refs",
                    "A tenant's Flux and External Secrets objects refer only to their own namespace.",
                    "Drop the `namespace` of the reference (it defaults to the object's own) and create what it refers to in the tenant's namespace; read secrets through the tenant's SecretStore.",
                ],
            ],
        );
    });
});

describe("the pack's public face: severity, enforcement level and config schema", () => {
    // What `pulumi policy ls` and the console show, and what `--policy-pack-config` is validated
    // against (the CLI also fills in each property's `default`).
    const words = (defaults: string[], description: string) => ({
        type: "array",
        items: { type: "string" },
        default: defaults,
        description,
    });
    const integer = (defaults: number, description: string) => ({
        type: "integer",
        minimum: 1,
        default: defaults,
        description,
    });
    const expected: Record<
        string,
        { severity: string; enforcementLevel: string; configSchema?: unknown }
    > = {
        "ssm-secure-string": {
            severity: "critical",
            enforcementLevel: "mandatory",
            configSchema: {
                properties: {
                    sensitiveWords: words(
                        [
                            "key",
                            "keys",
                            "token",
                            "tokens",
                            "secret",
                            "secrets",
                            "password",
                            "passphrase",
                            "credential",
                            "credentials",
                            "webhook",
                            "webhooks",
                        ],
                        "Words in a parameter name that mark it as sensitive.",
                    ),
                },
            },
        },
        "github-webhook-tls": {
            severity: "high",
            enforcementLevel: "mandatory",
            configSchema: undefined,
        },
        "github-webhook-events": {
            severity: "low",
            enforcementLevel: "advisory",
            configSchema: {
                properties: {
                    allowedEvents: words(
                        ["push", "ping", "package"],
                        "Events the receivers handle.",
                    ),
                },
            },
        },
        "deploy-key-least-privilege": {
            severity: "high",
            enforcementLevel: "mandatory",
            configSchema: undefined,
        },
        "key-strength": {
            severity: "high",
            enforcementLevel: "mandatory",
            configSchema: {
                properties: {
                    minimumRsaBits: integer(3072, "Smallest RSA deploy key, in bits."),
                    minimumGpgRsaBits: integer(3072, "Smallest RSA GPG key, in bits."),
                },
            },
        },
        "flux-api-current": {
            severity: "high",
            enforcementLevel: "mandatory",
            configSchema: undefined,
        },
        "image-policy-filtered": {
            severity: "medium",
            enforcementLevel: "mandatory",
            configSchema: undefined,
        },
        "image-automation-signed": {
            severity: "high",
            enforcementLevel: "mandatory",
            configSchema: undefined,
        },
        "receiver-authenticated": {
            severity: "critical",
            enforcementLevel: "mandatory",
            configSchema: undefined,
        },
        "httproute-hsts": {
            severity: "medium",
            enforcementLevel: "mandatory",
            configSchema: {
                properties: { minimumMaxAge: integer(31536000, "Smallest max-age, in seconds.") },
            },
        },
        "kustomization-prune": {
            severity: "medium",
            enforcementLevel: "mandatory",
            configSchema: undefined,
        },
        "helm-chart-pinned": {
            severity: "medium",
            enforcementLevel: "mandatory",
            configSchema: undefined,
        },
        "no-plaintext-secret-outputs": {
            severity: "high",
            enforcementLevel: "mandatory",
            configSchema: {
                properties: {
                    secretWords: words(
                        [
                            "key",
                            "keys",
                            "token",
                            "tokens",
                            "password",
                            "passwords",
                            "passphrase",
                            "secret",
                            "secrets",
                            "credential",
                            "credentials",
                            "webhook",
                            "private",
                        ],
                        "Words that make an output look like a key, token or password.",
                    ),
                    publicWords: words(
                        [
                            "public",
                            "id",
                            "ids",
                            "fingerprint",
                            "name",
                            "names",
                            "arn",
                            "arns",
                            "parameter",
                            "parameters",
                            "host",
                            "hostname",
                        ],
                        "Words that mark an output as public or descriptive.",
                    ),
                    secretOutputs: words(
                        [
                            "webhookUrl",
                            "apps.*.webhookUrl",
                            "imageWebhookUrl",
                            "apps.*.imageWebhookUrl",
                        ],
                        "Dotted paths of the outputs the program exports as secrets (* matches one segment).",
                    ),
                },
            },
        },
        "github-app-no-token": { severity: "high", enforcementLevel: "mandatory", configSchema: undefined },
        "github-app-no-deploy-key": { severity: "high", enforcementLevel: "mandatory", configSchema: undefined },
        "github-app-https-git": { severity: "high", enforcementLevel: "mandatory", configSchema: undefined },
        "tenant-kustomization-service-account": { severity: "critical", enforcementLevel: "mandatory", configSchema: undefined },
        "tenant-no-cluster-role-binding": { severity: "critical", enforcementLevel: "mandatory", configSchema: undefined },
        "cluster-secret-store-conditions": { severity: "critical", enforcementLevel: "mandatory", configSchema: undefined },
        "tenant-parameters-isolated": { severity: "critical", enforcementLevel: "mandatory", configSchema: undefined },
        "tenant-no-cross-namespace-refs": { severity: "high", enforcementLevel: "mandatory", configSchema: undefined },
    };

    it("declares each policy's severity, enforcement level and exact config schema", () => {
        const actual = Object.fromEntries(
            policies().map((p) => [
                p.name,
                {
                    severity: p.severity,
                    enforcementLevel: p.enforcementLevel,
                    configSchema: p.configSchema,
                },
            ]),
        );
        assert.deepEqual(actual, expected);
    });
});

describe("policy/config.example.json: every key it sets is a key of the pack", () => {
    it("sets only known policies and keys, each valid against the policy's config schema", () => {
        const example = JSON.parse(
            fs.readFileSync(path.join(__dirname, "..", "config.example.json"), "utf8"),
        ) as Record<string, Record<string, unknown>>;
        const byName = new Map(policies().map((p) => [p.name, p]));
        const ajv = new Ajv({ strict: false });
        for (const [name, config] of Object.entries(example)) {
            const policy = byName.get(name);
            assert.ok(policy, `${name} is not a policy`);
            const properties = {
                ...policy.configSchema?.properties,
                enforcementLevel: { enum: ["advisory", "mandatory", "disabled"] },
            };
            const validate = ajv.compile({
                type: "object",
                properties,
                additionalProperties: false,
            });
            assert.ok(validate(config), `${name}: ${ajv.errorsText(validate.errors)}`);
        }
    });
});
