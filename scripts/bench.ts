/**
 * `npm run bench`: how long the program takes to start, type-checked and transpile-only, how
 * the offline render of the dev stack scales with 1, 10 and 50 applications (resources must grow
 * by the same count per application, linear; the time should too), and the latency budget from
 * image push to rollout per stack and application (scripts/latency.ts).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { latencyReport } from "./latency";
import { evaluateProgram, PROJECT_ROOT, readStackConfig } from "./offline";

/** The dev stack's config with `count` applications (the first from the top-level keys). */
export function configWithApps(count: number) {
    const config = readStackConfig("dev");
    const additional = Array.from({ length: count - 1 }, (_, i) => ({
        repository: `app-${i + 1}`,
        image: `ghcr.io/developer-friendly/app-${i + 1}`,
    }));
    return { ...config, values: { ...config.values, "flux-gitops:additionalApps": JSON.stringify(additional) } };
}

export interface BenchRow {
    readonly apps: number;
    readonly resources: number;
    readonly seconds: number;
}

export async function bench(counts: readonly number[], repeat = 3): Promise<BenchRow[]> {
    await evaluateProgram("dev", configWithApps(1)); // warm-up: module loading and compilation
    const rows: BenchRow[] = [];
    for (const apps of counts) {
        let best = Infinity;
        let resources = 0;
        for (let i = 0; i < repeat; i++) {
            const start = process.hrtime.bigint();
            const evaluation = await evaluateProgram("dev", configWithApps(apps));
            best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
            resources = evaluation.resources.length;
        }
        rows.push({ apps, resources, seconds: best });
    }
    return rows;
}

/** Resources each added application brings, between consecutive rows. */
export function marginalResources(rows: readonly BenchRow[]): number[] {
    return rows.slice(1).map((r, i) => (r.resources - rows[i].resources) / (r.apps - rows[i].apps));
}

/** How ts-node loads the program: with the type check `pulumi up` ran before, or transpile-only. */
export type LoadMode = "type-checked" | "transpile-only";

/**
 * The ts-node command line that renders the dev stack in `mode`. The Pulumi host registers ts-node
 * with transpileOnly = tsconfig's noCheck (pulumi/pulumi sdk/nodejs/cmd/run/run.ts); forcing
 * noCheck false reproduces the type-checked start the program had without it.
 */
export function loadCommand(mode: LoadMode, out: string): string[] {
    const tsNode = require.resolve("ts-node/dist/bin.js");
    const flags = mode === "transpile-only" ? ["--transpile-only"] : ["--compiler-options", JSON.stringify({ noCheck: false })];
    return [tsNode, ...flags, path.join(PROJECT_ROOT, "scripts", "render.ts"), "--stack", "dev", "--out", out];
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Seconds a whole process takes to load index.ts (under the offline evaluator) and render dev, median of `runs`. */
export function loadSeconds(mode: LoadMode, runs = 3): number {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-bench-"));
    try {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
            const start = process.hrtime.bigint();
            const result = spawnSync(process.execPath, loadCommand(mode, out), { cwd: PROJECT_ROOT, encoding: "utf8" });
            if (result.status !== 0) throw new Error(`${mode} load failed:\n${result.stderr}`);
            times.push(Number(process.hrtime.bigint() - start) / 1e9);
        }
        return median(times);
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}

async function main(): Promise<void> {
    const checked = loadSeconds("type-checked");
    const transpiled = loadSeconds("transpile-only");
    console.log("| start (whole process: ts-node loads index.ts, renders dev) | s, median of 3 |");
    console.log("| --- | ---: |");
    console.log(`| type-checked (noCheck false) | ${checked.toFixed(2)} |`);
    console.log(`| transpile-only (tsconfig noCheck, as \`pulumi up\` now starts) | ${transpiled.toFixed(2)} |`);
    console.log(`\nType-checked / transpile-only: ${(checked / transpiled).toFixed(1)}x\n`);

    const rows = await bench([1, 10, 50]);
    console.log("| apps | resources | resources/app | render (s, best of 3) | ms/app |");
    console.log("| ---: | ---: | ---: | ---: | ---: |");
    for (const r of rows) {
        console.log(
            `| ${r.apps} | ${r.resources} | ${(r.resources / r.apps).toFixed(1)} | ${r.seconds.toFixed(2)} | ${((r.seconds * 1000) / r.apps).toFixed(0)} |`,
        );
    }
    const marginal = marginalResources(rows);
    console.log(`\nEach added application: ${marginal.join(", ")} resources (linear when equal).`);
    const timeSlope = rows.slice(1).map((r, i) => ((r.seconds - rows[i].seconds) * 1000) / (r.apps - rows[i].apps));
    console.log(`Each added application: ${timeSlope.map((t) => t.toFixed(0)).join(", ")} ms.`);
}

if (require.main === module) {
    main()
        .then(async () => console.log(`\n## Latency budget: image push to rollout\n\n${await latencyReport()}`))
        .then(
            () => process.exit(0),
            (e: unknown) => {
                console.error(e);
                process.exit(1);
            },
        );
}
