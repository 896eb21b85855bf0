import { strict as assert } from "node:assert";
import { DYNAMIC_RESOURCE, kubernetesType, looksPrivate, SSM_PARAMETER } from "../common";
import {
    fluxApiViolations,
    imageAutomationSigned,
    imagePolicyFiltered,
    kustomizationPruneViolations,
    SERVED_VERSIONS,
} from "../flux";
import { hstsMaxAge, httpRouteHsts, httpRouteHstsViolations } from "../gateway";
import { helmChartPinned, helmChartPinnedViolations, isExactVersion } from "../install";
import {
    deployKeyLeastPrivilege,
    githubRepository,
    keyStrength,
    keyStrengthViolations,
    matchesPath,
    namedLikeSecret,
    noPlaintextSecretOutputs,
    outputPaths,
    plaintextSecretOutputs,
    plaintextSecretOutputViolations,
    ssmSecureString,
    ssmSecureStringViolations,
} from "../keys";
import { policies } from "../policies";
import {
    githubWebhookEvents,
    receiverAuthenticatedViolations,
    webhookEventsViolations,
    webhookTlsViolations,
} from "../webhooks";
import { FakeResource, runResourcePolicy, runStackPolicy, urnOf } from "./harness";

const k8s = (
    apiVersion: string,
    kind: string,
    name: string,
    spec: Record<string, unknown>,
    namespace = "flux-system",
): FakeResource => ({
    type: `kubernetes:${apiVersion}:${kind}`,
    name: `${name}-${kind.toLowerCase()}`,
    props: { apiVersion, kind, metadata: { name, namespace }, spec },
});

describe("github-webhook-tls: insecure_ssl in every spelling the GitHub provider hands over", () => {
    // GitHub's REST API (repos/hooks, `config.insecure_ssl`) takes a string or number: "0" verifies
    // the certificate, "1" does not. The provider (integrations/terraform-provider-github,
    // github/resource_github_repository_webhook.go → webhookConfigFromInterface) keeps it as that
    // string, so a refreshed or imported webhook may carry "1", "true" or 1 instead of a boolean.
    const props = (insecureSsl: unknown) => ({
        configuration: { url: "https://r.example.com/hook/abc", secret: "token", insecureSsl },
    });
    const insecure = [
        'GitHub webhook "hook" sets insecure_ssl: GitHub would not verify the receiver\'s certificate.',
    ];

    for (const value of [true, "true", "1", 1]) {
        it(`reports insecureSsl ${JSON.stringify(value)}`, () => {
            assert.deepEqual(webhookTlsViolations("hook", props(value)), insecure);
        });
    }

    for (const value of [false, "false", "0", 0, undefined]) {
        it(`accepts insecureSsl ${JSON.stringify(value)}`, () => {
            assert.deepEqual(webhookTlsViolations("hook", props(value)), []);
        });
    }

    it("reports a webhook with no URL at all as not https", () => {
        assert.deepEqual(webhookTlsViolations("hook", { configuration: { secret: "token" } }), [
            'GitHub webhook "hook" does not send to an https:// URL: payloads and their signature would travel in clear text.',
        ]);
        assert.deepEqual(webhookTlsViolations("hook", {}), [
            'GitHub webhook "hook" does not send to an https:// URL: payloads and their signature would travel in clear text.',
            'GitHub webhook "hook" has no secret: GitHub cannot sign its payloads, so the receiver cannot verify them.',
        ]);
    });
});

describe("how the policies read a resource", () => {
    // pulumi-kubernetes type tokens are kubernetes:<group>/<version>:<Kind>, core objects in the
    // group `core`, as every object of the render shows (`kubernetes:core/v1:Secret`).
    it("splits a Kubernetes type token into group, version and kind", () => {
        assert.deepEqual(kubernetesType("kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy"), {
            group: "image.toolkit.fluxcd.io",
            version: "v1",
            kind: "ImagePolicy",
        });
        assert.deepEqual(kubernetesType("kubernetes:core/v1:Secret"), {
            group: "core",
            version: "v1",
            kind: "Secret",
        });
    });

    for (const type of [
        "kubernetes:v1:Secret",
        "xkubernetes:core/v1:Secret",
        "kubernetes:core/v1:Secret:x",
        "aws:ssm/parameter:Parameter",
    ]) {
        it(`does not take ${type} for a Kubernetes type`, () => {
            assert.equal(kubernetesType(type), undefined);
        });
    }

    it("matches the kind in its own API group only", async () => {
        const policy = { spec: { policy: { semver: { range: ">=1.0.0" } } } };
        const ours = {
            type: "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy",
            name: "p",
            props: policy,
        };
        assert.equal(
            (await runResourcePolicy(imagePolicyFiltered(), ours)).length,
            0,
            "semver needs no pattern",
        );
        const numerical = { spec: { policy: { numerical: { order: "asc" } } } };
        assert.equal(
            (await runResourcePolicy(imagePolicyFiltered(), { ...ours, props: numerical })).length,
            1,
        );
        const other = {
            type: "kubernetes:example.com/v1:ImagePolicy",
            name: "p",
            props: numerical,
        };
        assert.deepEqual(await runResourcePolicy(imagePolicyFiltered(), other), []);
    });

    it("names an object by metadata.name, else by its Pulumi name", () => {
        const message = (name: string) => [
            `Kustomization "${name}" does not prune: objects removed from git would stay in the cluster.`,
        ];
        assert.deepEqual(
            kustomizationPruneViolations("pulumi-name", { metadata: { name: "apps" } }),
            message("apps"),
        );
        for (const metadata of [{ name: "" }, { name: 42 }, {}, null, ["apps"], undefined]) {
            assert.deepEqual(
                kustomizationPruneViolations("pulumi-name", { metadata }),
                message("pulumi-name"),
                JSON.stringify(metadata),
            );
        }
    });

    it("reads a missing list as empty", () => {
        assert.deepEqual(webhookEventsViolations("hook", {}), []);
        assert.deepEqual(webhookEventsViolations("hook", { events: "push" }), []);
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

describe("checks called without a config use the pack's defaults", () => {
    it("ssm-secure-string: a parameter named deploy-key is sensitive", () => {
        assert.deepEqual(
            ssmSecureStringViolations("p", {
                name: "/github/echo-server/deploy-key",
                type: "String",
            }),
            [
                'SSM parameter "/github/echo-server/deploy-key" holds a key, token or webhook URL but its type is "String": use "SecureString" so that it is encrypted with KMS.',
            ],
        );
    });

    it("github-webhook-events: push, ping and package are handled", () => {
        assert.deepEqual(webhookEventsViolations("hook", { events: ["push", "issues"] }), [
            'GitHub webhook "hook" subscribes to events the receiver does not handle: issues (handled: push, ping, package).',
        ]);
    });

    it("key-strength: RSA deploy and GPG keys need 3072 bits", () => {
        assert.deepEqual(
            keyStrengthViolations("tls:index/privateKey:PrivateKey", "k", {
                algorithm: "RSA",
                rsaBits: 2048,
            }),
            ['SSH key "k" is RSA 2048: use ED25519 or RSA of at least 3072 bits.'],
        );
        const gpg = { email: "bot@example.com", algorithm: "rsa2048", rotation: "" };
        assert.deepEqual(keyStrengthViolations("pulumi-nodejs:dynamic:Resource", "g", gpg), [
            'GPG key "g" uses rsa2048: use ed25519 or RSA of at least 3072 bits.',
        ]);
    });

    it("httproute-hsts: max-age must be at least a year", () => {
        const props = {
            spec: {
                rules: [
                    {
                        filters: [
                            {
                                type: "ResponseHeaderModifier",
                                responseHeaderModifier: {
                                    set: [
                                        { name: "Strict-Transport-Security", value: "max-age=300" },
                                    ],
                                },
                            },
                        ],
                    },
                ],
            },
        };
        assert.deepEqual(httpRouteHstsViolations("r", props), [
            'HTTPRoute "r" rule 1 sets Strict-Transport-Security "max-age=300": max-age must be at least 31536000 seconds.',
        ]);
    });

    it("no-plaintext-secret-outputs: the default secret words, public words and secret outputs", () => {
        assert.equal(namedLikeSecret("webhookToken"), true);
        assert.equal(namedLikeSecret("deployKeyId"), false);
        const outputs = {
            webhookToken: "abc",
            deployKeyId: "1",
            webhookUrl: "https://r.example.com/hook/abc",
        };
        assert.deepEqual(
            plaintextSecretOutputs(outputs, () => false),
            ["webhookToken", "webhookUrl"],
        );
        assert.deepEqual(plaintextSecretOutputViolations(outputs), [
            'Stack output "webhookToken" is named like a key, token or password but is not one of the secret outputs: export it with pulumi.secret() and add it to secretOutputs.',
        ]);
    });
});

describe("ssm-secure-string: names and values", () => {
    it("names a parameter without an explicit name by its Pulumi name (which the provider auto-names it from)", async () => {
        const resource = {
            type: "aws:ssm/parameter:Parameter",
            name: "echo-server-deploy-key",
            props: { type: "String", value: "x" },
        };
        assert.deepEqual(await runResourcePolicy(ssmSecureString(), resource), [
            'SSM parameter "echo-server-deploy-key" holds a key, token or webhook URL but its type is "String": use "SecureString" so that it is encrypted with KMS.',
        ]);
    });

    it("recognises GitHub tokens, Slack and Discord webhook URLs by their shape, whatever the parameter is called", () => {
        // Token formats: https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
        // (ghp_, gho_, ghu_, ghs_, ghr_ and fine-grained github_pat_, then at least 20 characters here).
        const alnum = (n: number) => "aB3".repeat(n).slice(0, n);
        for (const prefix of ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) {
            assert.equal(looksPrivate(`token ${prefix}${alnum(20)}`), true, prefix);
            assert.equal(looksPrivate(`token ${prefix}${alnum(19)}`), false, `${prefix} with 19 characters`);
        }
        assert.equal(looksPrivate(`ghx_${alnum(30)}`), false, "not a GitHub token prefix");
        assert.equal(looksPrivate(`xghp_${alnum(30)}`), false, "inside a word");
        assert.equal(looksPrivate(`github_pat_11AB_${alnum(20)}`), true);
        assert.equal(looksPrivate(`github_pat_${alnum(19)}`), false, "github_pat_ with 19 characters");
        assert.equal(looksPrivate("https://hooks.slack.com/services/T0/B0/x"), true);
        assert.equal(looksPrivate("https://discord.com/api/webhooks/1/x"), true);
        assert.equal(looksPrivate("https://discordapp.com/api/webhooks/1/x"), true);
        assert.equal(looksPrivate("https://discord.com/channels/1/2"), false, "a channel link, not a webhook");
    });

    it("judges string values only, not a list that would print like private material", () => {
        const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc";
        assert.equal(looksPrivate(key), true);
        assert.equal(looksPrivate([key]), false);
        assert.equal(looksPrivate(undefined), false);
    });
});

describe("github-webhook-events: repository webhooks only", () => {
    it("leaves an organization webhook alone (the stack's receivers get repository webhooks)", async () => {
        const resource = {
            type: "github:index/organizationWebhook:OrganizationWebhook",
            name: "org-hook",
            props: { events: ["issues"] },
        };
        assert.deepEqual(await runResourcePolicy(githubWebhookEvents(), resource), []);
    });
});

describe("deploy-key-least-privilege: which automations push and which keys count", () => {
    const policy = deployKeyLeastPrivilege();
    const key: FakeResource = {
        type: "github:index/repositoryDeployKey:RepositoryDeployKey",
        name: "echo-server-deploy-key",
        props: { repository: "echo-server", readOnly: false },
    };
    const gitRepository = k8s("source.toolkit.fluxcd.io/v1", "GitRepository", "echo-server", {
        url: "ssh://git@github.com/developer-friendly/echo-server",
    });
    const automation = (sourceRef: Record<string, unknown>) =>
        k8s("image.toolkit.fluxcd.io/v1", "ImageUpdateAutomation", "echo-server", { sourceRef });
    const unused = [
        {
            message:
                'Deploy key "echo-server-deploy-key" can write to repository "echo-server", but no ImageUpdateAutomation in the stack pushes to it: make it read-only.',
            urn: urnOf(key),
        },
    ];

    // fluxcd/image-automation-controller api/v1/reference.go: sourceRef.kind is an enum of
    // GitRepository only, defaulted to GitRepository.
    it("takes a sourceRef without a kind for a GitRepository, as the CRD defaults it", async () => {
        assert.deepEqual(
            await runStackPolicy(policy, [key, gitRepository, automation({ name: "echo-server" })]),
            [],
        );
    });

    it("does not count a sourceRef to another kind of source of the same name", async () => {
        assert.deepEqual(
            await runStackPolicy(policy, [
                key,
                gitRepository,
                automation({ kind: "OCIRepository", name: "echo-server" }),
            ]),
            unused,
        );
    });

    it("looks at GitHub deploy keys only, not other resources with readOnly: false", async () => {
        const other = {
            type: "pulumi-nodejs:dynamic:Resource",
            name: "mount",
            props: { repository: "echo-server", readOnly: false },
        };
        assert.deepEqual(await runStackPolicy(policy, [other, gitRepository]), []);
    });

    it("reads only a string URL that starts as a GitHub URL", () => {
        assert.equal(
            githubRepository(["https://github.com/developer-friendly/echo-server"]),
            undefined,
        );
        // A proxy or mirror URL that embeds a GitHub URL is not GitHub.
        assert.equal(
            githubRepository(
                "https://ghproxy.example.com/https://github.com/developer-friendly/echo-server",
            ),
            undefined,
        );
        assert.equal(
            githubRepository("https://github.com/developer-friendly/echo-server/"),
            "developer-friendly/echo-server",
        );
    });
});

describe("key-strength: boundaries and what counts as a key", () => {
    const policy = keyStrength();
    const tlsKey = (rsaBits: number): FakeResource => ({
        type: "tls:index/privateKey:PrivateKey",
        name: "deploy-key",
        props: { algorithm: "RSA", rsaBits },
    });
    const dynamic = (props: Record<string, unknown>): FakeResource => ({
        type: "pulumi-nodejs:dynamic:Resource",
        name: "bot-gpg-key",
        props,
    });

    it("accepts an RSA deploy key of exactly the minimum and rejects one bit less", async () => {
        assert.deepEqual(await runResourcePolicy(policy, tlsKey(3072)), []);
        assert.deepEqual(await runResourcePolicy(policy, tlsKey(3071)), [
            'SSH key "deploy-key" is RSA 3071: use ED25519 or RSA of at least 3072 bits.',
        ]);
    });

    it("reads GPG RSA bits only from an algorithm named exactly rsa<bits>", async () => {
        for (const algorithm of ["xrsa4096", "rsa4096x"]) {
            assert.deepEqual(
                await runResourcePolicy(
                    policy,
                    dynamic({ name: "bot", email: "bot@example.com", algorithm, rotation: "" }),
                ),
                [
                    `GPG key "bot-gpg-key" uses ${algorithm}: use ed25519 or RSA of at least 3072 bits.`,
                ],
            );
        }
    });

    it("takes a dynamic resource for a GPG key only when it has an email, an algorithm and a rotation", async () => {
        for (const props of [
            { email: "bot@example.com", algorithm: "md5" },
            { algorithm: "md5", rotation: "" },
            { email: "bot@example.com", rotation: "" },
            { rotation: "" },
        ]) {
            assert.deepEqual(
                await runResourcePolicy(policy, dynamic(props)),
                [],
                JSON.stringify(props),
            );
        }
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                dynamic({ email: "bot@example.com", algorithm: "md5", rotation: "" }),
            ),
            ['GPG key "bot-gpg-key" uses md5: use ed25519 or RSA of at least 3072 bits.'],
        );
    });

    it("leaves resources that are not keys alone", async () => {
        const parameter = {
            type: "aws:ssm/parameter:Parameter",
            name: "p",
            props: { name: "/app/replicas", type: "String" },
        };
        assert.deepEqual(await runResourcePolicy(policy, parameter), []);
    });

    it("judges a GPG key only in the dynamic resource that makes it, not in another resource with the same fields", () => {
        const lookalike = { email: "bot@example.com", algorithm: "rsa1024", rotation: 1 };
        assert.deepEqual(keyStrengthViolations(SSM_PARAMETER, "p", lookalike), []);
        assert.deepEqual(keyStrengthViolations(DYNAMIC_RESOURCE, "bot-gpg", lookalike), [
            'GPG key "bot-gpg" uses rsa1024: use ed25519 or RSA of at least 3072 bits.',
        ]);
    });
});

describe("flux-api-current: the replacement it names", () => {
    it("names every served version, joined with or", () => {
        // No kind in the table is served at two versions today; a migration window would be.
        SERVED_VERSIONS["example.com"] = { Widget: ["v1", "v2"] };
        try {
            assert.deepEqual(fluxApiViolations("kubernetes:example.com/v1beta1:Widget"), [
                "Widget uses example.com/v1beta1, which current releases no longer serve: use example.com/v1 or example.com/v2.",
            ]);
        } finally {
            delete SERVED_VERSIONS["example.com"];
        }
    });
});

describe("image-automation-signed: an empty secretRef name", () => {
    it("reports a signingKey whose secretRef name is empty", async () => {
        const automation = k8s(
            "image.toolkit.fluxcd.io/v1",
            "ImageUpdateAutomation",
            "echo-server",
            {
                git: { commit: { signingKey: { secretRef: { name: "" } } } },
            },
        );
        assert.deepEqual(await runResourcePolicy(imageAutomationSigned(), automation), [
            'ImageUpdateAutomation "echo-server" pushes unsigned commits: set spec.git.commit.signingKey.secretRef to the Secret with the GPG key.',
        ]);
    });
});

describe("receiver-authenticated: types it does not list", () => {
    it("leaves a Receiver without a listed type to the CRD's validation", () => {
        assert.deepEqual(
            receiverAuthenticatedViolations("r", { metadata: { name: "echo-server" }, spec: {} }),
            [],
        );
        assert.deepEqual(
            receiverAuthenticatedViolations("r", {
                metadata: { name: "echo-server" },
                spec: { type: "example" },
            }),
            [],
        );
    });
});

describe("httproute-hsts: reading the header", () => {
    const policy = httpRouteHsts();
    const route = (filters: unknown[]) =>
        k8s(
            "gateway.networking.k8s.io/v1",
            "HTTPRoute",
            "echo-server",
            { rules: [{ filters }] },
            "echo-server",
        );
    const header = (name: string, value: string) => ({ name, value });
    const responseHeaders = (...set: unknown[]) => ({
        type: "ResponseHeaderModifier",
        responseHeaderModifier: { set },
    });
    const missing = [
        'HTTPRoute "echo-server" rule 1 does not set the Strict-Transport-Security response header.',
    ];

    const maxAges: [unknown, number | undefined][] = [
        ["max-age=31536000", 31536000],
        ["max-age=31536000; includeSubDomains", 31536000],
        ["includeSubDomains; max-age=31536000", 31536000],
        ["includeSubDomains;max-age=31536000", 31536000],
        // RFC 6797 section 6.1: whitespace may surround "=", and the value may be quoted.
        ["max-age = 31536000", 31536000],
        ['max-age="31536000"', 31536000],
        ["MAX-AGE=5", 5],
        ["x-max-age=31536000", undefined],
        ["max-age-x=31536000", undefined],
        ["includeSubDomains", undefined],
        [["max-age=31536000"], undefined],
        [31536000, undefined],
    ];
    for (const [value, maxAge] of maxAges) {
        const title =
            maxAge === undefined
                ? `finds no max-age in ${JSON.stringify(value)}`
                : `reads max-age ${maxAge} from ${JSON.stringify(value)}`;
        it(title, () => {
            assert.equal(hstsMaxAge(value), maxAge);
        });
    }

    it("reports a header without max-age", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                route([responseHeaders(header("Strict-Transport-Security", "includeSubDomains"))]),
            ),
            [
                'HTTPRoute "echo-server" rule 1 sets Strict-Transport-Security "includeSubDomains": max-age must be at least 31536000 seconds.',
            ],
        );
    });

    it("finds the header among others, whatever its case, in set or add", async () => {
        const frameOptions = header("X-Frame-Options", "DENY");
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                route([
                    responseHeaders(
                        frameOptions,
                        header("strict-transport-security", "max-age=31536000"),
                    ),
                ]),
            ),
            [],
        );
        const added = {
            type: "ResponseHeaderModifier",
            responseHeaderModifier: {
                add: [header("Strict-Transport-Security", "max-age=31536000")],
            },
        };
        assert.deepEqual(await runResourcePolicy(policy, route([added])), []);
        assert.deepEqual(
            await runResourcePolicy(policy, route([responseHeaders(frameOptions)])),
            missing,
        );
    });

    it("counts a responseHeaderModifier only on a ResponseHeaderModifier filter", async () => {
        // The Gateway API rejects a filter whose modifier does not match its type; a gateway would
        // not apply it.
        const misplaced = {
            type: "RequestHeaderModifier",
            requestHeaderModifier: { set: [header("X-Forwarded-Proto", "https")] },
            responseHeaderModifier: {
                set: [header("Strict-Transport-Security", "max-age=31536000")],
            },
        };
        assert.deepEqual(await runResourcePolicy(policy, route([misplaced])), missing);
    });
});

describe("helm-chart-pinned: what an exact version is", () => {
    const policy = helmChartPinned();
    const release = (version: unknown): FakeResource => ({
        type: "kubernetes:helm.sh/v3:Release",
        name: "monitoring",
        props: { chart: "kube-prometheus-stack", version },
    });

    for (const version of ["82.8.10", "10.20.30", "v1.2.30", "1.2.3-rc.1"]) {
        it(`accepts ${version}`, () => {
            assert.equal(isExactVersion(version), true);
        });
    }

    // Helm constraints (Masterminds/semver) take hyphen ranges and || alternatives.
    for (const version of ["1.2.3 - 2.0.0", "1.2.3 || 1.3.0", " 1.2.3", "1.2.3x"]) {
        it(`rejects ${JSON.stringify(version)}`, () => {
            assert.equal(isExactVersion(version), false);
        });
    }

    it("rejects a version that is not a string, even one that prints like a pinned version", async () => {
        assert.deepEqual(await runResourcePolicy(policy, release(["82.8.0"])), [
            'Helm release "monitoring" installs chart "kube-prometheus-stack" at version ["82.8.0"]: pin an exact version such as 1.2.3.',
        ]);
    });

    it("reports an empty version as no version", async () => {
        assert.deepEqual(await runResourcePolicy(policy, release("")), [
            'Helm release "monitoring" installs chart "kube-prometheus-stack" without a version: pin an exact version such as 1.2.3.',
        ]);
    });

    it("leaves a Flux HelmRelease with spec.chartRef to its source", async () => {
        const helmRelease = k8s("helm.toolkit.fluxcd.io/v2", "HelmRelease", "podinfo", {
            chartRef: { kind: "OCIRepository", name: "podinfo" },
        });
        assert.deepEqual(await runResourcePolicy(policy, helmRelease), []);
    });

    it("checks the Flux HelmRelease only, not a kind of the same name in another group", () => {
        const spec = { spec: { chart: { spec: { chart: "podinfo", version: "6.x" } } } };
        assert.deepEqual(
            helmChartPinnedViolations("kubernetes:example.com/v1:HelmRelease", "podinfo", spec),
            [],
        );
    });
});

describe("no-plaintext-secret-outputs: walking and matching outputs", () => {
    it("walks nested objects and takes null, lists and strings as leaves", () => {
        assert.deepEqual(outputPaths({ a: null, b: ["x"], c: { d: "x", e: {} } }), [
            "a",
            "b",
            "c.d",
        ]);
    });

    it("does not match a path shorter than the pattern, even through a trailing *", () => {
        assert.equal(matchesPath("apps.*", "apps"), false);
        assert.equal(matchesPath("apps.*", "apps.api"), true);
        assert.equal(matchesPath("apps.*", "apps.api.webhookUrl"), true);
    });

    it("reports nothing when the stack resource is missing", async () => {
        const parameter = {
            type: "aws:ssm/parameter:Parameter",
            name: "p",
            props: { webhookToken: "abc" },
        };
        assert.deepEqual(await runStackPolicy(noPlaintextSecretOutputs(), [parameter]), []);
    });
});
