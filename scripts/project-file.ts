/**
 * Pulumi.yaml's settings, generated from their declarations in config/ (SETTINGS): the prompts of
 * `pulumi new` (`template.config`), the comment block of keys read but not declared, and the
 * `config:` block. Everything from the template's `config:` line to the end of the file is
 * generated; what comes before it (project, runtime, template description) is written by hand.
 * `npm run docs` rewrites it (then the README's reference from it, scripts/config-reference.ts);
 * test/project/config-reference.spec.ts fails, with the differing lines, when Pulumi.yaml is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { SETTINGS } from "../config";
import { GROUPS, inProject, ProjectSetting, Setting } from "../config/settings";

/** The line that opens the generated part: the template's `config:`. */
export const GENERATED_START = "  config:";

/** Width of the generated comments. */
const WIDTH = 100;

/**
 * The engine's own settings, written as they are: not read by the program, so not declared in
 * config/. The comment says why the list is what it is.
 */
const ENGINE_SETTINGS = `  # Every resource names its provider; a resource that would fall back to a default provider
  # (ambient credentials, another account or cluster) fails instead. The packages are named one by
  # one, not "*": the engine exempts only the package \`pulumi\` from "*", so "*" also denies
  # \`pulumi-nodejs\`, the package of dynamic resources (the GPG key), which cannot name a provider
  # (pulumi/pulumi pkg/resource/deploy/default_providers.go, shouldDenyRequest). A test holds this
  # list equal to the provider packages in package.json.
  pulumi:disable-default-providers: ["aws", "github", "kubernetes", "pulumiservice", "random", "tls"]
`;

const HEADER = `# Every key the program reads, with the values all stacks share. Keys without a default name the
# user's own organisation, bot, repository, image, domain and cluster: each stack file sets them
# (\`pulumi new\` asks for them), and Pulumi refuses to run without them, naming each missing key.
# An empty-string default means "derive it" or "unset": the description says which. The program
# validates all of them (config/) before it registers any resource, and lists every problem at once.
# Generated from the settings declared in config/ by \`npm run docs\` (scripts/project-file.ts):
# edit the declarations, not this part of the file.
#
# Also read, but not declared here (a declared secret without a default would be required, and
# project config cannot declare an object's fields). \`npm run docs\` copies these entries into the
# README's configuration reference (scripts/config-reference.ts), and test/project/config-reference.spec.ts
# holds them equal to the keys config/ reads. Each entry: key, type (", secret" for a secret), then
# its description, continued on lines indented further.
`;

/** `text` in lines of at most `width` characters (a longer word stays whole). */
export function wrap(text: string, width: number): string[] {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(/\s+/).filter((w) => w !== "")) {
        if (line !== "" && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
        } else {
            line = line === "" ? word : `${line} ${word}`;
        }
    }
    if (line !== "") lines.push(line);
    return lines;
}

/** A YAML scalar as it stands after `key: ` on one line. */
function scalar(value: string | number | boolean): string {
    return YAML.stringify(value, { lineWidth: 0 }).trimEnd();
}

/** Comment lines at `indent`, one per line of `text`. */
function comment(text: string | undefined, indent: string): string {
    return (text ?? "")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => `${indent}# ${l}\n`)
        .join("");
}

/** The settings in Pulumi.yaml's order: by group (GROUPS), in their declared order within one. */
function inGroupOrder(settings: readonly ProjectSetting[]): ProjectSetting[] {
    return [...settings].sort((a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group));
}

/** Why `settings` cannot be written as Pulumi.yaml's, or undefined. */
export function settingsProblem(settings: readonly Setting[]): string | undefined {
    const keys = settings.map((s) => s.key);
    const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
    if (repeated.length > 0) return `settings declared twice: ${repeated.join(", ")}`;
    for (const s of settings) {
        if (s.description.trim() === "") return `${s.key} has no description`;
        const declared = inProject(s);
        // Pulumi refuses to run without a declared key that has no default: `pulumi new` must ask for it.
        if (declared && s.default === undefined && !s.prompt) return `${s.key} is required, but \`pulumi new\` does not ask for it`;
        if (declared && s.secret && s.default !== undefined) {
            return `${s.key} is a secret with a default, which the CLI refuses (declare it with declared: false)`;
        }
        if (!declared && s.default !== undefined && !s.key.includes(":")) {
            return `${s.key} is not declared but has a default: only another package's key takes a bare default`;
        }
    }
    return undefined;
}

/** The generated part of Pulumi.yaml, from GENERATED_START to the end of the file. */
export function projectSettingsText(settings: readonly Setting[]): string {
    const problem = settingsProblem(settings);
    if (problem) throw new Error(`config/ declarations: ${problem}`);
    let out = `${GENERATED_START}\n`;
    for (const s of settings.filter((x) => x.prompt)) {
        out += comment(s.prompt!.comment, "    ");
        out += `    ${s.key}:\n      description: ${scalar(s.prompt!.description)}\n`;
        if (s.prompt!.default !== undefined) out += `      default: ${scalar(s.prompt!.default)}\n`;
        if (s.secret) out += "      secret: true\n";
    }
    out += `\n${HEADER}`;
    const undeclared = settings.filter((s) => s.declared === false);
    const types = undeclared.map((s) => `${s.type}${s.secret ? ", secret" : ""}`);
    const keyWidth = Math.max(...undeclared.map((s) => s.key.length)) + 2;
    const typeWidth = Math.max(...types.map((t) => t.length)) + 2;
    undeclared.forEach((s, i) => {
        const lead = `#   ${s.key.padEnd(keyWidth)}${types[i].padEnd(typeWidth)}`;
        const [first, ...rest] = wrap(s.description, WIDTH - lead.length);
        out += `${lead}${first}\n`;
        for (const line of rest) out += `#${" ".repeat(lead.length - 1)}${line}\n`;
    });
    out += "config:\n";
    for (const s of undeclared.filter((x) => x.default !== undefined)) {
        out += `${comment(s.comment, "  ")}  ${s.key}: ${scalar(s.default!)}\n`;
    }
    out += ENGINE_SETTINGS;
    let group: string | undefined;
    for (const s of inGroupOrder(settings.filter(inProject))) {
        if (s.group !== group) {
            group = s.group;
            out += `  # --- ${group} ${"-".repeat(Math.max(3, WIDTH - 10 - group.length))}\n`;
        }
        out += comment(s.comment, "  ");
        out += `  ${s.key}:\n    type: ${s.type}\n`;
        if (s.secret) out += "    secret: true\n";
        out += `    description: ${scalar(s.description)}\n`;
        if (s.default !== undefined) out += `    default: ${scalar(s.default)}\n`;
    }
    return out;
}

/** `projectYaml` with its generated part (from GENERATED_START on) replaced by `generated`. */
export function withProjectSettings(projectYaml: string, generated: string): string {
    const start = projectYaml.split("\n").indexOf(GENERATED_START);
    if (start < 0) throw new Error(`Pulumi.yaml needs the template's "${GENERATED_START}" line`);
    return `${projectYaml.split("\n").slice(0, start).join("\n")}\n${generated}`;
}

/** Pulumi.yaml's path. */
export const PROJECT_FILE = path.resolve(__dirname, "..", "Pulumi.yaml");

if (require.main === module) {
    const text = fs.readFileSync(PROJECT_FILE, "utf8");
    const updated = withProjectSettings(text, projectSettingsText(SETTINGS));
    fs.writeFileSync(PROJECT_FILE, updated);
    console.log(updated === text ? "Pulumi.yaml: the settings are up to date." : "Pulumi.yaml: settings rewritten from config/.");
}
