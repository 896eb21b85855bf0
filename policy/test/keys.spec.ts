/**
 * The key and secret policies (policy/keys.ts): a violating and a passing resource each, exact
 * messages, the edges.
 */
import { strict as assert } from "node:assert";
import { DYNAMIC_RESOURCE, looksPrivate, SSM_PARAMETER, words } from "../common";
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
import { FakeResource, k8s, runResourcePolicy, runStackPolicy, urnOf } from "./harness";

describe("ssm-secure-string: SSM parameters that hold keys, tokens or webhook URLs are SecureStrings", () => {
    const policy = ssmSecureString();
    const parameter = (name: string, type: string, value = "x"): FakeResource => ({
        type: "aws:ssm/parameter:Parameter",
        name: "p",
        props: { name, type, value },
    });

    it("rejects a key, token or webhook URL stored as String", async () => {
        assert.deepEqual(
            await runResourcePolicy(policy, parameter("/github/echo-server/deploy-key", "String")),
            [
                'SSM parameter "/github/echo-server/deploy-key" holds a key, token or webhook URL but its type is "String": use "SecureString" so that it is encrypted with KMS.',
            ],
        );
        assert.equal(
            (
                await runResourcePolicy(
                    policy,
                    parameter("/github/echo-server/ghcr-token", "StringList"),
                )
            ).length,
            1,
        );
        assert.equal(
            (await runResourcePolicy(policy, parameter("/flux/slack-webhook-url", "String")))
                .length,
            1,
        );
    });

    it("recognises private material by its value whatever the parameter is called", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                parameter("/app/settings", "String", "https://hooks.slack.com/services/T0/B0/x"),
            ),
            [
                'SSM parameter "/app/settings" holds a key, token or webhook URL but its type is "String": use "SecureString" so that it is encrypted with KMS.',
            ],
        );
        assert.equal(
            (
                await runResourcePolicy(
                    policy,
                    parameter(
                        "/app/identity",
                        "String",
                        "-----BEGIN OPENSSH PRIVATE KEY-----\nabc",
                    ),
                )
            ).length,
            1,
        );
    });

    it("accepts a SecureString and a plain setting", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                parameter("/github/echo-server/deploy-key", "SecureString"),
            ),
            [],
        );
        assert.deepEqual(
            await runResourcePolicy(policy, parameter("/app/replicas", "String", "3")),
            [],
        );
    });

    it("takes the sensitive words from the pack config", async () => {
        const custom = { sensitiveWords: ["replicas"] };
        assert.equal(
            (await runResourcePolicy(policy, parameter("/app/replicas", "String", "3"), custom))
                .length,
            1,
        );
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                parameter("/github/echo-server/deploy-key", "String"),
                custom,
            ),
            [],
        );
    });

    it("called without a config, takes a parameter named deploy-key for sensitive", () => {
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

    describe("names and values", () => {
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
                assert.equal(
                    looksPrivate(`token ${prefix}${alnum(19)}`),
                    false,
                    `${prefix} with 19 characters`,
                );
            }
            assert.equal(looksPrivate(`ghx_${alnum(30)}`), false, "not a GitHub token prefix");
            assert.equal(looksPrivate(`xghp_${alnum(30)}`), false, "inside a word");
            assert.equal(looksPrivate(`github_pat_11AB_${alnum(20)}`), true);
            assert.equal(
                looksPrivate(`github_pat_${alnum(19)}`),
                false,
                "github_pat_ with 19 characters",
            );
            assert.equal(looksPrivate("https://hooks.slack.com/services/T0/B0/x"), true);
            assert.equal(looksPrivate("https://discord.com/api/webhooks/1/x"), true);
            assert.equal(looksPrivate("https://discordapp.com/api/webhooks/1/x"), true);
            assert.equal(
                looksPrivate("https://discord.com/channels/1/2"),
                false,
                "a channel link, not a webhook",
            );
        });

        it("judges string values only, not a list that would print like private material", () => {
            const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc";
            assert.equal(looksPrivate(key), true);
            assert.equal(looksPrivate([key]), false);
            assert.equal(looksPrivate(undefined), false);
        });
    });
});

describe("deploy-key-least-privilege (stack): a deploy key may write only to a repository an image automation pushes to", () => {
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
            await runStackPolicy(policy, [
                deployKey("echo-server", false),
                deployKey("other", true),
                gitRepository,
                automation,
            ]),
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
        const otherNamespace = k8s(
            "source.toolkit.fluxcd.io/v1",
            "GitRepository",
            "echo-server",
            gitRepository.props.spec as never,
            "apps",
        );
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

    describe("which automations push and which keys count", () => {
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
            k8s("image.toolkit.fluxcd.io/v1", "ImageUpdateAutomation", "echo-server", {
                sourceRef,
            });
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
                await runStackPolicy(policy, [
                    key,
                    gitRepository,
                    automation({ name: "echo-server" }),
                ]),
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
});

describe("key-strength: deploy and GPG keys are ED25519 or RSA of at least 3072 bits", () => {
    const policy = keyStrength();
    const tlsKey = (props: Record<string, unknown>): FakeResource => ({
        type: "tls:index/privateKey:PrivateKey",
        name: "echo-server-deploy-key-key",
        props,
    });
    const gpgKey = (algorithm: string): FakeResource => ({
        type: "pulumi-nodejs:dynamic:Resource",
        name: "bot-gpg-key",
        props: { name: "bot", email: "bot@example.com", algorithm, rotation: "" },
    });

    it("accepts ED25519 and large enough RSA deploy keys", async () => {
        assert.deepEqual(await runResourcePolicy(policy, tlsKey({ algorithm: "ED25519" })), []);
        assert.deepEqual(
            await runResourcePolicy(policy, tlsKey({ algorithm: "RSA", rsaBits: 4096 })),
            [],
        );
    });

    it("rejects small RSA (the provider's 2048 default included) and ECDSA deploy keys", async () => {
        assert.deepEqual(await runResourcePolicy(policy, tlsKey({ algorithm: "RSA" })), [
            'SSH key "echo-server-deploy-key-key" is RSA 2048: use ED25519 or RSA of at least 3072 bits.',
        ]);
        assert.deepEqual(
            await runResourcePolicy(policy, tlsKey({ algorithm: "ECDSA", ecdsaCurve: "P256" })),
            [
                'SSH key "echo-server-deploy-key-key" uses ECDSA: use ED25519 or RSA of at least 3072 bits.',
            ],
        );
    });

    it("takes the RSA minimum from the pack config", async () => {
        assert.deepEqual(
            await runResourcePolicy(policy, tlsKey({ algorithm: "RSA", rsaBits: 3072 }), {
                minimumRsaBits: 4096,
            }),
            [
                'SSH key "echo-server-deploy-key-key" is RSA 3072: use ED25519 or RSA of at least 4096 bits.',
            ],
        );
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
            await runResourcePolicy(policy, {
                type: "pulumi-nodejs:dynamic:Resource",
                name: "x",
                props: { algorithm: "md5" },
            }),
            [],
        );
    });

    it("called without a config, needs 3072 bits of RSA deploy and GPG keys", () => {
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

    describe("boundaries and what counts as a key", () => {
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
});

describe("no-plaintext-secret-outputs (stack): outputs named like keys, tokens or passwords are secret", () => {
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
            ssmParameters: {
                deployKey: "/github/echo-server/deploy-key",
                webhookToken: "/github/echo-server/receiver-token",
            },
            webhookUrl: "https://r.example.com/hook/abc",
            apps: {
                "echo-server": { webhookUrl: "https://r.example.com/hook/abc", deployKeyId: "1" },
            },
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
        assert.deepEqual(
            await runStackPolicy(policy, [stack({ webhookToken: "abc" })], {
                secretOutputs: ["webhookToken"],
            }),
            [],
        );
    });

    it("splits names into words the way it matches them", () => {
        assert.deepEqual(words("deployKeyPublicKey"), ["deploy", "key", "public", "key"]);
        assert.deepEqual(words("/github/echo-server/ghcr-token"), [
            "github",
            "echo",
            "server",
            "ghcr",
            "token",
        ]);
    });

    it("called without a config, uses the default secret words, public words and secret outputs", () => {
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

    describe("walking and matching outputs", () => {
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
});
