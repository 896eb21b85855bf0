/**
 * `npm run render [-- --stack NAME] [-- --out DIR]`: evaluates a stack offline and writes
 * out/<stack>/: every Kubernetes object as YAML and resources.json with every resource.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { ConfigError } from "../config";
import {
    Evaluation,
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

/** `inputs` with the values at `paths` (dotted) replaced by REDACTED. */
export function redactPaths(inputs: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
    const copy = structuredClone(inputs);
    for (const p of paths) {
        const keys = p.split(".");
        let node = copy;
        for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
        node[keys[keys.length - 1]] = REDACTED;
    }
    return copy;
}

/** A resource's inputs as the render shows them: secret inputs and known secret values redacted. */
export function shownInputs(r: RecordedResource, secretValues: readonly string[]): Record<string, unknown> {
    return redact(redactPaths(r.inputs, r.secretPaths), secretValues) as Record<string, unknown>;
}

/** The resource list written to resources.json, secrets redacted. */
export function resourceList(evaluation: Evaluation): object[] {
    return evaluation.resources.map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent || undefined,
        provider: r.provider ? r.provider.split("::").slice(-2).join("::") : undefined,
        inputs: shownInputs(r, evaluation.secretValues),
        secretInputs: r.secretPaths.length > 0 ? r.secretPaths : undefined,
        protect: r.protect,
        options: r.options,
    }));
}

/** A short tree of the resources, children indented under their parents. */
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
    const walk = (parent: string, depth: number) => {
        for (const r of [...(children.get(parent) ?? [])].sort((a, b) => order(a).localeCompare(order(b)))) {
            lines.push(`${"  ".repeat(depth)}${r.custom ? "-" : "+"} ${r.type} ${r.name}`);
            walk(r.urn, depth + 1);
        }
    };
    walk("", 0);
    return lines.join("\n");
}

/** Writes the render of `evaluation` into `dir` (emptied first). Returns the files written. */
export function writeRender(evaluation: Evaluation, dir: string): string[] {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const written: string[] = [];
    for (const r of kubernetesResources(evaluation)) {
        const object = toKubernetesObject(shownInputs(r, evaluation.secretValues));
        const file = objectFileName(object);
        fs.writeFileSync(path.join(dir, file), YAML.stringify(object));
        written.push(file);
    }
    const resources = { stack: evaluation.stack, resources: resourceList(evaluation), outputs: redactedOutputs(evaluation) };
    fs.writeFileSync(path.join(dir, "resources.json"), JSON.stringify(resources, null, 2) + "\n");
    written.push("resources.json");
    return written;
}

function redactedOutputs(evaluation: Evaluation): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(evaluation.outputs).map(([k, v]) => [
            k,
            evaluation.secretOutputs.includes(k) ? REDACTED : redact(v, evaluation.secretValues),
        ]),
    );
}

function parseArgs(argv: readonly string[]): { stack: string; out?: string } {
    let stack = "dev";
    let out: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack" || argv[i] === "-s") stack = argv[++i];
        else if (argv[i].startsWith("--stack=")) stack = argv[i].slice("--stack=".length);
        else if (argv[i] === "--out") out = argv[++i];
        else throw new Error(`unknown argument "${argv[i]}" (use --stack NAME, --out DIR)`);
    }
    if (!stack) throw new Error("--stack needs a stack name");
    return { stack, out };
}

async function main(): Promise<void> {
    const { stack, out } = parseArgs(process.argv.slice(2));
    const evaluation = await evaluateStack(stack);
    const dir = out ?? path.join(PROJECT_ROOT, "out", stack);
    const files = writeRender(evaluation, dir);
    console.log(resourceTree(evaluation.resources));
    console.log(
        `\nStack "${stack}": ${evaluation.resources.length} resources, ${evaluation.resources.filter((r) => r.custom).length} of them ` +
            `cloud or cluster objects (${files.length - 1} Kubernetes objects), written to ${path.relative(process.cwd(), dir) || "."}/`,
    );
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (err: unknown) => {
            console.error(err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err));
            process.exit(1);
        },
    );
}
