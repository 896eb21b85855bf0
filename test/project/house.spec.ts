import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../scripts/offline";

/** Every .ts file below `dir`, relative to the project root; node_modules is not entered. */
function sources(dir: string): string[] {
    return fs
        .readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })
        .flatMap((entry) => {
            const file = path.join(dir, entry.name);
            if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(file);
            return entry.name.endsWith(".ts") ? [file] : [];
        });
}

// The house rules of STYLE.md and CONTRIBUTING.md ("How the rooms connect") that a file's text shows.
describe("the house", () => {
    it("keeps the composition root short: index.ts under 200 lines", () => {
        // Stryker's sandbox inserts `// @ts-nocheck` and a blank line into every file: not the program's.
        const lines = fs
            .readFileSync(path.join(PROJECT_ROOT, "index.ts"), "utf8")
            .replace(/^\/\/ @ts-nocheck\n\n?/m, "")
            .trimEnd()
            .split("\n").length;
        assert.ok(lines < 200, `index.ts has ${lines} lines`);
    });

    it("reads config only in config/: no component, policy or index.ts constructs pulumi.Config", () => {
        const readers = [...sources("components"), ...sources("policy"), "index.ts"].filter((f) =>
            /new pulumi\.Config\(|\bpulumi\.runtime\.getConfig\(/.test(
                fs.readFileSync(path.join(PROJECT_ROOT, f), "utf8"),
            ),
        );
        assert.deepEqual(readers, []);
    });

    it("imports config/ from components/ for its types only", () => {
        const values = sources("components").filter((f) =>
            /^import (?!type )[^;]*from "(\.\.\/)+config(\/[a-z-]+)?";/m.test(
                fs.readFileSync(path.join(PROJECT_ROOT, f), "utf8"),
            ),
        );
        assert.deepEqual(values, []);
    });

    it("keeps tests, scripts and the policy pack out of the program", () => {
        const program = [...sources("components"), ...sources("config"), "index.ts"];
        const leaks = program.filter((f) =>
            /from "(\.\.\/)*(\.\/)?(test|scripts|policy)\//.test(
                fs.readFileSync(path.join(PROJECT_ROOT, f), "utf8"),
            ),
        );
        assert.deepEqual(leaks, []);
    });
});
