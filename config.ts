import * as pulumi from "@pulumi/pulumi";
import { GPG_ALGORITHMS, GpgAlgorithm } from "./components/keys/gpg-key";
import { baseDirectory } from "./components/app/manifests";
import { defaultSsmNames } from "./components/keys/ssm-names";
import { isPositiveFluxDuration } from "./components/validation";

/** The Pulumi project name; also the config namespace of every key below. */
export const PROJECT = "flux-gitops";

/** How ImagePolicy orders tags (`spec.policy.<kind>`). */
export type ImagePolicyKind = "numerical" | "semver" | "alphabetical";
export const IMAGE_POLICY_KINDS: readonly ImagePolicyKind[] = ["numerical", "semver", "alphabetical"];
export type SortOrder = "asc" | "desc";
export const SORT_ORDERS: readonly SortOrder[] = ["asc", "desc"];

/** Plain (non-secret) config values as Pulumi hands them over: strings, or undefined when unset. */
export type RawConfig = Readonly<Record<string, string | undefined>>;

/** Secret config values. Only their presence is validated; their values stay inside Outputs. */
export interface SecretConfig {
    readonly registryToken?: pulumi.Output<string>;
    readonly botGithubToken?: pulumi.Output<string>;
    readonly slackWebhookUrl?: pulumi.Output<string>;
    readonly discordWebhookUrl?: pulumi.Output<string>;
    readonly githubToken?: pulumi.Output<string>;
    readonly gpgPassphrase?: pulumi.Output<string>;
}

/** One application delivered by the stack: its repository, image and routes. */
export interface AppConfig {
    /** Repository name, also the `metadata.name` of the app's Flux objects and the prefix of its resources. */
    readonly name: string;
    readonly repository: string;
    readonly branch: string;
    readonly namespace: string;
    readonly overlayPath: string;
    readonly port: number;
    readonly hostname: string;
    /** Fixed receiver hostname; undefined: a random subdomain of the base domain. */
    readonly receiverHostname?: string;
    /** Commit the kustomize overlay (and base, see seedBase) into the repository once. */
    readonly seedManifests: boolean;
    readonly image: {
        readonly repository: string;
        /** Registry host of `repository` (`docker.io` when the image names none). */
        readonly registry: string;
        readonly policy: ImagePolicyKind;
        readonly order: SortOrder;
        readonly semverRange: string;
        /** filterTags pattern, or undefined for no filter. */
        readonly tagPattern?: string;
        readonly tagExtract?: string;
        readonly automation: boolean;
        /** Branch image automation pushes to. */
        readonly pushBranch: string;
    };
    readonly ssm: {
        readonly deployKey: string;
        readonly webhookToken: string;
    };
}

/** The validated, typed configuration of one stack. */
export interface StackConfig {
    readonly stack: string;
    /** AWS region of the SSM parameters (`aws:region`). */
    readonly awsRegion: string;
    readonly github: {
        readonly owner: string;
        readonly botUser: string;
        readonly botName: string;
        readonly botEmail: string;
        /** Token of the organisation provider; undefined: the provider reads GITHUB_TOKEN. */
        readonly orgToken?: pulumi.Output<string>;
        /** Token of the bot user, for the bot's own GitHub provider. */
        readonly botToken: pulumi.Output<string>;
    };
    /** The applications: the top-level keys' one first, then `additionalApps`. */
    readonly apps: readonly AppConfig[];
    /** Seed the shared kustomize base along with the overlay (off where another stack seeded it). */
    readonly seedBase: boolean;
    /** Protect the keys and their SSM parameters against deletion (`protect`). */
    readonly protectKeys: boolean;
    readonly keys: {
        readonly gpgAlgorithm: GpgAlgorithm;
        readonly gpgKeyRotation: string;
        readonly gpgPassphrase?: pulumi.Output<string>;
        readonly registryToken: pulumi.Output<string>;
    };
    readonly ssm: {
        readonly registryToken: string;
        readonly gpgKey: string;
        /** `<gpgKey>-passphrase`, used only when a passphrase is set. */
        readonly gpgPassphrase: string;
        readonly slackWebhookUrl: string;
        readonly discordWebhookUrl: string;
        readonly kmsKeyId?: string;
    };
    readonly kubernetes: {
        readonly context?: string;
        readonly fluxNamespace: string;
    };
    readonly flux: {
        readonly gitInterval: string;
        readonly gitTimeout: string;
        readonly kustomizationInterval: string;
        readonly kustomizationRetryInterval: string;
        readonly kustomizationTimeout: string;
        readonly imageInterval: string;
        readonly imageUpdateInterval: string;
        readonly clusterSecretStore: string;
        readonly externalSecretRefreshInterval: string;
    };
    readonly monitoring: {
        readonly namespace: string;
        readonly chartVersion: string;
        readonly helmTimeoutSeconds: number;
        readonly extraValues: Record<string, unknown>;
        readonly slackChannel: string;
        readonly slackWebhookUrl: pulumi.Output<string>;
        readonly discordWebhookUrl: pulumi.Output<string>;
    };
    /** Pulumi Deployments settings; undefined when push-to-deploy is off. */
    readonly deployments?: {
        readonly organization: string;
        readonly repository: string;
        readonly branch: string;
        readonly folder: string;
        readonly awsRoleArn?: string;
    };
    readonly ingress: {
        readonly baseDomain: string;
        readonly gatewayName: string;
        readonly gatewayNamespace: string;
        readonly gatewaySectionName?: string;
    };
}

/** Every problem found in a stack's config, reported together. */
export class ConfigError extends Error {
    constructor(
        public readonly stack: string,
        public readonly problems: readonly string[],
    ) {
        super(
            `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

// GitHub logins: alphanumerics and single inner hyphens, at most 39 characters.
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
// RFC 1123 label: what Kubernetes accepts for namespace and object names.
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const SSM_NAME = /^\/[A-Za-z0-9_.\-/]+$/;
const IMAGE_REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/;
const EXACT_VERSION = /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$)[^\s~^:?*[\\\x00-\x1f\x7f]+(?<![/.])$/;

/** True for a lowercase RFC 1123 DNS name (what Gateway API and Kubernetes accept as a hostname). */
export function isDnsName(value: string): boolean {
    return value.length <= 253 && value.split(".").every((label) => DNS_LABEL.test(label));
}

/**
 * Checks a filterTags pattern: it must compile, and must not use what Go's RE2 (the engine
 * image-reflector-controller uses) rejects: lookaround and backreferences.
 */
export function regexProblem(pattern: string): string | undefined {
    try {
        // Go writes named groups as (?P<name>...), as Flux's docs do; JavaScript as (?<name>...).
        new RegExp(pattern.replace(/\(\?P</g, "(?<"));
    } catch (e) {
        return `is not a valid regular expression (${(e as Error).message})`;
    }
    if (/\(\?<?[=!]/.test(pattern)) {
        return "uses lookaround, which Go's RE2 (used by Flux) does not support";
    }
    if (/\\[1-9]|\\k</.test(pattern)) {
        return "uses a backreference, which Go's RE2 (used by Flux) does not support";
    }
    return undefined;
}

/** The registry host of an image reference (`ghcr.io` for `ghcr.io/org/app`, `docker.io` for `org/app`). */
export function registryHost(image: string): string {
    const first = image.split("/")[0];
    return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
        ? first
        : "docker.io";
}

/** Validators that record a problem under a key's label instead of throwing. */
class Checks {
    constructor(
        private readonly get: (k: string) => string | undefined,
        private readonly label: (k: string) => string,
        readonly problems: string[],
    ) {}

    problem(k: string, what: string): void {
        this.problems.push(`${this.label(k)} ${what}`);
    }
    str(k: string): string {
        return (this.get(k) ?? "").trim();
    }
    optional(k: string): string | undefined {
        return this.str(k) || undefined;
    }
    required(k: string, hint: string): string {
        const v = this.str(k);
        if (!v) this.problem(k, `is required (${hint}); set it with \`pulumi config set ${k} <value>\``);
        return v;
    }
    oneOf<T extends string>(k: string, allowed: readonly T[]): T {
        const v = this.str(k) as T;
        if (!allowed.includes(v)) this.problem(k, `must be one of ${allowed.join(", ")} (got "${v}")`);
        return v;
    }
    bool(k: string): boolean {
        const v = this.str(k);
        if (v !== "true" && v !== "false") this.problem(k, `must be true or false (got "${v}")`);
        return v === "true";
    }
    duration(k: string): string {
        const v = this.str(k);
        if (!isPositiveFluxDuration(v)) {
            this.problem(k, `must be a positive Flux duration such as 30s, 5m or 1h30m (got "${v}")`);
        }
        return v;
    }
    login(k: string, what: string): string {
        const v = this.required(k, what);
        if (v && !GITHUB_LOGIN.test(v)) this.problem(k, `is not a valid GitHub login (got "${v}")`);
        return v;
    }
    dnsLabel(k: string, v: string): string {
        if (v && !DNS_LABEL.test(v)) {
            this.problem(k, `must be a Kubernetes name: lowercase letters, digits and "-", at most 63 (got "${v}")`);
        }
        return v;
    }
    objectName(k: string): string {
        const v = this.required(k, "a Kubernetes object name");
        if (v && !isDnsName(v)) this.problem(k, `must be a Kubernetes object name (got "${v}")`);
        return v;
    }
    hostname(k: string, v: string | undefined): string | undefined {
        if (v !== undefined && !isDnsName(v)) {
            this.problem(k, `is not a DNS name: lowercase labels of letters, digits and "-" separated by dots (got "${v}")`);
        }
        return v;
    }
    ssmName(k: string, fallback: string): string {
        const v = this.str(k) || fallback;
        if (!v.startsWith("/")) this.problem(k, `must be an SSM parameter name starting with "/" (got "${v}")`);
        else if (!SSM_NAME.test(v) || v.length > 1011) {
            this.problem(k, `may contain only letters, digits and _ . - / (got "${v}")`);
        }
        return v;
    }
    branch(k: string, v: string): string {
        if (!BRANCH.test(v)) this.problem(k, `is not a valid git branch name (got "${v}")`);
        return v;
    }
    port(k: string): number {
        const port = Number(this.str(k));
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
            this.problem(k, `must be a port number from 1 to 65535 (got "${this.str(k)}")`);
        }
        return port;
    }
}

/** Keys an `additionalApps` entry may set; the ones not set come from the top-level keys of the same name. */
export const APP_KEYS = [
    "repository", "image", "branch", "overlayPath", "appNamespace", "appPort", "appHostname", "receiverHostname",
    "tagPattern", "tagExtract", "imagePolicy", "imagePolicyOrder", "imageSemverRange", "imageAutomation",
    "pushBranch", "seedManifests", "ssmDeployKeyName", "ssmWebhookTokenName",
] as const;
// Keys that name or locate one application: never inherited from the first application.
const OWN_APP_KEYS = new Set(["repository", "image", "appNamespace", "appHostname", "receiverHostname", "ssmDeployKeyName", "ssmWebhookTokenName"]);

/** Reads one application through `c`, with stack-wide context. */
function readApp(c: Checks, stack: string, baseDomain: string, ssmPrefix: string): AppConfig {
    const repository = c.required("repository", "the application repository under owner");
    if (repository && (!GITHUB_REPOSITORY.test(repository) || repository === "." || repository === "..")) {
        c.problem("repository", `is not a valid GitHub repository name (got "${repository}")`);
    } else if (repository) {
        c.dnsLabel("repository", repository);
    }
    const branch = c.branch("branch", c.str("branch"));
    const pushBranch = c.branch("pushBranch", c.str("pushBranch") || branch);

    const image = c.required("image", "the image repository, e.g. ghcr.io/<owner>/<app>");
    if (image && !IMAGE_REPOSITORY.test(image)) {
        c.problem("image", `must be an image repository without tag or digest, e.g. ghcr.io/org/app (got "${image}")`);
    }
    const policy = c.oneOf("imagePolicy", IMAGE_POLICY_KINDS);
    const order = c.oneOf("imagePolicyOrder", SORT_ORDERS);
    const semverRange = c.str("imageSemverRange");
    if (policy === "semver" && !semverRange) c.problem("imageSemverRange", "is required when imagePolicy is semver");
    const tagPattern = c.optional("tagPattern");
    const patternProblem = tagPattern === undefined ? undefined : regexProblem(tagPattern);
    if (patternProblem) c.problem("tagPattern", patternProblem);
    const tagExtract = c.optional("tagExtract");
    if (tagExtract && !tagPattern) c.problem("tagExtract", "needs tagPattern to be set");

    const overlayPath = c.str("overlayPath") || `./kustomize/overlays/${stack}`;
    if (baseDirectory(overlayPath) === undefined) {
        c.problem(
            "overlayPath",
            `must be a path of at least two levels inside the repository, e.g. ./kustomize/overlays/${stack}; the base goes two levels up, in base/ (got "${overlayPath}")`,
        );
    }
    const ssmDefaults = defaultSsmNames(repository, "", "");
    return {
        name: repository,
        repository,
        branch,
        namespace: c.dnsLabel("appNamespace", c.str("appNamespace") || repository.toLowerCase()),
        overlayPath,
        port: c.port("appPort"),
        hostname: c.hostname("appHostname", c.optional("appHostname")) ?? (baseDomain ? `${repository}.${baseDomain}` : ""),
        receiverHostname: c.hostname("receiverHostname", c.optional("receiverHostname")),
        seedManifests: c.bool("seedManifests"),
        image: {
            repository: image,
            registry: registryHost(image),
            policy,
            order,
            semverRange,
            tagPattern,
            tagExtract,
            automation: c.bool("imageAutomation"),
            pushBranch,
        },
        ssm: {
            deployKey: c.ssmName("ssmDeployKeyName", ssmPrefix + ssmDefaults.deployKey),
            webhookToken: c.ssmName("ssmWebhookTokenName", ssmPrefix + ssmDefaults.webhookToken),
        },
    };
}

/** The `additionalApps` entries, or a problem when the value is not a list of objects. */
function parseAdditionalApps(c: Checks, value: string | undefined): Record<string, unknown>[] {
    if (!value) return [];
    try {
        const parsed: unknown = JSON.parse(value);
        if (!Array.isArray(parsed) || parsed.some((e) => e === null || typeof e !== "object" || Array.isArray(e))) {
            throw new Error("not a list of objects");
        }
        return parsed as Record<string, unknown>[];
    } catch (e) {
        c.problem("additionalApps", `must be a list of applications, each an object with at least repository and image (${(e as Error).message})`);
        return [];
    }
}

/**
 * Validates raw config and returns the typed config, or throws one ConfigError listing every
 * problem. Pure: it reads nothing but its arguments.
 */
export function buildConfig(raw: RawConfig, secrets: SecretConfig, stack: string): StackConfig {
    const problems: string[] = [];
    const c = new Checks((k) => raw[k], (k) => (k.includes(":") ? k : `${PROJECT}:${k}`), problems);

    // GitHub
    const owner = c.login("owner", "the GitHub organisation that owns the repository");
    const botUser = c.login("botUser", "the bot's GitHub login");
    if (owner && botUser && owner.toLowerCase() === botUser.toLowerCase()) {
        c.problem("botUser", `must be a separate user, not the organisation "${owner}" itself`);
    }
    const botEmail = c.required("botEmail", "the bot's e-mail for commits and its GPG key");
    if (botEmail && !EMAIL.test(botEmail)) c.problem("botEmail", `is not an e-mail address (got "${botEmail}")`);

    // Secrets and AWS
    const gpgAlgorithm = c.oneOf("gpgAlgorithm", GPG_ALGORITHMS);
    for (const k of ["registryToken", "botGithubToken", "slackWebhookUrl", "discordWebhookUrl"] as const) {
        if (!secrets[k]) c.problem(k, `is required; set it with \`pulumi config set --secret ${k} <value>\``);
    }
    const awsRegion = c.str("aws:region");
    if (!awsRegion) problems.push("aws:region is required; set it with `pulumi config set aws:region <region>`");
    else if (!/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(awsRegion)) {
        problems.push(`aws:region is not an AWS region such as eu-central-1 (got "${awsRegion}")`);
    }

    // Kubernetes names and hosts
    const fluxNamespace = c.dnsLabel("fluxNamespace", c.required("fluxNamespace", "Flux's namespace"));
    const baseDomain = c.hostname("baseDomain", c.required("baseDomain", "the domain served by the Gateway")) ?? "";
    const ingress = {
        baseDomain,
        gatewayName: c.objectName("gatewayName"),
        gatewayNamespace: c.dnsLabel("gatewayNamespace", c.required("gatewayNamespace", "the Gateway's namespace")),
        gatewaySectionName: c.optional("gatewaySectionName"),
    };
    const flux = {
        gitInterval: c.duration("gitInterval"),
        gitTimeout: c.duration("gitTimeout"),
        kustomizationInterval: c.duration("kustomizationInterval"),
        kustomizationRetryInterval: c.duration("kustomizationRetryInterval"),
        kustomizationTimeout: c.duration("kustomizationTimeout"),
        imageInterval: c.duration("imageInterval"),
        imageUpdateInterval: c.duration("imageUpdateInterval"),
        clusterSecretStore: c.objectName("clusterSecretStore"),
        externalSecretRefreshInterval: c.duration("externalSecretRefreshInterval"),
    };

    // Applications: the top-level keys' one, then additionalApps entries over the same defaults.
    const ssmPrefix = c.str("ssmPrefix").replace(/\/+$/, "");
    if (ssmPrefix && !/^(\/[A-Za-z0-9_.-]+)+$/.test(ssmPrefix)) {
        c.problem("ssmPrefix", `must be empty or a path such as /prod (got "${ssmPrefix}")`);
    }
    const apps = [readApp(c, stack, baseDomain, ssmPrefix)];
    parseAdditionalApps(c, raw.additionalApps).forEach((entry, i) => {
        const unknown = Object.keys(entry).filter((k) => !(APP_KEYS as readonly string[]).includes(k));
        if (unknown.length > 0) {
            c.problem(`additionalApps[${i}]`, `has unknown keys ${unknown.join(", ")} (allowed: ${APP_KEYS.join(", ")})`);
        }
        const get = (k: string): string | undefined => {
            const v = entry[k];
            if (v !== undefined && v !== null) return typeof v === "string" ? v : JSON.stringify(v);
            return OWN_APP_KEYS.has(k) ? undefined : raw[k];
        };
        const entryChecks = new Checks(get, (k) => `${PROJECT}:additionalApps[${i}].${k}`, problems);
        apps.push(readApp(entryChecks, stack, baseDomain, ssmPrefix));
    });
    for (const [what, values] of [
        ["repositories", apps.map((a) => a.repository)],
        ["app namespaces and hostnames", apps.flatMap((a) => [`namespace ${a.namespace}`, `hostname ${a.hostname}`])],
    ] as const) {
        const repeated = values.filter((v, i) => values.indexOf(v) !== i);
        if (repeated.length > 0) problems.push(`the applications' ${what} must differ (repeated: ${[...new Set(repeated)].join(", ")})`);
    }

    // Stack-wide SSM names
    const gpgKey = c.ssmName("ssmGpgKeyName", `${ssmPrefix}/github/gpg-keys/${botUser}`);
    const ssm = {
        registryToken: c.ssmName(
            "ssmRegistryTokenName",
            ssmPrefix + defaultSsmNames(apps[0].repository, botUser, apps[0].image.registry).registryToken,
        ),
        gpgKey,
        gpgPassphrase: `${gpgKey}-passphrase`,
        slackWebhookUrl: c.ssmName("ssmSlackWebhookName", `/flux-gitops/${stack}/slack-webhook-url`),
        discordWebhookUrl: c.ssmName("ssmDiscordWebhookName", `/flux-gitops/${stack}/discord-webhook-url`),
        kmsKeyId: c.optional("ssmKmsKeyId"),
    };
    const ssmNames = [
        ...apps.flatMap((a) => [a.ssm.deployKey, a.ssm.webhookToken]),
        ssm.registryToken, ssm.gpgKey, ssm.slackWebhookUrl, ssm.discordWebhookUrl,
    ];
    if (new Set(ssmNames).size !== ssmNames.length) {
        problems.push(`the SSM parameter names must differ from each other (got ${ssmNames.join(", ")})`);
    }

    // Monitoring
    const monitoringNamespace = c.dnsLabel("monitoringNamespace", c.required("monitoringNamespace", "the namespace of kube-prometheus-stack"));
    const chartVersion = c.str("kubePrometheusStackVersion");
    if (!EXACT_VERSION.test(chartVersion)) {
        c.problem("kubePrometheusStackVersion", `must be an exact chart version such as 82.8.0, not a range (got "${chartVersion}")`);
    }
    const helmTimeoutSeconds = Number(c.str("helmTimeout"));
    if (!Number.isInteger(helmTimeoutSeconds) || helmTimeoutSeconds <= 0) {
        c.problem("helmTimeout", `must be a positive number of seconds (got "${c.str("helmTimeout")}")`);
    }
    let extraValues: Record<string, unknown> = {};
    try {
        const parsed: unknown = JSON.parse(c.str("helmValues") || "{}");
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
        extraValues = parsed as Record<string, unknown>;
    } catch (e) {
        c.problem("helmValues", `must be a JSON object of chart values (${(e as Error).message})`);
    }
    const slackChannel = c.required("slackChannel", "the Slack channel for errors");
    const deployments = c.bool("deployments")
        ? {
              organization: c.required("deploymentsOrganization", "the Pulumi Cloud organisation, when deployments is true"),
              repository: c.required("deploymentsRepository", "owner/name of this project's repository, when deployments is true"),
              branch: c.branch("deploymentsBranch", c.str("deploymentsBranch") || apps[0].branch),
              folder: c.str("deploymentsFolder") || ".",
              awsRoleArn: c.optional("deploymentsAwsRoleArn"),
          }
        : undefined;
    if (deployments?.repository && !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(deployments.repository)) {
        c.problem("deploymentsRepository", `must be owner/name of a GitHub repository (got "${deployments.repository}")`);
    }
    if (deployments?.awsRoleArn && !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/.test(deployments.awsRoleArn)) {
        c.problem("deploymentsAwsRoleArn", `must be an IAM role ARN (got "${deployments.awsRoleArn}")`);
    }
    const seedBase = c.bool("seedBase");
    const protectKeys = c.bool("protectKeys");

    if (problems.length > 0) throw new ConfigError(stack, problems);

    return {
        stack,
        awsRegion,
        github: {
            owner,
            botUser,
            botName: c.str("botName") || botUser,
            botEmail,
            orgToken: secrets.githubToken,
            botToken: secrets.botGithubToken!,
        },
        apps,
        seedBase,
        protectKeys,
        keys: {
            gpgAlgorithm,
            gpgKeyRotation: c.str("gpgKeyRotation"),
            gpgPassphrase: secrets.gpgPassphrase,
            registryToken: secrets.registryToken!,
        },
        ssm,
        kubernetes: { context: c.optional("kubeContext"), fluxNamespace },
        flux,
        monitoring: {
            namespace: monitoringNamespace,
            chartVersion,
            helmTimeoutSeconds,
            extraValues,
            slackChannel,
            slackWebhookUrl: secrets.slackWebhookUrl!,
            discordWebhookUrl: secrets.discordWebhookUrl!,
        },
        deployments,
        ingress,
    };
}

/** Names of the plain keys read from the project's config namespace. */
export const PLAIN_KEYS = [
    "owner", "botUser", "botName", "botEmail", "repository", "branch",
    "image", "imagePolicy", "imagePolicyOrder", "imageSemverRange", "tagPattern", "tagExtract", "imageAutomation", "pushBranch",
    "gpgAlgorithm", "gpgKeyRotation",
    "ssmDeployKeyName", "ssmRegistryTokenName", "ssmGpgKeyName", "ssmWebhookTokenName", "ssmKmsKeyId",
    "kubeContext", "fluxNamespace", "appNamespace", "overlayPath", "appPort", "seedManifests",
    "gitInterval", "gitTimeout", "kustomizationInterval", "kustomizationRetryInterval", "kustomizationTimeout",
    "imageInterval", "imageUpdateInterval", "clusterSecretStore", "externalSecretRefreshInterval",
    "baseDomain", "appHostname", "receiverHostname", "gatewayName", "gatewayNamespace", "gatewaySectionName",
    "monitoringNamespace", "kubePrometheusStackVersion", "helmTimeout", "helmValues", "slackChannel",
    "ssmSlackWebhookName", "ssmDiscordWebhookName", "ssmPrefix", "seedBase", "protectKeys", "additionalApps",
    "deployments", "deploymentsOrganization", "deploymentsRepository", "deploymentsBranch", "deploymentsFolder",
    "deploymentsAwsRoleArn",
] as const;

/** Names of the secret keys. */
export const SECRET_KEYS = [
    "registryToken", "botGithubToken", "githubToken", "gpgPassphrase", "slackWebhookUrl", "discordWebhookUrl",
] as const;

/**
 * Reads the stack's config once (the only place that touches pulumi.Config) and validates it.
 * Throws ConfigError before any resource is registered.
 */
export function loadConfig(): StackConfig {
    const config = new pulumi.Config(PROJECT);
    const raw: Record<string, string | undefined> = {};
    for (const k of PLAIN_KEYS) raw[k] = config.get(k);
    raw["aws:region"] = new pulumi.Config("aws").get("region");
    const secrets: Record<string, pulumi.Output<string>> = {};
    for (const k of SECRET_KEYS) {
        // Presence is checked on the raw value so that a missing secret is reported with the others.
        if (pulumi.runtime.getConfig(`${PROJECT}:${k}`) !== undefined) secrets[k] = config.requireSecret(k);
    }
    return buildConfig(raw, secrets, pulumi.getStack());
}
