import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { loadCommand, median } from "../../scripts/bench";
import { PROJECT_ROOT } from "../../scripts/offline";

const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
};

/** The `tsc` arguments of `npm run build`, pointed at another project file. */
function buildArgs(project: string): string[] {
    const args = packageJson.scripts.build.split(/\s+/);
    assert.equal(args[0], "tsc", "the build script runs tsc");
    const p = args.indexOf("-p");
    assert.ok(p > 0 && args[p + 1] === ".", "the build script checks the project's tsconfig (-p .)");
    return [...args.slice(1, p + 1), project, ...args.slice(p + 2)];
}

function tsc(args: string[]) {
    return spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), ...args], { cwd: PROJECT_ROOT, encoding: "utf8" });
}

describe("start-up without a type-check pass", () => {
    it("sets noCheck in tsconfig.json itself, where the Pulumi Node.js host reads it", () => {
        // pulumi/pulumi sdk/nodejs/cmd/run/run.ts (v3.270.0, node_modules/@pulumi/pulumi/cmd/run/run.js):
        // transpileOnly = PULUMI_NODEJS_TRANSPILE_ONLY === "true" if that is set, else compilerOptions.noCheck,
        // read by tsutils.loadTypeScriptCompilerOptions with ts.parseConfigFileTextToJson: the
        // file's own compilerOptions, without following `extends`.
        const file = path.join(PROJECT_ROOT, "tsconfig.json");
        const parsed = ts.parseConfigFileTextToJson(file, fs.readFileSync(file, "utf8"));
        assert.equal(parsed.error, undefined);
        assert.equal(parsed.config.compilerOptions.noCheck, true);
    });

    it("keeps the type check in `npm run build`, which `npm test` runs first", () => {
        assert.match(packageJson.scripts.build, /--noCheck false/);
        assert.match(packageJson.scripts.test, /^npm run build && /);
    });

    describe("on a file with a type error", () => {
        // A small project that extends the real one, so the check takes a second, not the whole program's ten.
        const dir = path.join(PROJECT_ROOT, `.typecheck-${process.pid}`);
        const project = path.join(dir, "tsconfig.json");
        before(() => {
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(path.join(dir, "wrong.ts"), 'export const port: number = "8080";\n');
            fs.writeFileSync(project, JSON.stringify({ extends: "../tsconfig.json", include: ["wrong.ts"] }));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("fails the build command with the type error", () => {
            const result = tsc(buildArgs(project));
            assert.equal(result.status, 2, result.stdout + result.stderr);
            assert.match(result.stdout, /wrong\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'\./);
        });

        it("is not reported by the transpile-only load a deploy uses", () => {
            const args = buildArgs(project).filter((a, i, all) => a !== "--noCheck" && all[i - 1] !== "--noCheck");
            const result = tsc(args);
            assert.equal(result.status, 0, result.stdout + result.stderr);
        });
    });
});

describe("npm run bench: start-up times", () => {
    it("loads the program type-checked by forcing noCheck off, transpile-only as the Pulumi host now does", () => {
        const checked = loadCommand("type-checked", "/tmp/out");
        const transpiled = loadCommand("transpile-only", "/tmp/out");
        assert.deepEqual(checked.slice(1, 3), ["--compiler-options", '{"noCheck":false}']);
        assert.equal(checked.includes("--transpile-only"), false);
        assert.equal(transpiled[1], "--transpile-only");
        assert.deepEqual(transpiled.slice(-4), ["--stack", "dev", "--out", "/tmp/out"]);
    });

    it("reports the median of the runs", () => {
        assert.equal(median([3, 1, 2]), 2);
        assert.equal(median([4, 1, 3, 2]), 2.5);
    });
});
