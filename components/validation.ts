// Flux's CRDs accept intervals and timeouts in Go's duration syntax restricted to ms, s, m and h
// (the `pattern` of e.g. GitRepository.spec.interval).
const FLUX_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Flux duration such as `1m30s`, or undefined if it is not one. */
export function fluxDurationMs(value: string): number | undefined {
    if (!FLUX_DURATION.test(value)) return undefined;
    let total = 0;
    for (const [, amount, , unit] of value.matchAll(/([0-9]+(\.[0-9]+)?)(ms|s|m|h)/g)) {
        total += Number(amount) * UNIT_MS[unit];
    }
    return total;
}

/** True for a Flux duration longer than zero. */
export function isPositiveFluxDuration(value: string): boolean {
    return (fluxDurationMs(value) ?? 0) > 0;
}
