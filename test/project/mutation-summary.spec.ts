import { strict as assert } from "node:assert";
import { mutationScore, summaryMarkdown } from "../stryker/summary";

describe("the committed mutation-testing summary", () => {
    it("scores detected mutants over valid ones, leaving out ignored and erroring mutants (mutation-testing-metrics)", () => {
        assert.equal(
            mutationScore({ Killed: 8, Timeout: 1, Survived: 1, Ignored: 5, RuntimeError: 3 }),
            90,
        );
        assert.equal(mutationScore({ Killed: 3, NoCoverage: 1 }), 75);
        assert.ok(Number.isNaN(mutationScore({ Ignored: 2 })));
    });

    it("reports each folder of the mutated code, then all of it, with the date of the runs", () => {
        const report = {
            files: {
                "components/a.ts": { mutants: [{ status: "Killed" }, { status: "Survived" }] },
                "config/b.ts": { mutants: [{ status: "Timeout" }] },
                "policy/policies.ts": { mutants: [{ status: "Killed" }, { status: "Ignored" }] },
            },
        };
        const lines = summaryMarkdown(report, "2026-12-06").split("\n");
        assert.ok(lines.some((l) => l.includes("results as of 2026-12-06")));
        assert.deepEqual(
            lines.filter((l) => /^\| (components|config|policy|all)/.test(l)),
            [
                "| components/ | 50.0% | 1 | 0 | 1 | 0 | 0 | 0 | 0 |",
                "| config/ | 100.0% | 0 | 1 | 0 | 0 | 0 | 0 | 0 |",
                "| policy/ | 100.0% | 1 | 0 | 0 | 0 | 1 | 0 | 0 |",
                "| all | 75.0% | 2 | 1 | 1 | 0 | 1 | 0 | 0 |",
            ],
        );
    });
});
