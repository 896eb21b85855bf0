import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as github from "@pulumi/github";
import { DeployKey } from "../../../components/keys/deploy-key";
import { GpgSigningKey } from "../../../components/keys/gpg-signing-key";
import { secureStringParameterArgs } from "../../../components/keys/stored-secret";
import { WebhookToken } from "../../../components/keys/webhook-token";
import { evaluateStack } from "../../helpers/evaluations";
import { valueOf } from "../../helpers/record";

/** Resolves an output's value. */
describe("secret-ness of private values", () => {
    // Components register nothing when imported, so static imports are fine; mocks are set
    // before any of them is constructed.
    before(async () => {
        // Mocks return inputs as outputs and plain (non-secret) private values, like a provider
        // that forgot additionalSecretOutputs: the components must mark them secret themselves.
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => ({
                    id: `${args.name}-id`,
                    state: { ...args.inputs, privateKeyOpenssh: "private", result: "token", privateKey: "private", name: args.inputs.name ?? "n" },
                }),
                call: (args) => args.inputs,
            },
            "flux-gitops",
            "test",
            false,
        );
    });

    it("marks the deploy key's private half secret", async () => {
        const key = new DeployKey("k", { repository: "r", title: "t", allowWrite: false, parameterName: "/k" });
        assert.equal(await pulumi.isSecret(key.privateKey), true);
        assert.equal(await valueOf(key.privateKey), "private");
    });

    it("marks the GPG private key secret", async () => {
        const botProvider = new github.Provider("bot", { owner: "bot" });
        const key = new GpgSigningKey("g", {
            userName: "Bot",
            email: "bot@example.com",
            algorithm: "ed25519",
            parameterName: "/g",
            passphraseParameterName: "/g-passphrase",
            botProvider,
        });
        assert.equal(await pulumi.isSecret(key.privateKey), true);
        assert.equal(await pulumi.isSecret(key.publicKey), false);
    });

    it("marks the webhook token secret", async () => {
        const token = new WebhookToken("w", { parameterName: "/w" });
        assert.equal(await pulumi.isSecret(token.token), true);
    });

    it("hands SSM a secret value even when the input was plain", async () => {
        const args = secureStringParameterArgs({ parameterName: "/p", value: "plain", description: "d" });
        assert.equal(args.type, "SecureString");
        assert.equal(await pulumi.isSecret(pulumi.output(args.value)), true);
    });

    it("exports the webhook URL only as a secret", async () => {
        const dev = await evaluateStack("dev");
        assert.ok(dev.secretOutputs.includes("webhookUrl"));
        assert.ok(!dev.secretOutputs.includes("ssmParameters"));
    });
});
