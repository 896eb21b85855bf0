import { baseDirectory } from "../components/app/manifests";
import { appSsmNames } from "../components/keys/ssm-names";
import { Checks, GITHUB_REPOSITORY, RawConfig } from "./checks";
import { missingGroups, re2Error, re2Groups } from "./re2";
import { semverConstraintError } from "./semver";
import { setting } from "./settings";

/** How ImagePolicy orders tags (`spec.policy.<kind>`). */
export type ImagePolicyKind = "numerical" | "semver" | "alphabetical";
export const IMAGE_POLICY_KINDS: readonly ImagePolicyKind[] = ["numerical", "semver", "alphabetical"];
export type SortOrder = "asc" | "desc";
export const SORT_ORDERS: readonly SortOrder[] = ["asc", "desc"];

const IMAGE_REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/;

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
    /** Commit the kustomize overlay (and the base, unless the branch has it already) into the repository once. */
    readonly seedManifests: boolean;
    /**
     * A tenant: its Flux objects live in its own namespace and apply as a service account bound
     * there only; its secrets come through a SecretStore of that namespace. false: a platform
     * component, reconciled in the Flux namespace with kustomize-controller's cluster-wide rights.
     */
    readonly tenant: boolean;
    readonly image: {
        readonly repository: string;
        /** Registry host of `repository` (`docker.io` when the image names none). */
        readonly registry: string;
        /** A public image: Flux scans it anonymously, with no pull Secret. */
        readonly public: boolean;
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
        /** The image Receiver's token: derived from the repository (and ssmPrefix). */
        readonly imageWebhookToken: string;
    };
}

/** The settings of an application: the first one's top-level keys, each also a key of an `additionalApps` entry. */
export const APP = {
    repository: setting({
        key: "repository",
        type: "string",
        group: "GitHub",
        description:
            "Name of the application repository under `owner`; also the name of the app's Flux objects.",
        prompt: { description: "Name of the application repository under owner (Flux deploys its kustomize overlay)" },
        check: (c, k) => {
            const repository = c.required(k, "the application repository under owner");
            if (repository && (!GITHUB_REPOSITORY.test(repository) || repository === "." || repository === "..")) {
                c.problem(k, `is not a valid GitHub repository name (got "${repository}")`);
            } else {
                c.dnsLabel(k, repository);
            }
            return repository;
        },
    }),
    image: setting({
        key: "image",
        type: "string",
        group: "Container image",
        description:
            "Image repository without tag, e.g. ghcr.io/<owner>/<app>.",
        prompt: { description: "Image repository of the application without tag, e.g. ghcr.io/<owner>/<app>" },
        check: (c, k) => {
            const image = c.required(k, "the image repository, e.g. ghcr.io/<owner>/<app>");
            if (image && !IMAGE_REPOSITORY.test(image)) {
                c.problem(k, `must be an image repository without tag or digest, e.g. ghcr.io/org/app (got "${image}")`);
            } else if (image) {
                const problem = imageProblem(image);
                if (problem) c.problem(k, problem);
            }
            return image;
        },
    }),
    imagePublic: setting({
        key: "imagePublic",
        type: "boolean",
        default: false,
        group: "Container image",
        description:
            "The image is public, so Flux scans its tags anonymously, without registry credentials.",
        check: (c, k) => (c.str(k) === "" ? false : c.bool(k)),
    }),
    branch: setting({
        key: "branch",
        type: "string",
        default: "main",
        group: "GitHub",
        description:
            "Branch Flux reconciles and image automation checks out.",
        check: (c, k) => c.branch(k, c.str(k)),
    }),
    overlayPath: setting({
        key: "overlayPath",
        type: "string",
        default: "",
        group: "Kubernetes and Flux",
        description:
            "Path of the environment's kustomize overlay in the repository (\"\" = ./kustomize/overlays/<stack>).",
    }),
    appNamespace: setting({
        key: "appNamespace",
        type: "string",
        default: "",
        group: "Kubernetes and Flux",
        description:
            "Namespace the application is deployed to (\"\" = the repository name).",
    }),
    appPort: setting({
        key: "appPort",
        type: "integer",
        default: 8080,
        group: "Kubernetes and Flux",
        description:
            "Port the application listens on.",
        check: (c, k) => c.port(k),
    }),
    appHostname: setting({
        key: "appHostname",
        type: "string",
        default: "",
        group: "Ingress (Gateway API)",
        description:
            "Hostname of the application's HTTPRoute (\"\" = <repository>.<baseDomain>).",
    }),
    receiverHostname: setting({
        key: "receiverHostname",
        type: "string",
        default: "",
        group: "Ingress (Gateway API)",
        description:
            "Hostname of the webhook receiver (\"\" = a random subdomain of baseDomain, generated once).",
        check: (c, k) => c.hostname(k, c.optional(k)),
    }),
    tagPattern: setting({
        key: "tagPattern",
        type: "string",
        default: "",
        group: "Container image",
        description:
            "filterTags regular expression (Go RE2 syntax) selecting candidate tags. \"\" = the policy's default: ^[0-9]+$ for numerical and alphabetical, no filter for semver (the semver policy skips tags that are not versions); \".*\" keeps every tag.",
    }),
    tagExtract: setting({
        key: "tagExtract",
        type: "string",
        default: "",
        group: "Container image",
        description:
            "filterTags extract expression, e.g. $ts (\"\" = the whole tag).",
    }),
    imagePolicy: setting({
        key: "imagePolicy",
        type: "string",
        default: "numerical",
        group: "Container image",
        description:
            "How ImagePolicy picks the newest tag: numerical, semver or alphabetical.",
        check: (c, k) => c.oneOf(k, IMAGE_POLICY_KINDS),
    }),
    imagePolicyOrder: setting({
        key: "imagePolicyOrder",
        type: "string",
        default: "asc",
        group: "Container image",
        description:
            "Sort order for numerical and alphabetical policies: asc or desc (asc = highest wins).",
        check: (c, k) => c.oneOf(k, SORT_ORDERS),
    }),
    imageSemverRange: setting({
        key: "imageSemverRange",
        type: "string",
        default: ">=0.0.0",
        group: "Container image",
        description:
            "Semver range for the semver policy.",
    }),
    imageAutomation: setting({
        key: "imageAutomation",
        type: "boolean",
        default: true,
        group: "Container image",
        description:
            "Let Flux commit image updates to the repository (gives the deploy key write access).",
        check: (c, k) => c.bool(k),
    }),
    pushBranch: setting({
        key: "pushBranch",
        type: "string",
        default: "",
        group: "Container image",
        description:
            "Branch image automation pushes its commits to (\"\" = branch).",
    }),
    seedManifests: setting({
        key: "seedManifests",
        type: "boolean",
        default: true,
        group: "Kubernetes and Flux",
        description:
            "Commit the environment's kustomize overlay (and the base, unless the branch has it already) into the repository once.",
        check: (c, k) => c.bool(k),
    }),
    tenant: setting({
        key: "tenant",
        type: "boolean",
        default: true,
        group: "Kubernetes and Flux",
        description:
            "The application is a tenant: its Flux objects live in its namespace, apply as a service account bound to `admin` there only, and read only its own parameters. false = a platform component, applied by kustomize-controller with cluster-admin rights (never inherited by additionalApps).",
        // An additionalApps entry that does not set it is a tenant: it is never inherited.
        check: (c, k) => (c.str(k) === "" ? true : c.bool(k)),
    }),
    ssmDeployKeyName: setting({
        key: "ssmDeployKeyName",
        type: "string",
        default: "",
        group: "AWS SSM Parameter Store",
        description:
            "SSM name of the deploy private key (\"\" = /github/<repository>/deploy-key).",
    }),
    ssmWebhookTokenName: setting({
        key: "ssmWebhookTokenName",
        type: "string",
        default: "",
        group: "AWS SSM Parameter Store",
        description:
            "SSM name of the receiver webhook token (\"\" = /github/<repository>/receiver-token).",
    }),
};

/** Keys an `additionalApps` entry may set; the ones not set come from the top-level keys of the same name. */
export const APP_KEYS: readonly string[] = Object.values(APP).map((s) => s.key);

/** The applications' settings: each application's, then the list of more applications. */
export const APPS = {
    ...APP,
    additionalApps: setting({
        key: "additionalApps",
        type: "list of objects",
        declared: false,
        description:
            `More applications. Each entry takes repository and image, and may set ${APP_KEYS.filter((k) => k !== "repository" && k !== "image").join(", ")}. ` +
            "What an entry does not set comes from the top-level key of the same name, except the names and hosts, which derive from " +
            "its repository, and tagPattern and tagExtract, which an entry with another imagePolicy does not take.",
    }),
};
// Keys of the tag filter: inherited only by an entry with the first application's imagePolicy.
const POLICY_KEYS = new Set(["tagPattern", "tagExtract"]);
// Keys that name or locate one application: never inherited from the first application.
const OWN_APP_KEYS = new Set([
    "repository", "image", "imagePublic", "appNamespace", "appHostname", "receiverHostname", "ssmDeployKeyName", "ssmWebhookTokenName",
    // Cluster rights are given one application at a time, never by inheritance.
    "tenant",
]);

/**
 * The filter an application gets when `tagPattern` is unset or "": numerical and alphabetical
 * order every tag they see, so they keep to numeric tags; the semver policy needs none, since it
 * skips every tag that is not a version (image-reflector-controller internal/policy/semver.go
 * @v1.2.4, `Latest`), and a numeric-only filter would hide every `1.2.3`.
 */
export const DEFAULT_TAG_PATTERN: Readonly<Record<ImagePolicyKind, string | undefined>> = {
    numerical: "^[0-9]+$",
    alphabetical: "^[0-9]+$",
    semver: undefined,
};

/**
 * Checks a filterTags pattern as image-reflector-controller compiles it: Go's `regexp.Compile`
 * (internal/policy/filter.go @v1.2.4), translated in ./re2. Lookaround and backreferences, which
 * Go refuses, are named as such.
 */
export function regexProblem(pattern: string): string | undefined {
    const error = re2Error(pattern);
    if (!error) return undefined;
    if (/\(\?<?[=!]/.test(pattern)) {
        return "uses lookaround, which Go's RE2 (used by Flux) does not support";
    }
    // Go refuses a backreference (\1, \k<name>) as an invalid escape, whose error names the escape
    // alone (regexp/syntax parse.go), the only error whose text starts with one.
    // Stryker disable next-line Regex: the escape is all the error names, so the anchor changes nothing
    if (/^\\(?:[1-9]|k)/.test(error.expr)) {
        return "uses a backreference, which Go's RE2 (used by Flux) does not support";
    }
    return `is not a valid regular expression (${error.message})`;
}

/**
 * Checks a filterTags extract template against its pattern: image-reflector-controller expands it
 * with Go's `Regexp.ExpandString` (internal/policy/filter.go @v1.2.4), which replaces a reference
 * to a group the pattern does not have with nothing (regexp.go `expand`). `$ts_suffix` names the
 * group `ts_suffix`, not `ts` followed by text. The pattern is one Go compiles (regexProblem finds
 * none): another throws re2's error.
 */
export function extractProblem(pattern: string, extract: string): string | undefined {
    const groups = re2Groups(pattern);
    const missing = missingGroups(extract, groups);
    if (missing.length === 0) return undefined;
    const have = groups.names.map((n, i) => `$${n || i}`).join(", ");
    const hints = missing.flatMap(({ name }) => {
        const prefix = groups.names.find((n) => n !== "" && name.startsWith(n));
        return prefix ? [`; write \${${prefix}} to follow the group ${prefix} with "${name.slice(prefix.length)}"`] : [];
    });
    return (
        `refers to ${missing.map((m) => m.ref).join(", ")}, which the pattern does not have: Go's regexp Expand, which Flux extracts tags with, ` +
        `replaces ${missing.length === 1 ? "it" : "them"} with nothing (the pattern has ${have})${hints.join("")}`
    );
}

/**
 * What image-reflector-controller misreads or refuses in an image the pattern accepts. It parses
 * `spec.image` with go-containerregistry (internal/registry/helper.go @v1.2.4 ParseImageReference →
 * pkg/name/repository.go @v0.21.6 NewRepository), which takes the first part as the registry only
 * when it has "." or ":" (so `localhost/app` is a Docker Hub repository to it, a local registry to
 * the kubelet), and wants a repository path of 2 to 255 characters.
 */
export function imageProblem(image: string): string | undefined {
    const [first, ...rest] = image.split("/");
    if (first === "localhost") {
        return `names the registry localhost without a port, which Flux reads as a Docker Hub repository; write localhost:<port>/... (got "${image}")`;
    }
    const path = first.includes(".") || first.includes(":") ? rest.join("/") : image;
    if (path.length < 2 || path.length > 255) {
        return `has a repository path of ${path.length} characters after its registry; Flux reads only 2 to 255 (got "${image}")`;
    }
    return undefined;
}

/** The registry host of an image reference (`ghcr.io` for `ghcr.io/org/app`, `docker.io` for `org/app`). */
export function registryHost(image: string): string {
    const first = image.split("/")[0];
    return image.includes("/") && (first.includes(".") || first.includes(":"))
        ? first
        : "docker.io";
}

/** Stack-wide context an application is read in. */
interface AppContext {
    readonly stack: string;
    readonly baseDomain: string;
    readonly ssmPrefix: string;
}

/** Reads one application through `c`. */
function readApp(c: Checks, ctx: AppContext): AppConfig {
    const repository = APP.repository.read(c);
    const branch = APP.branch.read(c);
    const pushBranch = c.branch("pushBranch", c.str("pushBranch") || branch);

    const image = APP.image.read(c);
    const policy = APP.imagePolicy.read(c);
    const order = APP.imagePolicyOrder.read(c);
    const semverRange = c.str("imageSemverRange");
    if (policy === "semver" && !semverRange) c.problem("imageSemverRange", "is required when imagePolicy is semver");
    else if (policy === "semver") {
        // image-reflector-controller internal/policy/semver.go @v1.2.4: NewSemVer → semver.NewConstraint.
        const error = semverConstraintError(semverRange);
        if (error) c.problem("imageSemverRange", `is not a semver range Flux can parse (Masterminds/semver NewConstraint: ${error})`);
    }
    const ownPattern = c.optional("tagPattern");
    const patternProblem = ownPattern === undefined ? undefined : regexProblem(ownPattern);
    if (patternProblem) c.problem("tagPattern", patternProblem);
    const tagPattern = ownPattern ?? DEFAULT_TAG_PATTERN[policy];
    const tagExtract = c.optional("tagExtract");
    if (tagExtract && !ownPattern) c.problem("tagExtract", "needs tagPattern to be set");
    const extractError = tagExtract && ownPattern && !patternProblem ? extractProblem(ownPattern, tagExtract) : undefined;
    if (extractError) c.problem("tagExtract", extractError);

    const overlayPath = c.str("overlayPath") || `./kustomize/overlays/${ctx.stack}`;
    if (baseDirectory(overlayPath) === undefined) {
        c.problem(
            "overlayPath",
            `must be a path of at least two levels inside the repository, e.g. ./kustomize/overlays/${ctx.stack}; the base goes two levels up, in base/ (got "${overlayPath}")`,
        );
    }
    const ssmDefaults = appSsmNames(repository);
    return {
        name: repository,
        repository,
        branch,
        namespace: c.dnsLabel("appNamespace", c.str("appNamespace") || repository.toLowerCase()),
        overlayPath,
        port: APP.appPort.read(c),
        hostname: c.hostname("appHostname", c.optional("appHostname")) ?? (ctx.baseDomain ? `${repository}.${ctx.baseDomain}` : ""),
        receiverHostname: APP.receiverHostname.read(c),
        seedManifests: APP.seedManifests.read(c),
        tenant: APP.tenant.read(c),
        image: {
            repository: image,
            registry: registryHost(image),
            public: APP.imagePublic.read(c),
            policy,
            order,
            semverRange,
            tagPattern,
            tagExtract,
            automation: APP.imageAutomation.read(c),
            pushBranch,
        },
        ssm: {
            deployKey: c.ssmName("ssmDeployKeyName", ctx.ssmPrefix + ssmDefaults.deployKey),
            webhookToken: c.ssmName("ssmWebhookTokenName", ctx.ssmPrefix + ssmDefaults.webhookToken),
            imageWebhookToken: ctx.ssmPrefix + ssmDefaults.imageWebhookToken,
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

/** Reads the applications: the top-level keys' one, then `additionalApps` entries over the same defaults. */
export function readApps(c: Checks, raw: RawConfig, ctx: AppContext): AppConfig[] {
    const apps = [readApp(c, ctx)];
    parseAdditionalApps(c, raw.additionalApps).forEach((entry, i) => {
        const unknown = Object.keys(entry).filter((k) => !APP_KEYS.includes(k));
        if (unknown.length > 0) {
            c.problem(`additionalApps[${i}]`, `has unknown keys ${unknown.join(", ")} (allowed: ${APP_KEYS.join(", ")})`);
        }
        const get = (k: string): string | undefined => {
            const v = entry[k];
            if (v !== undefined && v !== null) return typeof v === "string" ? v : JSON.stringify(v);
            // A tag filter belongs to its policy: an entry with another policy gets that policy's default.
            if (POLICY_KEYS.has(k) && get("imagePolicy") !== raw.imagePolicy) return undefined;
            return OWN_APP_KEYS.has(k) ? undefined : raw[k];
        };
        const entryChecks = new Checks(get, (k) => c.label(`additionalApps[${i}].${k}`), c.problems);
        apps.push(readApp(entryChecks, ctx));
    });
    apps.forEach((app, i) => {
        const first = apps.findIndex((a) => a.repository === app.repository);
        // A missing repository is reported as required, not as repeated.
        if (app.repository && first < i) {
            const other = c.label(first === 0 ? "repository" : `additionalApps[${first - 1}].repository`);
            c.problem(
                `additionalApps[${i - 1}].repository`,
                `repeats ${app.repository}, the repository of ${other}: each application needs its own repository ` +
                    "(it names the application's Flux objects and SSM parameters)",
            );
        }
    });
    // An application without a repository (reported as required) is compared with none: its
    // default names derive from the repository.
    const named = apps.filter((a) => a.repository);
    for (const [what, values] of [
        ["app namespaces and hostnames", named.flatMap((a) => [`namespace ${a.namespace}`, `hostname ${a.hostname}`])],
    ] as const) {
        const repeated = values.filter((v, i) => values.indexOf(v) !== i);
        if (repeated.length > 0) c.problems.push(`the applications' ${what} must differ (repeated: ${[...new Set(repeated)].join(", ")})`);
    }
    return apps;
}
