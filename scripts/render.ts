/**
 * `npm run render [-- --stack NAME] [-- --out DIR]`: evaluates a stack offline and writes
 * out/<stack>/, every Kubernetes object as YAML (nothing else), and beside it
 * out/<stack>.resources.json, every resource with its options, sorted for `diff`.
 *
 * `npm run render:conformance` (`--variants`): writes every render in RENDER_VARIANTS, each to
 * out/<variant>/ and out/<variant>.resources.json, and out/variants.json listing them: the inputs
 * of the Go suites in conformance/.
 */
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { ConfigError } from "../config";
import {
    ConfigOverride,
    Evaluation,
    StackConfigError,
    evaluateStack,
    kubernetesResources,
    PROJECT_ROOT,
    RecordedResource,
    toKubernetesObject,
} from "./offline";

export const REDACTED = "[secret]";

/** Replaces every occurrence of a secret value inside `value` (deeply) by REDACTED. */
export function redact(value: unknown, secrets: readonly string[]): unknown {
    if (typeof value === "string") {
        return secrets.some((s) => s.length > 0 && value.includes(s)) ? REDACTED : value;
    }
    if (Array.isArray(value)) return value.map((v) => redact(v, secrets));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secrets)]));
    }
    return value;
}

/** File name of a Kubernetes object: `<kind>.<namespace or "cluster">.<name>.yaml`, lowercase. */
export function objectFileName(object: Record<string, unknown>): string {
    const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
    return `${String(object.kind)}.${metadata.namespace ?? "cluster"}.${metadata.name ?? "unnamed"}.yaml`.toLowerCase();
}

/** `value` with every leaf replaced by REDACTED, its maps and lists kept (a Secret's `stringData` stays a map). */
export function redactLeaves(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(redactLeaves);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactLeaves(v)]));
    }
    return REDACTED;
}

/** `inputs` with the values at `paths` (dotted) redacted, leaf by leaf. */
export function redactPaths(inputs: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
    const copy = structuredClone(inputs);
    for (const p of paths) {
        const keys = p.split(".");
        let node = copy;
        for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
        node[keys[keys.length - 1]] = redactLeaves(node[keys[keys.length - 1]]);
    }
    return copy;
}

/** A resource's inputs as the render shows them: secret inputs and known secret values redacted. */
export function shownInputs(r: RecordedResource, secretValues: readonly string[]): Record<string, unknown> {
    return redact(redactPaths(r.inputs, r.secretPaths), secretValues) as Record<string, unknown>;
}

/**
 * A Kubernetes object as the render writes it: secrets redacted, and still a valid object. A
 * Secret's `data` values must be base64 (core/v1 Secret), so a redacted one is REDACTED in base64,
 * and one whose decoded value holds a secret is redacted too.
 */
export function shownObject(r: RecordedResource, secretValues: readonly string[]): Record<string, unknown> {
    const object = toKubernetesObject(shownInputs(r, secretValues));
    const data = object.data as Record<string, unknown> | undefined;
    if (object.kind === "Secret" && data !== null && typeof data === "object") {
        const hidden = Buffer.from(REDACTED).toString("base64");
        object.data = Object.fromEntries(
            Object.entries(data).map(([k, v]) => {
                const decoded = Buffer.from(String(v), "base64").toString("utf8");
                const secret = v === REDACTED || secretValues.some((s) => s.length > 0 && decoded.includes(s));
                return [k, secret ? hidden : v];
            }),
        );
    }
    return object;
}

/** A URN without `urn:pulumi:<stack>::<project>::`, so two stacks' lists compare line by line. */
export function stackFreeUrn(urn: string): string {
    return urn.startsWith("urn:pulumi:") ? urn.split("::").slice(2).join("::") : urn;
}

/**
 * The resource list written to <stack>.resources.json: every resource with its options (what
 * `pulumi up` acts on: protect, retainOnDelete, ignoreChanges, dependencies, provider, ...),
 * secrets redacted, sorted by URN and with stack-free URNs, so `diff` of two stacks shows only
 * what differs between them.
 */
export function resourceList(evaluation: Evaluation): object[] {
    return [...evaluation.resources]
        .sort((a, b) => (stackFreeUrn(a.urn) < stackFreeUrn(b.urn) ? -1 : stackFreeUrn(a.urn) > stackFreeUrn(b.urn) ? 1 : 0))
        .map((r) => ({
            urn: stackFreeUrn(r.urn),
            type: r.type,
            name: r.name,
            parent: r.parent ? stackFreeUrn(r.parent) : undefined,
            // `<provider urn>::<id>`: the provider resource, without its id.
            provider: r.provider ? stackFreeUrn(r.provider.split("::").slice(0, -1).join("::")) : undefined,
            protect: r.protect,
            options: {
                ...r.options,
                dependencies: r.options.dependencies.map(stackFreeUrn).sort(),
                aliases: r.options.aliases.map(stackFreeUrn),
                deletedWith: r.options.deletedWith ? stackFreeUrn(r.options.deletedWith) : "",
            },
            inputs: shownInputs(r, evaluation.secretValues),
            secretInputs: r.secretPaths.length > 0 ? r.secretPaths : undefined,
        }));
}

/**
 * A short tree of the resources, children under their parents, drawn with `├─`/`└─` (a leading
 * `-` reads as "delete" to Pulumi users).
 */
export function resourceTree(resources: readonly RecordedResource[]): string {
    const children = new Map<string, RecordedResource[]>();
    const urns = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        const parent = urns.has(r.parent) ? r.parent : "";
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const lines: string[] = [];
    // Providers first, then by type and name: registration order varies from run to run.
    const order = (r: RecordedResource) => `${r.type.startsWith("pulumi:providers:") ? 0 : 1} ${r.type} ${r.name}`;
    const walk = (parent: string, indent: string) => {
        const sorted = [...(children.get(parent) ?? [])].sort((a, b) => order(a).localeCompare(order(b)));
        sorted.forEach((r, i) => {
            const last = i === sorted.length - 1;
            lines.push(`${indent}${last ? "└─" : "├─"} ${r.type} ${r.name}`);
            walk(r.urn, indent + (last ? "   " : "│  "));
        });
    };
    walk("", "");
    return lines.join("\n");
}

/** Where the resource list of a render into `dir` goes: beside the folder, `<dir>.resources.json`. */
export function resourceListFile(dir: string): string {
    return `${dir.replace(/[\\/]+$/, "")}.resources.json`;
}

/** Removes a render (the manifests folder and the resource list beside it), so nothing stale looks current. */
export function removeRender(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(resourceListFile(dir), { force: true });
}

/**
 * Writes the render of `evaluation`: the Kubernetes objects into `dir` (replaced as a whole) and
 * the resource list to `<dir>.resources.json`. Both are written to temporary names first and
 * renamed at the end, so a failure leaves the previous render or none, never half of one.
 * Returns the manifest files written.
 */
export function writeRender(evaluation: Evaluation, dir: string): string[] {
    const tmp = `${dir.replace(/[\\/]+$/, "")}.tmp-${process.pid}`;
    const tmpList = `${tmp}.resources.json`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    try {
        const written: string[] = [];
        for (const r of kubernetesResources(evaluation)) {
            const object = shownObject(r, evaluation.secretValues);
            const file = objectFileName(object);
            fs.writeFileSync(path.join(tmp, file), YAML.stringify(object));
            written.push(file);
        }
        const list = {
            stack: evaluation.stack,
            placeholders: evaluation.placeholders.map((k) => k.replace(/^[^:]*:/, "")),
            optionalPlaceholders: evaluation.optionalPlaceholders.map((k) => k.replace(/^[^:]*:/, "")),
            resources: resourceList(evaluation),
            outputs: redactedOutputs(evaluation),
        };
        fs.writeFileSync(tmpList, JSON.stringify(list, null, 2) + "\n");
        removeRender(dir);
        fs.renameSync(tmp, dir);
        fs.renameSync(tmpList, resourceListFile(dir));
        return written.sort();
    } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        fs.rmSync(tmpList, { force: true });
        throw e;
    }
}

/** The closing note on secrets the stack file does not set yet, or "" when it sets them all. */
export function placeholderNote(evaluation: Evaluation): string {
    const keys = evaluation.placeholders.map((k) => k.replace(/^[^:]*:/, ""));
    const optional = evaluation.optionalPlaceholders.map((k) => k.replace(/^[^:]*:/, ""));
    // pulumi/pulumi pkg/workspace/config.go: a declared key without a default that the stack does
    // not set stops `pulumi up` with "Stack '<stack>' is missing configuration values ...".
    const required =
        keys.length === 0
            ? ""
            : `Rendered with placeholders: ${keys.join(", ")}.\n` +
              `\`pulumi up -s ${evaluation.stack}\` stops until each is set:\n` +
              keys.map((k) => `  pulumi config set --secret ${k} -s ${evaluation.stack}`).join("\n");
    const asIfSet =
        optional.length === 0
            ? ""
            : `Rendered as if set (optional; unset, what needs it is left out): ${optional.join(", ")}.`;
    return [required, asIfSet].filter((part) => part !== "").join("\n");
}

function redactedOutputs(evaluation: Evaluation): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(evaluation.outputs).map(([k, v]) => [
            k,
            evaluation.secretOutputs.includes(k) ? REDACTED : redact(v, evaluation.secretValues),
        ]),
    );
}

/**
 * A GitHub App private key for the App-mode render: a fresh RSA key in the PKCS#1 PEM GitHub
 * issues. Secret values are redacted in the render, so a new key each run changes no output.
 */
function renderAppPrivateKey(): string {
    return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
}

/** One render the conformance suites judge: a stack file with config overrides. */
export interface RenderVariant {
    /** Folder name under out/ (`out/<name>/`, `out/<name>.resources.json`). */
    readonly name: string;
    /** The stack file it starts from (`Pulumi.<stack>.yaml`). */
    readonly stack: string;
    /** Config overrides over that stack file, as `evaluateStack` takes them. */
    readonly overrides: Readonly<Record<string, ConfigOverride>>;
    readonly description: string;
}

/**
 * The renders `npm run render:conformance` writes. The two example stacks as they are; dev with
 * several applications (one per image policy: numerical, semver, alphabetical; a docker.io image);
 * dev with every switch off. A variant of the same stack is also a later `up` of it: the suites
 * check CRD transition rules from the stack's objects to the variant's.
 */
export const RENDER_VARIANTS: readonly RenderVariant[] = [
    { name: "dev", stack: "dev", overrides: {}, description: "the dev stack file" },
    { name: "prod", stack: "prod", overrides: {}, description: "the prod stack file" },
    {
        name: "dev-apps",
        stack: "dev",
        overrides: {
            additionalApps: JSON.stringify([
                { repository: "billing", image: "ghcr.io/developer-friendly/billing", appPort: 9090, imagePolicyOrder: "desc" },
                { repository: "search", image: "docker.io/developer-friendly/search", imagePolicy: "semver", imageSemverRange: ">=1.0.0 <2.0.0", tagPattern: "" },
                {
                    repository: "docs",
                    // A platform application: it stays in flux-system, applied by kustomize-controller.
                    tenant: false,
                    image: "ghcr.io/developer-friendly/docs",
                    imagePolicy: "alphabetical",
                    imagePolicyOrder: "asc",
                    tagPattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)$",
                    tagExtract: "$ts",
                },
            ]),
            registries: { secret: JSON.stringify({ "docker.io": { username: "search-bot", token: "docker-hub-token" } }) },
        },
        description:
            "dev with four applications: numerical asc and desc, semver, alphabetical with tagExtract; one docker.io image; three tenants and one platform application (docs)",
    },
    {
        name: "dev-upgrade",
        stack: "dev",
        overrides: { suspendLegacyKustomizations: "true" },
        description: "dev's first `up` after tenancy: the earlier Kustomization in flux-system kept, suspended and orphaning",
    },
    {
        name: "dev-off",
        stack: "dev",
        overrides: { installFlux: "false", installExternalSecrets: "false", imageAutomation: "false", seedManifests: "false" },
        description: "dev with installFlux, installExternalSecrets, imageAutomation and seedManifests off",
    },
    {
        name: "dev-app",
        stack: "dev",
        overrides: {
            githubAppId: "123456",
            githubAppInstallationId: "7890123",
            githubAppPrivateKey: { secret: renderAppPrivateKey() },
        },
        description: "dev in GitHub App mode: Flux over https as the App, no deploy key",
    },
    {
        name: "dev-slack",
        stack: "dev",
        overrides: { discordWebhookUrl: undefined },
        description: "dev with Slack alone: no Discord receiver, Flux's info events to no channel",
    },
    {
        name: "dev-discord",
        stack: "dev",
        overrides: { slackWebhookUrl: undefined, gpgPassphrase: { secret: "correct horse battery staple" } },
        description: "dev with Discord alone (Flux's errors to no channel), and a GPG passphrase",
    },
];

/** Writes every variant's render under `outRoot`, and `outRoot/variants.json` listing them. */
export async function renderVariants(outRoot: string): Promise<void> {
    for (const v of RENDER_VARIANTS) {
        const dir = path.join(outRoot, v.name);
        let evaluation: Evaluation;
        try {
            evaluation = await evaluateStack(v.stack, { ...v.overrides });
        } catch (e) {
            removeRender(dir);
            throw new Error(`variant ${v.name}: ${e instanceof Error ? e.message : String(e)}`);
        }
        const files = writeRender(evaluation, dir);
        console.log(`${v.name}: ${files.length} Kubernetes objects in ${path.relative(process.cwd(), dir) || "."}/ (${v.description})`);
    }
    const list = RENDER_VARIANTS.map(({ name, stack, description }) => ({ name, stack, description }));
    fs.writeFileSync(path.join(outRoot, "variants.json"), JSON.stringify(list, null, 2) + "\n");
}

function parseArgs(argv: readonly string[]): { stack: string; out?: string; variants: boolean } {
    let stack = "dev";
    let out: string | undefined;
    let variants = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack" || argv[i] === "-s") stack = argv[++i];
        else if (argv[i].startsWith("--stack=")) stack = argv[i].slice("--stack=".length);
        else if (argv[i] === "--out") out = argv[++i];
        else if (argv[i] === "--variants") variants = true;
        else throw new Error(`unknown argument "${argv[i]}" (use --stack NAME, --out DIR, or --variants)`);
    }
    if (!stack) throw new Error("--stack needs a stack name");
    return { stack, out, variants };
}

async function main(): Promise<void> {
    const { stack, out, variants } = parseArgs(process.argv.slice(2));
    if (variants) {
        await renderVariants(path.resolve(out ?? path.join(PROJECT_ROOT, "out")));
        return;
    }
    const dir = path.resolve(out ?? path.join(PROJECT_ROOT, "out", stack));
    let evaluation: Evaluation;
    try {
        evaluation = await evaluateStack(stack);
    } catch (e) {
        removeRender(dir); // an old render must not pass for this config's
        throw e;
    }
    const files = writeRender(evaluation, dir);
    const shown = (p: string) => path.relative(process.cwd(), p) || ".";
    console.log(resourceTree(evaluation.resources));
    console.log(
        `\nStack "${stack}": ${evaluation.resources.length} resources, ${evaluation.resources.filter((r) => r.custom).length} of them ` +
            `cloud or cluster objects. ${files.length} Kubernetes objects in ${shown(dir)}/, every resource in ${shown(resourceListFile(dir))}.`,
    );
    const note = placeholderNote(evaluation);
    if (note) console.log(`\n${note}`);
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (err: unknown) => {
            console.error(
                err instanceof ConfigError || err instanceof StackConfigError ? err.message : err instanceof Error ? err.message : String(err),
            );
            process.exit(1);
        },
    );
}
