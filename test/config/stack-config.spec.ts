import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { buildConfig, ConfigContext, ConfigError, regexProblem, registryHost, splitRegistries } from "../../config";
import { fluxDurationMs, isPositiveFluxDuration } from "../../components/validation";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT, readStackConfig } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { devRaw, problemsOf, secrets } from "../helpers/config-helpers";

describe("the stack config, built from a whole stack file (buildConfig)", () => {
    it("builds the dev stack's typed config with the recipe's values and derived defaults", () => {
        const config = buildConfig(devRaw(), secrets, "dev");
        assert.equal(config.awsRegion, "eu-central-1");
        assert.deepEqual(
            { owner: config.github.owner, botUser: config.github.botUser, botEmail: config.github.botEmail },
            { owner: "developer-friendly", botUser: "developer-friendly-bot", botEmail: "bot@developer-friendly.blog" },
        );
        assert.equal(config.apps.length, 1);
        const [app] = config.apps;
        assert.equal(app.repository, "echo-server");
        assert.equal(app.overlayPath, "./kustomize/overlays/dev");
        assert.equal(app.hostname, "echo-server.dev.developer-friendly.blog");
        assert.deepEqual(app.ssm, {
            deployKey: "/github/echo-server/deploy-key",
            webhookToken: "/github/echo-server/receiver-token",
            imageWebhookToken: "/github/echo-server/image-receiver-token",
        });
        assert.deepEqual(
            { ...app.image },
            {
                repository: "ghcr.io/developer-friendly/echo-server",
                registry: "ghcr.io",
                public: false,
                policy: "numerical",
                order: "asc",
                semverRange: ">=0.0.0",
                tagPattern: "^[0-9]+$",
                tagExtract: undefined,
                automation: true,
                pushBranch: "main",
            },
        );
        assert.deepEqual(config.ssm, {
            registryToken: "/github/echo-server/ghcr-token",
            gpgKey: "/github/gpg-keys/developer-friendly-bot",
            gpgPassphrase: "/github/gpg-keys/developer-friendly-bot-passphrase",
            slackWebhookUrl: "/flux-gitops/dev/slack-webhook-url",
            prefix: "",
            discordWebhookUrl: "/flux-gitops/dev/discord-webhook-url",
            botGithubToken: "/github/bot-tokens/developer-friendly-bot",
            githubAppPrivateKey: "/flux-gitops/dev/github-app-private-key",
            kmsKeyId: undefined,
        });
        assert.equal(config.keys.gpgAlgorithm, "ed25519");
        assert.equal(config.kubernetes.context, "flux-dev");
        assert.equal(config.kubernetes.fluxNamespace, "flux-system");
        assert.equal(config.flux.gitInterval, "1m");
    });

    it("derives the overlay path and app namespace when they are left empty", () => {
        const config = buildConfig(devRaw({ overlayPath: "", appNamespace: "" }), secrets, "staging");
        assert.equal(config.apps[0].overlayPath, "./kustomize/overlays/staging");
        assert.equal(config.apps[0].namespace, "echo-server");
    });

    const cases: [string, Record<string, string | undefined>, string][] = [
        ["a missing owner", { owner: undefined }, 'flux-gitops:owner is required (the GitHub organisation that owns the repository); set it with `pulumi config set owner <value>`'],
        ["an invalid owner login", { owner: "-bad-" }, 'flux-gitops:owner is not a valid GitHub login (got "-bad-")'],
        ["an invalid bot login", { botUser: "bot_user" }, 'flux-gitops:botUser is not a valid GitHub login (got "bot_user")'],
        ["a bot user equal to the organisation", { botUser: "Developer-Friendly" }, 'flux-gitops:botUser must be a separate user, not the organisation "developer-friendly" itself'],
        ["an e-mail that is not one", { botEmail: "bot@localhost" }, 'flux-gitops:botEmail is not an e-mail address (got "bot@localhost")'],
        ["an SSM name without a leading slash", { ssmDeployKeyName: "github/deploy-key" }, 'flux-gitops:ssmDeployKeyName must be an SSM parameter name starting with "/" (got "github/deploy-key")'],
        ["a tag pattern that does not compile", { tagPattern: "^[0-9+$" }, "flux-gitops:tagPattern is not a valid regular expression (error parsing regexp: missing closing ]: `[0-9+$`)"],
        ["a tag pattern Go's RE2 rejects", { tagPattern: "^(?!latest).*$" }, "flux-gitops:tagPattern uses lookaround, which Go's RE2 (used by Flux) does not support"],
        ["an unknown policy kind", { imagePolicy: "newest" }, 'flux-gitops:imagePolicy must be one of numerical, semver, alphabetical (got "newest")'],
        ["an unknown policy order", { imagePolicyOrder: "up" }, 'flux-gitops:imagePolicyOrder must be one of asc, desc (got "up")'],
        ["an unknown GPG algorithm", { gpgAlgorithm: "dsa" }, 'flux-gitops:gpgAlgorithm must be one of ed25519, rsa3072, rsa4096 (got "dsa")'],
        ["a hostname that is not a DNS name", { baseDomain: "Example_Domain.com" }, 'flux-gitops:baseDomain is not a DNS name: lowercase labels of letters, digits and "-" separated by dots (got "Example_Domain.com")'],
        ["a receiver hostname that is not a DNS name", { receiverHostname: "hooks..example.com" }, 'flux-gitops:receiverHostname is not a DNS name: lowercase labels of letters, digits and "-" separated by dots (got "hooks..example.com")'],
        ["a zero interval", { gitInterval: "0s" }, 'flux-gitops:gitInterval must be a positive Flux duration such as 30s, 5m or 1h30m (got "0s")'],
        ["a negative interval", { kustomizationInterval: "-5m" }, 'flux-gitops:kustomizationInterval must be a positive Flux duration such as 30s, 5m or 1h30m (got "-5m")'],
        ["an interval not in Flux's format", { imageInterval: "5 minutes" }, 'flux-gitops:imageInterval must be a positive Flux duration such as 30s, 5m or 1h30m (got "5 minutes")'],
        ["a day unit Flux does not accept", { externalSecretRefreshInterval: "1d" }, 'flux-gitops:externalSecretRefreshInterval must be a positive Flux duration such as 30s, 5m or 1h30m (got "1d")'],
        ["an image with a tag", { image: "ghcr.io/developer-friendly/echo-server:1" }, 'flux-gitops:image must be an image repository without tag or digest, e.g. ghcr.io/org/app (got "ghcr.io/developer-friendly/echo-server:1")'],
        ["a port out of range", { appPort: "70000" }, 'flux-gitops:appPort must be a port number from 1 to 65535 (got "70000")'],
        ["a missing AWS region", { "aws:region": undefined }, "aws:region is required; set it with `pulumi config set aws:region <region>`"],
        ["a chart version range", { kubePrometheusStackVersion: "^82.0.0" }, 'flux-gitops:kubePrometheusStackVersion must be an exact chart version such as 82.8.0, not a range (got "^82.0.0")'],
        ["helm values that are not a JSON object", { helmValues: "[1]" }, "flux-gitops:helmValues must be a JSON object of chart values (not an object)"],
        ["a namespace that is not a Kubernetes name", { fluxNamespace: "Flux_System" }, 'flux-gitops:fluxNamespace must be a Kubernetes name: lowercase letters, digits and "-", at most 63 (got "Flux_System")'],
    ];
    for (const [what, overrides, message] of cases) {
        it(`rejects ${what} with a message naming the key`, () => {
            assert.deepEqual(problemsOf(overrides), [message]);
        });
    }

    it("rejects missing secrets with the command that sets them: the bot's token, and registryToken for a private ghcr.io image", () => {
        assert.deepEqual(problemsOf({}, {}), [
            "flux-gitops:botGithubToken is required; set it with `pulumi config set --secret botGithubToken <value>`",
            "flux-gitops:registryToken is required: application echo-server pulls ghcr.io/developer-friendly/echo-server from ghcr.io privately; " +
                "set it with `pulumi config set --secret registryToken <token>` (a token of the bot with read:packages), or set imagePublic: true for a public image",
        ]);
    });

    it("needs no registryToken for a public image, and no webhook at all", () => {
        const { registryToken: _r, slackWebhookUrl: _s, discordWebhookUrl: _d, ...rest } = secrets;
        const config = buildConfig(devRaw({ imagePublic: "true" }), rest, "dev");
        assert.deepEqual(config.registries, {});
        assert.equal(config.keys.registryToken, undefined);
        assert.equal(config.monitoring.slackWebhookUrl, undefined);
        assert.equal(config.monitoring.discordWebhookUrl, undefined);
    });

    it("lists every problem at once, in one message", () => {
        let error: unknown;
        try {
            buildConfig(devRaw({ owner: "-bad-", botEmail: "nope", gitInterval: "0s" }), secrets, "dev");
        } catch (e) {
            error = e;
        }
        assert.ok(error instanceof ConfigError);
        assert.equal(
            error.message,
            'Invalid configuration for stack "dev" (3 problems):\n' +
                '  - flux-gitops:owner is not a valid GitHub login (got "-bad-")\n' +
                '  - flux-gitops:botEmail is not an e-mail address (got "nope")\n' +
                '  - flux-gitops:gitInterval must be a positive Flux duration such as 30s, 5m or 1h30m (got "0s")',
        );
    });

    it("fails the program before any resource is registered", async () => {
        await assert.rejects(evaluateStack("dev", { owner: "-bad-", gitInterval: "0s" }), (e: unknown) => {
            assert.ok(e instanceof Error && e.name === "ConfigError", String(e));
            assert.match(e.message, /flux-gitops:owner is not a valid GitHub login/);
            assert.match(e.message, /flux-gitops:gitInterval must be a positive Flux duration/);
            return true;
        });
    });

    it("parses Flux durations the way the CRDs' pattern accepts them", () => {
        assert.equal(fluxDurationMs("1h30m"), 5_400_000);
        assert.equal(fluxDurationMs("1.5s"), 1500);
        assert.equal(fluxDurationMs("250ms"), 250);
        assert.equal(fluxDurationMs("1d"), undefined);
        assert.equal(isPositiveFluxDuration("0m0s"), false);
    });

    it("finds the registry host of an image", () => {
        assert.equal(registryHost("ghcr.io/org/app"), "ghcr.io");
        assert.equal(registryHost("localhost:5000/app"), "localhost:5000");
        assert.equal(registryHost("org/app"), "docker.io");
    });

    it("accepts named groups in Go's (?P<name>) and the (?<name>) spelling", () => {
        assert.equal(regexProblem("^main-[a-f0-9]+-(?P<ts>[0-9]+)"), undefined);
        assert.equal(regexProblem("^main-[a-f0-9]+-(?<ts>[0-9]+)"), undefined);
        assert.equal(regexProblem("^(a)\\1$"), "uses a backreference, which Go's RE2 (used by Flux) does not support");
    });
});

describe("config as the CLI hands it over", () => {
    it("refuses a key the program does not read, naming it and the closest known key", () => {
        assert.deepEqual(problemsOfContext({ setKeys: ["imagePolicyy", "owner"] }), [
            "flux-gitops:imagePolicyy is not a key this program reads; did you mean imagePolicy?",
        ]);
        assert.deepEqual(problemsOfContext({ setKeys: ["zzzzzzzzzzzz"] }), ["flux-gitops:zzzzzzzzzzzz is not a key this program reads"]);
    });

    it("refuses undeclared secrets that were set without --secret", () => {
        assert.deepEqual(problemsOfContext({ plaintextSecrets: ["gpgPassphrase"] }), [
            "flux-gitops:gpgPassphrase is a secret but was set in plain text; set it again with `pulumi config set --secret gpgPassphrase <value>`",
        ]);
    });

    it("refuses a stack that does not name its cluster", () => {
        assert.deepEqual(problemsOf({ kubeContext: "" }), [
            "flux-gitops:kubeContext is required: every stack names its cluster (or set the secret flux-gitops:kubeconfig); " +
                "set it with `pulumi config set kubeContext <context>` (see `kubectl config get-contexts`)",
        ]);
        const config = buildConfig(devRaw({ kubeContext: "" }), { ...secrets, kubeconfig: pulumi.secret("apiVersion: v1") }, "dev");
        assert.equal(config.kubernetes.context, undefined);
        assert.ok(config.kubernetes.kubeconfig);
    });

    it("is a pulumi.RunError, whose message the nodejs host prints without a stack trace", () => {
        // @pulumi/pulumi cmd/run/run.js: `if (RunError.isInstance(err)) log.error(err.message)`.
        const error = new ConfigError("dev", ["a"]);
        assert.ok(pulumi.RunError.isInstance(error));
        assert.equal(error.stackName, "dev");
        assert.match(String(error.stack), /^ConfigError: Invalid configuration/, "Error.stack is not overwritten");
    });
});

describe("registry credentials", () => {
    const docker = (extra: Record<string, string>) =>
        JSON.stringify([{ repository: "search", image: "docker.io/acme/search", ...extra }]);

    it("reads ghcr.io as the bot with registryToken", () => {
        const config = buildConfig(devRaw(), secrets, "dev");
        assert.deepEqual(Object.keys(config.registries), ["ghcr.io"]);
        assert.equal(config.registries["ghcr.io"].username, "developer-friendly-bot");
        assert.equal(config.registries["ghcr.io"].token, secrets.registryToken);
        assert.equal(config.registries["ghcr.io"].parameterName, "/github/echo-server/ghcr-token");
    });

    it("gives any other registry its own user and token, stored in its own parameter", () => {
        const token = pulumi.secret("docker-token");
        const config = buildConfig(
            devRaw({ additionalApps: docker({}), registries: JSON.stringify({ "docker.io": { username: "acme-bot" } }) }),
            { ...secrets, registryTokens: { "docker.io": token } },
            "dev",
        );
        assert.deepEqual(config.registries["docker.io"], {
            host: "docker.io",
            username: "acme-bot",
            token,
            parameterName: "/registries/docker.io/token",
        });
    });

    it("gives a public image no credentials at all", () => {
        const config = buildConfig(devRaw({ additionalApps: docker({ imagePublic: "true" }) }), secrets, "dev");
        assert.equal(config.apps[1].image.public, true);
        assert.deepEqual(Object.keys(config.registries), ["ghcr.io"]);
    });

    it("refuses a private image whose registry has no credentials, naming the application and the registry", () => {
        assert.deepEqual(problemsOf({ additionalApps: docker({}) }), [
            'application search pulls docker.io/acme/search from docker.io, which has no credentials: add them under flux-gitops:registries["docker.io"] (username and a secret token), or set imagePublic: true for a public image',
        ]);
    });

    it("refuses an incomplete registry entry", () => {
        assert.deepEqual(problemsOf({ registries: JSON.stringify({ "quay.io": {} }) }), [
            'flux-gitops:registries["quay.io"].username is required: the user the token belongs to',
            `flux-gitops:registries["quay.io"].token is required; set it with \`pulumi config set --secret --path 'registries["quay.io"].token' <token>\``,
        ]);
    });

    it("splits the tokens off the registries value as secrets", async () => {
        const { entries, tokens } = splitRegistries(JSON.stringify({ "quay.io": { username: "u", token: "t" } }));
        assert.equal(entries, JSON.stringify({ "quay.io": { username: "u" } }));
        assert.ok(await pulumi.isSecret(tokens["quay.io"]));
    });
});

/** The problems buildConfig reports for the dev config with this CLI context. */
function problemsOfContext(context: ConfigContext): readonly string[] {
    try {
        buildConfig(devRaw(), secrets, "dev", context);
    } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

describe("registries in a stack file", () => {
    it("reads a token set with --secret --path as a secret, as the CLI hands it over", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-registries-"));
        try {
            fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const dev = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8");
            // What `pulumi config set --secret --path 'registries["docker.io"].token' …` writes.
            fs.writeFileSync(
                path.join(dir, "Pulumi.dev.yaml"),
                `${dev.trimEnd()}\n  flux-gitops:registries:\n    docker.io:\n      username: acme-bot\n      token:\n        secure: v1:AAAA\n`,
            );
            const config = readStackConfig("dev", dir);
            assert.ok(config.secretKeys.includes("flux-gitops:registries"));
            const { entries, tokens } = splitRegistries(config.values["flux-gitops:registries"]);
            assert.equal(entries, JSON.stringify({ "docker.io": { username: "acme-bot" } }));
            assert.ok(await pulumi.isSecret(tokens["docker.io"]));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
