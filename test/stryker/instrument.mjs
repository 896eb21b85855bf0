/**
 * Stryker's own instrumenter, the one `npm run mutate` runs, with a logger that writes nothing:
 * the mutants of each file, as test/stryker/summary.ts counts them and quick.mjs runs them.
 */
import { Instrumenter } from "@stryker-mutator/instrumenter";

const no = () => false;
const drop = () => undefined;
// A logger that writes nothing (@stryker-mutator/api Logger).
const SILENT = {
    isTraceEnabled: no, isDebugEnabled: no, isInfoEnabled: no, isWarnEnabled: no, isErrorEnabled: no, isFatalEnabled: no,
    trace: drop, debug: drop, info: drop, warn: drop, error: drop, fatal: drop,
};

/** Instruments `files` (`{ name, content }`), every one to be mutated, as Stryker's defaults do. */
export function instrument(files) {
    return new Instrumenter(SILENT).instrument(
        files.map((f) => ({ ...f, mutate: true })),
        { plugins: null, excludedMutations: [], ignorers: [], noHeader: false },
    );
}
