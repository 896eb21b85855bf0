/**
 * What `pulumi up` prints for bad config or a failed registration, through the nodejs host's own
 * printing path: the real @pulumi/pulumi cmd/run process runs a program (the real one, or a small
 * one written here) against a minimal engine (test/helpers/host.ts) that records the Log requests
 * the CLI would show.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT, readStackConfig } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { FakeEngine, HostRun } from "../helpers/host";
import { marker, record } from "../helpers/record";

// cmd/run/index.js: the exit code that tells the language host the error was already reported to
// the user, so it adds no "Program exited with non-zero exit code" of its own.
const LOGGED_AND_EXITED = 32;
const STACK_FRAME = /^\s+at /m;

// One key broken, one unknown: two problems in one message.
const OVERRIDES = { "flux-gitops:owner": "-bad-", "flux-gitops:imagePolicyy": "semver" };

describe("what the nodejs host reports when a program fails", function () {
    this.timeout(30000);
    let engine: FakeEngine;
    let tmp: string;

    before(async () => {
        engine = await FakeEngine.start("flux-gitops", "dev");
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-host-"));
    });
    after(async () => {
        await engine?.close();
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    describe("for the real program with an invalid dev stack", () => {
        let run: HostRun;
        let expected: string;

        before(async () => {
            // What the offline render prints (scripts/render.ts: a ConfigError's message) for the same config.
            const offline = await evaluateStack("dev", OVERRIDES).then(
                () => assert.fail("the offline evaluation accepted the broken config"),
                (e: unknown) => e,
            );
            // evaluateStack loads the program afresh, so its ConfigError is another class object.
            assert.ok(offline instanceof Error && offline.name === "ConfigError", String(offline));
            expected = offline.message;

            const config = readStackConfig("dev");
            run = await engine.run({
                // As `pulumi up` runs it: the project directory, program ".", so the host finds
                // package.json `main` (index.ts) and registers ts-node itself (cmd/run/run.js reads
                // PULUMI_NODEJS_TYPESCRIPT; PULUMI_NODEJS_TRANSPILE_ONLY skips type checking).
                pwd: PROJECT_ROOT,
                program: ".",
                config: { ...config.values, ...OVERRIDES },
                secretKeys: config.secretKeys,
                env: { PULUMI_NODEJS_TYPESCRIPT: "true", PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
            });
        });

        it("shows exactly one message, an error, whose text is the offline render's message", () => {
            // DEBUG messages are hidden by the CLI unless asked for; everything else is shown.
            const shown = run.logs.filter((l) => l.severity !== "DEBUG");
            assert.deepEqual(shown, [{ severity: "ERROR", message: expected }], run.stderr);
        });

        it("is the header line, then one line per problem", () => {
            const [error] = run.logs.filter((l) => l.severity === "ERROR");
            assert.deepEqual(error.message.split("\n"), [
                'Invalid configuration for stack "dev" (2 problems):',
                "  - flux-gitops:imagePolicyy is not a key this program reads; did you mean imagePolicy?",
                '  - flux-gitops:owner is not a valid GitHub login (got "-bad-")',
            ]);
        });

        it("has no stack trace and no util.inspect dump", () => {
            // cmd/run/run.js `uncaughtHandler`: RunError.isInstance(err) → log.error(err.message);
            // anything else → "Running program '…' failed with an unhandled exception:" + util.inspect.
            const text = run.logs.map((l) => l.message).join("\n");
            assert.doesNotMatch(text, STACK_FRAME);
            assert.doesNotMatch(text, /unhandled exception/);
            assert.doesNotMatch(text, /problems: \[|stackName:/);
        });

        it("prints nothing to stderr itself: with an engine, log.error goes over gRPC (log/index.js)", () => {
            assert.doesNotMatch(run.stderr, /error: \[runtime\]|Invalid configuration/);
        });

        it("registers no resource but the root stack, and exits non-zero as 'already reported'", () => {
            assert.deepEqual(run.registered, ["pulumi:pulumi:Stack::flux-gitops-dev"]);
            assert.equal(run.exitCode, LOGGED_AND_EXITED);
        });
    });

    describe("a registration that fails after its constructor returned (a dependsOn entry that is no Resource)", () => {
        // @pulumi/pulumi runtime/dependsOn.js gatherExplicitDependencies throws inside the async
        // registration; the promises it rejects are awaited by nobody.
        const program = (pulumi: typeof import("@pulumi/pulumi")): void => {
            class Thing extends pulumi.CustomResource {
                constructor(name: string, opts?: pulumi.CustomResourceOptions) {
                    super("test:index:Thing", name, {}, opts);
                }
            }
            new Thing("fine");
            new Thing("broken", { dependsOn: ["not a resource" as unknown as pulumi.Resource] });
        };
        const NOT_A_RESOURCE = "'dependsOn' was passed a value that was not a Resource.";

        it("fails the program in the host, which registers the other resource only", async () => {
            const dir = fs.mkdtempSync(path.join(tmp, "depends-on-"));
            fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"));
            fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "depends-on", main: "index.js" }));
            fs.writeFileSync(path.join(dir, "index.js"), `(${program.toString()})(require("@pulumi/pulumi"));\n`);
            const run = await engine.run({ pwd: dir, program: "." });
            const errors = run.logs.filter((l) => l.severity === "ERROR").map((l) => l.message);
            assert.equal(errors.length, 1, run.stderr);
            assert.match(errors[0], /^Running program '.*' failed with an unhandled exception:\n/);
            assert.ok(errors[0].includes(NOT_A_RESOURCE), errors[0]);
            assert.deepEqual(run.registered, ["pulumi:pulumi:Stack::flux-gitops-dev", "test:index:Thing::fine"]);
            assert.equal(run.exitCode, LOGGED_AND_EXITED);
        });

        it("fails the recording under mocks too, which would otherwise register the other resource and say nothing", async () => {
            await assert.rejects(
                record(() => program(pulumi)),
                (e: Error) => e.message === `the program failed with an unhandled exception, as the language host would report it: ${NOT_A_RESOURCE}`,
            );
            assert.deepEqual((await record(() => marker("fine"))).map((r) => r.name), ["fine"]);
        });
    });

    it("dumps a plain Error carrying its problems, with its stack: why ConfigError is a RunError", async () => {
        fs.writeFileSync(
            path.join(tmp, "package.json"),
            JSON.stringify({ name: "plain-error", main: "index.js" }),
        );
        fs.writeFileSync(
            path.join(tmp, "index.js"),
            [
                "class ProblemsError extends Error {",
                "  constructor(problems) { super(`Invalid configuration (${problems.length} problems)`); this.problems = problems; }",
                "}",
                // Only the program's own frame: Node 20.20's util.inspect({ colors: true }) never returns on
                // the source-mapped frame ".../node_modules/@pulumi/resource.ts:…" (nodejs/node#64011).
                "Error.stackTraceLimit = 1;",
                'throw new ProblemsError(["flux-gitops:owner is not a valid GitHub login"]);',
            ].join("\n"),
        );
        const run = await engine.run({ pwd: tmp, program: "." });
        const errors = run.logs.filter((l) => l.severity === "ERROR");
        assert.equal(errors.length, 1, run.stderr);
        const [message] = errors.map((l) => l.message);
        assert.match(message, /^Running program '.*' failed with an unhandled exception:\n/);
        assert.match(message, STACK_FRAME);
        assert.match(message, /problems: \[/);
        assert.ok(message.includes("flux-gitops:owner is not a valid GitHub login"), message);
        assert.equal(run.exitCode, LOGGED_AND_EXITED);
    });
});
