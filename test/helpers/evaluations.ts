/**
 * The offline evaluation of a stack (scripts/offline.ts), shared by the specs: a stack evaluated
 * with the same files, overrides and environment is the same evaluation, so it is computed once per test run
 * and frozen, so that no spec can change what another reads.
 *
 * Under Stryker (`npm run mutate`) every mutant is a run of its own, so the key includes the active
 * mutant; the dry run, which measures what each test covers, evaluates afresh every time, or the
 * suites that reuse an evaluation would seem to cover nothing of the program.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigOverride, Evaluation, evaluateStack as evaluate, PROJECT_ROOT } from "../../scripts/offline";

interface StrykerContext {
    readonly activeMutant?: string;
}

const evaluations = new Map<string, Promise<Evaluation>>();
let evaluationsOfMutant = "";

function readIfExists(file: string): string {
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
}

function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value)) deepFreeze(v);
    }
    return value;
}

/** `evaluateStack` of scripts/offline.ts, computed once per stack files and overrides (and mutant). */
export function evaluateStack(stack: string, overrides: Record<string, ConfigOverride> = {}): Promise<Evaluation> {
    const stryker = (globalThis as { __stryker__?: StrykerContext }).__stryker__;
    if (stryker !== undefined && stryker.activeMutant === undefined) return evaluate(stack, overrides);
    const mutant = stryker?.activeMutant ?? "";
    if (mutant !== evaluationsOfMutant) {
        evaluations.clear();
        evaluationsOfMutant = mutant;
    }
    const key = JSON.stringify([
        stack,
        Object.entries(overrides).map(([k, v]) => [k, v === undefined ? null : v]),
        readIfExists(path.join(PROJECT_ROOT, "Pulumi.yaml")),
        readIfExists(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`)),
        // The program reads its environment too (GITHUB_TOKEN: config/index.ts).
        process.env,
    ]);
    let evaluation = evaluations.get(key);
    if (evaluation === undefined) {
        evaluation = evaluate(stack, overrides).then(deepFreeze);
        evaluations.set(key, evaluation);
    }
    return evaluation;
}
