/**
 * Loaded only by Stryker (stryker.config.json, mochaOptions.require): attributes the code a
 * suite's `before` hook runs to every test of that suite.
 *
 * Stryker's mocha runner sets the current test in a root `beforeEach` and never clears it
 * (@stryker-mutator/mocha-runner src/mocha-test-runner.ts, `dryRun`), so what a `before` hook
 * covers, here the whole program evaluated by scripts/offline.ts, is counted for the test that
 * ran last, in another suite, or as static when no test has run yet. A mutant run with that
 * test filter would then skip the suite whose assertions read the evaluation.
 */
import * as Mocha from "mocha";

type Coverage = Record<string, number>;
interface InstrumenterContext {
    currentTestId?: string;
    mutantCoverage?: { static: Coverage; perTest: Record<string, Coverage> };
}

type HookRunner = (this: Mocha.Runner & { suite: Mocha.Suite }, name: string, done: (...args: unknown[]) => void) => void;
const runner = Mocha.Runner.prototype as unknown as { hook: HookRunner };
const originalHook = runner.hook;

runner.hook = function (name, done) {
    const context = (globalThis as { __stryker__?: InstrumenterContext }).__stryker__;
    if (name !== "beforeAll" || context === undefined) return originalHook.call(this, name, done);
    const suite = this.suite;
    const hookId = `before all hooks of ${suite.fullTitle()}`;
    const previous = context.currentTestId;
    context.currentTestId = hookId;
    return originalHook.call(this, name, (...args: unknown[]) => {
        context.currentTestId = previous;
        const perTest = context.mutantCoverage?.perTest;
        const covered = perTest?.[hookId];
        if (perTest && covered) {
            delete perTest[hookId];
            suite.eachTest((test) => {
                const counts = (perTest[test.fullTitle()] ??= {});
                for (const [mutant, hits] of Object.entries(covered)) counts[mutant] = (counts[mutant] ?? 0) + hits;
            });
        }
        done(...args);
    });
};
