import * as pulumi from "@pulumi/pulumi";
import { isPositiveFluxDuration } from "../components/validation";

/**
 * The project name Pulumi.yaml ships with. The program reads its keys under the running project's
 * name (`pulumi new` asks for one); this is only the fallback of `buildConfig` when no project is named.
 */
export const TEMPLATE_PROJECT = "flux-gitops";

/** Plain (non-secret) config values as Pulumi hands them over: strings, or undefined when unset. */
export type RawConfig = Readonly<Record<string, string | undefined>>;

/**
 * Every problem found in a stack's config, reported together. A `pulumi.RunError`, so the nodejs
 * host prints only its message, with no stack trace and no `util.inspect` dump of the object
 * (@pulumi/pulumi cmd/run/run.js, the `uncaughtHandler`: `RunError.isInstance(err)` → `log.error(err.message)`).
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        /** The stack whose config was read. Not `stack`: that would overwrite `Error.stack`. */
        public readonly stackName: string,
        public readonly problems: readonly string[],
    ) {
        super(
            `Invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

// GitHub logins: alphanumerics and single inner hyphens, at most 39 characters.
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
export const GITHUB_REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
export const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
// RFC 1123 label: what Kubernetes accepts for namespace names (k8s.io/apimachinery
// pkg/util/validation IsDNS1123Label: this pattern, at most 63 characters).
export const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
// IsDNS1123Subdomain's pattern (at most 253 characters, labels of any length), which is also the
// HTTPRoute CRD's `hostnames` pattern without its wildcard (Gateway API v1.6.1).
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SSM_NAME = /^\/[A-Za-z0-9_.\-/]+$/;
export const EXACT_VERSION = /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$)[^\s~^:?*[\\\x00-\x1f\x7f]+(?<![/.])$/;

/** True for a Kubernetes object name: a lowercase RFC 1123 subdomain (IsDNS1123Subdomain). */
export function isDnsSubdomain(value: string): boolean {
    return value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/**
 * True for a lowercase DNS name whose labels are at most 63 characters: what the HTTPRoute CRD
 * accepts in `hostnames` and DNS can resolve (IsFullyQualifiedDomainName's label rule, RFC 1035 2.3.4).
 */
export function isDnsName(value: string): boolean {
    return isDnsSubdomain(value) && value.split(".").every((label) => label.length <= 63);
}

/** Validators that record a problem under a key's label instead of throwing. */
export class Checks {
    constructor(
        private readonly get: (k: string) => string | undefined,
        /** A key as messages name it, with its namespace (`my-project:owner`). */
        readonly label: (k: string) => string,
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
        if (v && !isDnsSubdomain(v)) this.problem(k, `must be a Kubernetes object name (got "${v}")`);
        return v;
    }
    /**
     * A host served through the Gateway: a DNS name of at least two labels, as
     * IsFullyQualifiedDomainName requires (a single label such as `localhost` is no public name).
     */
    hostname(k: string, v: string | undefined): string | undefined {
        if (v === undefined) return v;
        if (!isDnsSubdomain(v)) {
            this.problem(k, `is not a DNS name: lowercase labels of letters, digits and "-" separated by dots (got "${v}")`);
        } else if (!isDnsName(v)) {
            this.problem(k, `has a label longer than 63 characters, which DNS does not allow (got "${v}")`);
        } else if (!v.includes(".")) {
            this.problem(k, `must be a domain of at least two labels, such as example.com (got "${v}")`);
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
    /** A JSON object, or `{}` with a problem. */
    jsonObject(k: string, what: string): Record<string, unknown> {
        try {
            const parsed: unknown = JSON.parse(this.str(k) || "{}");
            if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
            return parsed as Record<string, unknown>;
        } catch (e) {
            this.problem(k, `must be ${what} (${(e as Error).message})`);
            return {};
        }
    }
}

/** Edit distance between two strings (Levenshtein), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

/** The known key closest to `key`, when it is close enough to be a typo of it. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
        const d = editDistance(key, k);
        if (d < bestDistance) [best, bestDistance] = [k, d];
    }
    // With nothing known, bestDistance stays Infinity and best undefined.
    return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** A problem for each key that is not known, with the closest known key as a suggestion. */
export function unknownKeyProblems(keys: readonly string[], known: readonly string[], label: (k: string) => string): string[] {
    return keys
        .filter((k) => !known.includes(k))
        .map((k) => {
            const suggestion = closestKey(k, known);
            return `${label(k)} is not a key this program reads${suggestion ? `; did you mean ${suggestion}?` : ""}`;
        });
}
