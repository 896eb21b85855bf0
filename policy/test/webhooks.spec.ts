/**
 * The webhook policies (policy/webhooks.ts), both ends: the GitHub repository webhook and the Flux
 * Receiver.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import {
    AUTHENTICATED_RECEIVER_TYPES,
    githubWebhookEvents,
    githubWebhookTls,
    receiverAuthenticated,
    receiverAuthenticatedViolations,
    webhookEventsViolations,
    webhookTlsViolations,
} from "../webhooks";
import { requireSharedCrds, SHARED_CRDS } from "../../test/helpers/schema";
import { FakeResource, k8s, runResourcePolicy } from "./harness";

describe("github-webhook-tls: a GitHub webhook sends over verified TLS and signs its payloads", () => {
    const policy = githubWebhookTls();
    const webhook = (configuration: Record<string, unknown>): FakeResource => ({
        type: "github:index/repositoryWebhook:RepositoryWebhook",
        name: "echo-server-webhook",
        props: { repository: "echo-server", events: ["push", "ping"], active: true, configuration },
    });
    const good = {
        url: "https://r1.example.com/hook/abc",
        contentType: "json",
        insecureSsl: false,
        secret: "token",
    };

    it("accepts an https webhook with TLS verification and a secret", async () => {
        assert.deepEqual(await runResourcePolicy(policy, webhook(good)), []);
    });

    it("reports http, insecure_ssl and a missing secret, without printing the URL", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                webhook({
                    ...good,
                    url: "http://r1.example.com/hook/abc",
                    insecureSsl: true,
                    secret: "",
                }),
            ),
            [
                'GitHub webhook "echo-server-webhook" does not send to an https:// URL: payloads and their signature would travel in clear text.',
                'GitHub webhook "echo-server-webhook" sets insecure_ssl: GitHub would not verify the receiver\'s certificate.',
                'GitHub webhook "echo-server-webhook" has no secret: GitHub cannot sign its payloads, so the receiver cannot verify them.',
            ],
        );
        const { secret: _secret, ...withoutSecret } = good;
        assert.deepEqual(await runResourcePolicy(policy, webhook(withoutSecret)), [
            'GitHub webhook "echo-server-webhook" has no secret: GitHub cannot sign its payloads, so the receiver cannot verify them.',
        ]);
    });

    describe("insecure_ssl in every spelling the GitHub provider hands over", () => {
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
});

describe("github-webhook-events (advisory): a GitHub webhook subscribes only to the events its receiver handles", () => {
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
        assert.deepEqual(
            await runResourcePolicy(policy, webhook(["push", "release"]), {
                allowedEvents: ["push", "ping", "release"],
            }),
            [],
        );
    });

    it("called without a config, handles push, ping and package", () => {
        assert.deepEqual(webhookEventsViolations("hook", { events: ["push", "issues"] }), [
            'GitHub webhook "hook" subscribes to events the receiver does not handle: issues (handled: push, ping, package).',
        ]);
    });

    describe("repository webhooks only", () => {
        it("leaves an organization webhook alone (the stack's receivers get repository webhooks)", async () => {
            const resource = {
                type: "github:index/organizationWebhook:OrganizationWebhook",
                name: "org-hook",
                props: { events: ["issues"] },
            };
            assert.deepEqual(await runResourcePolicy(githubWebhookEvents(), resource), []);
        });
    });
});

describe("receiver-authenticated: a Flux Receiver authenticates the requests it is sent", () => {
    const policy = receiverAuthenticated();
    const receiver = (spec: Record<string, unknown>) =>
        k8s("notification.toolkit.fluxcd.io/v1", "Receiver", "echo-server", spec);

    it("accepts a receiver with a secretRef", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                receiver({ type: "github", secretRef: { name: "echo-server-webhook-token" } }),
            ),
            [],
        );
    });

    it("rejects one without", async () => {
        assert.deepEqual(
            await runResourcePolicy(policy, receiver({ type: "github", events: ["push"] })),
            [
                'Receiver "echo-server" of type github has no secretRef: its requests would not be authenticated.',
            ],
        );
        assert.equal(
            (
                await runResourcePolicy(
                    policy,
                    receiver({ type: "generic-hmac", secretRef: { name: "" } }),
                )
            ).length,
            1,
        );
    });
    it("judges every type the v1 Receiver CRD allows: all but generic-oidc authenticate with the token of secretRef", function () {
        // notification-controller's Receiver CRD (../shared/crds): spec.type's enum, and the CEL rules
        // "secretRef is required when type is not generic-oidc" / "secretRef cannot be set when type
        // is generic-oidc" (that type authenticates with an OIDC token).
        requireSharedCrds("the Receiver types check");
        const crd = YAML.parse(
            fs.readFileSync(
                path.join(SHARED_CRDS, "notification.toolkit.fluxcd.io_receivers.yaml"),
                "utf8",
            ),
        ) as {
            spec: {
                versions: {
                    name: string;
                    schema: {
                        openAPIV3Schema: {
                            properties: { spec: { properties: { type: { enum: string[] } } } };
                        };
                    };
                }[];
            };
        };
        const v1 = crd.spec.versions.find((v) => v.name === "v1")!;
        const types = v1.schema.openAPIV3Schema.properties.spec.properties.type.enum;
        assert.deepEqual(
            [...AUTHENTICATED_RECEIVER_TYPES].sort(),
            types.filter((t) => t !== "generic-oidc").sort(),
        );
    });

    it("leaves a generic-oidc receiver, which has no secretRef, alone", async () => {
        const oidc = receiver({
            type: "generic-oidc",
            oidcProviders: [{ issuerURL: "https://token.actions.githubusercontent.com" }],
        });
        assert.deepEqual(await runResourcePolicy(policy, oidc), []);
    });

    describe("types it does not list", () => {
        it("leaves a Receiver without a listed type to the CRD's validation", () => {
            assert.deepEqual(
                receiverAuthenticatedViolations("r", {
                    metadata: { name: "echo-server" },
                    spec: {},
                }),
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
});
