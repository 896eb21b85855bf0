import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { DISABLE_DEFAULT_PROVIDERS, defaultProviderDenied, needsProvider, tokenPackage } from "../../../scripts/engine-rules";
import { Evaluation, PROJECT_ROOT, GITHUB_SSH_KEYS, mockGpgFingerprint, mockPrivateValue, secretPlaceholder } from "../../../scripts/offline";
import { evaluateStack } from "../../helpers/evaluations";
import * as github from "@pulumi/github";
import { GpgSigningKey } from "../../../components/keys/gpg-signing-key";
import { knownHosts } from "../../../components/keys/known-hosts";
import { PARAMETER_OPTIONS } from "../../../components/keys/stored-secret";
import { appSsmNames, gpgKeySsmName, registryTokenSsmName } from "../../../components/keys/ssm-names";
import { WEBHOOK_TOKEN_LENGTH } from "../../../components/keys/webhook-token";
import { one, ofType, parentOf, providerOf } from "../../helpers/resources";
import { record } from "../../helpers/record";
import { PARAMETER } from "../../helpers/types";

const project = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> };

describe("keys and secrets of the dev stack", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });

    it("creates exactly one explicit provider of each kind, configured from the stack", () => {
        const providers = dev.resources.filter((r) => r.type.startsWith("pulumi:providers:"));
        assert.deepEqual(providers.map((p) => `${p.type} ${p.name}`).sort(), [
            "pulumi:providers:aws aws",
            "pulumi:providers:github github-bot",
            "pulumi:providers:github github-org",
            "pulumi:providers:kubernetes kubernetes",
            "pulumi:providers:random random",
            "pulumi:providers:tls tls",
        ]);
        const org = one(dev, "pulumi:providers:github", "github-org");
        assert.equal(org.inputs.owner, "developer-friendly");
        if (!process.env.GITHUB_TOKEN) assert.equal(org.inputs.token, undefined, "no githubToken and no GITHUB_TOKEN");
        const bot = one(dev, "pulumi:providers:github", "github-bot");
        assert.equal(bot.inputs.owner, "developer-friendly-bot");
        assert.equal(bot.inputs.token, secretPlaceholder("flux-gitops:botGithubToken"));
        const aws = one(dev, "pulumi:providers:aws", "aws");
        assert.equal(aws.inputs.region, "eu-central-1");
        assert.deepEqual(JSON.parse(String(aws.inputs.defaultTags)), {
            tags: {
                "managed-by": "pulumi",
                "pulumi-project": "flux-gitops",
                "pulumi-stack": "dev",
                "github-owner": "developer-friendly",
            },
        });
        // The stack names its cluster (Pulumi.dev.yaml): never the current context by chance.
        assert.equal(one(dev, "pulumi:providers:kubernetes", "kubernetes").inputs.context, "flux-dev");
    });

    it("reads GITHUB_TOKEN as a secret from the moment it is read", async () => {
        const saved = process.env.GITHUB_TOKEN;
        process.env.GITHUB_TOKEN = "ghp_from_the_environment";
        try {
            const e = await evaluateStack("dev");
            const org = one(e, "pulumi:providers:github", "github-org");
            assert.equal(org.inputs.token, "ghp_from_the_environment");
            assert.deepEqual(org.secretPaths, ["token"]);
        } finally {
            if (saved === undefined) delete process.env.GITHUB_TOKEN;
            else process.env.GITHUB_TOKEN = saved;
        }
    });

    it("gives every package an explicit provider: tls and random too", () => {
        assert.equal(providerOf(dev, one(dev, "tls:index/privateKey:PrivateKey", "echo-server-deploy-key-key")).name, "tls");
        for (const r of ofType(dev, "random:index/randomPassword:RandomPassword")) assert.equal(providerOf(dev, r).name, "random");
        // Dynamic resources (the GPG key) cannot name a provider: the engine lets them through only
        // because the deny list does not name their package (test/evaluator/engine-rules.spec.ts).
        const setting = JSON.stringify(project.config[DISABLE_DEFAULT_PROVIDERS]);
        for (const r of dev.resources.filter((x) => needsProvider(x.type, x.custom))) {
            assert.ok(r.provider || !defaultProviderDenied(setting, tokenPackage(r.type)), `${r.type} ${r.name} falls back to a denied default provider`);
        }
    });

    it("registers the deploy key's public half on the repository and stores its private half in SSM", () => {
        const key = one(dev, "tls:index/privateKey:PrivateKey", "echo-server-deploy-key-key");
        assert.equal(key.inputs.algorithm, "ED25519");
        const deployKey = one(dev, "github:index/repositoryDeployKey:RepositoryDeployKey", "echo-server-deploy-key");
        assert.equal(deployKey.inputs.repository, "echo-server");
        assert.equal(deployKey.inputs.title, "flux-dev");
        assert.match(String(deployKey.inputs.key), /^ssh-ed25519 /);
        assert.equal(deployKey.inputs.readOnly, false, "image automation pushes, so the key may write");
        assert.equal(providerOf(dev, deployKey).name, "github-org");

        const parameter = one(dev, PARAMETER, "echo-server-deploy-key-ssm");
        assert.deepEqual(parameter.inputs, {
            name: "/github/echo-server/deploy-key",
            type: "SecureString",
            value: mockPrivateValue("openssh-private-key", "echo-server-deploy-key-key"),
            description: "Flux deploy key (OpenSSH private key) for echo-server",
            // A tenant's parameter names its tenant: the policy pack tells tenants' parameters apart by it.
            tags: { "flux-gitops:tenant": "echo-server" },
            tier: "Standard",
        });
        assert.equal(providerOf(dev, parameter).name, "aws");
    });

    it("registers the GPG public key through the bot's provider only, and stores the private key in SSM", () => {
        const gpg = one(dev, "pulumi-nodejs:dynamic:Resource", "bot-gpg-key");
        assert.deepEqual(
            { name: gpg.inputs.name, email: gpg.inputs.email, algorithm: gpg.inputs.algorithm, rotation: gpg.inputs.rotation },
            { name: "Developer Friendly Bot", email: "bot@developer-friendly.blog", algorithm: "ed25519", rotation: "" },
        );
        const gpgKeys = ofType(dev, "github:index/userGpgKey:UserGpgKey");
        assert.equal(gpgKeys.length, 1);
        assert.match(String(gpgKeys[0].inputs.armoredPublicKey), /mock public key of bot-gpg-key/);
        assert.equal(providerOf(dev, gpgKeys[0]).name, "github-bot");

        const parameter = one(dev, PARAMETER, "bot-gpg-ssm");
        assert.equal(parameter.inputs.name, "/github/gpg-keys/developer-friendly-bot");
        assert.equal(parameter.inputs.type, "SecureString");
        assert.equal(parameter.inputs.value, mockPrivateValue("pgp-private-key", "bot-gpg-key"));
        assert.equal(
            ofType(dev, PARAMETER).filter((p) => String(p.inputs.name).endsWith("-passphrase")).length,
            0,
            "no passphrase parameter without a passphrase",
        );
    });

    it("never uses the bot's provider for anything but its GPG key", () => {
        const botUsers = dev.resources.filter((r) => r.custom && r.provider && providerOf(dev, r).name === "github-bot");
        assert.deepEqual(botUsers.map((r) => r.type), ["github:index/userGpgKey:UserGpgKey"]);
    });

    it("stores the registry token from secret config and the random webhook token in SSM", () => {
        const registry = one(dev, PARAMETER, "ghcr-registry-token");
        assert.equal(registry.inputs.name, "/github/echo-server/ghcr-token");
        assert.equal(registry.inputs.type, "SecureString");
        assert.equal(registry.inputs.value, secretPlaceholder("flux-gitops:registryToken"));

        const password = one(dev, "random:index/randomPassword:RandomPassword", "echo-server-receiver-token");
        assert.deepEqual(password.inputs, { length: WEBHOOK_TOKEN_LENGTH, special: false });
        assert.ok(WEBHOOK_TOKEN_LENGTH >= 32);
        const token = one(dev, PARAMETER, "echo-server-receiver-token-ssm");
        assert.equal(token.inputs.name, "/github/echo-server/receiver-token");
        assert.equal(token.inputs.type, "SecureString");
        assert.equal(token.inputs.value, mockPrivateValue("password", "echo-server-receiver-token").padEnd(WEBHOOK_TOKEN_LENGTH, "x"));
    });

    it("puts every SSM parameter under a StoredSecret and hands its value to AWS as a secret", () => {
        const parameters = ofType(dev, PARAMETER);
        assert.equal(parameters.length, 8);
        for (const parameter of parameters) {
            assert.equal(parentOf(dev, parameter)?.type, "flux-gitops:keys:StoredSecret", parameter.name);
            assert.equal(parameter.inputs.type, "SecureString", parameter.name);
            assert.deepEqual(parameter.secretPaths, ["value"], parameter.name);
        }
    });

    it("hands the bot's token to its provider as a secret", () => {
        assert.deepEqual(one(dev, "pulumi:providers:github", "github-bot").secretPaths, ["token"]);
    });

    it("exports the SSM names, deploy key id and GPG public data, and no private value in plain text", () => {
        assert.deepEqual(dev.outputs.ssmParameters, {
            deployKey: "/github/echo-server/deploy-key",
            registryToken: "/github/echo-server/ghcr-token",
            gpgKey: "/github/gpg-keys/developer-friendly-bot",
            webhookToken: "/github/echo-server/receiver-token",
            slackWebhookUrl: "/flux-gitops/dev/slack-webhook-url",
            discordWebhookUrl: "/flux-gitops/dev/discord-webhook-url",
            botGithubToken: "/github/bot-tokens/developer-friendly-bot",
        });
        assert.equal(dev.outputs.deployKeyId, "echo-server-deploy-key-id");
        assert.equal(dev.outputs.gpgKeyFingerprint, mockGpgFingerprint("bot-gpg-key"));
        assert.match(String(dev.outputs.gpgPublicKey), /BEGIN PGP PUBLIC KEY BLOCK/);
        for (const [name, value] of Object.entries(dev.outputs)) {
            if (dev.secretOutputs.includes(name)) continue;
            const text = JSON.stringify(value);
            for (const secret of dev.secretValues) assert.ok(!text.includes(secret), `output ${name} contains a secret`);
        }
    });

    it("makes the deploy key read-only when image automation is off", async () => {
        const readOnly = await evaluateStack("dev", { imageAutomation: "false" });
        const deployKey = one(readOnly, "github:index/repositoryDeployKey:RepositoryDeployKey", "echo-server-deploy-key");
        assert.equal(deployKey.inputs.readOnly, true);
    });

    it("stores a GPG passphrase next to the key when one is set", async () => {
        const withPassphrase = await evaluateStack("dev", { "flux-gitops:gpgPassphrase": { secret: "correct horse" } });
        const parameter = one(withPassphrase, PARAMETER, "bot-gpg-passphrase-ssm");
        assert.equal(parameter.inputs.name, "/github/gpg-keys/developer-friendly-bot-passphrase");
        assert.equal(parameter.inputs.type, "SecureString");
        assert.equal(parameter.inputs.value, "correct horse");
        const gpg = one(withPassphrase, "pulumi-nodejs:dynamic:Resource", "bot-gpg-key");
        assert.equal(gpg.inputs.passphrase, "correct horse");
    });

    it("builds known_hosts from GitHub's published keys", () => {
        assert.deepEqual(
            dev.invokes.filter((i) => i.token === "github:index/getSshKeys:getSshKeys").length,
            1,
        );
        assert.equal(
            knownHosts(GITHUB_SSH_KEYS),
            `github.com ${GITHUB_SSH_KEYS[1]}\ngithub.com ${GITHUB_SSH_KEYS[0]}\n`,
        );
        assert.throws(() => knownHosts([]), /GitHub returned no SSH host keys/);
        assert.throws(() => knownHosts(["not a key"]), /unexpected SSH host key from GitHub: "not a key"/);
    });

    it("skips a host key of a type it does not know with a warning, instead of failing the update inside an apply", () => {
        // api.github.com/meta `ssh_keys` may gain a key type (it gained ecdsa and ed25519 in 2022);
        // knownHosts runs inside an apply, where a throw fails the whole `pulumi up`.
        const warnings: string[] = [];
        const text = knownHosts([...GITHUB_SSH_KEYS, "ssh-mldsa65 AAAAC3NzaC1tbGRzYTY1AAAAIA=="], "github.com", (m) => warnings.push(m));
        assert.equal(text, `github.com ${GITHUB_SSH_KEYS[1]}\ngithub.com ${GITHUB_SSH_KEYS[0]}\n`);
        assert.deepEqual(warnings, [
            "skipping GitHub's SSH host key of type ssh-mldsa65: known_hosts is written for ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa",
        ]);
        assert.throws(() => knownHosts(["ssh-mldsa65 AAAA"], "github.com", () => undefined), /no SSH host keys of a known type/);
    });

    it("replaces the key pair whenever the deploy key's attributes change, so a replacement never reuses a public key", () => {
        // Every field of a deploy key forces a replacement (terraform-provider-github v6.13.0,
        // github/resource_github_repository_deploy_key.go: key, read_only, repository, title all
        // ForceNew) and GitHub refuses a second deploy key with the same public key ("key is already
        // in use"). With the key pair replaced on the same changes, the new deploy key has a new
        // public key and is created before the old one is deleted (create-before-delete).
        const deployKey = one(dev, "github:index/repositoryDeployKey:RepositoryDeployKey", "echo-server-deploy-key");
        const key = one(dev, "tls:index/privateKey:PrivateKey", "echo-server-deploy-key-key");
        assert.deepEqual(key.options.replacementTrigger, { repository: "echo-server", title: "flux-dev", readOnly: false });
        assert.deepEqual(
            { repository: deployKey.inputs.repository, title: deployKey.inputs.title, readOnly: deployKey.inputs.readOnly },
            key.options.replacementTrigger,
            "the trigger is exactly what the deploy key is registered with",
        );
        assert.ok(deployKey.options.dependencies.includes(key.urn), "the deploy key's public half comes from the tls key");
        assert.equal(deployKey.options.deleteBeforeReplace, false, "the new deploy key exists before the old one is deleted");
    });

    it("changes the trigger with write access, not only with the title and the repository", async () => {
        const readOnly = await evaluateStack("dev", { imageAutomation: "false" });
        const trigger = one(readOnly, "tls:index/privateKey:PrivateKey", "echo-server-deploy-key-key").options.replacementTrigger;
        assert.deepEqual(trigger, { repository: "echo-server", title: "flux-dev", readOnly: true });
    });

    it("deletes every SSM parameter before creating its replacement, and never overwrites one", () => {
        // A parameter name is unique in its region: creating the replacement first fails with
        // ParameterAlreadyExists (PutParameter, Overwrite false on create). With `overwrite`, the create
        // would succeed and the old resource's delete would then remove the parameter by name.
        assert.deepEqual(PARAMETER_OPTIONS, { deleteBeforeReplace: true });
        const parameters = ofType(dev, PARAMETER);
        assert.equal(parameters.length, 8);
        for (const parameter of parameters) {
            assert.equal(parameter.options.deleteBeforeReplace, true, parameter.name);
            assert.equal(parameter.inputs.overwrite, undefined, parameter.name);
        }
    });

    it("puts each parameter on the tier its value needs: Standard for small values, Advanced for an RSA GPG key", async () => {
        for (const parameter of ofType(dev, PARAMETER)) assert.equal(parameter.inputs.tier, "Standard", parameter.name);
        const rsa = await evaluateStack("dev", { gpgAlgorithm: "rsa4096" });
        assert.equal(one(rsa, PARAMETER, "bot-gpg-ssm").inputs.tier, "Advanced");
        assert.deepEqual(
            ofType(rsa, PARAMETER).filter((p) => p.inputs.tier !== "Standard").map((p) => p.name),
            ["bot-gpg-ssm"],
        );
    });

    it("treats an empty GPG passphrase as none: no empty SSM parameter (AWS refuses empty values), an unencrypted key", async () => {
        // AWS::SSM::Parameter Value has minLength 1 (the CloudFormation resource schema of PutParameter's value).
        const build = (passphrase: string | undefined) => () =>
            new GpgSigningKey("bot-gpg", {
                userName: "Bot",
                email: "bot@example.com",
                algorithm: "ed25519",
                passphrase,
                parameterName: "/github/gpg-keys/bot",
                passphraseParameterName: "/github/gpg-keys/bot-passphrase",
                botProvider: new github.Provider("github-bot", { owner: "bot" }),
            });
        const parameterNames = (registered: Awaited<ReturnType<typeof record>>) =>
            registered.filter((r) => r.type === PARAMETER).map((r) => r.inputs.name);
        const empty = await record(build(""));
        assert.deepEqual(parameterNames(empty), ["/github/gpg-keys/bot"]);
        assert.equal(empty.find((r) => r.type === "pulumi-nodejs:dynamic:Resource")?.inputs.passphrase, undefined);
        const set = await record(build("correct horse"));
        assert.deepEqual(parameterNames(set).sort(), ["/github/gpg-keys/bot", "/github/gpg-keys/bot-passphrase"]);
        assert.equal(set.find((r) => r.type === "pulumi-nodejs:dynamic:Resource")?.inputs.passphrase, "correct horse");
    });

    it("derives the recipe's SSM names", () => {
        assert.deepEqual(appSsmNames("echo-server"), {
            deployKey: "/github/echo-server/deploy-key",
            webhookToken: "/github/echo-server/receiver-token",
            imageWebhookToken: "/github/echo-server/image-receiver-token",
        });
        assert.equal(registryTokenSsmName("echo-server", "docker.io"), "/github/echo-server/registry-token");
        assert.equal(registryTokenSsmName("echo-server", "ghcr.io"), "/github/echo-server/ghcr-token");
        assert.equal(gpgKeySsmName("bot"), "/github/gpg-keys/bot");
    });
});

describe("known_hosts for GitHub", () => {
    const expected = `github.com ${GITHUB_SSH_KEYS[1]}\ngithub.com ${GITHUB_SSH_KEYS[0]}\n`;

    it("ignores blank entries and whitespace around each key", () => {
        assert.equal(knownHosts(["", `  ${GITHUB_SSH_KEYS[0]}\n`, " \n", `${GITHUB_SSH_KEYS[1]} `]), expected);
    });

    it("warns through Pulumi's log by default when it skips a key of an unknown type", () => {
        // pulumi.log is this module (@pulumi/pulumi re-exports it as is).
        const log = require("@pulumi/pulumi/log") as { warn: (message: string) => Promise<void> };
        const original = log.warn;
        const warnings: string[] = [];
        log.warn = (message) => {
            warnings.push(message);
            return Promise.resolve();
        };
        try {
            assert.equal(knownHosts([...GITHUB_SSH_KEYS, "ssh-mldsa65 AAAAC3NzaC1tbGRzYTY1AAAAIA=="]), expected);
        } finally {
            log.warn = original;
        }
        assert.deepEqual(warnings, [
            "skipping GitHub's SSH host key of type ssh-mldsa65: known_hosts is written for ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa",
        ]);
    });
});
