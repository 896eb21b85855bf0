/**
 * The webhook receivers, the deploy key and the GPG signing key, each built on
 * its own under Pulumi's mocks: the exact inputs each registration gets, what it waits for
 * (`dependencies`: the URNs of the RegisterResourceRequest), under which parent it is created, and
 * what the component records as its outputs in the state (its RegisterResourceOutputsRequest).
 */
import { strict as assert } from "node:assert";
import * as github from "@pulumi/github";
import { fluxObjectNames } from "../components/flux/names";
import { ReceiverType, receiverWebhookPath } from "../components/flux/specs";
import { ImageWebhookReceiver, ImageWebhookReceiverArgs, WebhookReceiver, WebhookReceiverArgs } from "../components/flux/webhook-receiver";
import { DeployKey } from "../components/keys/deploy-key";
import { GpgSigningKey, GpgSigningKeyArgs } from "../components/keys/gpg-signing-key";
import { one, record, Registered } from "./record";

const FLUX_NS = "flux-system";
const RECEIVER = "kubernetes:notification.toolkit.fluxcd.io/v1:Receiver";
const WEBHOOK = "github:index/repositoryWebhook:RepositoryWebhook";
const PARAMETER = "aws:ssm/parameter:Parameter";
const USER_GPG_KEY = "github:index/userGpgKey:UserGpgKey";
const GPG_KEY = "pulumi-nodejs:dynamic:Resource";

/** How the engine marks a secret value in a serialized Struct (sdk/nodejs/runtime/rpc.ts). */
const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };
const secret = (value: unknown): Record<string, unknown> => ({ [SECRET_SIG.key]: SECRET_SIG.value, value });

/** `type::name` of an URN, the type without its parents' types. */
function shortUrn(urn: string): string {
    const parts = urn.split("::");
    return `${parts[2].split("$").pop()!}::${parts[3]}`;
}

/** What a registration waits for, as `type::name`, sorted. */
const waitsFor = (r: Registered): string[] => r.options.dependencies.map(shortUrn).sort();

interface ResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
}
interface OutputsRequest {
    getUrn(): string;
    getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface MonitorPrototype {
    registerResource(req: ResourceRequest, cb: unknown): unknown;
    registerResourceOutputs(req: OutputsRequest, cb: unknown): unknown;
}

/** What `build` registers, plus each registration's parent (as `type::name`) and the outputs each component records, by `type::name`. */
async function recordState(build: () => unknown): Promise<{
    registered: Registered[];
    parents: Map<string, string>;
    outputs: Map<string, Record<string, unknown>>;
}> {
    const proto = (require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: MonitorPrototype } }).MockMonitor.prototype;
    // Both are called below with the monitor instance as `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const { registerResource, registerResourceOutputs } = proto;
    const parents = new Map<string, string>();
    const outputs = new Map<string, Record<string, unknown>>();
    proto.registerResource = function (this: MonitorPrototype, req: ResourceRequest, cb: unknown) {
        parents.set(`${req.getType()}::${req.getName()}`, req.getParent() === "" ? "" : shortUrn(req.getParent()));
        return registerResource.call(this, req, cb);
    };
    proto.registerResourceOutputs = function (this: MonitorPrototype, req: OutputsRequest, cb: unknown) {
        outputs.set(shortUrn(req.getUrn()), req.getOutputs()?.toJavaScript() ?? {});
        return registerResourceOutputs.call(this, req, cb);
    };
    try {
        const registered = await record(build);
        return { registered, parents, outputs };
    } finally {
        proto.registerResource = registerResource;
        proto.registerResourceOutputs = registerResourceOutputs;
    }
}

const TOKEN = "t".repeat(40);
const HOSTNAME = "hooks.example.com";
const names = fluxObjectNames("echo");

describe("the webhook receivers and the keys on their own", () => {
    describe("WebhookReceiver", () => {
        const args: WebhookReceiverArgs = {
            fluxNamespace: FLUX_NS,
            names,
            repository: "echo",
            token: TOKEN,
            hostname: HOSTNAME,
            baseDomain: "example.com",
            gateway: { name: "gateway", namespace: "gateway" },
        };

        it("records its hostname and its webhook URL, kept secret, in the state", async () => {
            const { outputs } = await recordState(() => new WebhookReceiver("echo-receiver", args));
            const url = `https://${HOSTNAME}${receiverWebhookPath(TOKEN, { name: names.receiver, namespace: FLUX_NS })}`;
            assert.deepEqual(outputs.get("flux-gitops:flux:WebhookReceiver::echo-receiver"), { hostname: HOSTNAME, webhookUrl: secret(url) });
        });
    });

    describe("ImageWebhookReceiver", () => {
        const args = (type: ReceiverType): ImageWebhookReceiverArgs => ({
            fluxNamespace: FLUX_NS,
            names,
            type,
            repository: "echo",
            token: TOKEN,
            hostname: HOSTNAME,
        });
        const url = `https://${HOSTNAME}${receiverWebhookPath(TOKEN, { name: names.imageReceiver, namespace: FLUX_NS })}`;

        it("for ghcr.io (type github): creates the repository's package webhook only once the Receiver exists", async () => {
            const registered = await record(() => new ImageWebhookReceiver("echo-image-receiver", args("github")));
            const webhook = one(registered, WEBHOOK, "echo-image-receiver");
            assert.deepEqual(webhook.inputs.events, ["package"]);
            assert.deepEqual(waitsFor(webhook), [`${RECEIVER}::echo-image-receiver`]);
        });

        it("for any other registry (Docker Hub, Quay, ACR, generic-hmac): creates the Receiver and no GitHub webhook, its URL being an output to register in the registry", async () => {
            for (const type of ["dockerhub", "quay", "acr", "generic-hmac"] as const) {
                const built: { receiver?: ImageWebhookReceiver } = {};
                const registered = await record(() => {
                    built.receiver = new ImageWebhookReceiver("echo-image-receiver", args(type));
                });
                assert.equal((one(registered, RECEIVER, "echo-image-receiver").inputs.spec as { type: string }).type, type);
                assert.deepEqual(registered.filter((r) => r.type === WEBHOOK).map((r) => r.name), [], type);
                assert.equal(built.receiver?.webhook, undefined, type);
            }
        });

        it("records its webhook URL, kept secret, in the state", async () => {
            const { outputs } = await recordState(() => new ImageWebhookReceiver("echo-image-receiver", args("dockerhub")));
            assert.deepEqual(outputs.get("flux-gitops:flux:ImageWebhookReceiver::echo-image-receiver"), { webhookUrl: secret(url) });
        });
    });

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

        it("writes the passphrase only once GitHub has the key, in a StoredSecret under the signing key", async () => {
            const { registered, parents } = await recordState(args({ passphrase: "correct horse" }));
            assert.deepEqual(waitsFor(one(registered, PARAMETER, "bot-gpg-passphrase-ssm")), [`${USER_GPG_KEY}::bot-gpg`]);
            assert.equal(parents.get("flux-gitops:keys:StoredSecret::bot-gpg-passphrase-ssm"), "flux-gitops:keys:GpgSigningKey::bot-gpg");
        });
    });
});
