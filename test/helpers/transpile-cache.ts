/**
 * Loaded by mocha (.mocharc.json `require`) and Stryker: remembers what ts-node made of each
 * file, so the offline evaluator's fresh module cache (scripts/offline.ts, `unloadProject`)
 * re-runs the program without transpiling it again. A file's output is reused only for the same
 * source text.
 */
interface TsNodeService {
    compile: (code: string, fileName: string, lineOffset?: number) => string;
}

const service = (process as unknown as Record<symbol, TsNodeService | undefined>)[Symbol.for("ts-node.register.instance")];
if (service) {
    const compile = service.compile;
    const outputs = new Map<string, { readonly code: string; readonly output: string }>();
    service.compile = (code, fileName, lineOffset) => {
        const known = outputs.get(fileName);
        if (known?.code === code && !lineOffset) return known.output;
        const output = compile(code, fileName, lineOffset);
        if (!lineOffset) outputs.set(fileName, { code, output });
        return output;
    };
}
