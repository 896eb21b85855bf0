/**
 * A quick look for survivors, in minutes where a Stryker run of a file takes an hour: instruments
 * one file with Stryker's own instrumenter (the mutants `npm run mutate` makes, less those under
 * `// Stryker disable`), then, in a worker thread, runs the given specs with mocha's API once per
 * mutant, stopping at the first failure, and reloads the project's modules each time so that
 * mutants at import apply too. A mutant still running after the timeout ends the worker (counted
 * as timed out) and a new one goes on. It prints each survivor and a tally.
 *
 *   npm run mutate:quick -- config/re2.ts 15000 test/config/go-verdicts.spec.ts test/config/go-semantics.spec.ts
 *
 * Only the named specs run, so a survivor may be one another spec kills: a floor, to find gaps
 * fast. It writes the instrumented file in place and restores it on exit: do not commit
 * meanwhile. A Stryker run is still what the summary counts.
 */
import { Worker } from "node:worker_threads";
import * as fs from "node:fs";
import { instrument } from "./instrument.mjs";

const [file, timeoutArg, ...specs] = process.argv.slice(2);
if (!file || !Number(timeoutArg) || specs.length === 0) {
    console.error("usage: node test/stryker/quick.mjs <source file> <timeout ms> <spec file>...");
    process.exit(2);
}
const root = process.cwd();
const original = fs.readFileSync(file, "utf8");
const instrumented = await instrument([{ name: file, content: original }]);
// A mutant under `// Stryker disable` comes with a status (Ignored): it is not run.
const mutants = instrumented.mutants.filter((m) => m.status === undefined);
fs.writeFileSync(file, instrumented.files[0].content);
process.on("exit", () => fs.writeFileSync(file, original));
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));
console.error(`${file}: ${mutants.length} mutants`);

const status = new Map();
let queue = mutants.map((m) => m.id);
function runWorker() {
    return new Promise((resolve) => {
        if (queue.length === 0) return resolve();
        const worker = new Worker(new URL("./quick-worker.mjs", import.meta.url), { workerData: { root, specs, ids: queue } });
        let current;
        let timer;
        const settle = (id, result) => {
            status.set(id, result);
            queue = queue.filter((q) => q !== id);
        };
        worker.on("message", (msg) => {
            if ("start" in msg) {
                current = msg.start;
                clearTimeout(timer);
                timer = setTimeout(() => {
                    settle(current, "Timeout");
                    void worker.terminate();
                }, Number(timeoutArg));
            } else {
                settle(msg.id, msg.killed ? "Killed" : "Survived");
                if (status.size % 50 === 0) console.error(`${status.size}/${mutants.length}`);
            }
        });
        worker.on("error", (e) => {
            // Before any mutant: the specs do not load unmutated. Stop rather than loop.
            if (current === undefined) {
                console.error(e);
                process.exit(1);
            }
            settle(current, "Killed");
        });
        worker.on("exit", () => {
            clearTimeout(timer);
            resolve(runWorker());
        });
    });
}
await runWorker();

const lines = original.split("\n");
for (const m of mutants) {
    if (status.get(m.id) !== "Survived") continue;
    const line = m.location.start.line + 1;
    console.log(`${file}:${line}:${m.location.start.column + 1} ${m.mutatorName} ${JSON.stringify(m.replacement).slice(0, 80)} | ${lines[line - 1].trim().slice(0, 110)}`);
}
const tally = {};
for (const s of status.values()) tally[s] = (tally[s] ?? 0) + 1;
console.log(`${file}: ${JSON.stringify(tally)}`);
