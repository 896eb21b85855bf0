/**
 * Writes reports/stryker-summary.md from Stryker's incremental file: the mutation score per folder
 * and the date. The incremental file itself (about 12 MB, rewritten by every run) is a local cache
 * and stays out of git; the summary is what is committed.
 *
 * Usage: ts-node --transpile-only test/stryker/summary.ts [incremental file] [summary file] [date]
 * (the date of the runs; today by default, as `npm run mutate` calls it right after a run)
 */
import * as fs from "node:fs";

interface Mutant {
    readonly status: string;
}
interface Report {
    readonly files: Record<string, { readonly mutants: readonly Mutant[] }>;
}

/** The folders the summary reports on, in order: the `mutate` globs of stryker.config.json. */
export const SUMMARY_GROUPS: readonly {
    readonly name: string;
    readonly matches: (file: string) => boolean;
}[] = [
    { name: "components/", matches: (f) => f.startsWith("components/") },
    { name: "config/", matches: (f) => f.startsWith("config/") },
    { name: "policy/", matches: (f) => f.startsWith("policy/") },
];

const COLUMNS = [
    "Killed",
    "Timeout",
    "Survived",
    "NoCoverage",
    "Ignored",
    "RuntimeError",
    "CompileError",
] as const;

/**
 * Stryker's mutation score: detected (killed or timed out) over valid mutants, which leaves out
 * ignored mutants and those that errored (mutation-testing-metrics, `calculateMetrics`).
 */
export function mutationScore(counts: Readonly<Record<string, number>>): number {
    const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
    const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
    return valid === 0 ? NaN : (100 * detected) / valid;
}

/** The summary's Markdown for a report, dated `date` (YYYY-MM-DD). */
export function summaryMarkdown(report: Report, date: string): string {
    const rows = [
        ...SUMMARY_GROUPS.map((g) => ({
            name: g.name,
            files: Object.keys(report.files).filter(g.matches),
        })),
        {
            name: "all",
            files: Object.keys(report.files),
        },
    ].map(({ name, files }) => {
        const counts: Record<string, number> = {};
        for (const file of files)
            for (const m of report.files[file].mutants)
                counts[m.status] = (counts[m.status] ?? 0) + 1;
        return `| ${name} | ${mutationScore(counts).toFixed(1)}% | ${COLUMNS.map((c) => counts[c] ?? 0).join(" | ")} |`;
    });
    return [
        "# Mutation testing summary",
        "",
        `Measured by Stryker; results as of ${date}, written by \`npm run mutate\` from its incremental file, which is a`,
        "local cache (reports/stryker-incremental.json, ignored by git); without it `npm run mutate` runs in full.",
        "",
        `| folder | score | ${COLUMNS.join(" | ")} |`,
        `| --- | --- | ${COLUMNS.map(() => "---").join(" | ")} |`,
        ...rows,
        "",
    ].join("\n");
}

if (require.main === module) {
    const [
        input = "reports/stryker-incremental.json",
        output = "reports/stryker-summary.md",
        date = new Date().toISOString().slice(0, 10),
    ] = process.argv.slice(2);
    if (!fs.existsSync(input)) {
        console.error(`no ${input}: run \`npm run mutate\` first`);
        process.exit(1);
    }
    const report = JSON.parse(fs.readFileSync(input, "utf8")) as Report;
    fs.writeFileSync(output, summaryMarkdown(report, date));
    console.log(`wrote ${output}`);
}
