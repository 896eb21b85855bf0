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
    readonly app: {
        /** Repository name, also the `metadata.name` of the app's Flux objects. */
        readonly name: string;
        readonly repository: string;
        readonly branch: string;
        readonly namespace: string;
        readonly overlayPath: string;
        readonly port: number;
        readonly hostname: string;
        readonly seedManifests: boolean;
    };
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
    readonly keys: {
        readonly gpgAlgorithm: GpgAlgorithm;
        readonly gpgKeyRotation: string;
        readonly gpgPassphrase?: pulumi.Output<string>;
        readonly registryToken: pulumi.Output<string>;
    };
    readonly ssm: {
        readonly deployKey: string;
        readonly registryToken: string;
        readonly gpgKey: string;
        /** `<gpgKey>-passphrase`, used only when a passphrase is set. */
        readonly gpgPassphrase: string;
        readonly webhookToken: string;
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
    readonly ingress: {
        readonly baseDomain: string;
        readonly receiverHostname?: string;
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

/**
 * Validates raw config and returns the typed config, or throws one ConfigError listing every
 * problem. Pure: it reads nothing but its arguments.
 */
export function buildConfig(raw: RawConfig, secrets: SecretConfig, stack: string): StackConfig {
    const problems: string[] = [];
    const key = (k: string) => `${PROJECT}:${k}`;
    const problem = (k: string, what: string) => problems.push(`${key(k)} ${what}`);

    const str = (k: string): string => (raw[k] ?? "").trim();
    const required = (k: string, hint: string): string => {
        const v = str(k);
        if (!v) problem(k, `is required (${hint}); set it with \`pulumi config set ${k} <value>\``);
        return v;
    };
    const optional = (k: string): string | undefined => str(k) || undefined;
    const oneOf = <T extends string>(k: string, allowed: readonly T[]): T => {
        const v = str(k) as T;
        if (!allowed.includes(v)) {
            problem(k, `must be one of ${allowed.join(", ")} (got "${v}")`);
        }
        return v;
    };
    const bool = (k: string): boolean => {
        const v = str(k);
        if (v !== "true" && v !== "false") problem(k, `must be true or false (got "${v}")`);
        return v === "true";
    };
    const duration = (k: string): string => {
        const v = str(k);
        if (!isPositiveFluxDuration(v)) {
            problem(k, `must be a positive Flux duration such as 30s, 5m or 1h30m (got "${v}")`);
        }
        return v;
    };
    const login = (k: string, what: string): string => {
        const v = required(k, what);
        if (v && !GITHUB_LOGIN.test(v)) problem(k, `is not a valid GitHub login (got "${v}")`);
        return v;
    };
    const dnsLabel = (k: string, v: string): string => {
        if (v && !DNS_LABEL.test(v)) {
            problem(k, `must be a Kubernetes name: lowercase letters, digits and "-", at most 63 (got "${v}")`);
        }
        return v;
    };
    const hostname = (k: string, v: string | undefined): string | undefined => {
        if (v !== undefined && !isDnsName(v)) {
            problem(k, `is not a DNS name: lowercase labels of letters, digits and "-" separated by dots (got "${v}")`);
        }
        return v;
    };
    const ssmName = (k: string, fallback: string): string => {
        const v = str(k) || fallback;
        if (!v.startsWith("/")) problem(k, `must be an SSM parameter name starting with "/" (got "${v}")`);
        else if (!SSM_NAME.test(v) || v.length > 1011) {
            problem(k, `may contain only letters, digits and _ . - / (got "${v}")`);
        }
        return v;
    };

    // GitHub
    const owner = login("owner", "the GitHub organisation that owns the repository");
    const botUser = login("botUser", "the bot's GitHub login");
    if (owner && botUser && owner.toLowerCase() === botUser.toLowerCase()) {
        problem("botUser", `must be a separate user, not the organisation "${owner}" itself`);
    }
    const botEmail = required("botEmail", "the bot's e-mail for commits and its GPG key");
    if (botEmail && !EMAIL.test(botEmail)) problem("botEmail", `is not an e-mail address (got "${botEmail}")`);
    const repository = required("repository", "the application repository under owner");
    if (repository && (!GITHUB_REPOSITORY.test(repository) || repository === "." || repository === "..")) {
        problem("repository", `is not a valid GitHub repository name (got "${repository}")`);
    } else if (repository) {
        dnsLabel("repository", repository);
    }
    const branch = str("branch");
    if (!BRANCH.test(branch)) problem("branch", `is not a valid git branch name (got "${branch}")`);
    const pushBranch = str("pushBranch") || branch;
    if (!BRANCH.test(pushBranch)) problem("pushBranch", `is not a valid git branch name (got "${pushBranch}")`);

    // Image
    const image = required("image", "the image repository, e.g. ghcr.io/<owner>/<app>");
    if (image && !IMAGE_REPOSITORY.test(image)) {
        problem("image", `must be an image repository without tag or digest, e.g. ghcr.io/org/app (got "${image}")`);
    }
    const policy = oneOf("imagePolicy", IMAGE_POLICY_KINDS);
    const order = oneOf("imagePolicyOrder", SORT_ORDERS);
    const semverRange = str("imageSemverRange");
    if (policy === "semver" && !semverRange) problem("imageSemverRange", "is required when imagePolicy is semver");
    const tagPattern = optional("tagPattern");
    const patternProblem = tagPattern === undefined ? undefined : regexProblem(tagPattern);
    if (patternProblem) problem("tagPattern", patternProblem);
    const tagExtract = optional("tagExtract");
    if (tagExtract && !tagPattern) problem("tagExtract", "needs tagPattern to be set");

    // Keys
    const gpgAlgorithm = oneOf("gpgAlgorithm", GPG_ALGORITHMS);
    for (const k of ["registryToken", "botGithubToken", "slackWebhookUrl", "discordWebhookUrl"] as const) {
        if (!secrets[k]) problem(k, `is required; set it with \`pulumi config set --secret ${k} <value>\``);
    }
    const awsRegion = str("aws:region");
    if (!awsRegion) problems.push("aws:region is required; set it with `pulumi config set aws:region <region>`");
    else if (!/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(awsRegion)) {
        problems.push(`aws:region is not an AWS region such as eu-central-1 (got "${awsRegion}")`);
    }

    // Kubernetes names and hosts
    const fluxNamespace = dnsLabel("fluxNamespace", required("fluxNamespace", "Flux's namespace"));
    const appNamespace = dnsLabel("appNamespace", str("appNamespace") || repository.toLowerCase());
    const port = Number(str("appPort"));
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        problem("appPort", `must be a port number from 1 to 65535 (got "${str("appPort")}")`);
    }
    const baseDomain = hostname("baseDomain", required("baseDomain", "the domain served by the Gateway")) ?? "";
    const appHostname =
        hostname("appHostname", optional("appHostname")) ?? (baseDomain ? `${repository}.${baseDomain}` : "");
    const receiverHostname = hostname("receiverHostname", optional("receiverHostname"));
    const clusterSecretStore = dnsLabelOrSubdomain("clusterSecretStore");
    const gatewayName = dnsLabelOrSubdomain("gatewayName");
    const gatewayNamespace = dnsLabel("gatewayNamespace", required("gatewayNamespace", "the Gateway's namespace"));
    const gatewaySectionName = optional("gatewaySectionName");

    function dnsLabelOrSubdomain(k: string): string {
        const v = required(k, "a Kubernetes object name");
        if (v && !isDnsName(v)) problem(k, `must be a Kubernetes object name (got "${v}")`);
        return v;
    }

    const overlayPath = str("overlayPath") || `./kustomize/overlays/${stack}`;
    if (baseDirectory(overlayPath) === undefined) {
        problem("overlayPath", `must be a path of at least two levels inside the repository, e.g. ./kustomize/overlays/${stack}; the base goes two levels up, in base/ (got "${overlayPath}")`);
    }

    const flux = {
        gitInterval: duration("gitInterval"),
        gitTimeout: duration("gitTimeout"),
        kustomizationInterval: duration("kustomizationInterval"),
        kustomizationRetryInterval: duration("kustomizationRetryInterval"),
        kustomizationTimeout: duration("kustomizationTimeout"),
        imageInterval: duration("imageInterval"),
        imageUpdateInterval: duration("imageUpdateInterval"),
        clusterSecretStore,
        externalSecretRefreshInterval: duration("externalSecretRefreshInterval"),
    };

    const ssmDefaults = defaultSsmNames(repository, botUser, registryHost(image));
    const gpgKey = ssmName("ssmGpgKeyName", ssmDefaults.gpgKey);
    const ssm = {
        deployKey: ssmName("ssmDeployKeyName", ssmDefaults.deployKey),
        registryToken: ssmName("ssmRegistryTokenName", ssmDefaults.registryToken),
        gpgKey,
        gpgPassphrase: `${gpgKey}-passphrase`,
        webhookToken: ssmName("ssmWebhookTokenName", ssmDefaults.webhookToken),
        slackWebhookUrl: ssmName("ssmSlackWebhookName", `/flux-gitops/${stack}/slack-webhook-url`),
        discordWebhookUrl: ssmName("ssmDiscordWebhookName", `/flux-gitops/${stack}/discord-webhook-url`),
        kmsKeyId: optional("ssmKmsKeyId"),
    };
    const ssmNames = [ssm.deployKey, ssm.registryToken, ssm.gpgKey, ssm.webhookToken, ssm.slackWebhookUrl, ssm.discordWebhookUrl];
    if (new Set(ssmNames).size !== ssmNames.length) {
        problems.push(`the SSM parameter names must differ from each other (got ${ssmNames.join(", ")})`);
    }

    // Monitoring
    const monitoringNamespace = dnsLabel("monitoringNamespace", required("monitoringNamespace", "the namespace of kube-prometheus-stack"));
    const chartVersion = str("kubePrometheusStackVersion");
    if (!EXACT_VERSION.test(chartVersion)) {
        problem("kubePrometheusStackVersion", `must be an exact chart version such as 82.8.0, not a range (got "${chartVersion}")`);
    }
    const helmTimeoutSeconds = Number(str("helmTimeout"));
    if (!Number.isInteger(helmTimeoutSeconds) || helmTimeoutSeconds <= 0) {
        problem("helmTimeout", `must be a positive number of seconds (got "${str("helmTimeout")}")`);
    }
    let extraValues: Record<string, unknown> = {};
    try {
        const parsed: unknown = JSON.parse(str("helmValues") || "{}");
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
        extraValues = parsed as Record<string, unknown>;
    } catch (e) {
        problem("helmValues", `must be a JSON object of chart values (${(e as Error).message})`);
    }
    const slackChannel = required("slackChannel", "the Slack channel for errors");

    const imageAutomation = bool("imageAutomation");
    const seedManifests = bool("seedManifests");

    if (problems.length > 0) throw new ConfigError(stack, problems);

    return {
        stack,
        awsRegion,
        github: {
            owner,
            botUser,
            botName: str("botName") || botUser,
            botEmail,
            orgToken: secrets.githubToken,
            botToken: secrets.botGithubToken!,
        },
        app: {
            name: repository,
            repository,
            branch,
            namespace: appNamespace,
            overlayPath,
            port,
            hostname: appHostname,
            seedManifests,
        },
        image: {
            repository: image,
            registry: registryHost(image),
            policy,
            order,
            semverRange,
            tagPattern,
            tagExtract,
            automation: imageAutomation,
            pushBranch,
        },
        keys: {
            gpgAlgorithm,
            gpgKeyRotation: str("gpgKeyRotation"),
            gpgPassphrase: secrets.gpgPassphrase,
            registryToken: secrets.registryToken!,
        },
        ssm,
        kubernetes: { context: optional("kubeContext"), fluxNamespace },
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
        ingress: { baseDomain, receiverHostname, gatewayName, gatewayNamespace, gatewaySectionName },
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
    "ssmSlackWebhookName", "ssmDiscordWebhookName",
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
