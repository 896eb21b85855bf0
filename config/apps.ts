import { baseDirectory } from "../components/app/manifests";
import { appSsmNames } from "../components/keys/ssm-names";
import { Checks, GITHUB_REPOSITORY, RawConfig } from "./checks";

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

/** Keys an `additionalApps` entry may set; the ones not set come from the top-level keys of the same name. */
export const APP_KEYS = [
    "repository", "image", "imagePublic", "branch", "overlayPath", "appNamespace", "appPort", "appHostname", "receiverHostname",
    "tagPattern", "tagExtract", "imagePolicy", "imagePolicyOrder", "imageSemverRange", "imageAutomation",
    "pushBranch", "seedManifests", "ssmDeployKeyName", "ssmWebhookTokenName",
] as const;
// Keys that name or locate one application: never inherited from the first application.
const OWN_APP_KEYS = new Set([
    "repository", "image", "imagePublic", "appNamespace", "appHostname", "receiverHostname", "ssmDeployKeyName", "ssmWebhookTokenName",
]);

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

/** Stack-wide context an application is read in. */
interface AppContext {
    readonly stack: string;
    readonly baseDomain: string;
    readonly ssmPrefix: string;
}

/** Reads one application through `c`. */
function readApp(c: Checks, ctx: AppContext): AppConfig {
    const repository = c.required("repository", "the application repository under owner");
    if (repository && (!GITHUB_REPOSITORY.test(repository) || repository === "." || repository === "..")) {
        c.problem("repository", `is not a valid GitHub repository name (got "${repository}")`);
    } else {
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
        port: c.port("appPort"),
        hostname: c.hostname("appHostname", c.optional("appHostname")) ?? (ctx.baseDomain ? `${repository}.${ctx.baseDomain}` : ""),
        receiverHostname: c.hostname("receiverHostname", c.optional("receiverHostname")),
        seedManifests: c.bool("seedManifests"),
        image: {
            repository: image,
            registry: registryHost(image),
            public: c.str("imagePublic") === "" ? false : c.bool("imagePublic"),
            policy,
            order,
            semverRange,
            tagPattern,
            tagExtract,
            automation: c.bool("imageAutomation"),
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
        const unknown = Object.keys(entry).filter((k) => !(APP_KEYS as readonly string[]).includes(k));
        if (unknown.length > 0) {
            c.problem(`additionalApps[${i}]`, `has unknown keys ${unknown.join(", ")} (allowed: ${APP_KEYS.join(", ")})`);
        }
        const get = (k: string): string | undefined => {
            const v = entry[k];
            if (v !== undefined && v !== null) return typeof v === "string" ? v : JSON.stringify(v);
            return OWN_APP_KEYS.has(k) ? undefined : raw[k];
        };
        const entryChecks = new Checks(get, (k) => c.label(`additionalApps[${i}].${k}`), c.problems);
        apps.push(readApp(entryChecks, ctx));
    });
    for (const [what, values] of [
        ["repositories", apps.map((a) => a.repository)],
        ["app namespaces and hostnames", apps.flatMap((a) => [`namespace ${a.namespace}`, `hostname ${a.hostname}`])],
    ] as const) {
        const repeated = values.filter((v, i) => values.indexOf(v) !== i);
        if (repeated.length > 0) c.problems.push(`the applications' ${what} must differ (repeated: ${[...new Set(repeated)].join(", ")})`);
    }
    return apps;
}

/** The top-level keys read for the applications. */
export const APPS_KEYS = [...APP_KEYS, "additionalApps"] as const;
