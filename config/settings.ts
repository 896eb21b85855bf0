/**
 * One declaration per setting. Each config module declares its settings here-shaped (name, type,
 * default, description, secret, validation, prompt); from the declarations follow the reader's
 * checks, the unknown-key guard (KNOWN_KEYS), the `config:` and `template.config` blocks of
 * Pulumi.yaml (scripts/project-file.ts, `npm run docs`) and the README's configuration reference.
 */
import type { Checks } from "./checks";

/** The groups declared settings are listed under, in Pulumi.yaml's and the README's order. */
export const GROUPS = [
    "GitHub",
    "Container image",
    "Keys",
    "AWS SSM Parameter Store",
    "Kubernetes and Flux",
    "What the stack installs into the cluster",
    "Ingress (Gateway API)",
    "Monitoring",
    "Push-to-deploy (Pulumi Deployments; needs Pulumi Cloud)",
] as const;
export type SettingGroup = (typeof GROUPS)[number];

/** How Pulumi.yaml types a declared key (pulumi/pulumi sdk/go/common/workspace/project.json). */
export type SettingType = "string" | "integer" | "boolean";

/** What every setting declares, in Pulumi.yaml or not. */
interface SettingFields<T> {
    /** The key, bare (the project's namespace) or namespaced (`aws:region`). */
    readonly key: string;
    /** The value every stack shares unless its file sets one; undefined: each stack must set it. */
    readonly default?: string | number | boolean;
    /** What it is for, as Pulumi.yaml and the README say it. */
    readonly description: string;
    readonly secret?: boolean;
    /** `pulumi new` asks for it (template.config of Pulumi.yaml), with this description. */
    readonly prompt?: { readonly description: string; readonly default?: string; readonly comment?: string };
    /** Comment lines written above its declaration in Pulumi.yaml (why it is so). */
    readonly comment?: string;
    /** Reads and validates its value, recording each problem on `c` (under the key's label). */
    readonly check?: (c: Checks, key: string) => T;
}

/** A setting declared in Pulumi.yaml's `config:` block, under its group there and in the README. */
export interface ProjectSetting<T = unknown> extends SettingFields<T> {
    readonly type: SettingType;
    readonly declared?: true;
    readonly group: SettingGroup;
}

/**
 * A setting read, but not declared in Pulumi.yaml (only documented in its comment, and listed
 * apart in the README): a declared secret without a default is required of every stack, one with
 * a default fails the CLI's check that a secret is encrypted (pulumi/pulumi
 * pkg/workspace/config.go `validateStackConfigValue`, v3.274.0), and project config cannot
 * declare an object's fields. An undeclared setting with a default is written as a bare value (a
 * default of another package's key, e.g. `aws:region`).
 */
export interface UndeclaredSetting<T = unknown> extends SettingFields<T> {
    /** The type as Pulumi.yaml's comment and the README name it (e.g. "list of objects"). */
    readonly type: string;
    readonly declared: false;
}

/** One setting of the stack, declared once. */
export type Setting<T = unknown> = ProjectSetting<T> | UndeclaredSetting<T>;

/** Whether `s` is declared in Pulumi.yaml's `config:` block. */
export const inProject = (s: Setting): s is ProjectSetting => s.declared !== false;

/** A setting with its validation bound to its key. */
export type DeclaredSetting<T> = Setting<T> & {
    /** Reads and validates the value through `c` (problems are recorded, not thrown). */
    read(c: Checks): T;
};

/** Declares a setting; its `read` runs `check` (default: the trimmed string, "" when unset). */
export function setting<T = string>(declaration: Setting<T>): DeclaredSetting<T> {
    const check = declaration.check ?? ((c: Checks, key: string) => c.str(key) as T);
    return { ...declaration, read: (c: Checks) => check(c, declaration.key) };
}

/** The settings of one concern, in their order, as the rest of the program lists them. */
export function settingList(settings: Readonly<Record<string, Setting<unknown>>>): readonly Setting<unknown>[] {
    return Object.values(settings);
}
