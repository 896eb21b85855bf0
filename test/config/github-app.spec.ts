import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { buildConfig, GITHUB_APP_ENV, pemShape, SecretConfig } from "../../config";
import { devRaw, problemsOf, secrets } from "../helpers/config-helpers";
import { evaluateStack } from "../helpers/evaluations";
import { APP_MODE, APP_PRIVATE_KEY, rsaPrivateKeyPem } from "../helpers/github-app";

const app = { githubAppId: "123456", githubAppInstallationId: "7890123" };
const withKey = (shape: SecretConfig["githubAppPrivateKeyShape"] = "pkcs1"): SecretConfig => ({
    ...secrets,
    githubAppPrivateKey: pulumi.secret(APP_PRIVATE_KEY),
    githubAppPrivateKeyShape: shape,
});

describe("GitHub App mode config", () => {
    it("is App mode when all three App settings are set, with no organisation token", () => {
        const config = buildConfig(devRaw(app), withKey(), "dev", { env: { GITHUB_TOKEN: "ghp_from_the_environment" } });
        assert.equal(config.github.app?.id, "123456");
        assert.equal(config.github.app?.installationId, "7890123");
        assert.ok(pulumi.Output.isInstance(config.github.app?.privateKey));
        assert.equal(config.github.orgToken, undefined, "GITHUB_TOKEN is not read in App mode");
    });

    it("stays in PAT mode without any App setting, GITHUB_TOKEN still the organisation token", () => {
        const config = buildConfig(devRaw(), secrets, "dev", { env: { GITHUB_TOKEN: "ghp_from_the_environment" } });
        assert.equal(config.github.app, undefined);
        assert.ok(pulumi.Output.isInstance(config.github.orgToken));
    });

    it("refuses some but not all App settings, naming each missing one", () => {
        assert.deepEqual(problemsOf({ githubAppId: "123456" }), [
            "flux-gitops:githubAppInstallationId is required in GitHub App mode (flux-gitops:githubAppId is set); set it with `pulumi config set githubAppInstallationId <value>`",
            "flux-gitops:githubAppPrivateKey is required in GitHub App mode (flux-gitops:githubAppId is set); set it with `pulumi config set --secret githubAppPrivateKey < app-private-key.pem`",
        ]);
        assert.deepEqual(problemsOf({}, withKey()), [
            "flux-gitops:githubAppId is required in GitHub App mode (flux-gitops:githubAppPrivateKey is set); set it with `pulumi config set githubAppId <value>`",
            "flux-gitops:githubAppInstallationId is required in GitHub App mode (flux-gitops:githubAppPrivateKey is set); set it with `pulumi config set githubAppInstallationId <value>`",
        ]);
        assert.deepEqual(problemsOf({ githubAppInstallationId: "7890123" }, withKey()), [
            "flux-gitops:githubAppId is required in GitHub App mode (flux-gitops:githubAppInstallationId and flux-gitops:githubAppPrivateKey are set); set it with `pulumi config set githubAppId <value>`",
        ]);
    });

    it("reports only the missing App settings while any is missing, not what App mode would refuse besides", () => {
        assert.deepEqual(problemsOf({ githubAppId: "123456" }, { ...secrets, githubToken: pulumi.secret("ghp_org") }), [
            "flux-gitops:githubAppInstallationId is required in GitHub App mode (flux-gitops:githubAppId is set); set it with `pulumi config set githubAppInstallationId <value>`",
            "flux-gitops:githubAppPrivateKey is required in GitHub App mode (flux-gitops:githubAppId is set); set it with `pulumi config set --secret githubAppPrivateKey < app-private-key.pem`",
        ]);
    });

    it("judges the private key's shape as the stack's config holds it, through the program's reader", async () => {
        await assert.rejects(evaluateStack("dev", { ...APP_MODE, githubAppPrivateKey: { secret: rsaPrivateKeyPem("pkcs8") } }), (e: Error) => {
            assert.match(e.message, /flux-gitops:githubAppPrivateKey is a PKCS#8 key \(BEGIN PRIVATE KEY\)/);
            return true;
        });
    });

    it("refuses App and installation IDs that are not positive integers", () => {
        // source-controller ParseInts both (fluxcd/pkg runtime/v0.110.1 secrets/converter.go); GitHub numbers them from 1.
        assert.deepEqual(problemsOf({ githubAppId: "0", githubAppInstallationId: "12a" }, withKey()), [
            'flux-gitops:githubAppId must be a positive integer (got "0")',
            'flux-gitops:githubAppInstallationId must be a positive integer (got "12a")',
        ]);
        assert.deepEqual(problemsOf({ githubAppId: "-5", githubAppInstallationId: "1.5" }, withKey()), [
            'flux-gitops:githubAppId must be a positive integer (got "-5")',
            'flux-gitops:githubAppInstallationId must be a positive integer (got "1.5")',
        ]);
    });

    it("refuses a private key the GitHub provider cannot parse, saying how to convert it", () => {
        assert.deepEqual(problemsOf(app, withKey("pkcs8")), [
            "flux-gitops:githubAppPrivateKey is a PKCS#8 key (BEGIN PRIVATE KEY), which the GitHub provider cannot read; use the key GitHub generated (BEGIN RSA PRIVATE KEY) or convert it with `openssl rsa -in key.pem -traditional`",
        ]);
        assert.deepEqual(problemsOf(app, withKey("other")), [
            "flux-gitops:githubAppPrivateKey is not a PEM RSA private key (-----BEGIN RSA PRIVATE KEY----- … -----END RSA PRIVATE KEY-----)",
        ]);
    });

    it("tells a PKCS#1 key from a PKCS#8 key and from anything else", () => {
        // terraform-provider-github v6.13.0 github/apps.go generateAppJWT: x509.ParsePKCS1PrivateKey only.
        const pkcs1 = rsaPrivateKeyPem("pkcs1");
        assert.match(pkcs1, /^-----BEGIN RSA PRIVATE KEY-----\n/);
        assert.equal(pemShape(pkcs1), "pkcs1");
        assert.equal(pemShape(`\n  ${pkcs1.replace(/\n/g, "\r\n")}  \n`), "pkcs1", "CRLF and surrounding blanks");
        assert.equal(pemShape(pkcs1.trim().replace(/\n/g, "\\n")), "pkcs1", "pasted on one line with literal \\n, as the provider accepts");
        assert.equal(pemShape(rsaPrivateKeyPem("pkcs8")), "pkcs8");
        assert.equal(pemShape("ghp_notakey"), "other");
        assert.equal(pemShape(pkcs1.replace("-----END RSA PRIVATE KEY-----", "")), "other", "truncated");
        assert.equal(pemShape(pkcs1.replace(/^-----BEGIN RSA PRIVATE KEY-----\n.{8}/, "-----BEGIN RSA PRIVATE KEY-----\n%%%%%%%%")), "other");
    });

    it("refuses githubToken and the provider's App environment variables in App mode", () => {
        try {
            buildConfig(devRaw(app), { ...withKey(), githubToken: pulumi.secret("ghp_x") }, "dev", {
                env: Object.fromEntries(GITHUB_APP_ENV.map((k) => [k, "x"])),
            });
            assert.fail("expected a ConfigError");
        } catch (e) {
            assert.deepEqual((e as { problems: string[] }).problems, [
                "flux-gitops:githubToken must not be set in GitHub App mode: the organisation provider authenticates as the App",
                "the environment variable GITHUB_APP_ID must not be set in GitHub App mode: the GitHub provider would read it for the bot's provider too",
                "the environment variable GITHUB_APP_INSTALLATION_ID must not be set in GitHub App mode: the GitHub provider would read it for the bot's provider too",
                "the environment variable GITHUB_APP_PEM_FILE must not be set in GitHub App mode: the GitHub provider would read it for the bot's provider too",
            ]);
        }
        // PAT mode is as before: the same environment is not judged there.
        buildConfig(devRaw(), { ...secrets, githubToken: pulumi.secret("ghp_x") }, "dev", { env: Object.fromEntries(GITHUB_APP_ENV.map((k) => [k, "x"])) });
    });
});
