import { strict as assert } from "node:assert";
import { fluxDurationMs, goDurationNs, isPositiveFluxDuration } from "../../components/validation";
import { expandTemplate, missingGroups, parseTemplate, re2Error, re2Groups } from "../../config/re2";
import { goQuote, semverConstraintError } from "../../config/semver";

// The translations of Go the config checks rest on, on the cases that reach each of their branches,
// with what the Go code answers. The expectations were taken from the Go code itself (Go 1.26.8
// regexp.Compile, Masterminds/semver v3.5.0 NewConstraint, time.ParseDuration); the Go suite
// conformance/validators asks the same code about a corpus of 240 values per check on every run.

describe("translation of Go's regexp/syntax (Go 1.26.8 regexp.Compile)", () => {
    // [pattern, Go's error text, "" when it compiles]
    const cases: [string, string][] = [
        ["^[0-9]+$", ""],
        ["(?P<x>a)", ""],
        ["(?<x>a)", ""],
        ["(?'x'a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?'`"],
        ["(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`"],
        ["(?P<x-y>a)", "error parsing regexp: invalid named capture: `(?P<x-y>`"],
        ["(?P<x", "error parsing regexp: invalid named capture: `(?P<x`"],
        ["(?P=x)", "error parsing regexp: invalid or unsupported Perl syntax: `(?P`"],
        ["(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
        ["(?<=a)", "error parsing regexp: invalid named capture: `(?<=a)`"],
        ["(?#c)", "error parsing regexp: invalid or unsupported Perl syntax: `(?#`"],
        ["(?i)", ""],
        ["(?i:a)", ""],
        ["(?i-s:a)", ""],
        ["(?)", ""],
        ["(?-)", "error parsing regexp: invalid or unsupported Perl syntax: `(?-)`"],
        ["(?i-)", "error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`"],
        ["(?--i)", "error parsing regexp: invalid or unsupported Perl syntax: `(?--`"],
        ["(?x)", "error parsing regexp: invalid or unsupported Perl syntax: `(?x`"],
        ["(?i", "error parsing regexp: invalid or unsupported Perl syntax: `(?i`"],
        ["(a", "error parsing regexp: missing closing ): `(a`"],
        ["a)", "error parsing regexp: unexpected ): `a)`"],
        [")", "error parsing regexp: unexpected ): `)`"],
        ["a|*", "error parsing regexp: missing argument to repetition operator: `*`"],
        ["(*)", "error parsing regexp: missing argument to repetition operator: `*`"],
        ["*", "error parsing regexp: missing argument to repetition operator: `*`"],
        ["a**", "error parsing regexp: invalid nested repetition operator: `**`"],
        ["a*?", ""],
        ["a*??", "error parsing regexp: invalid nested repetition operator: `*??`"],
        ["a{2}{3}", "error parsing regexp: invalid nested repetition operator: `{2}{3}`"],
        ["a{2}?", ""],
        ["a(?i)*", ""],
        ["^*", ""],
        ["\\b*", ""],
        ["a{1000}", ""],
        ["a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"],
        ["a{0,1001}", "error parsing regexp: invalid repeat count: `{0,1001}`"],
        ["a{2,1}", "error parsing regexp: invalid repeat count: `{2,1}`"],
        ["a{,3}", ""],
        ["a{01}", ""],
        ["a{1,02}", ""],
        ["{", ""],
        ["a{1", ""],
        ["a{1,", ""],
        ["(a{100}){10}", ""],
        ["(a{100}){11}", "error parsing regexp: invalid repeat count: `{11}`"],
        ["(a{2}){0}", ""],
        ["a{99999999999}", "error parsing regexp: invalid repeat count: `{99999999999}`"],
        ["a{5,99999999999}", "error parsing regexp: invalid repeat count: `{5,99999999999}`"],
        ["\\z", ""],
        ["\\Z", "error parsing regexp: invalid escape sequence: `\\Z`"],
        ["\\A", ""],
        ["\\C", "error parsing regexp: invalid escape sequence: `\\C`"],
        ["\\Qa*\\E+", ""],
        ["\\Q\\E*", "error parsing regexp: missing argument to repetition operator: `*`"],
        ["\\Qab", ""],
        ["\\x41", ""],
        ["\\x{41}", ""],
        ["\\x{}", "error parsing regexp: invalid escape sequence: `\\x{}`"],
        ["\\x{110000}", "error parsing regexp: invalid escape sequence: `\\x{110000`"],
        ["\\x4", "error parsing regexp: invalid escape sequence: `\\x4`"],
        ["\\x", "error parsing regexp: invalid escape sequence: `\\x`"],
        ["\\xg1", "error parsing regexp: invalid escape sequence: `\\xg1`"],
        ["\\x{4g}", "error parsing regexp: invalid escape sequence: `\\x{4g`"],
        ["\\x{41", "error parsing regexp: invalid escape sequence: `\\x{41`"],
        ["\\0", ""],
        ["\\012", ""],
        ["\\1", "error parsing regexp: invalid escape sequence: `\\1`"],
        ["\\12", ""],
        ["\\18", "error parsing regexp: invalid escape sequence: `\\1`"],
        ["\\8", "error parsing regexp: invalid escape sequence: `\\8`"],
        ["\\_", ""],
        ["\\é", "error parsing regexp: invalid escape sequence: `\\é`"],
        ["\\", "error parsing regexp: trailing backslash at end of expression: ``"],
        ["\\a\\f\\n\\r\\t\\v", ""],
        ["\\e", "error parsing regexp: invalid escape sequence: `\\e`"],
        ["\\pL", ""],
        ["\\p{L}", ""],
        ["\\p{greek}", ""],
        ["\\p{^Greek}", ""],
        ["\\P{Greek}", ""],
        ["\\p{Old_Italic}", "error parsing regexp: invalid character class range: `\\p{Old_Italic}`"],
        ["\\p{Cased_Letter}", ""],
        ["\\p{cased-letter}", ""],
        ["\\p", "error parsing regexp: invalid character class range: `\\p`"],
        ["\\p{", "error parsing regexp: invalid character class range: `\\p{`"],
        ["\\p{}", "error parsing regexp: invalid character class range: `\\p{}`"],
        ["\\pX", "error parsing regexp: invalid character class range: `\\pX`"],
        ["\\p^", "error parsing regexp: invalid character class range: `\\p^`"],
        ["[]a]", ""],
        ["[]", "error parsing regexp: missing closing ]: `[]`"],
        ["[^]a]", ""],
        ["[^]", "error parsing regexp: missing closing ]: `[^]`"],
        ["[a-]", ""],
        ["[a-\\d]", "error parsing regexp: invalid escape sequence: `\\d`"],
        ["[z-a]", "error parsing regexp: invalid character class range: `z-a`"],
        ["[[:alpha:]]", ""],
        ["[[:^space:]]", ""],
        ["[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`"],
        ["[[:alpha:]", "error parsing regexp: missing closing ]: `[[:alpha:]`"],
        ["[[:a]b:]]", "error parsing regexp: invalid character class range: `[:a]b:]`"],
        ["[\\z]", "error parsing regexp: invalid escape sequence: `\\z`"],
        ["[\\p{Greek}]", ""],
        ["[\\pX]", "error parsing regexp: invalid character class range: `\\pX`"],
        ["[\\d]", ""],
        ["[\\x{5A}-\\x{41}]", "error parsing regexp: invalid character class range: `\\x{5A}-\\x{41}`"],
        ["[a", "error parsing regexp: missing closing ]: `[a`"],
        ["[a-", "error parsing regexp: missing closing ]: `[a-`"],
        ["[\\]]", ""],
        ["[[:x", "error parsing regexp: missing closing ]: `[[:x`"],
        ["(?P<a>a)(?P<a>b)", ""],
    ];
    for (const [pattern, error] of cases) {
        it(`${error ? "refuses" : "accepts"} ${JSON.stringify(pattern)}${error ? ` (${error.split(": ")[1]})` : ""}`, () => {
            assert.equal(re2Error(pattern)?.message ?? "", error);
        });
    }

    it("refuses 1000 nested captures and accepts 999, as Go's height limit does", () => {
        const nested = (n: number) => `${"(".repeat(n)}a${")".repeat(n)}`;
        assert.equal(re2Error(nested(999)), undefined);
        assert.equal(re2Error(nested(1000))?.code, "expression nests too deeply");
        assert.equal(re2Error(`${"(?:".repeat(1000)}a${")".repeat(1000)}`), undefined);
    });

    it("refuses a lone surrogate, which has no UTF-8 encoding", () => {
        assert.equal(re2Error("a\ud800")?.code, "invalid UTF-8");
    });

    it("numbers and names the groups as SubexpNames does", () => {
        assert.deepEqual(re2Groups("^(?P<sha>[a-f0-9]+)-(?:x)([0-9]+)(?<ts>[0-9]+)$"), { count: 3, names: ["", "sha", "", "ts"] });
    });
});

describe("translation of Go's Regexp.Expand (regexp.go expand and extract)", () => {
    const groups = re2Groups("^(?P<ts>[0-9]+)-([a-z]+)$");
    const matched = ["<0>", "<1>", "<2>"];
    const cases: [string, string, string[]][] = [
        // [template, what Go writes with group i matching "<i>", the references naming no group]
        ["$ts", "<1>", []],
        ["${ts}", "<1>", []],
        ["$ts_suffix", "", ["$ts_suffix"]],
        ["${ts}_suffix", "<1>_suffix", []],
        ["$1.$2", "<1>.<2>", []],
        ["$0", "<0>", []],
        ["$3", "", ["$3"]],
        ["$01", "", ["$01"]],
        ["$$ts", "$ts", []],
        ["$", "$", []],
        ["${", "${", []],
        ["${ts", "${ts", []],
        ["${}", "${}", []],
        ["$-", "$-", []],
        ["$é", "", ["$é"]],
        ["a$1b", "a", ["$1b"]],
        ["plain", "plain", []],
        ["$100000000", "", ["$100000000"]],
    ];
    for (const [template, expanded, missing] of cases) {
        it(`expands ${JSON.stringify(template)} to ${JSON.stringify(expanded)}`, () => {
            assert.equal(expandTemplate(template, groups.names, matched), expanded);
            assert.deepEqual(
                missingGroups(template, groups).map((m) => m.ref),
                missing,
            );
        });
    }

    it("takes the first group of a repeated name that matched", () => {
        const twice = re2Groups("(?P<a>x)|(?P<a>y)");
        assert.equal(expandTemplate("$a", twice.names, ["y", undefined, "y"]), "y");
        assert.equal(expandTemplate("$a$2", twice.names, ["x", "x", undefined]), "x");
    });

    it("reads a reference's number only from ASCII digits below 1e8", () => {
        assert.deepEqual(parseTemplate("$99999999$٣"), [
            { ref: "$99999999", num: 99999999, name: "99999999" },
            { ref: "$٣", num: -1, name: "٣" },
        ]);
    });
});

describe("translation of Masterminds/semver v3.5.0 NewConstraint", () => {
    // [range, the library's error text, "" when it parses]
    const cases: [string, string][] = [
        ["banana", "improper constraint: \"banana\""],
        ["", "improper constraint: \"\""],
        [">=1.0.0", ""],
        ["~1", ""],
        ["^0.x", ""],
        [">= 1.0 <2", ""],
        ["1.2.3 - 2", ""],
        ["1.2.3 -2", "improper constraint: \"1.2.3 -2\""],
        [">=1.0 ||", "improper constraint: \"\""],
        [">=1.0 | <2", "constraint parser error"],
        ["01.2.3", ""],
        [">=1x", "constraint parser error"],
        ["1.2.3-01", "constraint parser error"],
        ["1.2.3-alpha..1", "improper constraint: \"1.2.3-alpha..1\""],
        ["18446744073709551616", "constraint parser error"],
        ["v1.2.3+build.01", ""],
        ["=> 1", ""],
        ["<> 1", "improper constraint: \"<> 1\""],
        ["1.2.3 ", "improper constraint: \"1.2.3\\u00a0\""],
        ["\t>=1\n", ""],
        ["x.1", ""],
        ["1.x.2", ""],
        ["*", ""],
    ];
    for (const [range, error] of cases) {
        it(`${error ? "refuses" : "accepts"} ${JSON.stringify(range)}`, () => {
            assert.equal(semverConstraintError(range) ?? "", error);
        });
    }

    it("refuses more than 512 bytes and more than 32 groups", () => {
        assert.equal(semverConstraintError("1".repeat(513)), "constraint string is too long (max 512 bytes)");
        assert.equal(semverConstraintError(Array(33).fill("1").join("||")), "too many constraint groups (max 32)");
        assert.equal(semverConstraintError(Array(32).fill("1").join("||")), undefined);
    });

    it("quotes as Go's %q does", () => {
        assert.equal(goQuote('a"\\\t\x01\x7f\u0085é\u00a0\u{1F600}\u{E0001}'), '"a\\"\\\\\\t\\x01\\x7f\\u0085é\\u00a0\u{1F600}\\U000e0001"');
    });
});

describe("translation of Go's time.ParseDuration (go1.26 src/time/format.go)", () => {
    // [duration, Go's nanoseconds, undefined when it errs]
    const cases: [string, bigint | undefined][] = [
        ["1h30m", 5400000000000n],
        ["-5s", -5000000000n],
        ["+5s", 5000000000n],
        ["0", 0n],
        ["", undefined],
        ["1", undefined],
        [".5s", 500000000n],
        ["1.s", 1000000000n],
        [".s", undefined],
        ["1d", undefined],
        ["1µs", 1000n],
        ["1μs", 1000n],
        ["1us", 1000n],
        ["1ns", 1n],
        ["0.0000001ms", 0n],
        ["1.5h", 5400000000000n],
        ["2562047h", 9223369200000000000n],
        ["2562048h", undefined],
        ["9223372036854775807ns", 9223372036854775807n],
        ["9223372036854775808ns", undefined],
        ["-9223372036854775808ns", -9223372036854775808n],
        ["-9223372036854775809ns", undefined],
        ["99999999999999999999s", undefined],
        ["0.99999999999999999999999999s", 1000000000n],
        ["1.000000000000000000001s", 1000000000n],
        ["2562047h47m16.854775807s", 9223372036854775807n],
        ["2562047h47m16.854775808s", undefined],
        ["1h1h", 7200000000000n],
    ];
    for (const [value, ns] of cases) {
        it(`reads ${JSON.stringify(value)} as ${ns === undefined ? "an error" : `${ns} ns`}`, () => {
            assert.equal(goDurationNs(value), ns);
        });
    }
});

describe("Flux durations", () => {
    it("reads fractional amounts with any number of decimals", () => {
        assert.equal(fluxDurationMs("1.25s"), 1250);
        assert.equal(fluxDurationMs("1m0.125s"), 60_125);
        assert.equal(isPositiveFluxDuration("0.25s"), true);
    });

    it("is not a duration with anything after its last unit", () => {
        assert.equal(fluxDurationMs("1h30"), undefined);
        assert.equal(fluxDurationMs("5m1d"), undefined);
        assert.equal(isPositiveFluxDuration("1h30"), false);
        assert.equal(isPositiveFluxDuration("1d"), false);
    });

    it("is not a duration where Go's parser overflows, though the CRD's pattern matches", () => {
        assert.equal(fluxDurationMs("9999999999h"), undefined);
        assert.equal(isPositiveFluxDuration("9999999999h"), false);
    });
});
