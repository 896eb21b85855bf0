import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { buildConfig, ConfigError, RawConfig, SecretConfig } from "../../config";
import { readStackConfig } from "../../scripts/offline";

/** The dev stack's plain config as buildConfig receives it (Pulumi.yaml defaults applied). */
export function devRaw(overrides: Record<string, string | undefined> = {}): RawConfig {
    const { values, secretKeys } = readStackConfig("dev");
    const raw: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(values)) {
        if (secretKeys.includes(k)) continue;
        raw[k.startsWith("flux-gitops:") ? k.slice("flux-gitops:".length) : k] = v;
    }
    return { ...raw, ...overrides };
}

export const secrets: SecretConfig = {
    registryToken: pulumi.secret("registry-token"),
    botGithubToken: pulumi.secret("bot-token"),
    slackWebhookUrl: pulumi.secret("https://hooks.slack.com/services/x"),
    discordWebhookUrl: pulumi.secret("https://discord.com/api/webhooks/x"),
};

/** The problems buildConfig reports for `overrides` on top of the dev config. */
export function problemsOf(overrides: Record<string, string | undefined>, s: SecretConfig = secrets): readonly string[] {
    try {
        buildConfig(devRaw(overrides), s, "dev");
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

/** The message for a missing required key: what it is for and the command that sets it. */
export const required = (key: string, hint: string, label = `flux-gitops:${key}`): string =>
    `${label} is required (${hint}); set it with \`pulumi config set ${key} <value>\``;

/** The message for a key whose value is not a Kubernetes name. */
export const notKubernetesName = (key: string, got: string): string =>
    `flux-gitops:${key} must be a Kubernetes name: lowercase letters, digits and "-", at most 63 (got "${got}")`;
