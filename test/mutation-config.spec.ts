import { strict as assert } from "node:assert";
import { buildConfig } from "../config";
import { devRaw, problemsOf, secrets } from "./helpers/config-helpers";

describe("config rules", () => {
    it("refuses tagExtract without tagPattern: Flux's extract replaces the pattern's groups", () => {
        assert.deepEqual(problemsOf({ tagPattern: "", tagExtract: "$ts" }), [
            "flux-gitops:tagExtract needs tagPattern to be set",
        ]);
        assert.equal(
            buildConfig(
                devRaw({ tagPattern: "^main-(?P<ts>[0-9]+)$", tagExtract: "$ts" }),
                secrets,
                "dev",
            ).apps[0].image.tagExtract,
            "$ts",
        );
    });

    for (const value of ["0", "-30", "1.5", "soon"]) {
        it(`refuses a helmTimeout of "${value}": Helm needs a positive whole number of seconds`, () => {
            assert.deepEqual(problemsOf({ helmTimeout: value }), [
                `flux-gitops:helmTimeout must be a positive number of seconds (got "${value}")`,
            ]);
        });
    }

    it("reads helmTimeout as seconds", () => {
        assert.equal(
            buildConfig(devRaw({ helmTimeout: "1" }), secrets, "dev").monitoring.helmTimeoutSeconds,
            1,
        );
        assert.equal(buildConfig(devRaw(), secrets, "dev").monitoring.helmTimeoutSeconds, 900);
    });

    it("refuses two secrets stored under one SSM name, listing every name", () => {
        assert.deepEqual(problemsOf({ ssmWebhookTokenName: "/github/echo-server/deploy-key" }), [
            "the SSM parameter names must differ from each other (got /github/echo-server/deploy-key, /github/echo-server/deploy-key, " +
                "/github/echo-server/image-receiver-token, /github/echo-server/ghcr-token, /github/gpg-keys/developer-friendly-bot, " +
                "/flux-gitops/dev/slack-webhook-url, /flux-gitops/dev/discord-webhook-url, /github/bot-tokens/developer-friendly-bot)",
        ]);
    });

    it("refuses a semver policy without a range", () => {
        assert.deepEqual(problemsOf({ imagePolicy: "semver", imageSemverRange: "" }), [
            "flux-gitops:imageSemverRange is required when imagePolicy is semver",
        ]);
        const config = buildConfig(
            devRaw({ imagePolicy: "semver", imageSemverRange: ">=1.0.0 <2.0.0" }),
            secrets,
            "dev",
        );
        assert.equal(config.apps[0].image.semverRange, ">=1.0.0 <2.0.0");
    });

    it("refuses an ssmPrefix that is not a path", () => {
        assert.deepEqual(problemsOf({ ssmPrefix: "/prod//eu" }), [
            'flux-gitops:ssmPrefix must be empty or a path such as /prod (got "/prod//eu")',
        ]);
    });

    it("refuses an ssmPrefix without its leading slash, and so every name derived from it", () => {
        assert.deepEqual(problemsOf({ ssmPrefix: "prod" }), [
            'flux-gitops:ssmPrefix must be empty or a path such as /prod (got "prod")',
            'flux-gitops:ssmDeployKeyName must be an SSM parameter name starting with "/" (got "prod/github/echo-server/deploy-key")',
            'flux-gitops:ssmWebhookTokenName must be an SSM parameter name starting with "/" (got "prod/github/echo-server/receiver-token")',
            'flux-gitops:ssmGpgKeyName must be an SSM parameter name starting with "/" (got "prod/github/gpg-keys/developer-friendly-bot")',
            'flux-gitops:ssmRegistryTokenName must be an SSM parameter name starting with "/" (got "prod/github/echo-server/ghcr-token")',
        ]);
    });

    it("puts an ssmPrefix (trailing slashes dropped) in front of every derived SSM name", () => {
        const config = buildConfig(devRaw({ ssmPrefix: "/prod/eu//" }), secrets, "dev");
        assert.deepEqual(config.apps[0].ssm, {
            deployKey: "/prod/eu/github/echo-server/deploy-key",
            imageWebhookToken: "/prod/eu/github/echo-server/image-receiver-token",
            webhookToken: "/prod/eu/github/echo-server/receiver-token",
        });
        assert.equal(config.ssm.prefix, "/prod/eu");
    });
});
