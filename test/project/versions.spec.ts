import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { PROJECT_ROOT } from "../../scripts/offline";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
const packageJson = JSON.parse(read("package.json")) as {
    engines: { node: string };
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
};
const project = YAML.parse(read("Pulumi.yaml")) as { requiredPulumiVersion: string };
const workflow = YAML.parse(read(".github/workflows/pulumi.yml")) as {
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const readme = read("README.md");

/** The one minimum CLI version: `requiredPulumiVersion` is `>=X.Y.Z`. */
const MINIMUM_CLI = /^>=(\d+\.\d+\.\d+)$/.exec(project.requiredPulumiVersion)?.[1];

describe("one set of versions", () => {
    describe("the Pulumi CLI", () => {
        it("has one minimum, enforced by requiredPulumiVersion (ValidatePulumiVersionRange in pulumi/pulumi sdk/go/common/resource/plugin/plugin.go)", () => {
            assert.equal(MINIMUM_CLI, "3.270.0");
        });

        it("is that version in every workflow job that runs it", () => {
            const pulumi = steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
            assert.ok(pulumi.length >= 3);
            for (const step of pulumi)
                assert.equal(String(step.with?.["pulumi-version"]), MINIMUM_CLI);
        });

        it("is the version the README asks for", () => {
            assert.ok(
                readme.includes(`Pulumi CLI ${MINIMUM_CLI} or later`),
                "README names the minimum CLI",
            );
        });

        it("is no npm dependency: the `pulumi` package only downloads a CLI binary, and stops at 3.265.0 on the registry", () => {
            assert.equal(packageJson.devDependencies.pulumi, undefined);
            assert.equal(packageJson.dependencies.pulumi, undefined);
        });

        it("is at least the SDK's own version, so the engine knows every feature the SDK sends", () => {
            const sdk = packageJson.dependencies["@pulumi/pulumi"].split(".").map(Number);
            const cli = String(MINIMUM_CLI).split(".").map(Number);
            assert.ok(
                cli[0] > sdk[0] ||
                    (cli[0] === sdk[0] &&
                        (cli[1] > sdk[1] || (cli[1] === sdk[1] && cli[2] >= sdk[2]))),
            );
        });
    });

    describe("Node.js", () => {
        const floor = Number(/^>=(\d+)$/.exec(packageJson.engines.node)?.[1]);

        it("supports the SDK's own range: @pulumi/pulumi declares engines node >=22", () => {
            const sdk = JSON.parse(read("node_modules/@pulumi/pulumi/package.json")) as {
                engines: { node: string };
            };
            assert.equal(packageJson.engines.node, sdk.engines.node);
            assert.equal(floor, 22);
        });

        it("types the program for that floor (@types/node)", () => {
            assert.match(packageJson.devDependencies["@types/node"], new RegExp(`^\\^${floor}\\.`));
        });

        it("is what the workflow sets up and CI installs", () => {
            const setups = steps.filter((s) => s.uses?.startsWith("actions/setup-node@"));
            assert.ok(setups.length >= 4);
            for (const step of setups) assert.equal(Number(step.with?.["node-version"]), floor);
            assert.match(
                read(".ci/node.sh"),
                new RegExp(`^NODE_PINNED=${floor}\\.\\d+\\.\\d+$`, "m"),
            );
            assert.ok(readme.includes(`Node.js ${floor} or later`), "README names the floor");
        });

        it("runs this suite: the tests run on the supported range (.ci/run puts Node.js 22 on PATH)", () => {
            assert.ok(
                Number(process.versions.node.split(".")[0]) >= floor,
                `Node.js ${process.version} is older than the supported ${packageJson.engines.node}: run the tests with Node.js ${floor} (.ci/node.sh installs it)`,
            );
        });
    });
});
