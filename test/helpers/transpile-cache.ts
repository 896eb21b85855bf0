/**
 * Loaded by mocha (.mocharc.json `require`) and Stryker: remembers what ts-node made of each
 * file, so the offline evaluator's fresh module cache (scripts/offline.ts, `unloadProject`)
 * re-runs the program without transpiling it again. A file's output is reused only for the same
 * source text.
 *
 * The outputs are also kept on disk (node_modules/.cache/ts-transpile, one file per compiler,
 * options, name and text), for the next process: Stryker starts a fresh one for every mutant that runs at import,
 * and transpiling every spec and the program again was most of that start.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

interface TsNodeService {
    compile: (code: string, fileName: string, lineOffset?: number) => string;
}

const ROOT = path.join(__dirname, "..", "..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "ts-transpile");
/** What else decides the output: the compiler's version and options. */
const COMPILER = `${(require("typescript") as { version: string }).version}\0${fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")}`;

const service = (process as unknown as Record<symbol, TsNodeService | undefined>)[Symbol.for("ts-node.register.instance")];
if (service) {
    const compile = service.compile;
    const outputs = new Map<string, { readonly code: string; readonly output: string }>();
    service.compile = (code, fileName, lineOffset) => {
        if (lineOffset) return compile(code, fileName, lineOffset);
        const known = outputs.get(fileName);
        if (known?.code === code) return known.output;
        const file = path.join(CACHE_DIR, `${createHash("sha256").update(COMPILER).update("\0").update(fileName).update("\0").update(code).digest("hex")}.js`);
        let output: string;
        try {
            output = fs.readFileSync(file, "utf8");
        } catch {
            output = compile(code, fileName, lineOffset);
            fs.mkdirSync(CACHE_DIR, { recursive: true });
            // Written whole under another name first, so a process reading at the same time never sees half.
            const partial = `${file}.${process.pid}`;
            fs.writeFileSync(partial, output);
            fs.renameSync(partial, file);
        }
        outputs.set(fileName, { code, output });
        return output;
    };
}
