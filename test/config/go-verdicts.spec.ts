/**
 * The value checks translated from Go (config/re2.ts, config/semver.ts, config/checks.ts,
 * components/validation.ts) give, value by value, the verdicts the Go libraries gave on the
 * validator corpus. test/config/fixtures/go-verdicts.json holds those verdicts: the conformance
 * suite (conformance/validators TestRecordedVerdicts) wrote it by asking regexp, Masterminds/semver
 * v3.5.0, apimachinery and the CRDs, and fails whenever Go would now answer otherwise. So this quick
 * suite, and every mutant Stryker runs it on, is judged by the real libraries without Go.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildCorpus, TS_VERDICTS } from "../../scripts/validator-corpus";

interface Recorded {
    readonly re2: readonly { value: string; error: string; names?: string[] }[];
    readonly semver: readonly { value: string; error: string }[];
    readonly extract: readonly { pattern: string; template: string; expansion: string; accept: boolean }[];
    readonly dnsLabel: readonly { value: string; accept: boolean }[];
    readonly objectName: readonly { value: string; accept: boolean }[];
    readonly hostname: readonly { value: string; accept: boolean }[];
    readonly duration: readonly { value: string; accept: boolean; ns: string | null }[];
}

const RECORDED_FILE = path.join(__dirname, "fixtures", "go-verdicts.json");
const RECORD_COMMAND = "FLUX_GITOPS_RECORD_VERDICTS=1 go test -count=1 ./validators -run TestRecordedVerdicts (in conformance/)";
const recorded = JSON.parse(fs.readFileSync(RECORDED_FILE, "utf8")) as Recorded;

/** Every value on which `differs` finds the TypeScript check disagreeing with Go, described. */
function disagreements<T>(values: readonly T[], differs: (recorded: T) => string | undefined): string[] {
    return values.flatMap((v) => {
        const why = differs(v);
        return why === undefined ? [] : [why];
    });
}

const show = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

describe("the value checks give the Go libraries' verdicts, recorded on the validator corpus", () => {
    it("holds a verdict for every value of the corpus as scripts/validator-corpus.ts writes it today", () => {
        const corpus = buildCorpus() as Record<keyof Recorded, { value?: string; pattern?: string; template?: string }[]>;
        for (const check of ["re2", "semver", "dnsLabel", "objectName", "hostname", "duration"] as const) {
            assert.deepEqual(
                recorded[check].map((v) => v.value),
                corpus[check].map((v) => v.value),
                `the recorded ${check} values are not the corpus's: rewrite them with ${RECORD_COMMAND}`,
            );
        }
        assert.deepEqual(
            recorded.extract.map((v) => [v.pattern, v.template]),
            corpus.extract.map((v) => [v.pattern, v.template]),
            `the recorded extract values are not the corpus's: rewrite them with ${RECORD_COMMAND}`,
        );
    });

    it("tagPattern: accepts what Go's regexp.Compile accepts, quotes its error word for word, and reads its group names", () => {
        const both = recorded.re2.filter((v) => v.error === "").length;
        assert.ok(both > 0 && both < recorded.re2.length, "the corpus holds patterns of both kinds");
        assert.deepEqual(
            disagreements(recorded.re2, ({ value, error, names }) => {
                const ts = TS_VERDICTS.re2(value);
                if (ts.accept !== (error === "")) return `${show(value)}: Go ${error || "compiles it"}, TypeScript ${ts.problem ?? "accepts"}`;
                if (ts.error !== error) return `${show(value)}: Go's error ${JSON.stringify(error)}, TypeScript's ${JSON.stringify(ts.error)}`;
                if (names && JSON.stringify(ts.names) !== JSON.stringify(names)) return `${show(value)}: Go's groups ${names.join(",")}, TypeScript's ${ts.names?.join(",")}`;
                return undefined;
            }),
            [],
        );
    });

    it("imageSemverRange: accepts what Masterminds/semver NewConstraint accepts, with the library's error text", () => {
        assert.deepEqual(
            disagreements(recorded.semver, ({ value, error }) => {
                const ts = TS_VERDICTS.semver(value).problem ?? "";
                return ts === error ? undefined : `${show(value)}: Go ${JSON.stringify(error)}, TypeScript ${JSON.stringify(ts)}`;
            }),
            [],
        );
    });

    it("tagExtract: expands a template as Go's Regexp.ExpandString does, and refuses it where a reference expands to nothing", () => {
        assert.deepEqual(
            disagreements(recorded.extract, ({ pattern, template, expansion, accept }) => {
                const ts = TS_VERDICTS.extract(pattern, template);
                if (ts.expansion !== expansion) return `${show(template)} with ${show(pattern)}: Go writes ${show(expansion)}, TypeScript ${show(ts.expansion)}`;
                return ts.accept === accept ? undefined : `${show(template)} with ${show(pattern)}: Go ${accept ? "resolves" : "leaves out"} a reference, TypeScript ${ts.problem ?? "accepts"}`;
            }),
            [],
        );
    });

    for (const check of ["dnsLabel", "objectName", "hostname"] as const) {
        it(`${check}: accepts what apimachinery's validation${check === "hostname" ? " and the HTTPRoute CRD" : ""} accept`, () => {
            assert.deepEqual(
                disagreements(recorded[check], ({ value, accept }) =>
                    TS_VERDICTS[check](value).accept === accept ? undefined : `${show(value)}: Go ${accept ? "accepts" : "refuses"} it`,
                ),
                [],
            );
        });
    }

    it("durations: accepts what the CRD's pattern and time.ParseDuration accept, and reads the same nanoseconds", () => {
        assert.deepEqual(
            disagreements(recorded.duration, ({ value, accept, ns }) => {
                const ts = TS_VERDICTS.duration(value);
                if (ts.accept !== accept) return `${show(value)}: Go ${accept ? "accepts" : "refuses"} it`;
                return (ts.ns ?? null) === ns ? undefined : `${show(value)}: Go reads ${ns} ns, TypeScript ${ts.ns}`;
            }),
            [],
        );
    });
});
