/**
 * The README's configuration reference is generated from Pulumi.yaml (`npm run docs`,
 * scripts/config-reference.ts); these tests fail when the README is stale, and hold Pulumi.yaml's
 * list of keys "read but not declared" equal to the keys config/ really reads.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { APP_KEYS, KNOWN_KEYS, SECRET_KEYS } from "../../config";
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
            assert.equal(u.secret, (SECRET_KEYS as readonly string[]).includes(u.key), u.key);
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
