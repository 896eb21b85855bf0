/**
 * Pulumi.yaml's settings are generated from their declarations in config/ (scripts/project-file.ts)
 * and the README's configuration reference from Pulumi.yaml (scripts/config-reference.ts), both by
 * `npm run docs`; these tests fail when either is stale, and hold Pulumi.yaml's list of keys "read
 * but not declared" equal to the keys config/ really reads.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { APP_KEYS, KNOWN_KEYS, PLAIN_KEYS, SECRET_KEYS, SETTINGS, UNDECLARED_SECRET_KEYS } from "../../config";
import type { ProjectSetting } from "../../config/settings";
import {
    configReference,
    defaultCell,
    markdownCell,
    referenceEntries,
    referenceSection,
    REFERENCE_END,
    REFERENCE_START,
    UNDECLARED_GROUP,
    undeclaredKeys,
    withReference,
} from "../../scripts/config-reference";
import { PROJECT_ROOT } from "../../scripts/offline";
import { projectSettingsText, settingsProblem, withProjectSettings, wrap } from "../../scripts/project-file";

const projectText = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");

/** The lines only in `actual` (-) and only in `expected` (+), for a failure message. */
function lineDiff(actual: string, expected: string): string {
    const a = actual.split("\n");
    const e = expected.split("\n");
    return [
        ...a.filter((l) => !e.includes(l)).map((l) => `- ${l}`),
        ...e.filter((l) => !a.includes(l)).map((l) => `+ ${l}`),
    ].join("\n");
}

/** A small project file in Pulumi.yaml's shape. */
const SMALL = `name: p
# Also read, but not declared here (because):
# more of the heading's paragraph.
#   aws:region    string          Region of the
#                                 parameters.
#   token         string, secret  A token | with a pipe.
#   apps          list of objects  More <apps>.
config:
  aws:region: eu-west-1
  pulumi:disable-default-providers: ["aws"]
  # --- First ----------
  owner:
    type: string
    description: Owner of \`<repo>\`, e.g. <org>.
  port:
    type: integer
    description: Port.
    default: 8080
  # --- Second ---
  name:
    type: string
    description: Name ("" = derived).
    default: ""
  flag:
    type: boolean
    secret: true
    description: A flag.
    default: false
`;

describe("the configuration reference (npm run docs)", () => {
    it("is in the README exactly as generated from Pulumi.yaml", () => {
        const expected = configReference(projectText);
        const actual = referenceSection(readme);
        assert.ok(
            actual === expected,
            `README.md's configuration reference differs from Pulumi.yaml's; run \`npm run docs\`.\n` +
                `Lines only in the README (-) and only in the generated text (+):\n${lineDiff(actual, expected)}`,
        );
    });

    it("renders a table row per key, a bold row per group, defaults and secrets as declared", () => {
        assert.equal(
            configReference(SMALL),
            [
                "| key | type | default | secret | description |",
                "| --- | --- | --- | --- | --- |",
                "| **First** | | | | |",
                "| `owner` | string | required |  | Owner of `<repo>`, e.g. &lt;org>. |",
                "| `port` | integer | `8080` |  | Port. |",
                "| **Second** | | | | |",
                '| `name` | string | `""` |  | Name ("" = derived). |',
                "| `flag` | boolean | `false` | yes | A flag. |",
                `| **${UNDECLARED_GROUP}** | | | | |`,
                "| `aws:region` | string | `eu-west-1` |  | Region of the parameters. |",
                "| `token` | string | — | yes | A token \\| with a pipe. |",
                "| `apps` | list of objects | — |  | More &lt;apps>. |",
                "",
            ].join("\n"),
        );
    });

    it("reads the undeclared block's entries, their flags and continued descriptions, and stops at its end", () => {
        assert.deepEqual(undeclaredKeys(SMALL), [
            {
                key: "aws:region",
                type: "string",
                secret: false,
                description: "Region of the parameters.",
            },
            { key: "token", type: "string", secret: true, description: "A token | with a pipe." },
            { key: "apps", type: "list of objects", secret: false, description: "More <apps>." },
        ]);
        assert.throws(
            () => undeclaredKeys("name: p\nconfig: {}\n"),
            /Pulumi.yaml has no "# Also read, but not declared here" comment block/,
        );
        assert.throws(
            () => undeclaredKeys("# Also read, but not declared here:\nconfig: {}\n"),
            /lists no keys/,
        );
        assert.throws(
            () => undeclaredKeys("# Also read, but not declared here:\n#   k  string, plain  D.\n"),
            /unknown flag in "string, plain" of k/,
        );
    });

    it("refuses a key it cannot document", () => {
        const replace = (from: string, to: string) => SMALL.replace(from, to);
        assert.throws(
            () => configReference(replace("    description: Port.\n", "")),
            /port has no description/,
        );
        assert.throws(
            () => configReference(replace("    type: integer\n", "")),
            /port has no type/,
        );
        assert.throws(
            () =>
                configReference(
                    replace("  aws:region: eu-west-1\n", "  aws:region: eu-west-1\n  other: 1\n"),
                ),
            /other has a value but no declaration/,
        );
        assert.throws(
            () => configReference(replace("  port:\n", "  token:\n")),
            /token is declared and also listed as not declared/,
        );
        assert.throws(() => configReference(replace("config:\n", "settings:\n")), /no config: map/);
    });

    it("escapes table cells: pipes everywhere, < only outside code spans", () => {
        assert.equal(markdownCell("a|b <x> `<y>|`"), "a\\|b &lt;x> `<y>\\|`");
        assert.equal(defaultCell({ required: true, default: undefined }), "required");
        assert.equal(defaultCell({ required: false, default: undefined }), "—");
        assert.equal(defaultCell({ required: false, default: "" }), '`""`');
        assert.equal(defaultCell({ required: false, default: 900 }), "`900`");
        assert.equal(defaultCell({ required: false, default: "a|b" }), "`a\\|b`");
    });

    it("replaces only the text between the markers, and says when they are missing", () => {
        const doc = `intro\n${REFERENCE_START}\nold\n${REFERENCE_END}\noutro\n`;
        assert.equal(
            withReference(doc, "new\n"),
            `intro\n${REFERENCE_START}\nnew\n${REFERENCE_END}\noutro\n`,
        );
        assert.equal(referenceSection(withReference(doc, "new\n")), "new\n");
        assert.throws(
            () => withReference("no markers", "x"),
            /README.md needs the lines <!-- config-reference:start -->/,
        );
        assert.throws(
            () => referenceSection(`${REFERENCE_END}\n${REFERENCE_START}`),
            /README.md needs the lines/,
        );
    });
});

describe("Pulumi.yaml's keys read but not declared", () => {
    const entries = referenceEntries(projectText);
    const declared = entries.filter((e) => e.group !== UNDECLARED_GROUP).map((e) => e.key);
    const undeclared = undeclaredKeys(projectText);

    it("are exactly the keys config/ reads that Pulumi.yaml does not declare, and aws:region", () => {
        const read = [...KNOWN_KEYS, "aws:region"];
        assert.deepEqual(
            undeclared.map((u) => u.key).sort(),
            read.filter((k) => !declared.includes(k)).sort(),
        );
        for (const key of declared)
            assert.ok(read.includes(key), `${key} is declared but config/ never reads it`);
    });

    it("are marked secret exactly when config/ reads them as secrets", () => {
        for (const u of undeclared)
            assert.equal(u.secret, SECRET_KEYS.includes(u.key), u.key);
    });

    it("describe every key an additionalApps entry may set (config/apps.ts APP_KEYS)", () => {
        const apps = undeclared.find((u) => u.key === "additionalApps");
        assert.ok(apps);
        const named = new Set(apps.description.match(/[A-Za-z]+/g));
        for (const key of APP_KEYS)
            assert.ok(named.has(key), `additionalApps' description names ${key}`);
    });

    it("take their default from Pulumi.yaml's bare value (aws:region)", () => {
        const region = entries.find((e) => e.key === "aws:region");
        assert.equal(region?.default, "eu-central-1");
        assert.equal(region?.required, false);
    });
});

describe("Pulumi.yaml's settings, generated from config/ (npm run docs, scripts/project-file.ts)", () => {
    const declaration = (s: Partial<ProjectSetting> & Pick<ProjectSetting, "key">): ProjectSetting => ({
        type: "string",
        group: "GitHub",
        description: "A setting.",
        ...s,
    });

    it("are in Pulumi.yaml exactly as generated from the declarations", () => {
        const expected = withProjectSettings(projectText, projectSettingsText(SETTINGS));
        assert.ok(
            projectText === expected,
            `Pulumi.yaml's settings differ from config/'s declarations; run \`npm run docs\`.\n` +
                `Lines only in Pulumi.yaml (-) and only in the generated text (+):\n${lineDiff(projectText, expected)}`,
        );
    });

    it("declare each setting as config/ does: type, default, secret and description survive YAML", () => {
        const project = YAML.parse(projectText) as {
            config: Record<string, unknown>;
            template: { config: Record<string, { description: string; default?: unknown; secret?: boolean }> };
        };
        for (const s of SETTINGS) {
            const value = project.config[s.key];
            if (s.declared === false) {
                // Only another package's key has a bare default; the others are read undeclared.
                assert.deepEqual(value, s.default, s.key);
            } else {
                const d = value as Record<string, unknown>;
                assert.equal(d.type, s.type, s.key);
                assert.equal(d.default, s.default, s.key);
                assert.equal(d.secret, s.secret, s.key);
                assert.equal(d.description, s.description, s.key);
            }
            const prompt = project.template.config[s.key];
            assert.equal(prompt?.description, s.prompt?.description, `${s.key}'s prompt`);
            assert.equal(prompt?.default, s.prompt?.default, `${s.key}'s prompt default`);
            if (prompt) assert.equal(prompt.secret, s.secret, `${s.key}'s prompt is secret as the setting is`);
        }
        assert.deepEqual(
            Object.keys(project.template.config),
            SETTINGS.filter((s) => s.prompt).map((s) => s.key),
        );
    });

    it("derive the keys the program reads, the secrets and the ones Pulumi.yaml cannot declare", () => {
        assert.deepEqual(KNOWN_KEYS, SETTINGS.map((s) => s.key).filter((k) => k !== "aws:region"));
        assert.deepEqual([...UNDECLARED_SECRET_KEYS].sort(), [
            "discordWebhookUrl",
            "githubAppPrivateKey",
            "githubToken",
            "gpgPassphrase",
            "kubeconfig",
            "registryToken",
            "slackWebhookUrl",
        ]);
        assert.deepEqual([...SECRET_KEYS].sort(), [...UNDECLARED_SECRET_KEYS, "botGithubToken"].sort());
        assert.ok(!PLAIN_KEYS.includes("registries") && !PLAIN_KEYS.includes("botGithubToken"));
        assert.ok(PLAIN_KEYS.includes("additionalApps") && PLAIN_KEYS.includes("owner"));
    });

    it("refuses declarations Pulumi cannot hold or `pulumi new` would not ask for", () => {
        const ok = [declaration({ key: "owner", prompt: { description: "Owner" } })];
        assert.equal(settingsProblem(ok), undefined);
        assert.equal(
            settingsProblem([...ok, declaration({ key: "owner", default: "" })]),
            "settings declared twice: owner",
        );
        assert.equal(
            settingsProblem([declaration({ key: "owner" })]),
            "owner is required, but `pulumi new` does not ask for it",
        );
        assert.equal(
            settingsProblem([declaration({ key: "token", secret: true, default: "x" })]),
            "token is a secret with a default, which the CLI refuses (declare it with declared: false)",
        );
        assert.equal(
            settingsProblem([{ key: "token", type: "string", description: "A setting.", declared: false, default: "x" }]),
            "token is not declared but has a default: only another package's key takes a bare default",
        );
        assert.equal(settingsProblem([declaration({ key: "x", description: " " })]), "x has no description");
        assert.throws(() => projectSettingsText([declaration({ key: "owner" })]), /config\/ declarations: owner is required/);
    });

    it("replace only what follows the template's config: line, and say when it is missing", () => {
        assert.equal(withProjectSettings("name: p\ntemplate:\n  config:\n    old: {}\n", "  config:\n    new: {}\n"), "name: p\ntemplate:\n  config:\n    new: {}\n");
        assert.throws(() => withProjectSettings("name: p\n", "x"), /Pulumi.yaml needs the template's " {2}config:" line/);
    });

    it("wrap comments at the width, keeping a longer word whole", () => {
        assert.deepEqual(wrap("aa bb cc  dd", 5), ["aa bb", "cc dd"]);
        assert.deepEqual(wrap("abcdefgh ij", 4), ["abcdefgh", "ij"]);
        assert.deepEqual(wrap("", 4), []);
    });
});
