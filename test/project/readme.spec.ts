import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { PROJECT_ROOT } from "../../scripts/offline";

const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
const project = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
    config: Record<string, { default?: unknown }>;
};

describe("the README", () => {
    it("opens with the two set-up commands: the offline render of dev and the whole test suite, conformance included", () => {
        const lines = readme.split("\n");
        assert.equal(lines[2], "```sh");
        assert.match(lines[3], /^npm ci && npm run render\s+# offline render of the dev stack/);
        assert.match(lines[4], /^npm test && npm run test:conformance\s+# type-check, lint and the whole test suite, then the Go conformance suites/);
        assert.equal(lines[5], "```");
    });

    it("starts a new project with pulumi new before the deploy steps", () => {
        const start = readme.indexOf("pulumi new https://github.com/");
        const deploy = readme.indexOf("\n## Deploy\n");
        assert.ok(deploy > 0 && start > deploy, "pulumi new is in the Deploy section");
        assert.ok(start < readme.indexOf("\npulumi preview "), "before the first preview");
        assert.ok(start < readme.indexOf("\npulumi up "), "before the first up");
    });

    it("runs the installed Pulumi CLI, never `npx pulumi` (the npm package stops at 3.265.0, below requiredPulumiVersion)", () => {
        const quickstart = (YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { template: { quickstart: string } })
            .template.quickstart;
        const texts = { "README.md": readme, "policy/README.md": fs.readFileSync(path.join(PROJECT_ROOT, "policy", "README.md"), "utf8"), quickstart };
        for (const [name, text] of Object.entries(texts)) assert.ok(!text.includes("npx pulumi"), `${name} runs npx pulumi`);
        assert.match(quickstart, /pulumi preview --policy-pack policy/);
    });

    it("describes the kube-prometheus-stack version as the chart's own metadata does", () => {
        // charts/kube-prometheus-stack/Chart.yaml at tag kube-prometheus-stack-82.8.0 of
        // prometheus-community/helm-charts (1018a75aab707f2593532ff3603f82bf6f482319): its name,
        // version, appVersion and kubeVersion fields.
        const chart = { name: "kube-prometheus-stack", version: "82.8.0", appVersion: "v0.89.0", kubeVersion: ">=1.25.0-0" };
        assert.equal(chart.name, "kube-prometheus-stack");
        assert.equal(project.config.kubePrometheusStackVersion.default, chart.version);
        assert.ok(
            readme.includes(
                `(\`${chart.version}\` by default: Prometheus Operator \`${chart.appVersion}\`,\nKubernetes \`${chart.kubeVersion}\`, from the chart's own \`Chart.yaml\` at tag \`kube-prometheus-stack-${chart.version}\`;`,
            ),
        );
    });
});
