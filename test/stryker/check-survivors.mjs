/**
 * Checks by hand, in minutes instead of a Stryker run, whether new tests kill the survivors that
 * reports/stryker-incremental.json records for one file: applies each survived or uncovered mutant
 * to the file in place, runs the given spec files with mocha (stopping at the first failure), and
 * prints the mutants no spec kills. The file is restored afterwards, also on Ctrl-C.
 *
 *   node test/stryker/check-survivors.mjs components/monitoring/specs.ts test/components/monitoring/specs.spec.ts
 *
 * It edits the working tree: do not commit while it runs. A Stryker run is still what counts.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

const [file, ...specs] = process.argv.slice(2);
if (!file || specs.length === 0) {
    console.error("usage: node test/stryker/check-survivors.mjs <source file> <spec file>...");
    process.exit(2);
}
const report = JSON.parse(fs.readFileSync("reports/stryker-incremental.json", "utf8"));
const mutants = (report.files[file]?.mutants ?? []).filter((m) => m.status === "Survived" || m.status === "NoCoverage");
const original = fs.readFileSync(file, "utf8");
if (report.files[file] && report.files[file].source !== original) {
    console.error(`${file} changed since the report was written: its mutants' locations no longer hold; run Stryker on it`);
    process.exit(2);
}
const restore = () => fs.writeFileSync(file, original);
process.on("SIGINT", () => {
    restore();
    process.exit(130);
});

// Stryker's locations: lines and columns from 1.
const lineStarts = [0];
for (let i = 0; i < original.length; i++) if (original[i] === "\n") lineStarts.push(i + 1);
const offset = ({ line, column }) => lineStarts[line - 1] + column - 1;

let alive = 0;
try {
    for (const m of mutants) {
        const [start, end] = [offset(m.location.start), offset(m.location.end)];
        fs.writeFileSync(file, original.slice(0, start) + m.replacement + original.slice(end));
        try {
            execFileSync("npx", ["mocha", "--bail", ...specs], { stdio: "ignore", timeout: 300_000 });
        } catch {
            continue; // a spec failed: killed
        }
        alive++;
        const text = (s) => s.replace(/\s+/g, " ").slice(0, 120);
        console.log(`alive ${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}: ${text(original.slice(start, end))} -> ${text(m.replacement)}`);
    }
} finally {
    restore();
}
console.log(`${file}: ${mutants.length} survivors checked, ${alive} still alive`);
