/**
 * Writes reports/stryker-summary.md from Stryker's incremental file: the mutation score per folder
 * and the date. The incremental file itself (about 12 MB, rewritten by every run) is a local cache
 * and stays out of git; the summary is what is committed.
 *
 * The cache keeps a file's results from its last run, also after the file changed (the next run
 * reuses what still holds), and a run on some lines (`--mutate file:10-20`) records only their
 * mutants. So the score counts only the files whose recorded source is the file as it is now, with
 * every mutant Stryker's instrumenter makes of it, and the summary names every other mutated file.
 *
 * Usage: ts-node --transpile-only test/stryker/summary.ts [incremental file] [summary file] [date]
 * (the date of the runs; today by default, as `npm run mutate` calls it right after a run)
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface Mutant {
    readonly status: string;
}
interface Report {
    readonly files: Record<string, { readonly source?: string; readonly mutants: readonly Mutant[] }>;
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

/** The files Stryker mutates (stryker.config.json `mutate`: components/ and config/ whole, policy/*.ts but its index). */
export function mutatedFiles(root: string): string[] {
    const walk = (dir: string, deep: boolean): string[] =>
        fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
            const file = `${dir}/${e.name}`;
            if (e.isDirectory()) return deep ? walk(file, deep) : [];
            return file.endsWith(".ts") ? [file] : [];
        });
    return [...walk("components", true), ...walk("config", true), ...walk("policy", false).filter((f) => f !== "policy/index.ts")].sort();
}

/** A mutated file as it is now: its text and how many mutants Stryker makes of it. */
export interface CurrentFile {
    readonly source: string;
    readonly mutants: number;
}

/** How many mutants Stryker's instrumenter (the one `npm run mutate` runs) makes of each file. */
export async function mutantCounts(root: string, files: readonly string[]): Promise<Record<string, number>> {
    const { instrument } = await import("./instrument.mjs");
    const result = await instrument(files.map((name) => ({ name, content: fs.readFileSync(path.join(root, name), "utf8") })));
    const counts: Record<string, number> = Object.fromEntries(files.map((f) => [f, 0]));
    for (const m of result.mutants) counts[m.fileName] += 1;
    return counts;
}

/**
 * The summary's Markdown for a report, dated `date` (YYYY-MM-DD). `current` holds every mutated
 * file as it is now: a file counts only where the report measured that text, every mutant of it.
 */
export function summaryMarkdown(report: Report, date: string, current: Readonly<Record<string, CurrentFile>>): string {
    const files = Object.keys(current).sort();
    const measured = new Set(
        files.filter((f) => report.files[f]?.source === current[f].source && report.files[f].mutants.length === current[f].mutants),
    );
    const rows = [...SUMMARY_GROUPS, { name: "all", matches: () => true }].map(({ name, matches }) => {
        const group = files.filter(matches);
        const counted = group.filter((f) => measured.has(f));
        const counts: Record<string, number> = {};
        for (const file of counted) for (const m of report.files[file].mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
        const score = mutationScore(counts);
        const cells = [Number.isNaN(score) ? "–" : `${score.toFixed(1)}%`, `${counted.length} of ${group.length}`];
        return `| ${name} | ${cells.join(" | ")} | ${COLUMNS.map((c) => counts[c] ?? 0).join(" | ")} |`;
    });
    const unmeasured = files.filter((f) => !measured.has(f));
    return [
        "# Mutation testing summary",
        "",
        `Measured by Stryker; written on ${date} by \`npm run mutate\` from its incremental file, which is a local cache`,
        "(reports/stryker-incremental.json, ignored by git); without it `npm run mutate` runs in full. A file counts only",
        "where the cache holds every mutant of its current text.",
        "",
        `| folder | score | files measured | ${COLUMNS.join(" | ")} |`,
        `| --- | --- | --- | ${COLUMNS.map(() => "---").join(" | ")} |`,
        ...rows,
        "",
        ...(unmeasured.length === 0
            ? ["Every mutated file is measured at its current text.", ""]
            : ["Not measured whole at their current text (changed since their last run, run on some lines only, or never run):", "", ...unmeasured.map((f) => `- \`${f}\``), ""]),
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
    const root = path.join(__dirname, "..", "..");
    const files = mutatedFiles(root);
    void mutantCounts(root, files).then((counts) => {
        const current = Object.fromEntries(files.map((f) => [f, { source: fs.readFileSync(path.join(root, f), "utf8"), mutants: counts[f] }]));
        fs.writeFileSync(output, summaryMarkdown(report, date, current));
        console.log(`wrote ${output}`);
    });
}
