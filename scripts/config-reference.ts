/**
 * `npm run docs`: rewrites the configuration reference in README.md (between
 * REFERENCE_START and REFERENCE_END) from Pulumi.yaml: every declared key with its type, default,
 * secret flag and description, grouped by the `# --- Group ---` comments, then the keys the
 * program reads that Pulumi.yaml only documents in its "Also read, but not declared here" comment.
 * test/project/config-reference.spec.ts fails when the README's section differs from what this generates.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

export const REFERENCE_START = "<!-- config-reference:start -->";
export const REFERENCE_END = "<!-- config-reference:end -->";

/** The comment line that opens the list of keys read but not declared. */
export const UNDECLARED_HEADING = "Also read, but not declared here";

/** The group of the keys that Pulumi.yaml documents in a comment, not in a declaration. */
export const UNDECLARED_GROUP = "Read by the program, not declared in Pulumi.yaml";

/** One key of the reference. */
export interface ReferenceEntry {
    readonly key: string;
    readonly type: string;
    /** The default as YAML wrote it; undefined: none. */
    readonly default?: unknown;
    readonly secret: boolean;
    readonly description: string;
    /** Whether Pulumi refuses to run without a value (a declaration without a default). */
    readonly required: boolean;
    readonly group: string;
}

/**
 * The keys listed in Pulumi.yaml's comment block that starts with UNDECLARED_HEADING: each entry
 * `#   <key>  <type>[, secret]  <description>` (columns two or more spaces apart), its description
 * continued on comment lines indented further than the key. The block ends at the first line that
 * is neither.
 */
export function undeclaredKeys(
    projectYamlText: string,
): { key: string; type: string; secret: boolean; description: string }[] {
    const lines = projectYamlText.split("\n");
    const start = lines.findIndex((l) => l.startsWith("#") && l.includes(UNDECLARED_HEADING));
    if (start < 0) throw new Error(`Pulumi.yaml has no "# ${UNDECLARED_HEADING}" comment block`);
    const entries: { key: string; type: string; secret: boolean; description: string }[] = [];
    let i = start + 1;
    // The heading's own paragraph: comment lines up to the first entry.
    while (i < lines.length && lines[i].startsWith("#") && !/^# {3}\S/.test(lines[i])) i++;
    for (; i < lines.length; i++) {
        const line = lines[i];
        const entry = /^# {3}(\S+) {2,}(\S.*?) {2,}(\S.*)$/.exec(line);
        if (entry) {
            const [type, ...flags] = entry[2].split(",").map((s) => s.trim());
            if (flags.some((f) => f !== "secret"))
                throw new Error(`Pulumi.yaml: unknown flag in "${entry[2]}" of ${entry[1]}`);
            entries.push({
                key: entry[1],
                type,
                secret: flags.includes("secret"),
                description: entry[3].trim(),
            });
            continue;
        }
        const continued = /^# {4,}(\S.*)$/.exec(line);
        if (continued && entries.length > 0) {
            const last = entries[entries.length - 1];
            last.description = `${last.description} ${continued[1].trim()}`;
            continue;
        }
        break;
    }
    if (entries.length === 0)
        throw new Error(`Pulumi.yaml's "${UNDECLARED_HEADING}" block lists no keys`);
    return entries;
}

interface Declaration {
    type?: string;
    default?: unknown;
    secret?: boolean;
    description?: string;
}

/** The group a `config:` key's leading comment opens (`# --- GitHub ---`), if any. */
function groupOf(comment: string | undefined | null): string | undefined {
    for (const line of (comment ?? "").split("\n").reverse()) {
        const m = /^\s*-{3}\s*(.*?)\s*-*\s*$/.exec(line);
        if (m && m[1]) return m[1];
    }
    return undefined;
}

/**
 * Every key of the reference, in Pulumi.yaml's order: the declarations under `config:` (in the
 * group of the nearest `# --- Group ---` comment above them), then the keys of the undeclared
 * block, whose default is the bare value `config:` gives them, if any. A declaration without a
 * description, a bare value that is neither documented nor the engine's own (`pulumi:`), or a key
 * both declared and listed as undeclared is an error.
 */
export function referenceEntries(projectYamlText: string): ReferenceEntry[] {
    const doc = YAML.parseDocument(projectYamlText);
    if (doc.errors.length > 0)
        throw new Error(`Pulumi.yaml is not valid YAML: ${doc.errors[0].message}`);
    const config = doc.get("config");
    if (!YAML.isMap(config)) throw new Error("Pulumi.yaml has no config: map");
    const undeclared = undeclaredKeys(projectYamlText);
    const documented = new Set(undeclared.map((u) => u.key));
    const bareValues = new Map<string, unknown>();
    const entries: ReferenceEntry[] = [];
    let group = "General";
    config.items.forEach((pair, index) => {
        const key = String(YAML.isScalar(pair.key) ? pair.key.value : pair.key);
        const comment =
            index === 0
                ? [config.commentBefore, (pair.key as YAML.Node).commentBefore].join("\n")
                : (pair.key as YAML.Node).commentBefore;
        group = groupOf(comment) ?? group;
        const value: unknown = YAML.isNode(pair.value) ? pair.value.toJS(doc) : pair.value;
        const isDeclaration = value !== null && typeof value === "object" && !Array.isArray(value);
        if (!isDeclaration) {
            if (key.startsWith("pulumi:")) return;
            if (!documented.has(key))
                throw new Error(
                    `Pulumi.yaml: ${key} has a value but no declaration, and the "${UNDECLARED_HEADING}" block does not document it`,
                );
            bareValues.set(key, value);
            return;
        }
        const d = value as Declaration;
        if (documented.has(key))
            throw new Error(`Pulumi.yaml: ${key} is declared and also listed as not declared`);
        if (!d.description) throw new Error(`Pulumi.yaml: ${key} has no description`);
        if (!d.type) throw new Error(`Pulumi.yaml: ${key} has no type`);
        entries.push({
            key,
            type: d.type,
            default: d.default,
            secret: d.secret === true,
            description: d.description.trim(),
            required: d.default === undefined,
            group,
        });
    });
    for (const u of undeclared) {
        entries.push({
            ...u,
            default: bareValues.get(u.key),
            required: false,
            group: UNDECLARED_GROUP,
        });
    }
    return entries;
}

/** Text for a markdown table cell: `|` escaped everywhere, `<` outside code spans (else HTML). */
export function markdownCell(text: string): string {
    return text
        .split(/(`[^`]*`)/)
        .map((part) =>
            part.startsWith("`") && part.endsWith("`") && part.length > 1
                ? part
                : part.replace(/</g, "&lt;"),
        )
        .join("")
        .replace(/\|/g, "\\|");
}

/** A default as a table cell: `required` when Pulumi refuses to run without a value, `—` when unset. */
export function defaultCell(entry: Pick<ReferenceEntry, "default" | "required">): string {
    if (entry.required) return "required";
    if (entry.default === undefined) return "—";
    const text =
        typeof entry.default === "string"
            ? entry.default === ""
                ? '""'
                : entry.default
            : JSON.stringify(entry.default);
    return markdownCell(`\`${text}\``);
}

/**
 * The configuration reference for a Pulumi.yaml: one markdown table (key, type, default, secret,
 * description), a bold row opening each group. Pure: it reads nothing but its argument.
 */
export function configReference(projectYamlText: string): string {
    const rows = [
        "| key | type | default | secret | description |",
        "| --- | --- | --- | --- | --- |",
    ];
    let group: string | undefined;
    for (const e of referenceEntries(projectYamlText)) {
        if (e.group !== group) {
            group = e.group;
            rows.push(`| **${markdownCell(group)}** | | | | |`);
        }
        rows.push(
            `| \`${e.key}\` | ${markdownCell(e.type)} | ${defaultCell(e)} | ${e.secret ? "yes" : ""} | ${markdownCell(e.description)} |`,
        );
    }
    return `${rows.join("\n")}\n`;
}

/** The text between the README's markers (without them), or an error naming what is missing. */
export function referenceSection(readme: string): string {
    const start = readme.indexOf(REFERENCE_START);
    const end = readme.indexOf(REFERENCE_END);
    if (start < 0 || end < start)
        throw new Error(
            `README.md needs the lines ${REFERENCE_START} and, after it, ${REFERENCE_END}`,
        );
    return readme.slice(start + REFERENCE_START.length, end).replace(/^\n/, "");
}

/** The README with the section between the markers replaced by `reference`. */
export function withReference(readme: string, reference: string): string {
    referenceSection(readme);
    const start = readme.indexOf(REFERENCE_START) + REFERENCE_START.length;
    return `${readme.slice(0, start)}\n${reference}${readme.slice(readme.indexOf(REFERENCE_END))}`;
}

if (require.main === module) {
    const root = path.resolve(__dirname, "..");
    const readmePath = path.join(root, "README.md");
    const reference = configReference(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
    const readme = fs.readFileSync(readmePath, "utf8");
    const updated = withReference(readme, reference);
    fs.writeFileSync(readmePath, updated);
    console.log(
        updated === readme
            ? "README.md: the configuration reference is up to date."
            : "README.md: configuration reference rewritten from Pulumi.yaml.",
    );
}
