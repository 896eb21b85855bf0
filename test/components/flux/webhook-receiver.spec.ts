/**
 * The webhook receivers, each built on its own under Pulumi's mocks: where the Receiver and its
 * route go, which webhooks are made, and what each records as its outputs in the state.
 */
import { strict as assert } from "node:assert";
import { fluxObjectNames } from "../../../components/flux/names";
import { ReceiverType, receiverWebhookPath } from "../../../components/flux/specs";
import { ImageWebhookReceiver, ImageWebhookReceiverArgs, WebhookReceiver, WebhookReceiverArgs } from "../../../components/flux/webhook-receiver";
import { one, record, recordState, Registered, secret, shortUrn } from "../../helpers/record";
import { RECEIVER, WEBHOOK } from "../../helpers/types";

const FLUX_NS = "flux-system";
const TOKEN = "t".repeat(40);
const HOSTNAME = "hooks.example.com";
const names = fluxObjectNames("echo");

/** What a registration waits for, as `type::name`, sorted. */
const waitsFor = (r: Registered): string[] => r.options.dependencies.map(shortUrn).sort();

describe("the webhook receivers on their own", () => {
    describe("WebhookReceiver", () => {
        const args: WebhookReceiverArgs = {
            fluxNamespace: FLUX_NS,
            routeNamespace: FLUX_NS,
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

        it("for a tenant: the Receiver in the tenant's namespace (its URL's digest names it), the route in Flux's", async () => {
            const tenant = { ...args, fluxNamespace: "echo" };
            const registered = await record(() => new WebhookReceiver("echo-receiver", tenant));
            const namespaceOf = (type: string) => (one(registered, type, type.endsWith("HTTPRoute") ? "echo-receiver-route" : "echo-receiver").inputs.metadata as { namespace: string }).namespace;
            assert.equal(namespaceOf("kubernetes:notification.toolkit.fluxcd.io/v1:Receiver"), "echo");
            // The route reaches notification-controller's Service in Flux's namespace without a ReferenceGrant.
            assert.equal(namespaceOf("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"), FLUX_NS);
            const { outputs } = await recordState(() => new WebhookReceiver("echo-receiver", tenant));
            const url = `https://${HOSTNAME}${receiverWebhookPath(TOKEN, { name: names.receiver, namespace: "echo" })}`;
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
});
