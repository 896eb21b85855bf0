/**
 * Rules the Pulumi engine applies to every program and that `pulumi.runtime.setMocks` does not:
 * the offline evaluator (offline.ts) applies them so that a program the engine would refuse is
 * refused offline too, with the engine's own words. Each rule names the engine source it follows
 * (pulumi/pulumi at v3.274.0, the first served release at or above the project's minimum CLI).
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** The config key that lists the packages whose default provider is denied. */
export const DISABLE_DEFAULT_PROVIDERS = "pulumi:disable-default-providers";

/** The package of a type or function token: its first segment (`aws` of `aws:ssm/parameter:Parameter`). */
export function tokenPackage(token: string): string {
    return token.split(":")[0];
}

/**
 * Whether the engine denies the default provider of `pkg` under the value of
 * `pulumi:disable-default-providers` (a JSON list, as project config hands it over). Follows
 * `shouldDenyRequest` in pkg/resource/deploy/default_providers.go: the package `pulumi` is always
 * allowed; "" allows everything; each entry is trimmed, and "*" or the package's name denies it. A
 * value the engine cannot read fails the deployment: so it throws here, with the engine's message.
 */
export function defaultProviderDenied(setting: string | undefined, pkg: string): boolean {
    if (pkg === "pulumi" || setting === undefined || setting === "") return false;
    let list: unknown;
    try {
        list = JSON.parse(setting);
    } catch (e) {
        throw new Error(`Failed to parse ${setting}: ${(e as Error).message}`);
    }
    // json.Unmarshal into []any refuses anything but a list (or null, which leaves it empty).
    if (list === null) return false;
    if (!Array.isArray(list)) throw new Error(`Failed to parse ${setting}: not a JSON list`);
    return list.some((entry: unknown, i) => {
        if (typeof entry !== "string")
            throw new Error(`${DISABLE_DEFAULT_PROVIDERS}[${i}] must be a string`);
        const barred = entry.trim();
        return barred === "*" || barred === pkg;
    });
}

/**
 * The engine's refusal of a registration or invoke that names no provider when the package's
 * default provider is denied, or undefined when the engine lets it through. `subject` is the
 * resource's URN or the invoke's token. The message is diag.GetDefaultProviderDenied
 * (sdk/go/common/diag/errors.go, error 2015), raised by step_generator.go for resources and by
 * source_eval.go `getProviderFromSource` for invokes.
 */
export function defaultProviderRefusal(
    setting: string | undefined,
    token: string,
    subject: string,
): string | undefined {
    const pkg = tokenPackage(token);
    if (!defaultProviderDenied(setting, pkg)) return undefined;
    return `Default provider for '${pkg}' disabled. '${subject}' must use an explicit provider.`;
}

/**
 * Whether a registration needs a provider at all: custom resources do, but for provider resources
 * themselves (`pulumi:providers:<pkg>`) and components (resmon.RegisterResource in source_eval.go).
 */
export function needsProvider(type: string, custom: boolean): boolean {
    return custom && !type.startsWith("pulumi:providers:");
}

/**
 * A value as the dynamic-provider host sends it to the engine, and as the engine hands it back on
 * the next call: every result of check, create, update and read goes through google-protobuf's
 * `Struct.fromJavaScript` (sdk/nodejs/cmd/dynamic-provider/index.ts), which throws "Unexpected
 * struct type" on `undefined` (and on functions, symbols and bigints) anywhere inside it, failing
 * the update; and `toJavaScript` is how the host reads the engine's olds and news.
 */
export function throughDynamicHost<T extends Record<string, unknown>>(
    value: T,
): Record<string, unknown> {
    return Struct.fromJavaScript(
        value as Parameters<typeof Struct.fromJavaScript>[0],
    ).toJavaScript();
}

/** The type of the root stack resource: a child of it is qualified by its own type alone. */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The URN the engine gives a resource: its type qualified by its parent's whole qualified type
 * (every ancestor's type but the root stack's, joined by `$`), then its name. pkg/resource/deploy/
 * deployment.go `generateURN` and sdk/go/common/resource/urn/urn.go `New` @v3.274.0; the Node.js
 * SDK's `createUrn` builds the same (sdk/nodejs/resource.ts). The mocks' monitor qualifies by the
 * parent's last type alone, so URNs of resources two levels down differ from a real deployment's,
 * and so would every alias that names one.
 */
export function engineUrn(stack: string, project: string, parentUrn: string, type: string, name: string): string {
    const parentType = parentUrn ? parentUrn.split("::")[2] : "";
    const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * The engine's refusal of each registration (or read) whose URN an earlier one of the deployment
 * already has, in order: diag.GetDuplicateResourceURNError (sdk/go/common/diag/errors.go, error
 * 2001), raised by pkg/resource/deploy/step_generator.go `generateURN` @v3.274.0 for both. The
 * SDK and its mocks register both resources without a word.
 */
export function duplicateUrnRefusals(urns: readonly string[]): string[] {
    const seen = new Set<string>();
    return urns.flatMap((urn) => {
        if (!seen.has(urn)) {
            seen.add(urn);
            return [];
        }
        return [`Duplicate resource URN '${urn}'; try giving it a unique name`];
    });
}
