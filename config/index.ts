/**
 * The stack's config: read once (the only place that touches pulumi.Config), validated part by
 * part, and returned as one typed object. Every problem of every part is reported together.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppConfig, APPS, readApps } from "./apps";
import { AWS } from "./aws";
import { Checks, ConfigError, RawConfig, TEMPLATE_PROJECT, unknownKeyProblems } from "./checks";
import { CLUSTER, ClusterConfig, readCluster } from "./cluster";
import { DEPLOYMENTS, DeploymentsConfig, readDeployments } from "./deployments";
import { FLUX, FluxConfig, readFlux } from "./flux";
import { GITHUB, GithubConfig, PemShape, pemShape, readGithub } from "./github";
import { INGRESS, IngressConfig, readIngress } from "./ingress";
import { INSTALLS, InstallsConfig, readInstalls } from "./installs";
import { KEYS, KeysConfig, readKeys, readSsm, readSsmPrefix, SSM, SsmConfig } from "./keys";
import { MONITORING, MonitoringConfig, readMonitoring } from "./monitoring";
import { readRegistries, REGISTRIES, RegistryCredentials } from "./registries";
import { inProject, Setting, settingList } from "./settings";

export * from "./apps";
export * from "./checks";
export type { ClusterConfig } from "./cluster";
export type { DeploymentsConfig } from "./deployments";
export type { FluxConfig } from "./flux";
export type { GithubAppConfig, GithubConfig, PemShape } from "./github";
export { GITHUB_APP_ENV, GITHUB_APP_KEYS, pemShape } from "./github";
export type { IngressConfig } from "./ingress";
export type { ExternalSecretsInstallConfig, FluxInstallConfig, InstallsConfig, TenancyConfig } from "./installs";
export type { KeysConfig, SsmConfig } from "./keys";
export type { MonitoringConfig } from "./monitoring";
export { GHCR, registryTokenParameter } from "./registries";
export type { RegistryCredentials } from "./registries";
export type { Setting, SettingType } from "./settings";

/** Secret config values. Only their presence is validated; their values stay inside Outputs. */
export interface SecretConfig {
    readonly registryToken?: pulumi.Output<string>;
    readonly botGithubToken?: pulumi.Output<string>;
    readonly slackWebhookUrl?: pulumi.Output<string>;
    readonly discordWebhookUrl?: pulumi.Output<string>;
    readonly githubToken?: pulumi.Output<string>;
    /** GitHub App mode: the App's private key. */
    readonly githubAppPrivateKey?: pulumi.Output<string>;
    /** The shape of githubAppPrivateKey's value (pemShape), judged where the value is read. */
    readonly githubAppPrivateKeyShape?: PemShape;
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
    /**
     * The platform: the applications that are not tenants, and the namespaces the platform's
     * ClusterSecretStore serves (Flux's, monitoring's when installed, those applications').
     */
    readonly platform: { readonly apps: readonly AppConfig[]; readonly namespaces: readonly string[] };
}

/**
 * Every setting the program reads, each declared once in the module of its concern. Their order is
 * the order of Pulumi.yaml and of the README's reference (by group, scripts/project-file.ts).
 */
export const SETTINGS: readonly Setting[] = [AWS, GITHUB, APPS, KEYS, SSM, CLUSTER, FLUX, INSTALLS, INGRESS, MONITORING, DEPLOYMENTS, REGISTRIES].flatMap(settingList);

/** The structured key of per-registry credentials: usernames plain, tokens secret. */
export const REGISTRIES_KEY = REGISTRIES.registries.key;

/** Names of the plain keys read from the project's config namespace. */
export const PLAIN_KEYS: readonly string[] = SETTINGS.filter((s) => !s.secret && !s.key.includes(":") && s.key !== REGISTRIES_KEY).map((s) => s.key);

/** Names of the secret keys. */
export const SECRET_KEYS: readonly string[] = SETTINGS.filter((s) => s.secret).map((s) => s.key);

/** Secret keys that Pulumi.yaml does not declare, because they are optional (Setting.declared). */
export const UNDECLARED_SECRET_KEYS: readonly string[] = SETTINGS.filter((s) => s.secret && s.declared === false).map((s) => s.key);

/** Every key the program reads from its namespace. */
export const KNOWN_KEYS: readonly string[] = SETTINGS.filter((s) => !s.key.includes(":")).map((s) => s.key);

/**
 * Whether the CLI passed a key as a secret (PULUMI_CONFIG_SECRET_KEYS). Exported by
 * @pulumi/pulumi runtime/config.js but marked @internal, so it has no declaration.
 */
function isConfigSecret(key: string): boolean {
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
    return runtimeConfig.isConfigSecret(key);
}

// The declared secrets, each required: a declared secret cannot have a default (the CLI refuses
// its plain value, and settingsProblem in scripts/project-file.ts refuses the declaration).
// registryToken is required only by a private ghcr.io image (readRegistries), the webhooks never.
const REQUIRED_SECRETS = SETTINGS.filter((s) => s.secret && inProject(s)).map((s) => s.key as keyof SecretConfig);

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
    const awsRegion = AWS.region.read(c);

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
    // The names of the parameters the stack writes: only the channels that are set, and the
    // applications with a repository (another's names derive from the one reported missing).
    const ssmNames = [
        ...apps.filter((a) => a.repository).flatMap((a) => [a.ssm.deployKey, a.ssm.webhookToken, a.ssm.imageWebhookToken]),
        ...new Set(Object.values(registries).map((r) => r.parameterName)),
        ssm.gpgKey,
        ...(monitoring.slackWebhookUrl ? [ssm.slackWebhookUrl] : []),
        ...(monitoring.discordWebhookUrl ? [ssm.discordWebhookUrl] : []),
        ssm.botGithubToken,
        ...(github.app ? [ssm.githubAppPrivateKey] : []),
    ];
    if (new Set(ssmNames).size !== ssmNames.length) {
        problems.push(`the SSM parameter names must differ from each other (got ${ssmNames.join(", ")})`);
    }
    const deployments = readDeployments(c, apps[0].branch);
    const installs = readInstalls(c, apps.filter((a) => a.tenant).map((a) => a.name));

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
        platform: platformOf(apps, flux.namespace, monitoring),
    };
}

/** The platform's applications and namespaces. */
function platformOf(apps: readonly AppConfig[], fluxNamespace: string, monitoring: MonitoringConfig): StackConfig["platform"] {
    const platformApps = apps.filter((a) => !a.tenant);
    return {
        apps: platformApps,
        namespaces: [fluxNamespace, ...(monitoring.install ? [monitoring.namespace] : []), ...platformApps.map((a) => a.namespace)],
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

/** The shape of the App's private key, judged on the raw value, which goes no further. */
function appKeyShape(value: string | undefined): PemShape | undefined {
    return value === undefined ? undefined : pemShape(value);
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
    raw[AWS.region.key] = new pulumi.Config("aws").get("region");
    const secrets: Record<string, pulumi.Output<string>> = {};
    const plaintextSecrets: string[] = [];
    for (const k of SECRET_KEYS) {
        const full = `${project}:${k}`;
        // Presence is checked on the raw value so that a missing secret is reported with the others.
        if (pulumi.runtime.getConfig(full) === undefined) continue;
        secrets[k] = config.requireSecret(k);
        if (UNDECLARED_SECRET_KEYS.includes(k) && !isConfigSecret(full)) {
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
            githubAppPrivateKeyShape: appKeyShape(pulumi.runtime.getConfig(`${project}:githubAppPrivateKey`)),
            registryTokens: registries.tokens,
        },
        pulumi.getStack(),
        { project, setKeys, plaintextSecrets, env: process.env },
    );
}
