/**
 * Whether image-reflector-controller can parse a semver range: a translation of
 * `semver.NewConstraint` from github.com/Masterminds/semver/v3 v3.5.0 (constraints.go, with
 * `NewVersion` from version.go), the version image-reflector-controller v1.2.4 (Flux 2.9.4)
 * requires in its go.mod and calls in internal/policy/semver.go `NewSemVer`. The library's
 * regular expressions are RE2; they are written here in their JavaScript equivalent (`\s` is
 * RE2's `[\t\n\f\r ]`, narrower than JavaScript's). The Go suite in conformance/validators holds
 * this to the real function.
 */

// constraints.go: MaxConstraintLen, MaxConstraintGroups; version.go: MaxVersionLen (bytes).
const MAX_CONSTRAINT_LEN = 512;
const MAX_CONSTRAINT_GROUPS = 32;
const MAX_VERSION_LEN = 256;

const S = "[\\t\\n\\f\\r ]";
const CV =
    "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?" +
    "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?" +
    "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";
const OPS = "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^";
const CONSTRAINT = new RegExp(`^${S}*(${OPS})${S}*(${CV})${S}*$`);
const CONSTRAINT_RANGE = new RegExp(`${S}*(${CV})${S}+-${S}+(${CV})${S}*`, "g");
const FIND_CONSTRAINT = new RegExp(`(${OPS})${S}*(${CV})`, "g");
const VALID_CONSTRAINT = new RegExp(`^(${S}*(${OPS})${S}*(${CV})${S}*)((?:${S}+|,${S}*)(${OPS})${S}*(${CV})${S}*)*$`);
// version.go looseSemVerRegex: NewVersion reads versions with it while CoerceNewVersion is true,
// its default, so leading zeros (01.2.3) are coerced, not refused.
const LOOSE_VERSION = new RegExp(
    "^v?([0-9]+)(\\.[0-9]+)?(\\.[0-9]+)?" + "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?" + "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?$",
);
const UINT64_MAX = 2n ** 64n - 1n;

const byteLength = (s: string): number => Buffer.byteLength(s);
// strconv.IsPrint of one rune: a letter, mark, number, punctuation or symbol (Go's L, M, N, P, S).
const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;
const ESCAPES: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v" };

/** Go's `%q` of a string (strconv.Quote): printable runes as they are, the others escaped. */
export function goQuote(s: string): string {
    let out = "";
    for (const c of s) {
        const code = c.codePointAt(0) as number;
        if (c === '"' || c === "\\") out += `\\${c}`;
        else if (code >= 0x20 && code < 0x7f) out += c;
        else if (c in ESCAPES) out += ESCAPES[c];
        // The other ASCII runes left: the controls and DEL.
        else if (code <= 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
        else if (PRINTABLE.test(c)) out += c;
        else if (code > 0xffff) out += `\\U${code.toString(16).padStart(8, "0")}`;
        else out += `\\u${code.toString(16).padStart(4, "0")}`;
    }
    return `"${out}"`;
}
const isX = (x: string | undefined): boolean => x === "x" || x === "*" || x === "X";

/**
 * Whether `NewVersion` parses `v` (`coerceNewVersion`, CoerceNewVersion being true). `v` is a whole
 * major.minor.patch: parseConstraint fills in what a constraint leaves out before it calls
 * NewVersion, and answers any of its errors with "constraint parser error".
 */
function versionParses(v: string): boolean {
    if (byteLength(v) > MAX_VERSION_LEN) return false;
    const m = LOOSE_VERSION.exec(v);
    if (!m) return false;
    // strconv.ParseUint(…, 10, 64) of each segment.
    if ([m[1], m[2].slice(1), m[3].slice(1)].some((n) => BigInt(n) > UINT64_MAX)) return false;
    // validatePrerelease: no numeric part with a leading zero (the regex leaves no part empty, and only its characters).
    return !(m[5] && m[5].split(".").some((p) => /^[0-9]+$/.test(p) && p.length > 1 && p[0] === "0"));
}

/** `rewriteRange`: each `a - b` becomes `>= a, <= b `, replacing the first occurrence of the match each time. */
function rewriteRange(c: string): string {
    let out = c;
    for (const m of c.matchAll(CONSTRAINT_RANGE)) {
        // strings.Replace(c, match, …, 1) always finds it: the first occurrence of a match ends before
        // the next match starts, and a replacement has no " - " a later match could need.
        const k = out.indexOf(m[0]);
        out = out.slice(0, k) + `>= ${m[1]}, <= ${m[11]} ` + out.slice(k + m[0].length);
    }
    return out;
}

/**
 * `parseConstraint`: the version of one constraint, with x/X/* and missing parts as zeros, must
 * parse. `c` is a match of findConstraintRegex, never empty, which constraintRegex always matches,
 * so the library's branches for an empty or unmatched constraint are left out.
 */
function constraintError(c: string): string | undefined {
    const m = CONSTRAINT.exec(c) as RegExpExecArray;
    let ver = m[2];
    const pre = m[6] ?? "";
    // m[4] and m[5] are ".minor" and ".patch", each with its dot.
    if (isX(m[3]) || !m[3]) ver = `0.0.0${pre}`;
    else if (!m[4] || isX(m[4].slice(1))) ver = `${m[3]}.0.0${pre}`;
    else if (!m[5] || isX(m[5].slice(1))) ver = `${m[3]}${m[4]}.0${pre}`;
    return versionParses(ver) ? undefined : "constraint parser error";
}

/** The error `semver.NewConstraint(range)` returns, or undefined when it accepts the range. */
export function semverConstraintError(range: string): string | undefined {
    if (byteLength(range) > MAX_CONSTRAINT_LEN) return `constraint string is too long (max ${MAX_CONSTRAINT_LEN} bytes)`;
    const ors = rewriteRange(range).split("||");
    if (ors.length > MAX_CONSTRAINT_GROUPS) return `too many constraint groups (max ${MAX_CONSTRAINT_GROUPS})`;
    for (const v of ors) {
        if (!VALID_CONSTRAINT.test(v)) return `improper constraint: ${goQuote(v)}`;
        // validConstraintRegex matched, so findConstraintRegex finds at least one constraint (the
        // library's fallback to the whole string when it finds none cannot be reached).
        for (const [s] of v.matchAll(FIND_CONSTRAINT)) {
            const e = constraintError(s);
            if (e) return e;
        }
    }
    return undefined;
}
