/**
 * Keeps the results of earlier stages in Stryker's incremental file. A run with `--mutate <glob>`
 * writes a report of only the files it mutated (@stryker-mutator/core
 * reporters/mutation-test-report-helper, `reportAll`); the files of the other stages are copied
 * back from the report kept before the run, so the next run reuses them too.
 *
 * Usage: ts-node --transpile-only test/stryker/merge-incremental.ts <kept report> <new report>
 */
import * as fs from "node:fs";

interface Report {
    files: Record<string, unknown>;
    testFiles?: Record<string, unknown>;
}

const [kept, current] = process.argv.slice(2);
if (!kept || !current) throw new Error("usage: merge-incremental.ts <kept report> <new report>");
// An empty kept file: there was no report before this run.
if (fs.existsSync(kept) && fs.statSync(kept).size > 0 && fs.existsSync(current)) {
    const before = JSON.parse(fs.readFileSync(kept, "utf8")) as Report;
    const after = JSON.parse(fs.readFileSync(current, "utf8")) as Report;
    // A file deleted since the kept report is dropped.
    const keptFiles = Object.entries(before.files).filter(([f]) => fs.existsSync(f));
    const files = { ...Object.fromEntries(keptFiles), ...after.files };
    const sorted = Object.fromEntries(Object.keys(files).sort().map((f) => [f, files[f]]));
    fs.writeFileSync(current, JSON.stringify({ ...after, files: sorted }, null, 2), "utf8");
    console.log(`kept the results of ${Object.keys(files).length - Object.keys(after.files).length} file(s) from earlier stages`);
}
