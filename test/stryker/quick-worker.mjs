/**
 * The worker of test/stryker/quick.mjs: for each mutant id, makes it the active one (the
 * instrumented code reads `globalThis.__stryker__.activeMutant`), drops the project's modules from
 * require's cache (scripts/offline.ts `unloadProject`, as each offline evaluation does) and runs the
 * specs with mocha, stopping at the first failure.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as path from "node:path";
import { createRequire } from "node:module";

const { root, specs, ids } = workerData;
const require = createRequire(path.join(root, "package.json"));
require("ts-node/register/transpile-only");
require(path.join(root, "test/helpers/transpile-cache.ts"));
const Mocha = require("mocha");
const { unloadProject } = require(path.join(root, "scripts/offline.ts"));
const stryker = (globalThis.__stryker__ ??= {});

/** Runs the specs with mutant `id` active; true when one fails. */
function killedBy(id) {
    stryker.activeMutant = id;
    unloadProject();
    const mocha = new Mocha({ bail: true, reporter: function silent() {}, timeout: 60_000 });
    for (const spec of specs) mocha.addFile(path.resolve(root, spec));
    return new Promise((resolve) => {
        try {
            mocha.run((failures) => {
                mocha.dispose(); // its process listeners, else one more per mutant
                resolve(failures > 0);
            });
        } catch {
            resolve(true); // the specs do not even load with this mutant
        }
    });
}

for (const id of ids) {
    parentPort.postMessage({ start: id });
    parentPort.postMessage({ id, killed: await killedBy(id).catch(() => true) });
}
