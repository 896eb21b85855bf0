/**
 * The deploy key, the stored secrets, the webhook token and the GPG signing key, each built on
 * its own under Pulumi's mocks: the exact inputs each registration gets, what it waits for
 * (`dependencies`: the URNs of the RegisterResourceRequest), under which parent it is created, and
 * what the component records as its outputs in the state (its RegisterResourceOutputsRequest).
 */
import { strict as assert } from "node:assert";
import * as github from "@pulumi/github";
import { DeployKey } from "../../../components/keys/deploy-key";
import { GpgSigningKey, GpgSigningKeyArgs } from "../../../components/keys/gpg-signing-key";
import { StoredSecret } from "../../../components/keys/stored-secret";
import { WebhookToken } from "../../../components/keys/webhook-token";
import { one, record, recordState, Registered, secret, SECRET_SIG, shortUrn } from "../../helpers/record";
import { GPG_KEY, PARAMETER, USER_GPG_KEY } from "../../helpers/types";

const TOKEN_VALUE = "w".repeat(40);

/** What a registration waits for, as `type::name`, sorted. */
const waitsFor = (r: Registered): string[] => r.options.dependencies.map(shortUrn).sort();

/**
 * What the providers compute and the mocks cannot (they echo the inputs): a parameter's ARN and
 * version, the signing key's fingerprint, id and armored halves, the random token.
 */
const COMPUTED: Record<string, Record<string, unknown>> = {
    [PARAMETER]: { arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/p", version: 3 },
    [GPG_KEY]: { fingerprint: "F".repeat(40), keyId: "K".repeat(16), publicKey: "PUBLIC", privateKey: "PRIVATE" },
    "random:index/randomPassword:RandomPassword": { result: TOKEN_VALUE },
};
const providers = { computed: (type: string) => COMPUTED[type] ?? {} };

describe("the keys on their own", () => {
    describe("DeployKey", () => {
        it("records its parameter, the parameter's name, the deploy key's id and the private key, kept secret, in the state", async () => {
            const { outputs } = await recordState(
                () => new DeployKey("echo-deploy-key", { repository: "echo", title: "Flux", allowWrite: false, parameterName: "/github/echo/deploy-key" }),
            );
            const state = outputs.get("flux-gitops:keys:DeployKey::echo-deploy-key");
            assert.ok(state, "DeployKey registered no outputs");
            // The mocks echo inputs as state: the public key and the ARN, outputs of the providers, stay unset here.
            assert.deepEqual(Object.keys(state).sort(), ["deployKeyId", "parameter", "parameterName", "privateKey"]);
            assert.equal(state.parameterName, "/github/echo/deploy-key");
            assert.deepEqual(state.parameter, { name: "/github/echo/deploy-key" });
            assert.equal((state.privateKey as Record<string, unknown>)[SECRET_SIG.key], SECRET_SIG.value);
        });
    });

    describe("StoredSecret", () => {
        it("records the parameter's name, its ARN and its name with the version, in the state", async () => {
            const { outputs } = await recordState(
                () => new StoredSecret("slack-ssm", { parameterName: "/monitoring/slack", value: "https://hooks", description: "Slack" }),
                providers,
            );
            assert.deepEqual(outputs.get("flux-gitops:keys:StoredSecret::slack-ssm"), {
                parameterName: "/monitoring/slack",
                parameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/p",
                parameter: { name: "/monitoring/slack", version: 3 },
            });
        });
    });

    describe("WebhookToken", () => {
        it("describes its parameter, and records the token, kept secret, and the parameter's name, ARN and version, in the state", async () => {
            const { outputs, registered } = await recordState(
                () => new WebhookToken("echo-receiver-token", { parameterName: "/github/echo/receiver-token" }),
                providers,
            );
            assert.equal(
                one(registered, PARAMETER, "echo-receiver-token-ssm").inputs.description,
                "Token of the Flux webhook Receiver (GitHub webhook secret)",
            );
            assert.deepEqual(outputs.get("flux-gitops:keys:WebhookToken::echo-receiver-token"), {
                token: secret(TOKEN_VALUE),
                parameterName: "/github/echo/receiver-token",
                parameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/p",
                parameter: { name: "/github/echo/receiver-token", version: 3 },
            });
        });
    });

    describe("GpgSigningKey", () => {
        const args = (extra: Partial<GpgSigningKeyArgs> = {}) => (): GpgSigningKey =>
            new GpgSigningKey("bot-gpg", {
                userName: "Bot",
                email: "bot@example.com",
                algorithm: "ed25519",
                parameterName: "/github/gpg-keys/bot",
                passphraseParameterName: "/github/gpg-keys/bot-passphrase",
                botProvider: new github.Provider("github-bot", { owner: "bot" }),
                ...extra,
            });

        it("hands the rotation value to the key unchanged, and an empty one when none is given", async () => {
            assert.equal(one(await record(args({ rotation: "2025-06" })), GPG_KEY, "bot-gpg-key").inputs.rotation, "2025-06");
            assert.equal(one(await record(args()), GPG_KEY, "bot-gpg-key").inputs.rotation, "");
        });

        it("describes the key's and the passphrase's parameters with the bot's e-mail", async () => {
            const registered = await record(args({ passphrase: "correct horse" }));
            assert.equal(
                one(registered, PARAMETER, "bot-gpg-ssm").inputs.description,
                "Armored GPG private key that signs Flux image-update commits as bot@example.com",
            );
            assert.equal(
                one(registered, PARAMETER, "bot-gpg-passphrase-ssm").inputs.description,
                "Passphrase of the GPG key that signs Flux commits as bot@example.com",
            );
        });

        it("records the key's identity, its halves (the private one kept secret) and both parameters, in the state", async () => {
            const { outputs } = await recordState(args({ passphrase: "correct horse" }), providers);
            const parameter = { name: "/github/gpg-keys/bot", version: 3 };
            const passphraseParameter = { name: "/github/gpg-keys/bot-passphrase", version: 3 };
            const arn = "arn:aws:ssm:eu-west-1:123456789012:parameter/p";
            assert.deepEqual(outputs.get("flux-gitops:keys:GpgSigningKey::bot-gpg"), {
                parameter,
                passphraseParameter,
                fingerprint: "F".repeat(40),
                keyId: "K".repeat(16),
                publicKey: "PUBLIC",
                privateKey: secret("PRIVATE"),
                parameterName: parameter.name,
                passphraseParameterName: passphraseParameter.name,
                parameterArns: [arn, arn],
            });
        });

        it("writes the passphrase only once GitHub has the key, in a StoredSecret under the signing key", async () => {
            const { registered, parents } = await recordState(args({ passphrase: "correct horse" }));
            assert.deepEqual(waitsFor(one(registered, PARAMETER, "bot-gpg-passphrase-ssm")), [`${USER_GPG_KEY}::bot-gpg`]);
            assert.equal(parents.get("flux-gitops:keys:StoredSecret::bot-gpg-passphrase-ssm"), "flux-gitops:keys:GpgSigningKey::bot-gpg");
        });
    });
});
