/**
 * Writes out/validator-corpus.json: for each of the program's value checks, at least 200 values
 * (hand-written adversarial ones, then seeded random ones) with the TypeScript verdict. The Go
 * suite conformance/validators reads it and asks the Go library each check stands for
 * (regexp.Compile, Regexp.ExpandString, Masterminds/semver NewConstraint, apimachinery's
 * validation, the CRDs' patterns, time.ParseDuration) for its own verdict, value by value.
 *
 *   npx ts-node --transpile-only scripts/validator-corpus.ts [output file]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { extractProblem, regexProblem } from "../config/apps";
import { Checks, DNS_LABEL, isDnsSubdomain } from "../config/checks";
import { expandTemplate, parseTemplate, re2Error, re2Groups } from "../config/re2";
import { semverConstraintError } from "../config/semver";
import { goDurationNs, isPositiveFluxDuration } from "../components/validation";

/** The command that writes the corpus; the Go suite names it when the file is missing. */
export const CORPUS_COMMAND = "npx ts-node --transpile-only scripts/validator-corpus.ts";
export const CORPUS_FILE = path.join(__dirname, "..", "out", "validator-corpus.json");
const PER_CHECK = 240;

/** mulberry32: a small seeded generator, so that the corpus is the same on every run. */
function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** `hand` first, then values of 1 to `max` tokens drawn from `tokens`, until `PER_CHECK` distinct values. */
function corpus(hand: readonly string[], tokens: readonly string[], max: number, seed: number): string[] {
    const next = random(seed);
    const values = new Set(hand);
    while (values.size < PER_CHECK) {
        const n = 1 + Math.floor(next() * max);
        values.add(Array.from({ length: n }, () => tokens[Math.floor(next() * tokens.length)]).join(""));
    }
    return [...values];
}

const RE2_HAND = [
    "^[0-9]+$", "^main-[a-f0-9]+-(?P<ts>[0-9]+)$", "^v?(?P<version>[0-9]+\\.[0-9]+\\.[0-9]+)$", ".*", "",
    // Lookaround and backreferences.
    "^(?!latest).*$", "(?=a)", "(?<=v)[0-9]+", "(?<!v)[0-9]+", "(a)\\1", "(?P<x>a)(?P=x)", "\\k<x>", "(?P>x)",
    // Named groups, both spellings, and names Go refuses.
    "(?P<x>a)", "(?<x>a)", "(?'x'a)", "(?P<>a)", "(?<>a)", "(?P<x-y>a)", "(?P<é>a)", "(?P<1>a)", "(?P<x>a)(?P<x>b)", "(?P<x", "(?<x",
    // Anchors and escapes.
    "\\z", "\\Z", "\\A", "\\b", "\\B", "\\C", "\\G", "\\e", "\\cA", "\\u0041", "\\x41", "\\x{41}", "\\x{}", "\\x{110000}", "\\x{10FFFF}", "\\x4",
    "\\0", "\\01", "\\012", "\\0123", "\\1", "\\12", "\\8", "\\_", "\\ ", "\\-", "\\/", "\\é", "\\", "a\\", "\\Qa.b\\E", "\\Qa*", "\\Q\\E*",
    "\\pL", "\\p{L}", "\\p{Greek}", "\\p{greek}", "\\p{^Greek}", "\\P{Greek}", "\\p{Old_Italic}", "\\p{Letter}", "\\p{Cased_Letter}",
    "\\p{cased letter}", "\\p{Lu}", "\\p{LC}", "\\p{Any}", "\\p{ASCII}", "\\p{Foo}", "\\p", "\\p{", "\\p{}", "\\pX", "\\d\\D\\s\\S\\w\\W",
    // Repetition.
    "a*+", "a++", "a?+", "a**", "a*?", "a+?", "a??", "a{2}{3}", "a{2}*", "a*{2}", "*", "+a", "?", "a|*", "(*)", "(?i)*", "a(?i)*", "^*", "$+",
    "\\b*", "a{1000}", "a{1001}", "a{1000,}", "a{0,1000}", "a{0,1001}", "a{2,1}", "a{,3}", "a{01}", "a{1,02}", "{", "a{", "a{1", "a{1,",
    "a{x}", "(a{100}){10}", "(a{100}){11}", "((a{10}){10}){10}", "((a{10}){10}){11}", "(a{2}){0}", "(a*){1000}", "a{99999999999}",
    // Classes.
    "[]a]", "[]", "[^]a]", "[^]", "[a-]", "[-a]", "[a-\\d]", "[z-a]", "[a-z]", "[\\d-z]", "[[:alpha:]]", "[[:^alpha:]]", "[[:foo:]]",
    "[[:alpha:]", "[[:a]b:]]", "[\\z]", "[\\b]", "[\\p{Greek}]", "[\\Q]", "[\\x{41}-\\x{5A}]", "[\\x{5A}-\\x{41}]", "[a", "[\\]]", "[é-è]",
    // Groups and flags.
    "()", "(?:)", "(?i)", "(?i:a)", "(?-i:a)", "(?i-s:a)", "(?)", "(?-)", "(?i-)", "(?--i)", "(?x)", "(?#comment)", "(?i", "(a", "a)", ")",
    "(?:a|b)*", "a||b", "|", "(|)", "(?U)a*", "(?smiU)a", "(?P<ts>[0-9]+)|(?P<v>v[0-9]+)", "\u{1F600}+",
    "\\x{D800}", "[\\x{D800}-\\x{DFFF}]", "x{2}?", "x{2}??", "x{2}+", "[\\P{^L}]", "\u0000", "(?P<a(b)>x)", "(?P<a1_B>x)", "\\pN", "\\PL",
    "[[:alpha:]-z]", "[a-\\x{41}]", "(?i)\\p{Lu}", "(?P<n>a)(?P<n>b)",
    // Go's limit on the parse tree's height (parse.go maxHeight).
    `${"(".repeat(999)}a${")".repeat(999)}`, `${"(".repeat(1000)}a${")".repeat(1000)}`, `${"(?:".repeat(1000)}a${")".repeat(1000)}`,
    // Every POSIX class, and its negation.
    ...["alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit"].flatMap(
        (n) => [`[[:${n}:]]`, `[[:^${n}:]]`],
    ),
    "[[:", "[[:a", "[[:alpha:", "[[:alpha:]", "[[:foo:]]", "[[::]]", "[[:]]", "[a[:digit:]b]", "[[:^space:][:word:]]", "[[:alpha:]-z]",
    // The value of an escape, seen where it counts: a class range must not run backwards.
    "[\\101-\\100]", "[\\100-\\101]", "[\\7-\\10]", "[\\10-\\7]", "[\\0-\\1]", "[\\1-\\0]", "[\\0101-\\0100]", "[\\777-\\776]", "[\\08-\\07]",
    "[\\x41-\\x40]", "[\\x40-\\x41]", "[\\xfF-\\xFe]", "[\\xFe-\\xfF]", "[\\x{41}-\\x{40}]", "[\\x{40}-\\x{41}]", "[\\x{10FFFF}-\\x{10FFFE}]",
    "[\\x{FFFF}-\\x{10000}]", "[\\x{0041}-\\x{0040}]", "[\\x4", "[\\x{", "[\\x{4", "\\x{41", "\\xg1", "\\x1g",
    "[\\t-\\n]", "[\\n-\\t]", "[\\a-\\f]", "[\\f-\\a]", "[\\v-\\r]", "[\\r-\\v]", "[\\a-\\b]", "[\\.-\\-]", "[\\--\\.]",
    // \Q…\E: literals up to \E or the end.
    "\\Qab\\E", "\\Qa\\\\E", "\\Q\\", "\\Qa\\Eb", "\\Qa\\E*", "\\Q*\\E+", "a\\Q\\E*", "\\QE", "\\Q\\E\\E", "\\Qa\\Fb\\E", "\\Q(\\E)", "(\\Q)\\E)",
    // Counted repetition: its numbers, its limits, and the product of nested ones.
    "a{1,1000}", "a{1000,1000}", "a{1001,1001}", "a{100000000}", "a{100000001}", "a{1,100000000}", "a{1,100000001}", "a{0,0}", "a{00}",
    "a{0,00}", "a{1,2", "a{,}", "a{1,}", "{1}", "a{1}}", "(a{2}){500}", "(a{2}){501}", "(a{2,}){500}", "(a{2,}){501}", "((a{1000}){0}){2}",
    "(a{0}){1000}", "(a{1000}){1}", "(a{1000}){0,1}", "((a{2}){2}){250}", "((a{2}){2}){251}", "(a{1000})*", "(a*){2}", "a{1000}?",
    "a{2}?{3}", "(a|b{1000}){2}", "(?:a{500}){2}", "(?:a{500}){3}", "(a{10}b{100}){10}", "(a{10}b{101}){10}",
    // Flags.
    "(?i)", "(?-i)", "(?i-s)", "(?--i)", "(?i-)", "(?-)", "(?)", "(?s:a)", "(?U)", "(?m-U:a)", "(?i-i)", "(?ii)", "(?i", "(?i:", "(?x)", "(?-:a)",
    "a*".repeat(1000), Array.from({ length: 1000 }, (_, i) => `a${i}`).join("|"),
    // The height limit reached before the pattern's end, where Go stops at once (it measures every node it pushes,
    // at `|` the branch so far).
    `${"(".repeat(1000)}a${")".repeat(1001)}`, `${"(".repeat(1000)}a${")".repeat(1000)}(`, `${"(".repeat(1000)}a${")".repeat(1000)}**`,
    `${"(".repeat(999)}a${")".repeat(999)}.|*`,
    // \p names: one from each line of config/re2.ts UNICODE_NAMES; other ASCII cases, `_` and spaces, which canonicalName
    // ignores; ſ and the Kelvin sign, whose case it keeps (JavaScript would map them to S and k).
    "\\p{Cyrillic}", "\\p{Devanagari}", "\\p{Nushu}", "\\p{Palmyrene}", "\\p{Sc}", "\\p{Tamil}", "\\p{any}", "\\p{zl}", "\\p{KAWI}", "\\p{YEZIDI}",
    "\\p{GRE_EK}", "\\p{ Greek}", "\\p{CasedLetter}", "\\p{\u017Fc}", "\\p{Ta\u212Ari}",
    // `{` that starts no repeat (a literal: no missing argument, no nested repetition); which count check speaks first;
    // a {0,} or {0,1000} inside a counted repeat.
    "{}", "{,5}", "{1", "{1,02}", "a*{01}", "a{1,0}", "a{1001,}?", "a{0,1001}?", "(a{0,1000}){2}", "((a{600}){0,}){2}",
    // Named groups: a prefix cut short by the end, a flag before `<`, one-character names, a repeat right after the name.
    "(?P<", "(?<", "(?i<x>a)", "(?P<0>a)", "(?P<9>a)", "(?P<z>a)", "(?P<A>a)", "(?P<x>*)",
    // Escapes: \Q with an E but no \E, \E after \z, a control character past ASCII, \9, \A in a class, hex and octal values in ranges.
    "\\QaE*", "\\z\\E", "\\\u0080", "\\9", "[\\A]", "\\x0A", "[\\07-\\10]", "[\\10-\\07]", "[\\x1F-\\x20]", "[\\x20-\\x1F]",
    // Classes: `[:` that starts no POSIX name, a Perl class letter after another character, a one-character range, a `(`.
    "[a:b:]]", "[[ab:]]", "[ad-a]", "[a-a]", "[(]",
    // The height limit reached by an empty group, a concatenation, a repeat and named groups.
    `${"(".repeat(1000)}${")".repeat(1000)}`, `${"(".repeat(997)}a(b)${")".repeat(997)}`, `${"(".repeat(998)}a(b)${")".repeat(998)}`,
    `${"(".repeat(999)}a*${")".repeat(999)}`, `${"(?<n>".repeat(1000)}a${")".repeat(1000)}`,
];
const RE2_TOKENS = [
    "a", "0", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "^", "$", "|", "\\", "-", ":", "<", ">", "P", "=", "!", ",", "i", "2", "x",
    "\\d", "\\w", "\\z", "\\p{L}", "(?:", "(?i)", "(?P<n>", "(?<n>", "{2}", "{1,3}", "[:alpha:]", "\\Q", "\\E", "_", "é",
];

const SEMVER_HAND = [
    "banana", "", " ", ">=0.0.0", ">=1.0.0", "1.2.3", "v1.2.3", "=1.2.3", "!=1.2.3", "~1", "~1.2", "~>1.2", "^0.x", "^1.2.x", "1.x", "1.X",
    "1.*", "*", "x", "X", "1.2.3 - 2", "1.2.3 - 2.3.4", "1.2.3 -2", "1.2.3- 2", ">= 1.0 <2", ">=1.0, <2", ">=1.0,<2", ">=1.0 , <2",
    ">=1.0 || <0.5", ">=1.0 ||", "|| >=1.0", "||", ">=1.0 | <2", "1.2.3-alpha", "1.2.3-alpha.1", "1.2.3-01", "1.2.3-alpha..1",
    "1.2.3+build", "1.2.3+build.01", "1.2.3-beta+exp.sha.5114f85", "01.2.3", "1.02.3", ">=1x", "1|2", "1.2.3.4", "> 1", ">  1",
    "=> 1", "=< 1", "<> 1", "~=1", "^~1", ">=v1.2.3", "V1.2.3", "1.2.3\t", "\n1.2.3", "1.2.3\u000b", "1.2.3\u00a0", "18446744073709551615",
    "18446744073709551616", "1.18446744073709551616", "1.2.3-" + "a".repeat(250), "1.2.3-" + "a".repeat(251), "1".repeat(512), "1".repeat(513),
    // The version a wildcard leaves (x, X and * alike) and its prerelease, as parseConstraint rebuilds them.
    "1.2.18446744073709551616", "1.2.3-0", "1.2.3-0a", "1.2.3-alpha.01", "1.2.x-01", "1.x-beta.01", "x-01", "1.X.3", "1.2.X", "*.*.*",
    "X.2.3", "1.*-beta", "1.2.*-0", "1.x.x", ">=1.X-01",
    // The error quotes the range as Go's %q does (strconv.Quote): each escape it writes, printable runes as they are.
    "1\f!", "1\r!", "1\n!", "1\t!", "1\v", "1\u0001", "a b", "1\uffff", "1.2.3-0a1", "\u00071", "\b1", "1\u007f", "1\u0085", "1\u00ad", "1\u{10FFFF}", "1\u{1F600}", "1é!",
    "1\"", "1\\", ">=1 ".repeat(100),
    Array.from({ length: 33 }, () => "1").join("||"), Array.from({ length: 32 }, () => "1").join("||"), "x.1", "*.1.2", "1.x.2", "1.2.x-beta",
    ">=1.0.0-", "1.0.0+", "v", "vv1", "=v1", "1.0.0 1.0.0", "1.0.0,", ",1.0.0", ">=1.0.0 ,", "~ 1", "^ 1", "> = 1", "1 -  2", "1.2.3 - 2.3.4 - 5",
    "1 - 2 || 3 - 4", "1.2.3-beta - 2", "\u2003>=1", "1.2.3 -  2", "01.02.03", "1.2.3-0", "1.2.3-00", "1.2.3-0a", "1.2.3+00", ">= 01.2",
];
const SEMVER_TOKENS = ["1", "0", "2", "10", "01", ".", "x", "*", "X", "v", "-", "+", "alpha", "~", "^", ">", "<", "=", "!", " ", ",", "||", "|", "beta.1", "\t"];

// Patterns with groups of both spellings, numbered and named, one with a repeated name, and names that are
// numbers Go does not read as numbers ($01, and $1000000000 past its 1e8 cap).
const EXTRACT_PATTERNS = [
    "^(?P<build>[0-9]+)$", "^main-(?P<sha>[a-f0-9]+)-(?P<ts>[0-9]+)$", "^v([0-9]+)\\.([0-9]+)$", "^(?<ts>[0-9]+)_(?P<ts_suffix>x)?$",
    "^[0-9]+$", "^(?:(?P<a>a)|(?P<a>b))$", "^(?P<01>a)(?P<1000000000>b)$",
];
const EXTRACT_HAND = [
    "$ts", "${ts}", "$1", "$0", "$2", "$3", "$ts_suffix", "${ts}_suffix", "$$ts", "$$", "$", "${", "${ts", "${}", "$-", "${ts}}", "$01",
    "$00", "$100000000", "$99999999", "$build", "${build}", "$sha-$ts", "$a", "$é", "$é2", "${é2}", "$٣", "v$1.$2", "$1$2", "$1x", "${1}x",
    "plain", "", "$ ts", "$ts.$build", "$1000000000", "${01}",
];
const EXTRACT_TOKENS = ["$", "ts", "{", "}", "1", "0", "2", "_", "build", "sha", "-", "$$", "x", "é", "a", "suffix", "."];

const LABEL_TOKENS = ["a", "b", "z", "0", "9", "-", ".", "A", "_", "é", "a".repeat(30), " ", "*"];
const DNS_HAND = [
    "", "a", "0", "-", "a-", "-a", "a-b", "a--b", "A", "a_b", "a.b", ".a", "a.", "a..b", "é", "xn--bcher-kva", "a".repeat(63), "a".repeat(64),
    `${"a".repeat(62)}-`, "1a", "a1", " a", "a ",
];
const l63 = "a".repeat(63);
const HOST_HAND = [
    ...DNS_HAND, "localhost", "example.com", "example.com.", "Example.com", "bücher.de", "xn--bcher-kva.de", "*.example.com", "*",
    "echo.dev.developer-friendly.blog", "a.b.c.d.e.f", "1.2.3.4", "[::1]", "example.com:443", "https://example.com", "ex ample.com",
    `${"a".repeat(64)}.example.com`, `${l63}.example.com`, [l63, l63, l63, "a".repeat(61)].join("."), [l63, l63, l63, "a".repeat(62)].join("."),
    `${"a".repeat(64)}.${"b".repeat(64)}`, "a-.com", "-a.com", "a.-com", "a.com-", "_dmarc.example.com", "example..com", ".example.com",
];

const DURATION_HAND = [
    "1h30m", "-5s", "+5s", "0", "0s", "0.0s", "1", "1s", "1.5s", "1.s", ".5s", "1.5.5s", "1d", "1w", "1us", "1µs", "1ns", "1ms", "1m0.125s",
    "5m1d", "1h30", "1H", " 1s", "1s ", "1 s", "0.0000001ms", "0.000001ms", "0.0000000001h", "2562047h", "2562048h", "9223372036854775807ns",
    "9223372036854775808ns", "99999999999999999999s", "1.99999999999999999999999h", "0.1m", "1e3s", "", "ms", "s", "10mm", "1sm",
    "2562047h47m16.854775807s", "2562047h47m16.854775808s", "00001s", "1.000000000000000000001s", "1.5h30m", "1h1h", ".5h", "5.h",
    // the sign with the int64 bounds; a fraction whose 19th digit takes it past 2^63 (the digits after it are dropped), and one too long for a float64's scale.
    "-9223372036854775808ns", "-9223372036854775809ns", "-2562048h", "--5s", "+-5s", "-", "+", "-0", "0.9223372036854775809h", "0.92233720368547758095h",
    "1.9223372036854775808h", "ms5", ".s", "5s.", "1e", "1.s5s", "1.h30m", `0.${"9".repeat(400)}s`, `1.${"0".repeat(330)}1h`,
];
const DURATION_TOKENS = [
    "1", "0", "5", "9", "30", ".", "ms", "s", "m", "h", "us", "ns", "µs", "-", "+", "d", " ", "00", "999999999",
    "1s", "30m", "1.5h", "250ms", "0.5s", "2h", "0s", "10m", "0.001ms",
];

function verdicts<T extends object>(values: readonly string[], judge: (v: string) => T): ({ value: string } & T)[] {
    return values.map((value) => ({ value, ...judge(value) }));
}

/** A hostname as the config's hostname check judges it. */
function hostnameProblem(v: string): string | undefined {
    const problems: string[] = [];
    new Checks(() => v, (k) => k, problems).hostname("host", v);
    return problems[0];
}

/** Each group of an accepted pattern, as a distinct marker, so that the Go suite sees which group a reference took. */
const marker = (i: number) => `<${i}>`;

/**
 * The TypeScript verdict of each check on one value: what the corpus records for the Go suite, and
 * what test/config/go-verdicts.spec.ts holds to the verdicts Go recorded.
 */
export const TS_VERDICTS = {
    re2: (v: string) => {
        const problem = regexProblem(v);
        const error = re2Error(v)?.message ?? "";
        return { accept: problem === undefined, problem, error, names: problem === undefined ? re2Groups(v).names : undefined };
    },
    semver: (v: string) => {
        const problem = semverConstraintError(v);
        return { accept: problem === undefined, problem };
    },
    extract: (pattern: string, template: string) => {
        const groups = re2Groups(pattern);
        const problem = extractProblem(pattern, template);
        const refs = parseTemplate(template).flatMap((p) => ("ref" in p ? [{ num: p.num, name: p.name }] : []));
        return { pattern, template, accept: problem === undefined, problem, refs, expansion: expandTemplate(template, groups.names, groups.names.map((_, i) => marker(i))) };
    },
    dnsLabel: (v: string) => ({ accept: DNS_LABEL.test(v) }),
    objectName: (v: string) => ({ accept: isDnsSubdomain(v) }),
    hostname: (v: string) => {
        const problem = hostnameProblem(v);
        return { accept: problem === undefined, problem };
    },
    duration: (v: string) => {
        const ns = goDurationNs(v);
        return { accept: isPositiveFluxDuration(v), ns: ns === undefined ? undefined : ns.toString() };
    },
};

export function buildCorpus(): object {
    return {
        command: CORPUS_COMMAND,
        re2: verdicts(corpus(RE2_HAND, RE2_TOKENS, 8, 100), TS_VERDICTS.re2),
        semver: verdicts(corpus(SEMVER_HAND, SEMVER_TOKENS, 8, 200), TS_VERDICTS.semver),
        extract: EXTRACT_PATTERNS.flatMap((pattern, k) =>
            corpus(EXTRACT_HAND, EXTRACT_TOKENS, 6, 300 + k).map((template) => TS_VERDICTS.extract(pattern, template)),
        ),
        dnsLabel: verdicts(corpus(DNS_HAND, LABEL_TOKENS, 5, 400), TS_VERDICTS.dnsLabel),
        objectName: verdicts(corpus([...DNS_HAND, ...HOST_HAND], [...LABEL_TOKENS, "a".repeat(60), ".a".repeat(40)], 8, 500), TS_VERDICTS.objectName),
        hostname: verdicts(corpus(HOST_HAND, [...LABEL_TOKENS, ".", ".com", "a".repeat(60), "echo", ".example", ".io", "x-y"], 8, 600), TS_VERDICTS.hostname),
        duration: verdicts(corpus(DURATION_HAND, DURATION_TOKENS, 6, 700), TS_VERDICTS.duration),
    };
}

if (require.main === module) {
    const file = process.argv[2] ?? CORPUS_FILE;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(buildCorpus(), null, 1)}\n`);
    console.log(`validator corpus written to ${path.relative(process.cwd(), file)}`);
}
