/**
 * What Go's regexp package (the engine image-reflector-controller compiles `filterTags.pattern`
 * with, internal/policy/filter.go @v1.2.4: `regexp.Compile`) accepts, and how it expands
 * `filterTags.extract` (`Regexp.ExpandString`). A translation of Go 1.26's
 * src/regexp/syntax/parse.go (`parse` with the `Perl` flags, as `regexp.Compile` calls it) and
 * src/regexp/regexp.go (`expand`, `extract`), kept to what decides acceptance: the tree is
 * built only as far as the repeat checks need it. The Go suite in conformance/validators holds
 * both to the real functions on a corpus of adversarial values.
 *
 * Not translated: the limit on the compiled size (`ErrLarge`, 128 MiB of instructions), which only
 * patterns thousands of characters long reach. The height limit (`ErrNestingDepth`) is counted on
 * captures, repeats, concatenations and alternations; Go merges adjacent literals into one node
 * and single characters of an alternation into one class first, so near 1000 levels the two
 * counts may differ by one.
 */

/** A Go regexp/syntax error: its code (`ErrorCode`'s text) and the part of the pattern it names. */
export class Re2Error extends Error {
    constructor(
        readonly code: string,
        readonly expr: string,
    ) {
        // regexp/syntax Error.Error(): "error parsing regexp: " + code + ": `" + expr + "`"
        super(`error parsing regexp: ${code}: \`${expr}\``);
    }
}

/** Groups of a pattern Go accepts: how many capture, and the names, by number (index 0: the whole match, ""). */
export interface Re2Groups {
    readonly count: number;
    readonly names: readonly string[];
}

// regexp/syntax/perl_groups.go: the Perl escapes and POSIX classes.
const PERL_CLASSES = new Set<string | undefined>(["d", "D", "s", "S", "w", "W"]);
const POSIX_CLASSES = new Set(
    ["alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit"].flatMap(
        (n) => [`[:${n}:]`, `[:^${n}:]`],
    ),
);
// The names \p{…} accepts in Go 1.26 (`unicodeTable`: Any, Assigned, ASCII, LC, the keys of
// unicode.Categories and unicode.Scripts that are already canonical, and unicode.CategoryAliases),
// listed by compiling `\p{<name>}` for every key of those tables. Scripts whose key has an
// underscore (Old_Italic) are not reachable: canonicalName drops the underscore, the table key keeps it.
const UNICODE_NAMES =
    "ASCII Adlam Ahom Any Arabic Armenian Assigned Avestan Balinese Bamum Batak Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese " +
    "Buhid C Carian Cased_Letter Cc Cf Chakma Cham Cherokee Chorasmian Close_Punctuation Cn Co Combining_Mark Common " +
    "Connector_Punctuation Control Coptic Cs Cuneiform Currency_Symbol Cypriot Cyrillic Dash_Punctuation Decimal_Number Deseret " +
    "Devanagari Dogra Duployan Elbasan Elymaic Enclosing_Mark Ethiopic Final_Punctuation Format Georgian Glagolitic Gothic Grantha " +
    "Greek Gujarati Gurmukhi Han Hangul Hanunoo Hatran Hebrew Hiragana Inherited Initial_Punctuation Javanese Kaithi Kannada Katakana " +
    "Kawi Kharoshthi Khmer Khojki Khudawadi L LC Lao Latin Lepcha Letter Letter_Number Limbu Line_Separator Lisu Ll Lm Lo " +
    "Lowercase_Letter Lt Lu Lycian Lydian M Mahajani Makasar Malayalam Mandaic Manichaean Marchen Mark Math_Symbol Mc Me Medefaidrin " +
    "Miao Mn Modi Modifier_Letter Modifier_Symbol Mongolian Mro Multani Myanmar N Nabataean Nandinagari Nd Newa Nko Nl No " +
    "Nonspacing_Mark Number Nushu Ogham Open_Punctuation Oriya Osage Osmanya Other Other_Letter Other_Number Other_Punctuation " +
    "Other_Symbol P Palmyrene Paragraph_Separator Pc Pd Pe Pf Phoenician Pi Po Private_Use Ps Punctuation Rejang Runic S Samaritan " +
    "Saurashtra Sc Separator Sharada Shavian Siddham Sinhala Sk Sm So Sogdian Soyombo Space_Separator Spacing_Mark Sundanese " +
    "Surrogate Symbol Syriac Tagalog Tagbanwa Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Titlecase_Letter " +
    "Toto Ugaritic Unassigned Uppercase_Letter Vai Vithkuqi Wancho Yezidi Yi Z Zl Zp Zs cntrl digit punct";

/**
 * regexp/syntax `canonicalName` as a key to compare names by: Go drops `_`, `-` and spaces and sets
 * the case of ASCII letters (the first upper, the rest lower), so two names have the same canonical
 * name exactly when they have the same key, every ASCII letter lowercase.
 */
const nameKey = (name: string): string => name.replace(/[-_ ]/g, "").replace(/[A-Z]/g, (c) => c.toLowerCase());
const UNICODE_KEYS = new Set(UNICODE_NAMES.split(" ").map(nameKey));

// The character tests of parse.go, on one code point, or on undefined where Go's would test the end of the string.
const DIGITS = new Set<string | undefined>("0123456789");
const OCTAL = new Set<string | undefined>("01234567");
const HEX = new Map<string | undefined, number>([..."0123456789abcdefABCDEF"].map((h) => [h, parseInt(h, 16)]));
const isDigit = (c: string | undefined): boolean => DIGITS.has(c);
const isOctal = (c: string | undefined): boolean => OCTAL.has(c);
const isAlnum = (c: string): boolean => /[0-9A-Za-z]/.test(c);
const unhex = (c: string | undefined): number => HEX.get(c) ?? -1;
const MAX_RUNE = 0x10ffff;

/**
 * A node of the parse tree, as far as `repeatIsValid` and the height limit need it: repeats and
 * what they contain, and the height (a leaf is 1; a capture, repeat, concatenation or alternation
 * adds 1; a non-capturing group adds nothing, as in Go, which pushes its content as it is).
 */
interface Node {
    readonly repeat?: { readonly min: number; readonly max: number };
    readonly subs: readonly Node[];
    readonly height: number;
}
type Open = { readonly pseudo: "("; readonly capture?: boolean };
type Bar = { readonly pseudo: "|" };
type Placed = { readonly pseudo?: undefined; readonly node: Node };
type Item = Open | Bar | Placed;
const LEAF: Node = { subs: [], height: 1 };
// parse.go maxHeight: a deeper parse tree is ErrNestingDepth.
const MAX_HEIGHT = 1000;

/** A node over `subs`: the one sub itself, an empty match for none, else one level above them. */
function above(subs: readonly Node[]): Node {
    if (subs.length === 0) return LEAF;
    if (subs.length === 1) return subs[0];
    return { subs, height: 1 + Math.max(...subs.map((n) => n.height)) };
}

/** regexp/syntax `repeatIsValid`: nested counted repeats multiply to at most n copies. */
function repeatIsValid(node: Node, n: number): boolean {
    if (node.repeat) {
        if (node.repeat.max === 0) return true;
        // {n,} (max -1) counts its min.
        const m = node.repeat.max === -1 ? node.repeat.min : node.repeat.max;
        if (m > n) return false;
        if (m > 0) n = Math.floor(n / m);
    }
    return node.subs.every((s) => repeatIsValid(s, n));
}

/** A parser over the pattern's code points (Go walks UTF-8 runes; the two agree rune by rune). */
class Parser {
    private readonly s: string[];
    private i = 0;
    private readonly stack: Item[] = [];
    private readonly names: string[] = [""];

    constructor(private readonly whole: string) {
        if (/\p{Cs}/u.test(whole)) {
            // A lone surrogate has no UTF-8 encoding: the string Go would get is not valid UTF-8.
            throw new Re2Error("invalid UTF-8", whole);
        }
        this.s = [...whole];
    }

    private at(k = 0): string | undefined {
        return this.s[this.i + k];
    }
    private rest(from = this.i): string {
        return this.s.slice(from).join("");
    }
    private text(from: number, to = this.i): string {
        return this.s.slice(from, to).join("");
    }
    /** `push`, with parse.go `checkHeight`: Go measures every node it pushes, so the first too deep stops the parse. */
    private push(node: Node = LEAF): void {
        if (node.height > MAX_HEIGHT) throw new Re2Error("expression nests too deeply", this.whole);
        this.stack.push({ node });
    }

    parse(): Re2Groups {
        let lastRepeat: number | undefined;
        while (this.i < this.s.length) {
            let repeat: number | undefined;
            const c = this.s[this.i];
            const start = this.i;
            switch (c) {
                case "(":
                    if (this.at(1) === "?") {
                        this.parsePerlFlags();
                        break;
                    }
                    this.names.push("");
                    this.stack.push({ pseudo: "(", capture: true });
                    this.i++;
                    break;
                case "|":
                    this.concat();
                    this.stack.push({ pseudo: "|" });
                    this.i++;
                    break;
                case ")":
                    this.parseRightParen();
                    this.i++;
                    break;
                case "[":
                    this.parseClass();
                    this.push();
                    break;
                case "*":
                case "+":
                case "?":
                    this.i++;
                    this.repeat(undefined, start, lastRepeat);
                    repeat = start;
                    break;
                case "{": {
                    const r = this.parseRepeat();
                    if (!r) {
                        this.push();
                        this.i++;
                        break;
                    }
                    this.i = r.end;
                    // parse.go also refuses a min of -1, its mark of a number over 1e8, which here stays over 1000.
                    if (r.min > 1000 || r.max > 1000 || (r.max >= 0 && r.min > r.max)) {
                        throw new Re2Error("invalid repeat count", this.text(start));
                    }
                    this.repeat(r, start, lastRepeat);
                    repeat = start;
                    break;
                }
                case "\\":
                    this.parseBackslash();
                    break;
                default:
                    // Literals, and ^ $ . which are nodes like any other here.
                    this.push();
                    this.i++;
            }
            lastRepeat = repeat;
        }
        this.alternate();
        if (this.stack.length !== 1) throw new Re2Error("missing closing )", this.whole);
        return { count: this.names.length - 1, names: this.names };
    }

    /** `concat`: the nodes above the topmost `|` or `(` become one. */
    private concat(): void {
        let k = this.stack.length;
        while (k > 0 && this.stack[k - 1].pseudo === undefined) k--;
        this.push(above((this.stack.splice(k) as Placed[]).map((item) => item.node)));
    }

    /** `alternate`: the branches above the topmost `(`, each concatenated, become one node. */
    private alternate(): void {
        this.concat();
        let k = this.stack.length;
        while (k > 0 && this.stack[k - 1].pseudo !== "(") k--;
        const branches = this.stack.splice(k).filter((item) => item.pseudo !== "|") as Placed[];
        this.push(above(branches.map((item) => item.node)));
    }

    private parseRightParen(): void {
        this.alternate();
        // alternate left one node above the topmost `(`: below it is that `(`, if there is one.
        if (this.stack.length < 2) throw new Re2Error("unexpected )", this.whole);
        const inner = this.stack.pop() as Placed;
        const paren = this.stack.pop() as Open;
        this.push(paren.capture ? { subs: [inner.node], height: inner.node.height + 1 } : inner.node);
    }

    /** `repeat`: Perl mode takes a trailing `?` (non-greedy) and forbids stacking repetitions. */
    private repeat(counted: { min: number; max: number } | undefined, before: number, lastRepeat: number | undefined): void {
        if (this.at() === "?") this.i++;
        if (lastRepeat !== undefined) throw new Re2Error("invalid nested repetition operator", this.text(lastRepeat));
        const top = this.stack[this.stack.length - 1];
        if (top === undefined || top.pseudo !== undefined) {
            throw new Re2Error("missing argument to repetition operator", this.text(before));
        }
        const node: Node = { repeat: counted, subs: [top.node], height: top.node.height + 1 };
        this.stack.pop();
        this.push(node);
        // parse.go asks only about {n,m} with n or m >= 2, to save time: no other repeat divides the count.
        if (!repeatIsValid(node, 1000)) {
            throw new Re2Error("invalid repeat count", this.text(before));
        }
    }

    /** `parseRepeat`: {n}, {n,} (max -1) or {n,m}, or undefined when `{` is a literal. */
    private parseRepeat(): { min: number; max: number; end: number } | undefined {
        let j = this.i + 1;
        // `parseInt`: digits without a leading zero, else -1 (and j stays, so no `}` follows a missing max).
        // Go stops at 1e8 against overflow; a number here only grows, and over 1000 is refused alike.
        const int = (): number => {
            if (!isDigit(this.s[j]) || (this.s[j] === "0" && isDigit(this.s[j + 1]))) return -1;
            let n = 0;
            for (; isDigit(this.s[j]); j++) n = n * 10 + Number(this.s[j]);
            return n;
        };
        const min = int();
        if (min < 0) return undefined;
        let max = min;
        if (this.s[j] === ",") {
            j++;
            max = int(); // -1 at once for {n,}
        }
        return this.s[j] === "}" ? { min, max, end: j + 1 } : undefined;
    }

    /** `parsePerlFlags`: named captures, non-capturing groups and flag changes; everything else is refused. */
    private parsePerlFlags(): void {
        const start = this.i;
        const t = this.s.slice(this.i);
        const startsWithP = t.length > 4 && t[2] === "P" && t[3] === "<";
        const startsWithName = t.length > 3 && t[2] === "<";
        if (startsWithP || startsWithName) {
            const end = t.indexOf(">");
            if (end === -1) throw new Re2Error("invalid named capture", this.rest());
            const name = t.slice(startsWithP ? 4 : 3, end).join("");
            // isValidCaptureName: [A-Za-z0-9_]+.
            if (!/^\w+$/.test(name)) {
                throw new Re2Error("invalid named capture", t.slice(0, end + 1).join(""));
            }
            this.names.push(name);
            this.stack.push({ pseudo: "(", capture: true });
            this.i += end + 1;
            return;
        }
        this.i += 2;
        let negated = false;
        for (;;) {
            // Past the end Go's loop stops; `undefined` is no flag either.
            const c = this.at();
            this.i++;
            if (c === "i" || c === "m" || c === "s" || c === "U") continue;
            if (c === "-" && !negated) {
                negated = true;
                continue;
            }
            // Go's sign and sawFlag: after `-`, a flag must come before the end.
            if ((c === ":" || c === ")") && this.s[this.i - 2] !== "-") {
                if (c === ":") this.stack.push({ pseudo: "(" });
                return;
            }
            break;
        }
        throw new Re2Error("invalid or unsupported Perl syntax", this.text(start));
    }

    private parseBackslash(): void {
        const start = this.i;
        const c = this.at(1);
        switch (c) {
            case "A":
            case "b":
            case "B":
            case "z":
                this.i += 2;
                this.push();
                return;
            // parse.go refuses \C (any byte) here; parseEscape refuses it with the same error.
            case "Q": {
                // \Q…\E: literals up to \E or the end.
                const t = this.s.slice(this.i + 2);
                let end = t.findIndex((ch, k) => ch === "\\" && t[k + 1] === "E");
                if (end < 0) end = t.length;
                for (let k = 0; k < end; k++) this.push();
                this.i += 2 + Math.min(t.length, end + 2);
                return;
            }
        }
        if (c === "p" || c === "P") {
            this.parseUnicodeClass();
            this.push();
            return;
        }
        if (PERL_CLASSES.has(c)) {
            this.i += 2;
            this.push();
            return;
        }
        this.parseEscape(start);
        this.push();
    }

    /** `parseUnicodeClass` at `\p` or `\P`: a one-letter name or a name in braces, maybe negated with `^`. */
    private parseUnicodeClass(): void {
        const start = this.i;
        this.i += 2;
        let name: string;
        if (this.at() !== "{") {
            // One letter; none past the end, where the name is "" (refused).
            name = this.text(this.i, this.i + 1);
            this.i++;
        } else {
            const end = this.s.indexOf("}", this.i);
            if (end === -1) throw new Re2Error("invalid character class range", this.rest(start));
            name = this.text(this.i + 1, end);
            this.i = end + 1;
        }
        if (name.startsWith("^")) name = name.slice(1);
        if (!UNICODE_KEYS.has(nameKey(name))) {
            throw new Re2Error("invalid character class range", this.text(start));
        }
    }

    /** `parseEscape` at a backslash: the rune it stands for. */
    private parseEscape(start: number): number {
        this.i++;
        const c = this.s[this.i++];
        if (c === undefined) throw new Re2Error("trailing backslash at end of expression", "");
        const code = c.codePointAt(0) as number;
        const invalid = (): Re2Error => new Re2Error("invalid escape sequence", this.text(start));
        if (code < 0x80 && !isAlnum(c)) return code;
        if (isOctal(c) && (c === "0" || isOctal(this.at()))) {
            // Octal: up to three digits. A lone \1-\7 is a backreference, which Go does not support.
            let r = Number(c);
            for (let k = 1; k < 3 && isOctal(this.at()); k++) r = r * 8 + Number(this.s[this.i++]);
            return r;
        }
        if (c === "x") {
            // Past the end of the pattern this reads undefined, no hex digit: Go's `t == ""` checks.
            const d = this.s[this.i++];
            if (d === "{") {
                let r = 0;
                for (;;) {
                    const h = this.s[this.i++];
                    if (h === "}") break;
                    const v = unhex(h);
                    if (v < 0) throw invalid();
                    r = r * 16 + v;
                    if (r > MAX_RUNE) throw invalid();
                }
                if (this.s[this.i - 2] === "{") throw invalid(); // no digit
                return r;
            }
            const x = unhex(d);
            const y = unhex(this.s[this.i++]);
            if (x < 0 || y < 0) throw invalid();
            return x * 16 + y;
        }
        const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
        if (c in simple) return simple[c];
        throw invalid();
    }

    /** `parseClass` at `[`: `]` first is a literal, ranges must not run backwards, POSIX names must exist. */
    private parseClass(): void {
        const start = this.i;
        this.i++;
        if (this.at() === "^") this.i++;
        let first = true;
        const missing = (): Re2Error => new Re2Error("missing closing ]", this.rest(start));
        // Past the end at() is undefined, not `]`; classChar reports the missing `]`.
        while (this.at() !== "]" || first) {
            first = false;
            if (this.at() === "[" && this.at(1) === ":") {
                const tail = this.rest(this.i + 2);
                const k = tail.indexOf(":]");
                if (k >= 0) {
                    const name = `[:${tail.slice(0, k)}:]`;
                    if (!POSIX_CLASSES.has(name)) throw new Re2Error("invalid character class range", name);
                    this.i += [...name].length;
                    continue;
                }
            }
            if (this.at() === "\\" && (this.at(1) === "p" || this.at(1) === "P")) {
                this.parseUnicodeClass();
                continue;
            }
            if (this.at() === "\\" && PERL_CLASSES.has(this.at(1))) {
                this.i += 2;
                continue;
            }
            const rangeStart = this.i;
            const lo = this.classChar(missing);
            if (this.at() === "-" && this.at(1) !== "]") {
                this.i++;
                const hi = this.classChar(missing);
                if (hi < lo) throw new Re2Error("invalid character class range", this.text(rangeStart));
            }
        }
        this.i++; // ]
    }

    private classChar(missing: () => Re2Error): number {
        if (this.i >= this.s.length) throw missing();
        if (this.at() === "\\") return this.parseEscape(this.i);
        return this.s[this.i++].codePointAt(0) as number;
    }
}

/** The groups of `pattern`, or throws the Re2Error Go's `regexp.Compile` would report. */
export function re2Groups(pattern: string): Re2Groups {
    return new Parser(pattern).parse();
}

/** Go's error for `pattern`, or undefined when `regexp.Compile` accepts it. */
export function re2Error(pattern: string): Re2Error | undefined {
    try {
        re2Groups(pattern);
        return undefined;
    } catch (e) {
        // Stryker disable next-line ConditionalExpression: the parser throws only Re2Error; anything else is a bug, not Go's error
        if (e instanceof Re2Error) return e;
        throw e;
    }
}

/** A piece of an Expand template: literal text, or a reference to a group by number or name. */
export type TemplatePart = { readonly text: string } | { readonly ref: string; readonly num: number; readonly name: string };

// unicode.IsLetter, unicode.IsDigit (Nd) and '_': `extract` takes the longest run of them as the name.
const NAME = /^[\p{L}\p{Nd}_]+/u;

/** regexp.go `expand`/`extract`: `$$` is `$`, `$name` and `${name}` are references, any other `$` is text. */
export function parseTemplate(template: string): TemplatePart[] {
    const parts: TemplatePart[] = [];
    let t = template;
    for (;;) {
        const k = t.indexOf("$");
        if (k < 0) break;
        if (k > 0) parts.push({ text: t.slice(0, k) });
        t = t.slice(k + 1);
        if (t.startsWith("$")) {
            parts.push({ text: "$" });
            t = t.slice(1);
            continue;
        }
        const ref = extract(t);
        if (!ref) {
            parts.push({ text: "$" });
            continue;
        }
        parts.push({ ref: `$${t.slice(0, ref.length)}`, num: ref.num, name: ref.name });
        t = t.slice(ref.length);
    }
    if (t) parts.push({ text: t });
    return parts;
}

function extract(str: string): { name: string; num: number; length: number } | undefined {
    const brace = str.startsWith("{");
    const rest = brace ? str.slice(1) : str;
    const name = NAME.exec(rest)?.[0];
    if (name === undefined || (brace && rest[name.length] !== "}")) return undefined;
    let num = 0;
    for (const ch of name) {
        if (!isDigit(ch) || num >= 1e8) {
            num = -1;
            break;
        }
        num = num * 10 + Number(ch);
    }
    if (name[0] === "0" && name.length > 1) num = -1;
    return { name, num, length: (brace ? 2 : 0) + name.length };
}

/** What `ExpandString` writes for `template` when group i matched `groups[i]` (undefined: did not match). */
export function expandTemplate(template: string, names: readonly string[], groups: readonly (string | undefined)[]): string {
    return parseTemplate(template)
        .map((p) => {
            if ("text" in p) return p.text;
            // Past the end of groups (Go's bound on the match) and at index -1 JavaScript reads undefined.
            if (p.num >= 0) return groups[p.num] ?? "";
            return groups[names.findIndex((n, k) => n === p.name && groups[k] !== undefined)] ?? "";
        })
        .join("");
}

/** A reference of an Expand template: as written, and the group number or name it takes. */
export type TemplateRef = Extract<TemplatePart, { readonly ref: string }>;

/** The references of `template` that name no group of the pattern: Go expands each to nothing. */
export function missingGroups(template: string, groups: Re2Groups): TemplateRef[] {
    return parseTemplate(template).flatMap((p) => {
        if ("text" in p) return [];
        // A name is never "" (extract takes one character at least), so names[0] is never found.
        const found = p.num >= 0 ? p.num <= groups.count : groups.names.includes(p.name);
        return found ? [] : [p];
    });
}
