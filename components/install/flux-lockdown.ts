import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * What Flux's multi-tenancy lockdown sets on each controller, as the Flux Operator's
 * `multitenant` profile does (controlplaneio-fluxcd/flux-operator internal/builder/profiles.go
 * @v0.58.1 `profileClusterMultitenant`): no cross-namespace references anywhere, and for
 * kustomize-controller no remote bases and a default account for Kustomizations that name none.
 * Without `--default-service-account`, a Kustomization a tenant writes without an account is
 * applied with kustomize-controller's own cluster-admin rights (kustomize-controller v1.9.1
 * internal/controller/kustomization_controller.go: it impersonates only when a default or a named
 * account is set).
 */
export const LOCKDOWN_FLAGS = {
    "kustomize-controller": ["no-cross-namespace-refs", "no-remote-bases", "default-service-account"],
    "notification-controller": ["no-cross-namespace-refs"],
    "image-reflector-controller": ["no-cross-namespace-refs"],
    "image-automation-controller": ["no-cross-namespace-refs"],
} as const;
export type LockedController = keyof typeof LOCKDOWN_FLAGS;

/** The flags that take a value rather than a boolean. */
const VALUE_FLAGS = new Set(["default-service-account"]);

/**
 * The controller's flags as spf13/pflag v1.0.10 reads `--name=value`, a bool `--name` (its
 * NoOptDefVal is "true", bool.go) and a value flag's `--name value` (flag.go `parseLongArg`); the
 * last occurrence wins, and `--` ends the flags (`parseArgs`).
 */
export function controllerFlags(args: readonly string[]): Map<string, string> {
    const flags = new Map<string, string>();
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === "--") break;
        if (!arg.startsWith("--")) continue;
        const [name, ...value] = arg.slice(2).split("=");
        if (value.length > 0) flags.set(name, value.join("="));
        else if (!VALUE_FLAGS.has(name)) flags.set(name, "true");
        else if (i + 1 < args.length) flags.set(name, args[++i]);
    }
    return flags;
}

/** Go's strconv.ParseBool true values (pflag parses bool flags with it). */
const TRUE: ReadonlySet<string | undefined> = new Set(["1", "t", "T", "true", "TRUE", "True"]);

/** The lockdown flags `controller` runs without (or with a false or empty value). */
export function missingLockdownFlags(controller: LockedController, args: readonly string[]): string[] {
    const flags = controllerFlags(args);
    return LOCKDOWN_FLAGS[controller].filter((flag) => {
        const value = flags.get(flag);
        return VALUE_FLAGS.has(flag) ? !value : !TRUE.has(value);
    });
}

/** The refusal for controllers that run without parts of the lockdown, or "" when none does. */
export function lockdownRefusal(namespace: string, missing: Readonly<Record<string, readonly string[]>>): string {
    const lines = Object.entries(missing)
        .filter(([, flags]) => flags.length > 0)
        .map(([controller, flags]) => `  ${namespace}/${controller}: ${flags.map((f) => `--${f}`).join(", ")}`);
    if (lines.length === 0) return "";
    return [
        "Flux runs without the multi-tenancy lockdown this stack's tenants rely on; these controllers lack:",
        ...lines,
        "Without it, a tenant's repository can apply a Kustomization with kustomize-controller's cluster-admin rights.",
        "Set installFlux: true (the FluxInstance sets cluster.multitenant), or add the flags as README, Tenancy, shows.",
    ].join("\n");
}

/** The controllers the tenants' objects use: the image ones only when a tenant automates image updates. */
export function lockdownControllers(tenants: readonly { readonly image: { readonly automation: boolean } }[]): LockedController[] {
    const images = tenants.some((t) => t.image.automation);
    return ["kustomize-controller", "notification-controller", ...(images ? (["image-reflector-controller", "image-automation-controller"] as const) : [])];
}

export interface FluxLockdownCheckArgs {
    /** Flux's namespace. */
    readonly namespace: string;
    /** The controllers the stack's objects need. */
    readonly controllers: readonly LockedController[];
}

/**
 * With Flux installed by someone else: reads its controllers' Deployments and fails the
 * preview and the update, with a `pulumi.RunError` (printed as a message, not a stack), when one
 * runs without the lockdown. A controller whose arguments cannot be read is not judged.
 */
export class FluxLockdownCheck extends pulumi.ComponentResource {
    /** The controllers' missing flags, by controller (empty lists when locked down). */
    public readonly missing: pulumi.Output<Record<string, string[]>>;

    constructor(name: string, args: FluxLockdownCheckArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:install:FluxLockdownCheck", name, {}, opts);
        const read = args.controllers.map((controller) => {
            const deployment = k8s.apps.v1.Deployment.get(`${name}-${controller}`, `${args.namespace}/${controller}`, { parent: this });
            return deployment.spec.apply((spec) => {
                const containers = spec?.template?.spec?.containers;
                const manager = containers?.find((c) => c.name === "manager") ?? containers?.[0];
                return [controller, manager?.args ? missingLockdownFlags(controller, manager.args) : []] as const;
            });
        });
        this.missing = pulumi.all(read).apply((entries) => Object.fromEntries(entries.map(([c, m]) => [c, [...m]])));
        this.missing.apply((missing) => {
            const refusal = lockdownRefusal(args.namespace, missing);
            if (refusal) throw new pulumi.RunError(refusal);
        });
        this.registerOutputs({});
    }
}
