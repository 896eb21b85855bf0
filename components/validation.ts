// Flux's CRDs accept intervals and timeouts in Go's duration syntax restricted to ms, s, m and h
// (the `pattern` of e.g. GitRepository.spec.interval).
const FLUX_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const UNIT_NS: Record<string, bigint> = { ns: 1n, us: 1_000n, "µs": 1_000n, "μs": 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };
const MAX_INT64 = 2n ** 63n - 1n;
const TWO63 = 2n ** 63n;

/**
 * Nanoseconds of `value` as Go's `time.ParseDuration` reads it (go1.26 src/time/format.go), or
 * undefined where it returns an error. The controllers decode durations with it (metav1.Duration),
 * so a fraction below a nanosecond counts as nothing and a value past 2^63-1 ns is refused.
 */
export function goDurationNs(value: string): bigint | undefined {
    let s = value;
    let neg = false;
    if (s.startsWith("-") || s.startsWith("+")) {
        neg = s[0] === "-";
        s = s.slice(1);
    }
    if (s === "0") return 0n;
    if (s === "") return undefined;
    let d = 0n;
    while (s !== "") {
        if (!/^[0-9.]/.test(s)) return undefined;
        // leadingInt: overflow past 2^63 is an error.
        const int = /^[0-9]*/.exec(s)![0];
        let v = 0n;
        for (const c of int) {
            if (v > TWO63 / 10n) return undefined;
            v = v * 10n + BigInt(c);
            if (v > TWO63) return undefined;
        }
        s = s.slice(int.length);
        let f = 0n;
        let scale = 1;
        let post = false;
        if (s.startsWith(".")) {
            s = s.slice(1);
            // leadingFraction: digits past what fits are dropped, not an error.
            const frac = /^[0-9]*/.exec(s)![0];
            let overflow = false;
            for (const c of frac) {
                if (overflow) continue;
                if (f > MAX_INT64 / 10n) {
                    overflow = true;
                    continue;
                }
                const y = f * 10n + BigInt(c);
                if (y > TWO63) {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10;
            }
            s = s.slice(frac.length);
            post = frac.length > 0;
        }
        if (int.length === 0 && !post) return undefined;
        const unitText = /^[^0-9.]*/.exec(s)![0];
        if (unitText === "") return undefined;
        s = s.slice(unitText.length);
        const unit = UNIT_NS[unitText];
        if (unit === undefined) return undefined;
        if (v > TWO63 / unit) return undefined;
        v *= unit;
        if (f > 0n) {
            // float64(f) * (float64(unit) / scale), truncated to an integer as uint64() does.
            v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
            if (v > TWO63) return undefined;
        }
        d += v;
        if (d > TWO63) return undefined;
    }
    if (neg) return -d;
    return d > MAX_INT64 ? undefined : d;
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
