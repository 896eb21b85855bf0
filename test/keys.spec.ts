import { strict as assert } from "node:assert";
import { Evaluation, evaluateStack, GITHUB_SSH_KEYS, mockPrivateValue, secretPlaceholder } from "../scripts/offline";
import { knownHosts } from "../components/keys/known-hosts";
import { defaultSsmNames } from "../components/keys/ssm-names";
import { WEBHOOK_TOKEN_LENGTH } from "../components/keys/webhook-token";
import { one, ofType, parentOf, providerOf } from "./helpers";

const SSM = "aws:ssm/parameter:Parameter";

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
        ]);
        const org = one(dev, "pulumi:providers:github", "github-org");
        assert.equal(org.inputs.owner, "developer-friendly");
        assert.equal(org.inputs.token, undefined, "the org provider falls back to GITHUB_TOKEN");
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
        assert.equal(one(dev, "pulumi:providers:kubernetes", "kubernetes").inputs.context, undefined);
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

        const parameter = one(dev, SSM, "echo-server-deploy-key-ssm");
        assert.deepEqual(parameter.inputs, {
            name: "/github/echo-server/deploy-key",
            type: "SecureString",
            value: mockPrivateValue("openssh-private-key", "echo-server-deploy-key-key"),
            description: "Flux deploy key (OpenSSH private key) for echo-server",
            tier: "Standard",
        });
        assert.equal(providerOf(dev, parameter).name, "aws");
    });

    it("registers the GPG public key through the bot's provider only, and stores the private key in SSM", () => {
        const gpg = one(dev, "pulumi-nodejs:dynamic:Resource", "developer-friendly-bot-gpg-key");
        assert.deepEqual(
            { name: gpg.inputs.name, email: gpg.inputs.email, algorithm: gpg.inputs.algorithm, rotation: gpg.inputs.rotation },
            { name: "Developer Friendly Bot", email: "bot@developer-friendly.blog", algorithm: "ed25519", rotation: "" },
        );
        const gpgKeys = ofType(dev, "github:index/userGpgKey:UserGpgKey");
        assert.equal(gpgKeys.length, 1);
        assert.match(String(gpgKeys[0].inputs.armoredPublicKey), /mock public key of developer-friendly-bot-gpg-key/);
        assert.equal(providerOf(dev, gpgKeys[0]).name, "github-bot");

        const parameter = one(dev, SSM, "developer-friendly-bot-gpg-ssm");
        assert.equal(parameter.inputs.name, "/github/gpg-keys/developer-friendly-bot");
        assert.equal(parameter.inputs.type, "SecureString");
        assert.equal(parameter.inputs.value, mockPrivateValue("pgp-private-key", "developer-friendly-bot-gpg-key"));
        assert.equal(
            ofType(dev, SSM).filter((p) => String(p.inputs.name).endsWith("-passphrase")).length,
            0,
            "no passphrase parameter without a passphrase",
        );
    });

    it("never uses the bot's provider for anything but its GPG key", () => {
        const botUsers = dev.resources.filter((r) => r.custom && r.provider && providerOf(dev, r).name === "github-bot");
        assert.deepEqual(botUsers.map((r) => r.type), ["github:index/userGpgKey:UserGpgKey"]);
    });

    it("stores the registry token from secret config and the random webhook token in SSM", () => {
        const registry = one(dev, SSM, "echo-server-registry-token");
        assert.equal(registry.inputs.name, "/github/echo-server/ghcr-token");
        assert.equal(registry.inputs.type, "SecureString");
        assert.equal(registry.inputs.value, secretPlaceholder("flux-gitops:registryToken"));

        const password = one(dev, "random:index/randomPassword:RandomPassword", "echo-server-receiver-token");
        assert.deepEqual(password.inputs, { length: WEBHOOK_TOKEN_LENGTH, special: false });
        assert.ok(WEBHOOK_TOKEN_LENGTH >= 32);
        const token = one(dev, SSM, "echo-server-receiver-token-ssm");
        assert.equal(token.inputs.name, "/github/echo-server/receiver-token");
        assert.equal(token.inputs.type, "SecureString");
        assert.equal(token.inputs.value, mockPrivateValue("password", "echo-server-receiver-token").padEnd(WEBHOOK_TOKEN_LENGTH, "x"));
    });

    it("puts every SSM parameter under a StoredSecret and hands its value to AWS as a secret", () => {
        const parameters = ofType(dev, SSM);
        assert.equal(parameters.length, 6);
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
        });
        assert.equal(dev.outputs.deployKeyId, "echo-server-deploy-key-id");
        assert.equal(dev.outputs.gpgKeyFingerprint, "0123456789ABCDEF0123456789ABCDEF01234567");
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
        const withPassphrase = await evaluateStack("dev", { "flux-gitops:gpgPassphrase": "correct horse" });
        const parameter = one(withPassphrase, SSM, "developer-friendly-bot-gpg-passphrase-ssm");
        assert.equal(parameter.inputs.name, "/github/gpg-keys/developer-friendly-bot-passphrase");
        assert.equal(parameter.inputs.type, "SecureString");
        assert.equal(parameter.inputs.value, "correct horse");
        const gpg = one(withPassphrase, "pulumi-nodejs:dynamic:Resource", "developer-friendly-bot-gpg-key");
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

    it("derives the recipe's SSM names", () => {
        assert.deepEqual(defaultSsmNames("echo-server", "bot", "docker.io"), {
            deployKey: "/github/echo-server/deploy-key",
            registryToken: "/github/echo-server/registry-token",
            gpgKey: "/github/gpg-keys/bot",
            webhookToken: "/github/echo-server/receiver-token",
        });
    });
});
