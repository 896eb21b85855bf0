/**
 * The stack's config: read once (the only place that touches pulumi.Config), validated part by
 * part, and returned as one typed object. Every problem of every part is reported together.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppConfig, APPS_KEYS, readApps } from "./apps";
import { Checks, ConfigError, RawConfig, TEMPLATE_PROJECT, unknownKeyProblems } from "./checks";
import { CLUSTER_KEYS, ClusterConfig, readCluster } from "./cluster";
import { DEPLOYMENTS_KEYS, DeploymentsConfig, readDeployments } from "./deployments";
import { FLUX_KEYS, FluxConfig, readFlux } from "./flux";
import { GITHUB_KEYS, GithubConfig, readGithub } from "./github";
import { INGRESS_KEYS, IngressConfig, readIngress } from "./ingress";
import { INSTALLS_KEYS, InstallsConfig, readInstalls } from "./installs";
import { KEYS_KEYS, KeysConfig, readKeys, readSsm, readSsmPrefix, SSM_KEYS, SsmConfig } from "./keys";
import { MONITORING_KEYS, MonitoringConfig, readMonitoring } from "./monitoring";
import { readRegistries, RegistryCredentials } from "./registries";

export * from "./apps";
export * from "./checks";
export type { ClusterConfig } from "./cluster";
export type { DeploymentsConfig } from "./deployments";
export type { FluxConfig } from "./flux";
export type { GithubConfig } from "./github";
export type { IngressConfig } from "./ingress";
export type { ExternalSecretsInstallConfig, FluxInstallConfig, InstallsConfig } from "./installs";
export type { KeysConfig, SsmConfig } from "./keys";
export type { MonitoringConfig } from "./monitoring";
export { GHCR, registryTokenParameter } from "./registries";
export type { RegistryCredentials } from "./registries";

/** Secret config values. Only their presence is validated; their values stay inside Outputs. */
export interface SecretConfig {
    readonly registryToken?: pulumi.Output<string>;
    readonly botGithubToken?: pulumi.Output<string>;
    readonly slackWebhookUrl?: pulumi.Output<string>;
    readonly discordWebhookUrl?: pulumi.Output<string>;
    readonly githubToken?: pulumi.Output<string>;
    readonly gpgPassphrase?: pulumi.Output<string>;
    /** The passphrase was set to "": no passphrase (SSM refuses an empty value). */
    readonly gpgPassphraseEmpty?: boolean;
    readonly kubeconfig?: pulumi.Output<string>;
    /** Each `registries` entry's token, by registry host. */
    readonly registryTokens?: Readonly<Record<string, pulumi.Output<string>>>;
}

/** What else the CLI knows about the config: which keys are set, and which secrets were set in plain text. */
export interface ConfigContext {
    /** The running project's name: the namespace its keys are read under and named by (default TEMPLATE_PROJECT). */
    readonly project?: string;
    /** Every key set in the project's namespace, without the namespace. */
    readonly setKeys?: readonly string[];
    /** Secret keys whose value was set without `--secret`. */
    readonly plaintextSecrets?: readonly string[];
    /** The process environment (GITHUB_TOKEN). */
    readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The validated, typed configuration of one stack. */
export interface StackConfig {
    /** The running project's name (the namespace of its keys). */
    readonly project: string;
    readonly stack: string;
    /** AWS region of the SSM parameters (`aws:region`). */
    readonly awsRegion: string;
    readonly github: GithubConfig;
    /** The applications: the top-level keys' one first, then `additionalApps`. */
    readonly apps: readonly AppConfig[];
    /** Credentials of each registry an application pulls from privately, by host. */
    readonly registries: Readonly<Record<string, RegistryCredentials>>;
    readonly keys: KeysConfig;
    readonly ssm: SsmConfig;
    readonly kubernetes: ClusterConfig & { readonly fluxNamespace: string };
    readonly flux: FluxConfig;
    readonly monitoring: MonitoringConfig;
    /** Pulumi Deployments settings; undefined when push-to-deploy is off. */
    readonly deployments?: DeploymentsConfig;
    readonly ingress: IngressConfig;
    /** What the stack installs into the cluster (Flux, External Secrets). */
    readonly installs: InstallsConfig;
}

/** Names of the plain keys read from the project's config namespace. */
export const PLAIN_KEYS = [
    ...GITHUB_KEYS, ...APPS_KEYS, ...KEYS_KEYS, ...SSM_KEYS, ...CLUSTER_KEYS, ...FLUX_KEYS, ...INGRESS_KEYS,
    ...MONITORING_KEYS, ...DEPLOYMENTS_KEYS, ...INSTALLS_KEYS,
] as const;

/** Names of the secret keys. */
export const SECRET_KEYS = [
    "registryToken", "botGithubToken", "githubToken", "gpgPassphrase", "slackWebhookUrl", "discordWebhookUrl", "kubeconfig",
] as const;

/**
 * Secret keys that Pulumi.yaml does not declare, because they are optional: a declared secret
 * without a default is required, and one with a default fails the CLI's check that a secret's value
 * is encrypted (pulumi/pulumi pkg/workspace/config.go `validateStackConfigValue`, v3.274.0).
 */
export const UNDECLARED_SECRET_KEYS = [
    "githubToken", "gpgPassphrase", "kubeconfig", "registryToken", "slackWebhookUrl", "discordWebhookUrl",
] as const;

/** The structured key of per-registry credentials: usernames plain, tokens secret. */
export const REGISTRIES_KEY = "registries";

/** Every key the program reads from its namespace. */
export const KNOWN_KEYS: readonly string[] = [...new Set<string>([...PLAIN_KEYS, ...SECRET_KEYS, REGISTRIES_KEY])];

/**
 * Whether the CLI passed a key as a secret (PULUMI_CONFIG_SECRET_KEYS). Exported by
 * @pulumi/pulumi runtime/config.js but marked @internal, so it has no declaration.
 */
function isConfigSecret(key: string): boolean {
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
    return runtimeConfig.isConfigSecret(key);
}

// registryToken is required only by a private ghcr.io image (readRegistries), the webhooks never.
const REQUIRED_SECRETS = ["botGithubToken"] as const;

/**
 * Validates raw config and returns the typed config, or throws one ConfigError listing every
 * problem. Pure: it reads nothing but its arguments.
 */
export function buildConfig(raw: RawConfig, secrets: SecretConfig, stack: string, context: ConfigContext = {}): StackConfig {
    const problems: string[] = [];
    const project = context.project ?? TEMPLATE_PROJECT;
    const label = (k: string) => (k.includes(":") ? k : `${project}:${k}`);
    const c = new Checks((k) => raw[k], label, problems);

    problems.push(...unknownKeyProblems(context.setKeys ?? [], KNOWN_KEYS, label));
    for (const k of context.plaintextSecrets ?? []) {
        c.problem(k, `is a secret but was set in plain text; set it again with \`pulumi config set --secret ${k} <value>\``);
    }
    for (const k of REQUIRED_SECRETS) {
        if (!secrets[k]) c.problem(k, `is required; set it with \`pulumi config set --secret ${k} <value>\``);
    }
    const awsRegion = c.str("aws:region");
    if (!awsRegion) problems.push("aws:region is required; set it with `pulumi config set aws:region <region>`");
    else if (!/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(awsRegion)) {
        problems.push(`aws:region is not an AWS region such as eu-central-1 (got "${awsRegion}")`);
    }

    const github = readGithub(c, secrets, context.env ?? {});
    const cluster = readCluster(c, secrets);
    const flux = readFlux(c);
    const ingress = readIngress(c);
    const ssmPrefix = readSsmPrefix(c);
    const apps = readApps(c, raw, { stack, baseDomain: ingress.baseDomain, ssmPrefix });
    const keys = readKeys(c, secrets);
    const ssm = readSsm(c, { prefix: ssmPrefix, stack, botUser: github.botUser, apps });
    const registryEntries = c.jsonObject(REGISTRIES_KEY, 'an object of registries by host, e.g. {"docker.io": {"username": "me"}}');
    const registries = readRegistries(c, registryEntries as Record<string, { username?: unknown }>, secrets.registryTokens ?? {}, {
        apps,
        botUser: github.botUser,
        ghcrToken: keys.registryToken,
        ghcrParameter: ssm.registryToken,
        ssmPrefix,
    });
    const monitoring = readMonitoring(c, secrets);
    // The names of the parameters the stack writes: only the channels that are set.
    const ssmNames = [
        ...apps.flatMap((a) => [a.ssm.deployKey, a.ssm.webhookToken, a.ssm.imageWebhookToken]),
        ...new Set(Object.values(registries).map((r) => r.parameterName)),
        ssm.gpgKey,
        ...(monitoring.slackWebhookUrl ? [ssm.slackWebhookUrl] : []),
        ...(monitoring.discordWebhookUrl ? [ssm.discordWebhookUrl] : []),
        ssm.botGithubToken,
    ];
    if (new Set(ssmNames).size !== ssmNames.length) {
        problems.push(`the SSM parameter names must differ from each other (got ${ssmNames.join(", ")})`);
    }
    const deployments = readDeployments(c, apps[0].branch);
    const installs = readInstalls(c);

    if (problems.length > 0) throw new ConfigError(stack, problems);

    return {
        project,
        stack,
        awsRegion,
        github,
        apps,
        registries,
        keys,
        ssm,
        kubernetes: { ...cluster, fluxNamespace: flux.namespace },
        flux,
        monitoring,
        deployments,
        ingress,
        installs,
    };
}

/** Splits the `registries` value into the plain entries and the tokens, which become secrets at once. */
export function splitRegistries(value: string | undefined): { entries: string | undefined; tokens: Record<string, pulumi.Output<string>> } {
    if (!value) return { entries: undefined, tokens: {} };
    let parsed: unknown;
    try {
        parsed = JSON.parse(value);
    } catch {
        // Not JSON: passed on as it is, below, for buildConfig to report.
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return { entries: value, tokens: {} };
    const entries: Record<string, unknown> = {};
    const tokens: Record<string, pulumi.Output<string>> = {};
    for (const [host, entry] of Object.entries(parsed as Record<string, unknown>)) {
        if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
            const { token, ...rest } = entry as Record<string, unknown>;
            if (typeof token === "string" && token !== "") tokens[host] = pulumi.secret(token);
            entries[host] = rest;
        } else {
            entries[host] = entry;
        }
    }
    return { entries: JSON.stringify(entries), tokens };
}

/**
 * Reads the stack's config once (the only place that touches pulumi.Config) and validates it.
 * Throws ConfigError before any resource is registered.
 */
export function loadConfig(): StackConfig {
    // `pulumi new` stores the stack's keys under the project name the user gave.
    const project = pulumi.getProject();
    const config = new pulumi.Config(project);
    const raw: Record<string, string | undefined> = {};
    for (const k of PLAIN_KEYS) raw[k] = config.get(k);
    raw["aws:region"] = new pulumi.Config("aws").get("region");
    const secrets: Record<string, pulumi.Output<string>> = {};
    const plaintextSecrets: string[] = [];
    for (const k of SECRET_KEYS) {
        const full = `${project}:${k}`;
        // Presence is checked on the raw value so that a missing secret is reported with the others.
        if (pulumi.runtime.getConfig(full) === undefined) continue;
        secrets[k] = config.requireSecret(k);
        if ((UNDECLARED_SECRET_KEYS as readonly string[]).includes(k) && !isConfigSecret(full)) {
            plaintextSecrets.push(k);
        }
    }
    // Read without Config.get, which would warn that a secret is read as plain text: the usernames
    // are plain, and each token becomes a secret Output the moment it is split off.
    const registries = splitRegistries(pulumi.runtime.getConfig(`${project}:${REGISTRIES_KEY}`));
    raw[REGISTRIES_KEY] = registries.entries;
    if (Object.keys(registries.tokens).length > 0 && !isConfigSecret(`${project}:${REGISTRIES_KEY}`)) {
        plaintextSecrets.push(`${REGISTRIES_KEY}`);
    }
    const setKeys = Object.keys(pulumi.runtime.allConfig())
        .filter((k) => k.startsWith(`${project}:`))
        .map((k) => k.slice(project.length + 1));
    return buildConfig(
        raw,
        {
            ...secrets,
            gpgPassphraseEmpty: pulumi.runtime.getConfig(`${project}:gpgPassphrase`) === "",
            registryTokens: registries.tokens,
        },
        pulumi.getStack(),
        { project, setKeys, plaintextSecrets, env: process.env },
    );
}
