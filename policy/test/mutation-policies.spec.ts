import { strict as assert } from "node:assert";
import { imagePolicyFiltered, kubernetesType, kustomizationPruneViolations, webhookEventsViolations, webhookTlsViolations } from "../policies";
import { runResourcePolicy } from "./harness";

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
        assert.deepEqual(kubernetesType("kubernetes:core/v1:Secret"), { group: "core", version: "v1", kind: "Secret" });
    });

    for (const type of ["kubernetes:v1:Secret", "xkubernetes:core/v1:Secret", "kubernetes:core/v1:Secret:x", "aws:ssm/parameter:Parameter"]) {
        it(`does not take ${type} for a Kubernetes type`, () => {
            assert.equal(kubernetesType(type), undefined);
        });
    }

    it("matches the kind in its own API group only", async () => {
        const policy = { spec: { policy: { semver: { range: ">=1.0.0" } } } };
        const ours = { type: "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy", name: "p", props: policy };
        assert.equal((await runResourcePolicy(imagePolicyFiltered(), ours)).length, 0, "semver needs no pattern");
        const numerical = { spec: { policy: { numerical: { order: "asc" } } } };
        assert.equal((await runResourcePolicy(imagePolicyFiltered(), { ...ours, props: numerical })).length, 1);
        const other = { type: "kubernetes:example.com/v1:ImagePolicy", name: "p", props: numerical };
        assert.deepEqual(await runResourcePolicy(imagePolicyFiltered(), other), []);
    });

    it("names an object by metadata.name, else by its Pulumi name", () => {
        const message = (name: string) => [`Kustomization "${name}" does not prune: objects removed from git would stay in the cluster.`];
        assert.deepEqual(kustomizationPruneViolations("pulumi-name", { metadata: { name: "apps" } }), message("apps"));
        for (const metadata of [{ name: "" }, { name: 42 }, {}, null, ["apps"], undefined]) {
            assert.deepEqual(kustomizationPruneViolations("pulumi-name", { metadata }), message("pulumi-name"), JSON.stringify(metadata));
        }
    });

    it("reads a missing list as empty", () => {
        assert.deepEqual(webhookEventsViolations("hook", {}), []);
        assert.deepEqual(webhookEventsViolations("hook", { events: "push" }), []);
    });
});
