import { strict as assert } from "node:assert";
import { webhookTlsViolations } from "../policies";

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
