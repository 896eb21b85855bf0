/**
 * `npm run bench`: renders the dev stack offline with 1, 10 and 50 applications and prints the
 * time and the resources per application. Resources must grow by the same count per
 * application (linear); the time should too. Then the latency budget from image push to rollout
 * per stack and application (scripts/latency.ts).
 */
import { latencyReport } from "./latency";
import { evaluateProgram, readStackConfig } from "./offline";

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

async function main(): Promise<void> {
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
