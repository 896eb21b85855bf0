/**
 * Evaluates the real program without the Pulumi CLI, plugins or credentials: config from the
 * stack files, providers replaced by Pulumi's mocks. Shared by `npm run render` and the tests.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { DISABLE_DEFAULT_PROVIDERS, defaultProviderRefusal, duplicateUrnRefusals, engineUrn, needsProvider, throughDynamicHost } from "./engine-rules";

export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** One resource the program registered. */
export interface RecordedResource {
    /** Type token, e.g. `aws:ssm/parameter:Parameter`. */
    readonly type: string;
    /** Logical name. */
    readonly name: string;
    readonly urn: string;
    /** URN of the parent resource ("" for top-level resources). */
    readonly parent: string;
    /** Provider reference (`<provider urn>::<id>`), "" for the default provider or components. */
    readonly provider: string;
    /** true for custom resources (real cloud objects), false for components. */
    readonly custom: boolean;
    /** Inputs as the provider would receive them (secret markers removed). */
    readonly inputs: Record<string, unknown>;
    /** Paths (`a.b.0.c`) of the inputs that are secret. */
    readonly secretPaths: string[];
    /** Whether the resource is protected against deletion. */
    readonly protect: boolean;
    /** Every other resource option, as the engine receives it in the registration request. */
    readonly options: RecordedOptions;
    /**
     * The id of an existing object the program only reads (`<Resource>.get`, a ReadResourceRequest):
     * the stack neither creates nor renders it. undefined for what the stack manages.
     */
    readonly readId?: string;
}

/**
 * The resource options of a registration, read from the `RegisterResourceRequest` the program
 * sends to the engine (proto/resource.proto in pulumi/pulumi): what `pulumi up` acts on.
 */
export interface RecordedOptions {
    /** URNs this resource waits for: explicit `dependsOn` and the resources its inputs come from. */
    readonly dependencies: string[];
    readonly ignoreChanges: string[];
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly additionalSecretOutputs: string[];
    readonly replaceOnChanges: string[];
    /** Aliases: an URN, or the alias spec's fields that are set (`name=…`, `parent=…`, `noParent`). */
    readonly aliases: string[];
    /** The id to adopt (`import`), "" when the resource is created. */
    readonly importId: string;
    /** Custom timeouts (`create`, `update`, `delete`), only those that are set. */
    readonly customTimeouts: Record<string, string>;
    /** URN of the resource whose deletion deletes this one (`deletedWith`), "" when unset. */
    readonly deletedWith: string;
    /** The value whose change replaces the resource (`replacementTrigger`), undefined when unset. */
    readonly replacementTrigger?: unknown;
}

const NO_OPTIONS: RecordedOptions = {
    dependencies: [],
    ignoreChanges: [],
    retainOnDelete: false,
    deleteBeforeReplace: false,
    additionalSecretOutputs: [],
    replaceOnChanges: [],
    aliases: [],
    importId: "",
    customTimeouts: {},
    deletedWith: "",
};

/** The options of a `RegisterResourceRequest` (the generated protobuf class of @pulumi/pulumi). */
export function requestOptions(req: RegisterRequest): RecordedOptions {
    const timeouts = req.getCustomtimeouts();
    const customTimeouts: Record<string, string> = {};
    for (const [k, v] of [["create", timeouts?.getCreate()], ["update", timeouts?.getUpdate()], ["delete", timeouts?.getDelete()]] as const) {
        if (v) customTimeouts[k] = v;
    }
    return {
        dependencies: [...req.getDependenciesList()].sort(),
        ignoreChanges: req.getIgnorechangesList(),
        retainOnDelete: req.getRetainondelete() === true,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        aliases: req.getAliasesList().map((a) => {
            if (a.hasSpec()) {
                const spec = a.getSpec()!;
                const fields = [
                    spec.getName() && `name=${spec.getName()}`,
                    spec.getType() && `type=${spec.getType()}`,
                    spec.getParenturn() && `parent=${spec.getParenturn()}`,
                    spec.getNoparent() && "noParent",
                    spec.getStack() && `stack=${spec.getStack()}`,
                    spec.getProject() && `project=${spec.getProject()}`,
                ];
                return fields.filter(Boolean).join(",");
            }
            return a.getUrn();
        }),
        importId: req.getImportid(),
        customTimeouts,
        deletedWith: req.getDeletedwith(),
        replacementTrigger: req.getReplacementTrigger()?.toJavaScript(),
    };
}

/** The part of the generated `ReadResourceRequest` (a `get`) this module reads. */
interface ReadRequest {
    getId(): string;
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getDependenciesList(): string[];
}

/** The part of the generated `RegisterResourceRequest` this module reads. */
export interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getProtect(): boolean;
    getDependenciesList(): string[];
    getIgnorechangesList(): string[];
    getRetainondelete(): boolean | undefined;
    getDeletebeforereplace(): boolean;
    getAdditionalsecretoutputsList(): string[];
    getReplaceonchangesList(): string[];
    getAliasesList(): {
        hasSpec(): boolean;
        getUrn(): string;
        getSpec():
            | { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean; getStack(): string; getProject(): string }
            | undefined;
    }[];
    getImportid(): string;
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getDeletedwith(): string;
    getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
}

// How Pulumi's wire format marks a secret value (the mocks hand inputs over in that form).
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** `value` with secret markers removed; the paths of secret values are pushed to `paths`. */
export function unwrapSecrets(value: unknown, paths: string[], at = ""): unknown {
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, paths, at ? `${at}.${i}` : String(i)));
    if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SECRET_SIG_KEY] === SECRET_SIG_VALUE) {
            paths.push(at);
            return unwrapSecrets(o.value, [], at);
        }
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v, paths, at ? `${at}.${k}` : k)]));
    }
    return value;
}

/** One function call (invoke) the program made. */
export interface RecordedInvoke {
    readonly token: string;
    readonly args: Record<string, unknown>;
    /** Provider reference (`<provider urn>::<id>`) the invoke names, "" for the default provider. */
    readonly provider: string;
}

export interface Evaluation {
    readonly stack: string;
    readonly resources: RecordedResource[];
    readonly invokes: RecordedInvoke[];
    /** Resolved stack outputs. */
    readonly outputs: Record<string, unknown>;
    /** Names of stack outputs that are secret (or hold a secret somewhere inside). */
    readonly secretOutputs: string[];
    /** Dotted paths (`apps.echo-server.webhookUrl`) of the secret values inside the stack outputs. */
    readonly secretOutputPaths: string[];
    /**
     * Every secret value the evaluation knows of: secret config placeholders and the private
     * material the mocks generate. No Kubernetes object or plain output may contain one.
     */
    readonly secretValues: string[];
    /** Declared secrets the stack file does not set, rendered with placeholders (full keys, sorted). */
    readonly placeholders: string[];
    /** Optional secrets the stack file does not set, rendered as if set (full keys, sorted): OPTIONAL_SECRETS. */
    readonly optionalPlaceholders: string[];
}

/** Stack config: values by full key (`flux-gitops:owner`), and which keys are secret. */
export interface StackConfigValues {
    /** The project's name (`name:` in Pulumi.yaml): the namespace of its own keys and part of every URN. */
    readonly project: string;
    readonly values: Record<string, string>;
    readonly secretKeys: string[];
    /**
     * Declared secrets the stack file does not set yet (full keys), rendered with placeholders:
     * `pulumi up` refuses to run until each is set with `pulumi config set --secret`.
     */
    readonly placeholders?: string[];
    /** Optional secrets (OPTIONAL_SECRETS) the stack file does not set, rendered as if set (full keys). */
    readonly optionalPlaceholders?: string[];
}

/**
 * Optional secrets: the program reads them, but Pulumi.yaml cannot declare them (a declared secret
 * is required; see UNDECLARED_SECRET_KEYS in config/index.ts). A stack file that does not set one
 * is rendered as if it were set, with a placeholder, so that the example stacks show what their
 * private registry and both alert channels make; an override (undefined: unset) replaces it.
 */
export const OPTIONAL_SECRETS = ["registryToken", "slackWebhookUrl", "discordWebhookUrl"] as const;

/** The placeholder that stands in for a secret config value offline. */
export function secretPlaceholder(key: string): string {
    return `placeholder-secret-${key.replace(/^.*:/, "")}`;
}

/** A key with its namespace: a bare key belongs to the project (pulumi/pulumi sdk/go/common/config/key.go, ParseKey). */
function fullKey(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** A key's declaration in Pulumi.yaml (`config:`): a typed declaration, or a plain value. */
export interface ConfigDeclaration {
    readonly type?: string;
    readonly items?: { readonly type: string; readonly items?: ConfigDeclaration["items"] };
    readonly secret?: boolean;
    readonly default?: unknown;
    readonly value?: unknown;
    readonly description?: string;
}

/** The declarations of Pulumi.yaml's `config:`, by key as written there (a plain value becomes `{ value }`). */
export function configDeclarations(project: { config?: Record<string, unknown> }): Record<string, ConfigDeclaration> {
    return Object.fromEntries(
        Object.entries(project.config ?? {}).map(([key, decl]) => [
            key,
            decl !== null && typeof decl === "object" && !Array.isArray(decl) ? (decl as ConfigDeclaration) : { value: decl },
        ]),
    );
}

/** `value` with every nested `{ secure: … }` leaf replaced by what `replace` returns for its path. */
function mapSecureLeaves(value: unknown, replace: (at: string) => string, at = ""): unknown {
    if (value === null || typeof value !== "object") return value;
    if (isSecure(value) && at !== "") return replace(at);
    if (Array.isArray(value)) return value.map((v, i) => mapSecureLeaves(v, replace, at ? `${at}.${i}` : String(i)));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecureLeaves(v, replace, at ? `${at}.${k}` : k)]));
}

function isSecure(value: unknown): boolean {
    return value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value;
}

/**
 * Whether a stack file's value passes the CLI's type check of a declared key. Stack values reach
 * it as strings (scalars) or as decoded JSON (objects and lists): ValidateConfigValue in
 * pulumi/pulumi sdk/go/common/workspace/project.go.
 */
export function validConfigValue(type: string, items: ConfigDeclaration["items"], value: unknown): boolean {
    const scalar = value === null || typeof value !== "object";
    const text = typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : scalar ? "" : undefined;
    switch (type) {
        case "string":
            return scalar;
        case "integer":
            // strconv.Atoi: an optional sign and decimal digits.
            return text !== undefined && /^[+-]?[0-9]+$/.test(text);
        case "boolean":
            return text === "true" || text === "false";
        case "object":
            return !scalar && !Array.isArray(value);
        case "array":
            return Array.isArray(value) && items !== undefined && value.every((v) => validConfigValue(items.type, items.items, v));
        default:
            return false;
    }
}

/** The CLI's name of a declared type: `array<string>` for lists (InferFullTypeName). */
function fullTypeName(type: string, items: ConfigDeclaration["items"]): string {
    return items ? `array<${fullTypeName(items.type, items.items)}>` : type;
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`: formatMissingKeys in pulumi/pulumi pkg/workspace/config.go. */
function quoteKeys(keys: readonly string[]): string {
    const quoted = [...keys].sort().map((k) => `'${k}'`);
    return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/**
 * What `pulumi up` would refuse in a stack file, in the CLI's words (pulumi/pulumi
 * pkg/workspace/config.go, validateStackConfigValue and missingStackConfigurationKeysError). The
 * CLI stops at the first of these; this lists them all. Declared secrets the file does not set
 * are not problems here: the offline render stands in placeholders for them (see `placeholders`).
 */
export function stackConfigProblems(
    stack: string,
    declarations: Record<string, ConfigDeclaration>,
    stackConfig: Record<string, unknown>,
    project: string,
): string[] {
    const problems: string[] = [];
    const full = (key: string) => fullKey(key, project);
    const inStack = (key: string) => (full(key) in stackConfig ? stackConfig[full(key)] : stackConfig[key]);
    const isSet = (key: string) => full(key) in stackConfig || key in stackConfig;
    const keys = Object.keys(declarations).sort();
    const missing = keys.filter((k) => {
        const d = declarations[k];
        return !d.secret && d.default === undefined && d.value === undefined && full(k).startsWith(`${project}:`) && !isSet(k);
    });
    if (missing.length > 0) {
        problems.push(`Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${quoteKeys(missing)}`);
    }
    for (const key of keys) {
        const d = declarations[key];
        if (d.type === undefined || !isSet(key)) continue;
        const value = inStack(key);
        if (d.secret && !isSecure(value)) {
            problems.push(
                `Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret ` +
                    `(remove the plaintext value from Pulumi.${stack}.yaml and run: pulumi config set --secret ${key} -s ${stack})`,
            );
            continue;
        }
        // An encrypted value cannot be read offline; the CLI checks its type after decrypting it.
        if (isSecure(value)) continue;
        if (!validConfigValue(d.type, d.items, value)) {
            problems.push(`Stack '${stack}' with configuration key '${key}' must be of type '${fullTypeName(d.type, d.items)}'`);
        }
    }
    return problems;
}

/** A stack file the Pulumi CLI would refuse; the message holds the CLI's own words, one problem a line. */
export class StackConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: readonly string[],
    ) {
        super(problems.join("\n"));
        this.name = "StackConfigError";
    }
}

/**
 * Reads `Pulumi.yaml` defaults and `Pulumi.<stack>.yaml` values as the CLI would, except that
 * every secret (declared `secret: true`, or `secure:` in the stack file) becomes a placeholder.
 * Throws StackConfigError for what the CLI would refuse: a missing required key, a value of the
 * wrong type for a declared key, a plaintext value for a declared secret.
 */
export function readStackConfig(stack: string, root = PROJECT_ROOT): StackConfigValues {
    const projectFile = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
        name: string;
        config?: Record<string, unknown>;
    };
    // `pulumi new` writes the name the user chose; the program reads its keys under that name.
    const project = projectFile.name;
    const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) throw new Error(`no stack file ${path.relative(root, stackFile)}`);
    const stackConfig =
        (YAML.parse(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {};
    const declarations = configDeclarations(projectFile);
    const problems = stackConfigProblems(stack, declarations, stackConfig, project);
    if (problems.length > 0) throw new StackConfigError(stack, problems);

    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, d] of Object.entries(declarations)) {
        const full = fullKey(key, project);
        if (d.secret) {
            values[full] = secretPlaceholder(full);
            secretKeys.push(full);
        } else if (d.default !== undefined) {
            values[full] = asConfigString(d.default);
        } else if (d.value !== undefined) {
            values[full] = asConfigString(d.value);
        }
    }
    const set = new Set<string>();
    for (const [key, value] of Object.entries(stackConfig)) {
        const full = fullKey(key, project);
        set.add(full);
        if (isSecure(value)) {
            values[full] = secretPlaceholder(full);
            if (!secretKeys.includes(full)) secretKeys.push(full);
        } else {
            // Structured values may hold secure leaves (`pulumi config set --secret --path`): the CLI
            // decrypts them and marks the whole key secret.
            let nested = false;
            const replaced = mapSecureLeaves(value, (at) => {
                nested = true;
                return secretPlaceholder(`${full}.${at}`);
            });
            values[full] = asConfigString(replaced);
            if (nested && !secretKeys.includes(full)) secretKeys.push(full);
        }
    }
    const optional = OPTIONAL_SECRETS.map((k) => fullKey(k, project)).filter((k) => !set.has(k) && !(k in values));
    for (const k of optional) {
        values[k] = secretPlaceholder(k);
        secretKeys.push(k);
    }
    const placeholders = secretKeys.filter((k) => !set.has(k) && !optional.includes(k)).sort();
    return { project, values, secretKeys, placeholders, optionalPlaceholders: optional.sort() };
}

// Real, public GitHub SSH host keys (api.github.com/meta), so known_hosts renders realistically.
export const GITHUB_SSH_KEYS = [
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=",
];

/** The type of every dynamic resource: the package `pulumi-nodejs`, served by the program's own provider host. */
export const DYNAMIC_RESOURCE = "pulumi-nodejs:dynamic:Resource";

/** What the engine would refuse in a program that the mocks ran to the end; the message holds the engine's words. */
export class EngineRefusal extends Error {
    constructor(
        readonly stack: string,
        readonly refusals: readonly string[],
    ) {
        super(refusals.join("\n"));
        this.name = "EngineRefusal";
    }
}

/**
 * `work`'s result, or an error where a promise was rejected and not handled meanwhile: the Node.js
 * language host fails the program on one (@pulumi/pulumi cmd/run/run.js, v3.270.0: `process.on(
 * "unhandledRejection", uncaughtHandler)` logs it as an error). A registration that fails after its
 * constructor returned (a `dependsOn` entry that is no Resource, an input that does not serialize)
 * rejects only promises nobody awaits: the mocks register nothing and say nothing.
 */
export async function failingOnUnhandledRejection<T>(work: () => Promise<T>): Promise<T> {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        const result = await work();
        // Node reports an unhandled rejection once the microtasks of its turn have run.
        await new Promise((resolve) => setImmediate(resolve));
        if (rejections.length > 0) {
            const messages = [...new Set(rejections.map((r) => (r instanceof Error ? r.message : String(r))))];
            throw new Error(`the program failed with an unhandled exception, as the language host would report it: ${messages.join("; ")}`);
        }
        return result;
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}

/** Mocked private material, per resource name, so each value is unique and traceable. */
export function mockPrivateValue(kind: string, name: string): string {
    return `mock-${kind}-${name}`;
}

/** A number from 1 to `range` derived from `text`: the same text, the same number. */
function derivedNumber(text: string, range: number): number {
    return 1 + (createHash("sha256").update(text).digest().readUInt32BE(0) % range);
}

/**
 * An SSM parameter's version under the evaluator: derived from its name, so each parameter has its
 * own (AWS numbers each parameter's writes on its own) and a wire that pins another parameter's
 * version is seen. test/evaluator/stand-in-values.spec.ts checks that the stacks' parameters do not share one.
 */
export function mockParameterVersion(parameterName: string): number {
    return derivedNumber(parameterName, 9973);
}

/** A parameter's ARN under the evaluator: in the stack's region and one account. */
export function mockParameterArn(parameterName: string, region: string): string {
    return `arn:aws:ssm:${region}:123456789012:parameter${parameterName}`;
}

/** A dynamic GPG key's fingerprint under the evaluator: 40 hex digits derived from its resource name. */
export function mockGpgFingerprint(name: string): string {
    return createHash("sha1").update(name).digest("hex").toUpperCase();
}

/** Outputs a real provider would compute, faked per type, in the stack's region. Inputs pass through. */
function mockState(type: string, name: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
    switch (type) {
        case "tls:index/privateKey:PrivateKey":
            return {
                ...inputs,
                publicKeyOpenssh: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${Buffer.from(name).toString("base64")} mock`,
                privateKeyOpenssh: mockPrivateValue("openssh-private-key", name),
                privateKeyPem: mockPrivateValue("pem-private-key", name),
            };
        case "random:index/randomPassword:RandomPassword":
            return { ...inputs, result: mockPrivateValue("password", name).padEnd(Number(inputs.length ?? 16), "x") };
        case "random:index/randomString:RandomString":
            return { ...inputs, result: `r${Buffer.from(name).toString("hex")}`.slice(0, Number(inputs.length ?? 8)).toLowerCase() };
        case DYNAMIC_RESOURCE: {
            const { __provider: _provider, ...rest } = inputs;
            return {
                ...rest,
                fingerprint: mockGpgFingerprint(name),
                keyId: mockGpgFingerprint(name).slice(-16),
                publicKey: `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmock public key of ${name}\n-----END PGP PUBLIC KEY BLOCK-----\n`,
                privateKey: mockPrivateValue("pgp-private-key", name),
            };
        }
        case "aws:ssm/parameter:Parameter":
            return { ...inputs, arn: mockParameterArn(String(inputs.name), region), version: mockParameterVersion(String(inputs.name)) };
        case "aws:iam/role:Role": {
            // Auto-named as the engine names it (the logical name and a random suffix), so each
            // role's ARN is its own and a wire to another role's is seen.
            const roleName = typeof inputs.name === "string" ? inputs.name : `${name}-${createHash("sha256").update(name).digest("hex").slice(0, 7)}`;
            return { ...inputs, name: roleName, arn: `arn:aws:iam::123456789012:role/${roleName}` };
        }
        default:
            return inputs;
    }
}

/** Settles once no RPC (registration, invoke, output) is pending. */
async function settle(): Promise<void> {
    // waitForRPCs is internal to @pulumi/pulumi but is what `pulumi up` itself waits on.
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
}

function outputValue(value: unknown): Promise<unknown> {
    const output: pulumi.Output<unknown> = pulumi.output(value);
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Forgets the project's own modules so that the program runs again on the next require. */
export function unloadProject(): void {
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(PROJECT_ROOT) && !id.includes(`${path.sep}node_modules${path.sep}`)) {
            delete require.cache[id];
        }
    }
}

/**
 * How long an evaluation may take. Under mocks the program finishes in about a second; one that
 * is still waiting after this never will (an Output that never resolves, which would hang
 * `pulumi up` as well), and is reported instead of hanging the render or the tests.
 */
export const EVALUATION_DEADLINE_MS = 15_000;

/** `work`, or a rejection with `message` once `ms` have passed without it settling. */
export function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
        timer.unref();
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Runs the program (index.ts) under mocks with the given config and records everything it does.
 * Each call starts from a fresh module cache; the config error of a bad stack is thrown as is.
 */
export async function evaluateProgram(stack: string, config: StackConfigValues): Promise<Evaluation> {
    const resources: RecordedResource[] = [];
    const invokes: RecordedInvoke[] = [];
    // What the engine would refuse: the deployment fails on the first; all are reported here.
    const refusals: string[] = [];
    const denied = config.values[DISABLE_DEFAULT_PROVIDERS];
    const secretValues = new Set<string>(config.secretKeys.map((k) => config.values[k]));
    const wiring = new Map<string, Wiring>();

    // The mock monitor's own request carries parent and provider, which newResource is not given.
    // It is internal to @pulumi/pulumi; the URN comes from the monitor's own newUrn.
    interface MonitorPrototype {
        registerResource(req: unknown, cb: unknown): unknown;
        readResource(req: unknown, cb: unknown): unknown;
        newUrn(parent: string, type: string, name: string): string;
        __recording?: boolean;
    }
    const proto = (require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: MonitorPrototype } })
        .MockMonitor.prototype;
    if (!proto.__recording) {
        // Called below with the monitor instance as `this`.
        // eslint-disable-next-line @typescript-eslint/unbound-method
        const original = proto.registerResource;
        // URNs as the engine forms them (engineUrn), not as the mocks' monitor does.
        proto.newUrn = (parent: string, type: string, name: string) => engineUrn(pulumi.getStack(), pulumi.getProject(), parent, type, name);
        /** Records what the request says of the resource (its URN, parent and provider), then lets the mocks go on. */
        const wire = (monitor: MonitorPrototype, r: Pick<ReadRequest, "getType" | "getName" | "getParent" | "getProvider">, extra: Pick<Wiring, "protect" | "options" | "readId">) =>
            recorder.current?.set(`${r.getType()}::${r.getName()}`, {
                urn: monitor.newUrn(r.getParent(), r.getType(), r.getName()),
                parent: r.getParent(),
                provider: r.getProvider(),
                ...extra,
            });
        proto.registerResource = function (this: MonitorPrototype, req: unknown, cb: unknown) {
            const r = req as RegisterRequest;
            wire(this, r, { protect: r.getProtect(), options: requestOptions(r) });
            return original.call(this, req, cb);
        };
        // A read (`get`) carries its parent and provider too: the engine needs a provider for it.
        // eslint-disable-next-line @typescript-eslint/unbound-method
        const originalRead = proto.readResource;
        proto.readResource = function (this: MonitorPrototype, req: unknown, cb: unknown) {
            const r = req as ReadRequest;
            wire(this, r, { protect: false, options: { ...NO_OPTIONS, dependencies: [...r.getDependenciesList()].sort() }, readId: r.getId() });
            return originalRead.call(this, req, cb);
        };
        proto.__recording = true;
    }
    recorder.current = wiring;

    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const secretPaths: string[] = [];
                const inputs = unwrapSecrets(args.inputs, secretPaths) as Record<string, unknown>;
                delete inputs.__provider; // the serialized dynamic provider: large and not an input
                const state = mockState(args.type, args.name, inputs, config.values["aws:region"] ?? "");
                for (const [k, v] of Object.entries(state)) {
                    if (typeof v === "string" && v.startsWith("mock-") && !(k in inputs)) secretValues.add(v);
                }
                const id = args.custom === false ? "" : `${args.name}-id`;
                const w = wiring.get(`${args.type}::${args.name}`) ?? { urn: "", parent: "", provider: "", protect: false, options: NO_OPTIONS };
                if (needsProvider(args.type, args.custom !== false) && !w.provider) {
                    const refusal = defaultProviderRefusal(denied, args.type, w.urn);
                    if (refusal) refusals.push(refusal);
                }
                if (args.type === DYNAMIC_RESOURCE) {
                    // The dynamic-provider host passes what check and create return through protobuf.
                    throughDynamicHost(inputs);
                    throughDynamicHost(state);
                }
                resources.push({
                    type: args.type,
                    name: args.name,
                    urn: w.urn,
                    parent: w.parent,
                    provider: w.provider,
                    custom: args.custom !== false,
                    inputs,
                    secretPaths,
                    protect: w.protect,
                    options: w.options,
                    ...(w.readId !== undefined ? { readId: w.readId } : {}),
                });
                return { id, state };
            },
            call(args) {
                invokes.push({ token: args.token, args: args.inputs as Record<string, unknown>, provider: args.provider ?? "" });
                if (!args.provider) {
                    const refusal = defaultProviderRefusal(denied, args.token, args.token);
                    if (refusal) refusals.push(refusal);
                }
                if (args.token === "github:index/getSshKeys:getSshKeys") {
                    return { id: "github-meta", keys: GITHUB_SSH_KEYS };
                }
                return args.inputs as Record<string, unknown>;
            },
        },
        config.project,
        stack,
        false,
    );
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);

    unloadProject();
    // @pulumi/pulumi captures a stack trace for every promise it makes (runtime/debuggable.js,
    // `debuggablePromise`), only to name leaked promises at exit; through ts-node's source maps
    // that was three quarters of an evaluation. The program's own errors keep their message.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    const secretOutputPaths: string[] = [];
    const run = async () => {
        let program: Record<string, unknown>;
        try {
            program = require(path.join(PROJECT_ROOT, "index")) as Record<string, unknown>;
        } finally {
            await settle();
        }
        for (const [name, value] of Object.entries(program)) {
            outputs[name] = await outputValue(value);
            const paths = await secretPathsOf(value, name);
            if (paths.length > 0) secretOutputs.push(name);
            secretOutputPaths.push(...paths);
        }
        await settle();
    };
    try {
        const seconds = EVALUATION_DEADLINE_MS / 1000;
        await failingOnUnhandledRejection(() =>
            withDeadline(run(), EVALUATION_DEADLINE_MS, `the program did not finish within ${seconds} s: an output it waits on never resolves`),
        );
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        recorder.current = undefined;
    }
    refusals.push(...duplicateUrnRefusals(resources.map((r) => r.urn)));
    if (refusals.length > 0) throw new EngineRefusal(stack, refusals);
    return {
        stack,
        resources,
        invokes,
        outputs,
        secretOutputs,
        secretOutputPaths,
        secretValues: [...secretValues],
        placeholders: config.placeholders ?? [],
        optionalPlaceholders: config.optionalPlaceholders ?? [],
    };
}

interface Wiring {
    readonly urn: string;
    readonly parent: string;
    readonly provider: string;
    readonly protect: boolean;
    readonly options: RecordedOptions;
    readonly readId?: string;
}
const recorder: { current?: Map<string, Wiring> } = {};

/** Paths of the secret Outputs inside an exported value (a secret Output counts as one path). */
async function secretPathsOf(value: unknown, at: string): Promise<string[]> {
    if (pulumi.Output.isInstance(value)) return (await pulumi.isSecret(value)) ? [at] : [];
    if (value === null || typeof value !== "object") return [];
    const nested = await Promise.all(Object.entries(value).map(([k, v]) => secretPathsOf(v, `${at}.${k}`)));
    return nested.flat();
}

/** An override of one config key: a plain value, `{ secret }` as `--secret` sets it, or undefined to unset it. */
export type ConfigOverride = string | { readonly secret: string } | undefined;

/** Evaluates a stack from its files (`Pulumi.<stack>.yaml`), optionally overriding keys. */
export async function evaluateStack(stack: string, overrides: Record<string, ConfigOverride> = {}): Promise<Evaluation> {
    const config = readStackConfig(stack);
    const values = { ...config.values };
    const secretKeys = new Set(config.secretKeys);
    for (const [k, v] of Object.entries(overrides)) {
        const full = fullKey(k, config.project);
        secretKeys.delete(full);
        if (v === undefined) delete values[full];
        else if (typeof v === "string") values[full] = v;
        else {
            values[full] = v.secret;
            secretKeys.add(full);
        }
    }
    return evaluateProgram(stack, {
        project: config.project,
        values,
        secretKeys: [...secretKeys].filter((k) => k in values),
        placeholders: config.placeholders?.filter((k) => !(k in overrides) && !(k.replace(/^[^:]*:/, "") in overrides)),
        optionalPlaceholders: config.optionalPlaceholders?.filter((k) => !(k in overrides) && !(k.replace(/^[^:]*:/, "") in overrides)),
    });
}

/** The recorded resources that are Kubernetes objects (not providers, not Helm releases). */
export function kubernetesResources(evaluation: Evaluation): RecordedResource[] {
    // What the stack only reads (`get`) is the cluster's, not part of the render.
    return evaluation.resources.filter(
        (r) => r.custom && r.readId === undefined && r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release",
    );
}

/** A Kubernetes object from a resource's inputs, fields in the usual order. */
export function toKubernetesObject(inputs: Record<string, unknown>): Record<string, unknown> {
    const { apiVersion, kind, metadata, ...rest } = inputs;
    return { apiVersion, kind, metadata, ...rest };
}

/** Every Kubernetes object the evaluation emitted, as the API server would receive it. */
export function kubernetesObjects(evaluation: Evaluation): Record<string, unknown>[] {
    return kubernetesResources(evaluation).map((r) => toKubernetesObject(r.inputs));
}
