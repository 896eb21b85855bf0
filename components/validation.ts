// Flux's CRDs accept intervals and timeouts in Go's duration syntax restricted to ms, s, m and h
// (the `pattern` of e.g. GitRepository.spec.interval).
const FLUX_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const UNIT_NS: Record<string, bigint> = {
    ns: 1n,
    us: 1_000n,
    µs: 1_000n,
    μs: 1_000n,
    ms: 1_000_000n,
    s: 1_000_000_000n,
    m: 60_000_000_000n,
    h: 3_600_000_000_000n,
};
const MAX_INT64 = 2n ** 63n - 1n;
const TWO63 = 2n ** 63n;

/**
 * Nanoseconds of `value` as Go's `time.ParseDuration` reads it (go1.26 src/time/format.go), or
 * undefined where it returns an error. The controllers decode durations with it (metav1.Duration),
 * so a fraction below a nanosecond counts as nothing and a value past 2^63-1 ns is refused.
 *
 * Go checks for uint64 wrap-around at every step (leadingInt's `x > 1<<63/10`, `v > 1<<63/unit`,
 * leadingFraction's `x > (1<<63-1)/10`). A bigint does not wrap, so one check of the running
 * total after each part refuses the same values: every part adds a non-negative amount.
 */
export function goDurationNs(value: string): bigint | undefined {
    const neg = value.startsWith("-");
    let s = neg || value.startsWith("+") ? value.slice(1) : value;
    if (s === "0") return 0n;
    if (s === "") return undefined;
    let d = 0n;
    while (s !== "") {
        const int = leading(s, /^[0-9]+/);
        s = s.slice(int.length);
        let frac = "";
        if (s.startsWith(".")) {
            frac = leading(s.slice(1), /^[0-9]+/);
            s = s.slice(1 + frac.length);
        }
        if (int === "" && frac === "") return undefined;
        const unitText = leading(s, /^[^0-9.]+/);
        s = s.slice(unitText.length);
        const unit = UNIT_NS[unitText];
        if (unit === undefined) return undefined;
        d += BigInt(int) * unit + fractionNs(frac, unit);
        if (d > TWO63) return undefined;
    }
    if (neg) return -d;
    return d > MAX_INT64 ? undefined : d;
}

/** The text `pattern` (anchored at the start) matches at the start of `s`, or "" where it does not. */
function leading(s: string, pattern: RegExp): string {
    return pattern.exec(s)?.[0] ?? "";
}

/**
 * Nanoseconds of the fraction digits `frac` of `unit`, as Go's leadingFraction and ParseDuration
 * compute them: the digits while their value stays at most 2^63 (the rest are dropped), then
 * `uint64(float64(f) * (float64(unit) / scale))`.
 */
function fractionNs(frac: string, unit: bigint): bigint {
    let f = 0n;
    let scale = 1;
    for (const c of frac) {
        const y = f * 10n + BigInt(c);
        // Stryker disable next-line EqualityOperator: y is 2^63 only for the digits 9223372036854775808, and
        // float64 reads them and their first 18 the same at every unit (checked for ns to h)
        if (y > TWO63) break;
        f = y;
        scale *= 10;
    }
    return BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
}

/** Milliseconds of a Flux duration such as `1m30s`, or undefined if it is not one. */
export function fluxDurationMs(value: string): number | undefined {
    if (!FLUX_DURATION.test(value)) return undefined;
    const ns = goDurationNs(value);
    return ns === undefined ? undefined : Number(ns) / 1e6;
}

/**
 * True for a Flux duration longer than zero: the CRD's pattern, and more than 0 ns as Go parses
 * it (`0.0000001ms` matches the pattern but is 0 ns; `9999999999h` matches it but overflows).
 */
export function isPositiveFluxDuration(value: string): boolean {
    return (fluxDurationMs(value) ?? 0) > 0;
}
