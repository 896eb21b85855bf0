import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../scripts/offline";
import { mutantCounts, mutatedFiles, mutationScore, summaryMarkdown } from "../stryker/summary";

describe("the committed mutation-testing summary", () => {
    it("scores detected mutants over valid ones, leaving out ignored and erroring mutants (mutation-testing-metrics)", () => {
        assert.equal(
            mutationScore({ Killed: 8, Timeout: 1, Survived: 1, Ignored: 5, RuntimeError: 3 }),
            90,
        );
        assert.equal(mutationScore({ Killed: 3, NoCoverage: 1 }), 75);
        assert.ok(Number.isNaN(mutationScore({ Ignored: 2 })));
    });

    it("reports each folder of the mutated code, then all of it, with the date and how many files it measured", () => {
        const report = {
            files: {
                "components/a.ts": { source: "a", mutants: [{ status: "Killed" }, { status: "Survived" }] },
                "config/b.ts": { source: "b", mutants: [{ status: "Timeout" }] },
                "policy/policies.ts": { source: "p", mutants: [{ status: "Killed" }, { status: "Ignored" }] },
            },
        };
        const lines = summaryMarkdown(report, "2026-12-06", {
            "components/a.ts": { source: "a", mutants: 2 },
            "config/b.ts": { source: "b", mutants: 1 },
            "policy/policies.ts": { source: "p", mutants: 2 },
        }).split("\n");
        assert.ok(lines.some((l) => l.includes("written on 2026-12-06")));
        assert.deepEqual(
            lines.filter((l) => /^\| (components|config|policy|all)/.test(l)),
            [
                "| components/ | 50.0% | 1 of 1 | 1 | 0 | 1 | 0 | 0 | 0 | 0 |",
                "| config/ | 100.0% | 1 of 1 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |",
                "| policy/ | 100.0% | 1 of 1 | 1 | 0 | 0 | 0 | 1 | 0 | 0 |",
                "| all | 75.0% | 3 of 3 | 2 | 1 | 1 | 0 | 1 | 0 | 0 |",
            ],
        );
        assert.ok(lines.includes("Every mutated file is measured at its current text."));
    });

    it("counts no file whose text changed since its run, nor one run on some lines only or never run, and names them", () => {
        const report = {
            files: {
                "components/a.ts": { source: "a, before", mutants: [{ status: "Killed" }] },
                "config/b.ts": { source: "b", mutants: [{ status: "Survived" }, { status: "Killed" }] },
                "config/d.ts": { source: "d", mutants: [{ status: "Killed" }] },
            },
        };
        const lines = summaryMarkdown(report, "2026-12-06", {
            "components/a.ts": { source: "a", mutants: 1 },
            "config/b.ts": { source: "b", mutants: 2 },
            "config/c.ts": { source: "c", mutants: 4 },
            "config/d.ts": { source: "d", mutants: 3 },
        }).split("\n");
        assert.deepEqual(
            lines.filter((l) => /^\| (components|config|all)/.test(l)),
            [
                "| components/ | – | 0 of 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
                "| config/ | 50.0% | 1 of 3 | 1 | 0 | 1 | 0 | 0 | 0 | 0 |",
                "| all | 50.0% | 1 of 4 | 1 | 0 | 1 | 0 | 0 | 0 | 0 |",
            ],
        );
        const heading = "Not measured whole at their current text (changed since their last run, run on some lines only, or never run):";
        assert.deepEqual(lines.slice(lines.indexOf(heading) + 2).filter(Boolean), ["- `components/a.ts`", "- `config/c.ts`", "- `config/d.ts`"]);
    });

    it("counts a file's mutants with Stryker's own instrumenter, a disabled line's included (Stryker reports it as Ignored)", async () => {
        const counts = await mutantCounts(PROJECT_ROOT, ["config/aws.ts", "config/semver.ts"]);
        assert.ok(counts["config/aws.ts"] > 10, `config/aws.ts: ${counts["config/aws.ts"]} mutants`);
        assert.ok(counts["config/semver.ts"] > counts["config/aws.ts"]);
    });

    it("mutates what stryker.config.json mutates: components/ and config/ whole, policy/*.ts but its index", () => {
        const config = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "stryker.config.json"), "utf8")) as { mutate: string[] };
        assert.deepEqual(config.mutate, ["components/**/*.ts", "config/**/*.ts", "policy/*.ts", "!policy/index.ts"]);
        const files = mutatedFiles(PROJECT_ROOT);
        assert.ok(files.includes("components/tenancy/tenant.ts") && files.includes("config/settings.ts") && files.includes("policy/iam.ts"));
        assert.ok(!files.includes("policy/index.ts") && !files.some((f) => f.startsWith("policy/test/")));
    });
});
