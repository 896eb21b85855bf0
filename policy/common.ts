/**
 * What every policy file of the pack shares: the type tokens of the resources the program
 * registers, readers of plain resource properties, and the builders of a policy and of its config
 * schema.
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

// Type tokens of the resources the policies judge, as the engine hands them to the pack.
export const SSM_PARAMETER = "aws:ssm/parameter:Parameter";
export const GITHUB_WEBHOOK = "github:index/repositoryWebhook:RepositoryWebhook";
export const GITHUB_DEPLOY_KEY = "github:index/repositoryDeployKey:RepositoryDeployKey";
export const GITHUB_USER_GPG_KEY = "github:index/userGpgKey:UserGpgKey";
export const GITHUB_PROVIDER = "pulumi:providers:github";
export const TLS_PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
export const DYNAMIC_RESOURCE = "pulumi-nodejs:dynamic:Resource";
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
export const STACK = "pulumi:pulumi:Stack";

export type Props = Record<string, unknown>;

/** `kubernetes:<group>/<version>:<Kind>` (core objects: group `core`) split up; undefined for other types. */
export function kubernetesType(
    type: string,
): { group: string; version: string; kind: string } | undefined {
    const match = /^kubernetes:([^/:]+)\/([^/:]+):([^:]+)$/.exec(type);
    if (!match) return undefined;
    return { group: match[1], version: match[2], kind: match[3] };
}

/** Whether a type token is a Kubernetes object of this kind in this API group (any version). */
export function isKind(type: string, group: string, kind: string): boolean {
    const parsed = kubernetesType(type);
    return parsed !== undefined && parsed.group === group && parsed.kind === kind;
}

/** An object value as properties; anything else (null, a list, a scalar) as no properties. */
export function record(value: unknown): Props {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Props)
        : {};
}

/** A list value; anything else as an empty list. */
export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** `metadata.name` of a Kubernetes object, else the Pulumi name. */
export function objectName(props: Props, fallback: string): string {
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

/** A policy's config: its defaults, overlaid with what the pack config sets. */
export function configOf<T extends object>(
    args: { getConfig<C extends object>(): C },
    defaults: T,
): T {
    // The CLI fills in the schema's defaults; merging them again keeps direct calls (tests) equal.
    return { ...defaults, ...args.getConfig<Partial<T>>() };
}

/** The config schema of a policy from its defaults: a list of strings, or a positive integer. */
export function schemaOf(
    defaults: Record<string, string[] | number>,
    descriptions: Record<string, string>,
): PolicyConfigSchema {
    const properties: PolicyConfigSchema["properties"] = {};
    for (const [key, value] of Object.entries(defaults)) {
        properties[key] = Array.isArray(value)
            ? {
                  type: "array",
                  items: { type: "string" },
                  default: value,
                  description: descriptions[key],
              }
            : { type: "integer", minimum: 1, default: value, description: descriptions[key] };
    }
    return { properties };
}

/** A resource policy, mandatory unless it says otherwise, reporting each message of `check`. */
export function resourcePolicy(
    spec: Omit<ResourceValidationPolicy, "validateResource" | "enforcementLevel"> & {
        enforcementLevel?: EnforcementLevel;
    },
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

/** A resource of the stack as the stack policies' checks read it: plain values, its provider's URN. */
export interface StackResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Props;
    /** The URN of the resource's provider. */
    readonly providerUrn?: string;
}

/** A stack policy, mandatory unless it says otherwise, reporting each violation `check` finds among the stack's resources. */
export function stackPolicy(
    spec: Omit<StackValidationPolicy, "validateStack" | "enforcementLevel"> & {
        enforcementLevel?: EnforcementLevel;
    },
    check: (resources: readonly StackResource[]) => readonly { message: string; urn?: string }[],
): StackValidationPolicy {
    return {
        enforcementLevel: "mandatory",
        ...spec,
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const resources = args.resources.map((r: PolicyResource) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: r.props,
                providerUrn: r.provider?.urn,
            }));
            for (const v of check(resources)) reportViolation(v.message, v.urn);
        },
    };
}
