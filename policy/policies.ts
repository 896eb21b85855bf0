/**
 * The flux-gitops CrossGuard policies. Each policy is built by one exported factory function; the
 * checks themselves are pure functions over plain resource properties, so tests (and the program's
 * own test suite) can run them on fabricated resources and on what the program registers.
 *
 * Resource policies see a resource's inputs before it is created; stack policies see every
 * resource's outputs once the stack is registered (inputs during a preview).
 */
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

// ---------------------------------------------------------------------------------------------
// Type tokens and small helpers
// ---------------------------------------------------------------------------------------------

export const SSM_PARAMETER = "aws:ssm/parameter:Parameter";
export const GITHUB_WEBHOOK = "github:index/repositoryWebhook:RepositoryWebhook";
export const GITHUB_DEPLOY_KEY = "github:index/repositoryDeployKey:RepositoryDeployKey";
export const TLS_PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
export const DYNAMIC_RESOURCE = "pulumi-nodejs:dynamic:Resource";
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
export const STACK = "pulumi:pulumi:Stack";

type Props = Record<string, unknown>;

/** `kubernetes:<group>/<version>:<Kind>` (core objects: group `core`) split up; undefined for other types. */
export function kubernetesType(type: string): { group: string; version: string; kind: string } | undefined {
    const match = /^kubernetes:([^/:]+)\/([^/:]+):([^:]+)$/.exec(type);
    if (!match) return undefined;
    return { group: match[1], version: match[2], kind: match[3] };
}

function isKind(type: string, group: string, kind: string): boolean {
    const parsed = kubernetesType(type);
    return parsed !== undefined && parsed.group === group && parsed.kind === kind;
}

function record(value: unknown): Props {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : {};
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** `metadata.name` of a Kubernetes object, else the Pulumi name. */
function objectName(props: Props, fallback: string): string {
    const name = record(props.metadata).name;
    return typeof name === "string" && name !== "" ? name : fallback;
}

/** The words of an identifier: `deployKeyId` → deploy, key, id; `/github/x/ghcr-token` → github, x, ghcr, token. */
export function words(identifier: string): string[] {
    return identifier
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .split(/[^A-Za-z0-9]/)
        .filter((w) => w !== "") // runs of separators leave empty words
        .map((w) => w.toLowerCase());
}

/** Values that are private material whatever they are called. */
const PRIVATE_MATERIAL = [
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/,
    /\bgh[pousr]_[A-Za-z0-9]{20,}/,
    /\bgithub_pat_[A-Za-z0-9_]{20,}/,
    /hooks\.slack\.com\/services\//,
    /discord(?:app)?\.com\/api\/webhooks\//,
];

export function looksPrivate(value: unknown): boolean {
    return typeof value === "string" && PRIVATE_MATERIAL.some((re) => re.test(value));
}

/** A chart version that names exactly one release: `1.2.3`, `v1.2.3`, `1.2.3-rc.1`. No ranges. */
export function isExactVersion(version: unknown): boolean {
    return typeof version === "string" && /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(version);
}

function configOf<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
    // The CLI fills in the schema's defaults; merging them again keeps direct calls (tests) equal.
    return { ...defaults, ...args.getConfig<Partial<T>>() };
}

// ---------------------------------------------------------------------------------------------
// Pack config: every threshold has a default here, used by the schema and the checks alike.
// ---------------------------------------------------------------------------------------------

export const DEFAULTS = {
    "ssm-secure-string": {
        /** A parameter whose name has one of these words holds a key, token or webhook URL. */
        sensitiveWords: ["key", "keys", "token", "tokens", "secret", "secrets", "password", "passphrase", "credential", "credentials", "webhook", "webhooks"],
    },
    "github-webhook-events": {
        /**
         * What the stack's `github` Receivers act on: `push` (the GitRepository's) and `package` (the
         * ImageRepository's, for ghcr.io), and the `ping` sent when a webhook is created.
         */
        allowedEvents: ["push", "ping", "package"],
    },
    "key-strength": {
        /** Smallest RSA deploy key (bits). */
        minimumRsaBits: 3072,
        /** Smallest RSA GPG key (bits). */
        minimumGpgRsaBits: 3072,
    },
    "httproute-hsts": {
        /** Smallest `max-age` (seconds) of the Strict-Transport-Security header. */
        minimumMaxAge: 31536000,
    },
    "no-plaintext-secret-outputs": {
        /** An output whose last name segment has one of these words looks like a key, token or password. */
        secretWords: ["key", "keys", "token", "tokens", "password", "passwords", "passphrase", "secret", "secrets", "credential", "credentials", "webhook", "private"],
        /** Words that mark a public or descriptive value (a key's id, a parameter's name). */
        publicWords: ["public", "id", "ids", "fingerprint", "name", "names", "arn", "arns", "parameter", "parameters", "host", "hostname"],
        /**
         * Outputs the program exports as secrets (`pulumi.secret`), as dotted paths; `*` matches one
         * segment. CrossGuard hands policies secret values already decrypted (pulumi/pulumi-policy#241),
         * so the secret-ness itself is proven by the program's tests, not here.
         */
        secretOutputs: ["webhookUrl", "apps.*.webhookUrl", "imageWebhookUrl", "apps.*.imageWebhookUrl"],
    },
};

function schemaOf(defaults: Record<string, string[] | number>, descriptions: Record<string, string>): PolicyConfigSchema {
    const properties: PolicyConfigSchema["properties"] = {};
    for (const [key, value] of Object.entries(defaults)) {
        properties[key] = Array.isArray(value)
            ? { type: "array", items: { type: "string" }, default: value, description: descriptions[key] }
            : { type: "integer", minimum: 1, default: value, description: descriptions[key] };
    }
    return { properties };
}

// ---------------------------------------------------------------------------------------------
// Pure checks: each returns the violation messages for one resource (or the stack).
// ---------------------------------------------------------------------------------------------

export function ssmSecureStringViolations(name: string, props: Props, config = DEFAULTS["ssm-secure-string"]): string[] {
    if (props.type === "SecureString") return [];
    const parameter = typeof props.name === "string" ? props.name : name;
    const sensitive = words(parameter).some((w) => config.sensitiveWords.includes(w)) || looksPrivate(props.value);
    if (!sensitive) return [];
    return [
        `SSM parameter "${parameter}" holds a key, token or webhook URL but its type is "${String(props.type)}": use "SecureString" so that it is encrypted with KMS.`,
    ];
}

export function webhookTlsViolations(name: string, props: Props): string[] {
    const configuration = record(props.configuration);
    const violations: string[] = [];
    // The URL is not quoted: a Flux receiver URL carries a token-derived path.
    const url = configuration.url;
    if (typeof url !== "string" || !url.startsWith("https://")) {
        violations.push(`GitHub webhook "${name}" does not send to an https:// URL: payloads and their signature would travel in clear text.`);
    }
    const insecure = configuration.insecureSsl;
    if (insecure === true || insecure === "true" || insecure === "1" || insecure === 1) {
        violations.push(`GitHub webhook "${name}" sets insecure_ssl: GitHub would not verify the receiver's certificate.`);
    }
    if (typeof configuration.secret !== "string" || configuration.secret === "") {
        violations.push(`GitHub webhook "${name}" has no secret: GitHub cannot sign its payloads, so the receiver cannot verify them.`);
    }
    return violations;
}

export function webhookEventsViolations(name: string, props: Props, config = DEFAULTS["github-webhook-events"]): string[] {
    const events = list(props.events).map(String);
    const extra = events.filter((e) => !config.allowedEvents.includes(e));
    if (extra.length === 0) return [];
    return [
        `GitHub webhook "${name}" subscribes to events the receiver does not handle: ${extra.join(", ")} (handled: ${config.allowedEvents.join(", ")}).`,
    ];
}

/** `owner/repo` (lower case) of a GitHub URL in any of Flux's forms, else undefined. */
export function githubRepository(url: unknown): string | undefined {
    if (typeof url !== "string") return undefined;
    const match = /^(?:ssh:\/\/git@github\.com[:/]|git@github\.com:|https:\/\/github\.com\/)([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
    return match ? `${match[1]}/${match[2]}`.toLowerCase() : undefined;
}

/** Names (`repo`, lower case) of the repositories that an ImageUpdateAutomation in the stack pushes to. */
export function repositoriesPushedTo(resources: readonly { type: string; props: Props }[]): Set<string> {
    const gitRepositories = new Map<string, string | undefined>();
    for (const r of resources) {
        if (isKind(r.type, "source.toolkit.fluxcd.io", "GitRepository")) {
            const metadata = record(r.props.metadata);
            gitRepositories.set(`${String(metadata.namespace)}/${String(metadata.name)}`, githubRepository(record(r.props.spec).url));
        }
    }
    const pushed = new Set<string>();
    for (const r of resources) {
        if (!isKind(r.type, "image.toolkit.fluxcd.io", "ImageUpdateAutomation")) continue;
        const ref = record(record(r.props.spec).sourceRef);
        if ((ref.kind ?? "GitRepository") !== "GitRepository") continue;
        const namespace = ref.namespace ?? record(r.props.metadata).namespace;
        const repository = gitRepositories.get(`${String(namespace)}/${String(ref.name)}`);
        if (repository) pushed.add(repository.split("/")[1]);
    }
    return pushed;
}

export function deployKeyLeastPrivilegeViolations(
    resources: readonly { type: string; name: string; urn?: string; props: Props }[],
): { message: string; urn?: string }[] {
    const pushed = repositoriesPushedTo(resources);
    return resources
        .filter((r) => r.type === GITHUB_DEPLOY_KEY && r.props.readOnly === false)
        .filter((r) => !pushed.has(String(r.props.repository).toLowerCase()))
        .map((r) => ({
            urn: r.urn,
            message: `Deploy key "${r.name}" can write to repository "${String(r.props.repository)}", but no ImageUpdateAutomation in the stack pushes to it: make it read-only.`,
        }));
}

export function keyStrengthViolations(type: string, name: string, props: Props, config = DEFAULTS["key-strength"]): string[] {
    if (type === TLS_PRIVATE_KEY) {
        const algorithm = String(props.algorithm);
        if (algorithm === "ED25519") return [];
        if (algorithm === "RSA") {
            const bits = typeof props.rsaBits === "number" ? props.rsaBits : 2048; // the provider's default
            return bits >= config.minimumRsaBits
                ? []
                : [`SSH key "${name}" is RSA ${bits}: use ED25519 or RSA of at least ${config.minimumRsaBits} bits.`];
        }
        return [`SSH key "${name}" uses ${algorithm}: use ED25519 or RSA of at least ${config.minimumRsaBits} bits.`];
    }
    if (type === DYNAMIC_RESOURCE && isGpgKey(props)) {
        const algorithm = String(props.algorithm);
        if (algorithm === "ed25519") return [];
        const rsa = /^rsa(\d+)$/.exec(algorithm);
        if (rsa && Number(rsa[1]) >= config.minimumGpgRsaBits) return [];
        return [`GPG key "${name}" uses ${algorithm}: use ed25519 or RSA of at least ${config.minimumGpgRsaBits} bits.`];
    }
    return [];
}

/** The GPG key dynamic resource (components/keys/gpg-key.ts): a user ID and an algorithm. */
function isGpgKey(props: Props): boolean {
    return typeof props.email === "string" && typeof props.algorithm === "string" && "rotation" in props;
}

/**
 * API versions that current releases serve, by group and kind (Flux 2.9, External Secrets 2.x,
 * Gateway API 1.6, whose standard CRDs still serve v1beta1 of Gateway, GatewayClass and HTTPRoute).
 * A kind that is not listed is checked against its group's removed versions only.
 */
export const SERVED_VERSIONS: Record<string, Record<string, string[]>> = {
    "source.toolkit.fluxcd.io": {
        GitRepository: ["v1"],
        HelmRepository: ["v1"],
        HelmChart: ["v1"],
        Bucket: ["v1"],
        OCIRepository: ["v1"],
        ExternalArtifact: ["v1"],
    },
    "kustomize.toolkit.fluxcd.io": { Kustomization: ["v1"] },
    "helm.toolkit.fluxcd.io": { HelmRelease: ["v2"] },
    "notification.toolkit.fluxcd.io": { Receiver: ["v1"], Provider: ["v1beta3"], Alert: ["v1beta3"] },
    "image.toolkit.fluxcd.io": { ImageRepository: ["v1"], ImagePolicy: ["v1"], ImageUpdateAutomation: ["v1"] },
    "external-secrets.io": {
        ExternalSecret: ["v1"],
        SecretStore: ["v1"],
        ClusterSecretStore: ["v1"],
        ClusterExternalSecret: ["v1"],
    },
    "gateway.networking.k8s.io": { HTTPRoute: ["v1", "v1beta1"], Gateway: ["v1", "v1beta1"], GatewayClass: ["v1", "v1beta1"], GRPCRoute: ["v1"] },
};

/** Versions that current releases no longer serve, by group. */
export const REMOVED_VERSIONS: Record<string, string[]> = {
    "source.toolkit.fluxcd.io": ["v1beta1", "v1beta2"],
    "kustomize.toolkit.fluxcd.io": ["v1beta1", "v1beta2"],
    "helm.toolkit.fluxcd.io": ["v2beta1", "v2beta2"],
    "notification.toolkit.fluxcd.io": ["v1beta1", "v1beta2"],
    "image.toolkit.fluxcd.io": ["v1alpha1", "v1alpha2", "v1beta1", "v1beta2"],
    "external-secrets.io": ["v1alpha1", "v1beta1"],
    "gateway.networking.k8s.io": ["v1alpha1", "v1alpha2"],
};

export function fluxApiViolations(type: string): string[] {
    const parsed = kubernetesType(type);
    if (!parsed) return [];
    const { group, version, kind } = parsed;
    const served = SERVED_VERSIONS[group]?.[kind];
    if (served ? !served.includes(version) : REMOVED_VERSIONS[group]?.includes(version)) {
        const use = served ? ` use ${served.map((v) => `${group}/${v}`).join(" or ")}` : " use the group's current version";
        return [`${kind} uses ${group}/${version}, which current releases no longer serve:${use}.`];
    }
    return [];
}

export function imagePolicyFilteredViolations(name: string, props: Props): string[] {
    const spec = record(props.spec);
    const policy = record(spec.policy);
    const order = "numerical" in policy ? "numerically" : "alphabetical" in policy ? "alphabetically" : undefined;
    const pattern = record(spec.filterTags).pattern;
    if (order === undefined || (typeof pattern === "string" && pattern !== "")) return [];
    return [
        `ImagePolicy "${objectName(props, name)}" orders tags ${order} without a filterTags pattern: tags such as "latest" or short commit SHAs would be ordered too.`,
    ];
}

export function imageAutomationSignedViolations(name: string, props: Props): string[] {
    const secret = record(record(record(record(record(props.spec).git).commit).signingKey).secretRef).name;
    if (typeof secret === "string" && secret !== "") return [];
    return [
        `ImageUpdateAutomation "${objectName(props, name)}" pushes unsigned commits: set spec.git.commit.signingKey.secretRef to the Secret with the GPG key.`,
    ];
}

/**
 * Receiver types whose requests Flux authenticates with the token of `secretRef`: every v1 type but
 * generic-oidc, which authenticates with an OIDC token and may not set one (the Receiver CRD's CEL rules).
 */
export const AUTHENTICATED_RECEIVER_TYPES = [
    "generic",
    "generic-hmac",
    "github",
    "gitlab",
    "bitbucket",
    "harbor",
    "dockerhub",
    "quay",
    "gcr",
    "nexus",
    "acr",
    "cdevents",
];

export function receiverAuthenticatedViolations(name: string, props: Props): string[] {
    const spec = record(props.spec);
    const type = String(spec.type);
    if (!AUTHENTICATED_RECEIVER_TYPES.includes(type)) return [];
    const secret = record(spec.secretRef).name;
    if (typeof secret === "string" && secret !== "") return [];
    return [
        `Receiver "${objectName(props, name)}" of type ${type} has no secretRef: its requests would not be authenticated.`,
    ];
}

/** `max-age` of a Strict-Transport-Security value, or undefined. */
export function hstsMaxAge(value: unknown): number | undefined {
    const match = typeof value === "string" ? /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(value) : null;
    return match ? Number(match[1]) : undefined;
}

export function httpRouteHstsViolations(name: string, props: Props, config = DEFAULTS["httproute-hsts"]): string[] {
    const route = objectName(props, name);
    const rules = list(record(props.spec).rules);
    const violations: string[] = [];
    (rules.length > 0 ? rules : [{}]).forEach((rule, i) => {
        const filters = list(record(rule).filters).map(record);
        // A rule that only redirects (to https) sends no content to protect.
        if (filters.some((f) => f.type === "RequestRedirect")) return;
        const headers = filters
            .filter((f) => f.type === "ResponseHeaderModifier")
            .flatMap((f) => [...list(record(f.responseHeaderModifier).set), ...list(record(f.responseHeaderModifier).add)])
            .map(record)
            .filter((h) => String(h.name).toLowerCase() === "strict-transport-security");
        if (headers.length === 0) {
            violations.push(`HTTPRoute "${route}" rule ${i + 1} does not set the Strict-Transport-Security response header.`);
            return;
        }
        const maxAge = hstsMaxAge(headers[0].value);
        if (maxAge === undefined || maxAge < config.minimumMaxAge) {
            violations.push(
                `HTTPRoute "${route}" rule ${i + 1} sets Strict-Transport-Security "${String(headers[0].value)}": max-age must be at least ${config.minimumMaxAge} seconds.`,
            );
        }
    });
    return violations;
}

export function kustomizationPruneViolations(name: string, props: Props): string[] {
    if (record(props.spec).prune === true) return [];
    return [`Kustomization "${objectName(props, name)}" does not prune: objects removed from git would stay in the cluster.`];
}

export function helmChartPinnedViolations(type: string, name: string, props: Props): string[] {
    let chart: unknown;
    let version: unknown;
    if (type === HELM_RELEASE) {
        chart = props.chart;
        version = props.version;
    } else if (isKind(type, "helm.toolkit.fluxcd.io", "HelmRelease")) {
        const chartSpec = record(record(record(props.spec).chart).spec);
        if (!("chart" in chartSpec)) return []; // spec.chartRef: the version is the source's concern
        chart = chartSpec.chart;
        version = chartSpec.version;
        name = objectName(props, name);
    } else {
        return [];
    }
    if (isExactVersion(version)) return [];
    const what = version === undefined || version === "" ? "without a version" : `at version ${JSON.stringify(version)}`;
    return [`Helm release "${name}" installs chart "${String(chart)}" ${what}: pin an exact version such as 1.2.3.`];
}

/** Every leaf of a stack's outputs as a dotted path (objects are walked, arrays are leaves). */
export function outputPaths(outputs: Props, prefix = ""): string[] {
    return Object.entries(outputs).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return value !== null && typeof value === "object" && !Array.isArray(value) ? outputPaths(value as Props, path) : [path];
    });
}

export function matchesPath(pattern: string, path: string): boolean {
    const p = pattern.split(".");
    const s = path.split(".");
    // A pattern matches a path equal to it or below it (a secret object is secret throughout).
    return p.length <= s.length && p.every((segment, i) => segment === "*" || segment === s[i]);
}

/** Whether an output path is named like a key, token or password (and not like a public value). */
export function namedLikeSecret(path: string, config = DEFAULTS["no-plaintext-secret-outputs"]): boolean {
    const segments = path.split(".");
    const last = words(segments[segments.length - 1]);
    const all = segments.flatMap(words);
    return last.some((w) => config.secretWords.includes(w)) && !all.some((w) => config.publicWords.includes(w));
}

/**
 * Outputs named like keys, tokens or passwords that are not secret. `isSecret` says whether a
 * path is secret: in CrossGuard, whether it is declared in `secretOutputs`; in the program's tests,
 * whether the exported Output really is secret.
 */
export function plaintextSecretOutputs(
    outputs: Props,
    isSecret: (path: string) => boolean,
    // Stryker disable next-line StringLiteral: namedLikeSecret, the only reader, gives undefined the same default.
    config = DEFAULTS["no-plaintext-secret-outputs"],
): string[] {
    return outputPaths(outputs).filter((path) => namedLikeSecret(path, config) && !isSecret(path));
}

export function plaintextSecretOutputViolations(outputs: Props, config = DEFAULTS["no-plaintext-secret-outputs"]): string[] {
    const declared = (path: string) => config.secretOutputs.some((pattern) => matchesPath(pattern, path));
    return plaintextSecretOutputs(outputs, declared, config).map(
        (path) =>
            `Stack output "${path}" is named like a key, token or password but is not one of the secret outputs: export it with pulumi.secret() and add it to secretOutputs.`,
    );
}

// ---------------------------------------------------------------------------------------------
// The policies
// ---------------------------------------------------------------------------------------------

function resourcePolicy(
    spec: Omit<ResourceValidationPolicy, "validateResource" | "enforcementLevel"> & { enforcementLevel?: EnforcementLevel },
    check: (args: ResourceValidationArgs) => string[],
): ResourceValidationPolicy {
    return {
        enforcementLevel: "mandatory",
        ...spec,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            for (const message of check(args)) reportViolation(message);
        },
    };
}

export function ssmSecureString(): ResourceValidationPolicy {
    const defaults = DEFAULTS["ssm-secure-string"];
    return resourcePolicy(
        {
            name: "ssm-secure-string",
            description: "An SSM parameter that holds a key, token or webhook URL is a SecureString.",
            remediationSteps: 'Set `type: "SecureString"` on the aws.ssm.Parameter (the StoredSecret component does).',
            severity: "critical",
            configSchema: schemaOf(defaults, { sensitiveWords: "Words in a parameter name that mark it as sensitive." }),
        },
        (args) => (args.type === SSM_PARAMETER ? ssmSecureStringViolations(args.name, args.props, configOf(args, defaults)) : []),
    );
}

export function githubWebhookTls(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "github-webhook-tls",
            description: "A GitHub repository webhook uses https, keeps insecure_ssl false and has a secret.",
            remediationSteps: "Point the webhook at an https:// URL, leave `insecureSsl` false and set `secret` to the receiver's token.",
            severity: "high",
        },
        (args) => (args.type === GITHUB_WEBHOOK ? webhookTlsViolations(args.name, args.props) : []),
    );
}

export function githubWebhookEvents(): ResourceValidationPolicy {
    const defaults = DEFAULTS["github-webhook-events"];
    return resourcePolicy(
        {
            name: "github-webhook-events",
            description: "A GitHub repository webhook subscribes only to the events its Flux receiver handles.",
            remediationSteps: "Subscribe the webhook to the receiver's events only (push and ping for a GitRepository receiver).",
            enforcementLevel: "advisory",
            severity: "low",
            configSchema: schemaOf(defaults, { allowedEvents: "Events the receivers handle." }),
        },
        (args) => (args.type === GITHUB_WEBHOOK ? webhookEventsViolations(args.name, args.props, configOf(args, defaults)) : []),
    );
}

export function deployKeyLeastPrivilege(): StackValidationPolicy {
    return {
        name: "deploy-key-least-privilege",
        description: "A deploy key has write access only to a repository that an ImageUpdateAutomation in the stack pushes to.",
        remediationSteps: "Set `readOnly: true` on the deploy key, or add the ImageUpdateAutomation that needs to push.",
        enforcementLevel: "mandatory",
        severity: "high",
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            for (const v of deployKeyLeastPrivilegeViolations(args.resources)) reportViolation(v.message, v.urn);
        },
    };
}

export function keyStrength(): ResourceValidationPolicy {
    const defaults = DEFAULTS["key-strength"];
    return resourcePolicy(
        {
            name: "key-strength",
            description: "Deploy keys are ED25519 or RSA of at least the configured bits, and GPG keys ed25519 or RSA of at least 3072 bits.",
            remediationSteps: 'Use `algorithm: "ED25519"` for tls.PrivateKey and `gpgAlgorithm: ed25519` (or rsa3072/rsa4096) in the stack config.',
            severity: "high",
            configSchema: schemaOf(defaults, {
                minimumRsaBits: "Smallest RSA deploy key, in bits.",
                minimumGpgRsaBits: "Smallest RSA GPG key, in bits.",
            }),
        },
        (args) => keyStrengthViolations(args.type, args.name, args.props, configOf(args, defaults)),
    );
}

export function fluxApiCurrent(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "flux-api-current",
            description: "Flux, External Secrets and Gateway API objects use API versions that current releases serve.",
            remediationSteps: "Move the object to the version named in the message; see the project's release notes for field changes.",
            severity: "high",
        },
        (args) => fluxApiViolations(args.type),
    );
}

export function imagePolicyFiltered(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "image-policy-filtered",
            description: "An ImagePolicy with numerical or alphabetical order has a filterTags pattern.",
            remediationSteps: "Set `spec.filterTags.pattern` (and `extract` if needed) to the tags the policy should compare, e.g. ^[0-9]+$.",
            severity: "medium",
        },
        (args) => (isKind(args.type, "image.toolkit.fluxcd.io", "ImagePolicy") ? imagePolicyFilteredViolations(args.name, args.props) : []),
    );
}

export function imageAutomationSigned(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "image-automation-signed",
            description: "An ImageUpdateAutomation signs the commits it pushes.",
            remediationSteps: "Set `spec.git.commit.signingKey.secretRef.name` to the Secret with `git.asc` (the GPG key ExternalSecret).",
            severity: "high",
        },
        (args) =>
            isKind(args.type, "image.toolkit.fluxcd.io", "ImageUpdateAutomation") ? imageAutomationSignedViolations(args.name, args.props) : [],
    );
}

export function receiverAuthenticated(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "receiver-authenticated",
            description: "A Flux Receiver of a type that supports authentication has a secretRef.",
            remediationSteps: "Set `spec.secretRef.name` to the Secret whose `token` the webhook sender also holds.",
            severity: "critical",
        },
        (args) => (isKind(args.type, "notification.toolkit.fluxcd.io", "Receiver") ? receiverAuthenticatedViolations(args.name, args.props) : []),
    );
}

export function httpRouteHsts(): ResourceValidationPolicy {
    const defaults = DEFAULTS["httproute-hsts"];
    return resourcePolicy(
        {
            name: "httproute-hsts",
            description: "An HTTPRoute sets the Strict-Transport-Security response header.",
            remediationSteps: "Add a ResponseHeaderModifier filter that sets Strict-Transport-Security: max-age=31536000; includeSubDomains.",
            severity: "medium",
            configSchema: schemaOf(defaults, { minimumMaxAge: "Smallest max-age, in seconds." }),
        },
        (args) =>
            isKind(args.type, "gateway.networking.k8s.io", "HTTPRoute")
                ? httpRouteHstsViolations(args.name, args.props, configOf(args, defaults))
                : [],
    );
}

export function kustomizationPrune(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "kustomization-prune",
            description: "A Flux Kustomization prunes the objects that were removed from its source.",
            remediationSteps: "Set `spec.prune: true` on the Kustomization.",
            severity: "medium",
        },
        (args) => (isKind(args.type, "kustomize.toolkit.fluxcd.io", "Kustomization") ? kustomizationPruneViolations(args.name, args.props) : []),
    );
}

export function helmChartPinned(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "helm-chart-pinned",
            description: "A Helm release pins an exact chart version, not a range or none.",
            remediationSteps: "Set the release's chart version to one exact release (e.g. 82.8.0) and upgrade it deliberately.",
            severity: "medium",
        },
        (args) => helmChartPinnedViolations(args.type, args.name, args.props),
    );
}

export function noPlaintextSecretOutputs(): StackValidationPolicy {
    const defaults = DEFAULTS["no-plaintext-secret-outputs"];
    return {
        name: "no-plaintext-secret-outputs",
        description: "Stack outputs whose names suggest keys, tokens or passwords are secret.",
        remediationSteps: "Export the value with pulumi.secret() (or not at all) and list it in the policy's secretOutputs config.",
        enforcementLevel: "mandatory",
        severity: "high",
        configSchema: schemaOf(defaults, {
            secretWords: "Words that make an output look like a key, token or password.",
            publicWords: "Words that mark an output as public or descriptive.",
            secretOutputs: "Dotted paths of the outputs the program exports as secrets (* matches one segment).",
        }),
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const stack = args.resources.find((r: PolicyResource) => r.type === STACK);
            if (!stack) return;
            for (const message of plaintextSecretOutputViolations(stack.props, configOf(args, defaults))) {
                reportViolation(message, stack.urn);
            }
        },
    };
}

/** Every policy of the pack, in the order the README lists them. */
export function policies(): (ResourceValidationPolicy | StackValidationPolicy)[] {
    return [
        ssmSecureString(),
        githubWebhookTls(),
        githubWebhookEvents(),
        deployKeyLeastPrivilege(),
        keyStrength(),
        fluxApiCurrent(),
        imagePolicyFiltered(),
        imageAutomationSigned(),
        receiverAuthenticated(),
        httpRouteHsts(),
        kustomizationPrune(),
        helmChartPinned(),
        noPlaintextSecretOutputs(),
    ];
}
