/**
 * Calls policies directly, the way the CrossGuard server does, with fabricated resources: no
 * policy server, no engine. Config gets the schema's defaults first, as the CLI applies them.
 */
import type {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

export interface FakeResource {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    readonly urn?: string;
    /** The URN of the resource's provider (what `PolicyResource.provider.urn` holds). */
    readonly providerUrn?: string;
}

/** A Kubernetes object as pulumi-kubernetes registers it (`kubernetes:<apiVersion>:<Kind>`). */
export const k8s = (
    apiVersion: string,
    kind: string,
    name: string,
    spec: Record<string, unknown>,
    namespace = "flux-system",
): FakeResource => ({
    type: `kubernetes:${apiVersion}:${kind}`,
    name: `${name}-${kind.toLowerCase()}`,
    props: { apiVersion, kind, metadata: { name, namespace }, spec },
});

export function urnOf(r: FakeResource): string {
    return r.urn ?? `urn:pulumi:dev::flux-gitops::${r.type}::${r.name}`;
}

function schemaDefaults(
    policy: ResourceValidationPolicy | StackValidationPolicy,
): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(policy.configSchema?.properties ?? {}).map(([key, schema]) => [
            key,
            (schema as { default?: unknown }).default,
        ]),
    );
}

function notApplicable(reason?: string): never {
    throw new Error(`not applicable: ${reason ?? ""}`);
}

export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    resource: FakeResource,
    config: Record<string, unknown> = {},
): Promise<string[]> {
    const violations: string[] = [];
    const args = {
        type: resource.type,
        name: resource.name,
        urn: urnOf(resource),
        props: resource.props,
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            additionalSecretOutputs: [],
            customTimeouts: {},
        },
        stackTags: new Map<string, string>(),
        getConfig: () => ({ ...schemaDefaults(policy), ...config }),
        notApplicable,
        isType: () => false,
        asType: () => undefined,
    } as unknown as ResourceValidationArgs;
    const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : policy.validateResource
          ? [policy.validateResource]
          : [];
    for (const validate of validations) {
        await validate(args, (message) => violations.push(message));
    }
    return violations;
}

export async function runStackPolicy(
    policy: StackValidationPolicy,
    resources: readonly FakeResource[],
    config: Record<string, unknown> = {},
): Promise<{ message: string; urn?: string }[]> {
    const violations: { message: string; urn?: string }[] = [];
    const args = {
        resources: resources.map(
            (r) =>
                ({
                    type: r.type,
                    name: r.name,
                    urn: urnOf(r),
                    props: r.props,
                    provider: r.providerUrn ? { urn: r.providerUrn } : undefined,
                    opts: {},
                    dependencies: [],
                    propertyDependencies: {},
                    isType: () => false,
                    asType: () => undefined,
                }) as unknown as PolicyResource,
        ),
        stackTags: new Map<string, string>(),
        getConfig: () => ({ ...schemaDefaults(policy), ...config }),
        notApplicable,
    } as unknown as StackValidationArgs;
    await policy.validateStack(args, (message, urn) => violations.push({ message, urn }));
    return violations;
}

export function isStackPolicy(
    policy: ResourceValidationPolicy | StackValidationPolicy,
): policy is StackValidationPolicy {
    return "validateStack" in policy;
}
