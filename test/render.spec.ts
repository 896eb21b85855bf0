import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { Evaluation, evaluateStack, PROJECT_ROOT } from "../scripts/offline";
import { objectFileName, REDACTED, resourceTree, writeRender } from "../scripts/render";

describe("the offline render", () => {
    let dev: Evaluation;
    let dir: string;
    let files: string[];
    before(async () => {
        dev = await evaluateStack("dev");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-render-"));
        files = writeRender(dev, dir);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes one YAML file per Kubernetes object, named by kind, namespace and name, and resources.json", () => {
        assert.deepEqual(fs.readdirSync(dir).sort(), [...files].sort());
        assert.ok(files.includes("gitrepository.flux-system.echo-server.yaml"));
        assert.ok(files.includes("httproute.echo-server.echo-server.yaml"));
        assert.ok(files.includes("httproute.flux-system.echo-server.yaml"));
        assert.ok(files.includes("namespace.cluster.monitoring.yaml"));
        assert.ok(files.includes("resources.json"));
        const k8s = dev.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.includes("helm.sh"));
        assert.equal(files.length, k8s.length + 1);
        const policy = YAML.parse(fs.readFileSync(path.join(dir, "imagepolicy.flux-system.echo-server.yaml"), "utf8"));
        assert.equal(policy.apiVersion, "image.toolkit.fluxcd.io/v1");
        assert.equal(objectFileName(policy), "imagepolicy.flux-system.echo-server.yaml");
    });

    it("lists every resource with type, name, parent and inputs in resources.json", () => {
        const written = JSON.parse(fs.readFileSync(path.join(dir, "resources.json"), "utf8"));
        assert.equal(written.stack, "dev");
        assert.equal(written.resources.length, dev.resources.length);
        const deployKey = written.resources.find((r: { name: string; type: string }) => r.type === "github:index/repositoryDeployKey:RepositoryDeployKey");
        assert.equal(deployKey.name, "echo-server-deploy-key");
        assert.match(deployKey.parent, /flux-gitops:keys:DeployKey::echo-server-deploy-key$/);
        assert.equal(deployKey.inputs.readOnly, false);
        assert.equal(written.outputs.webhookUrl, REDACTED);
    });

    it("redacts every secret value in what it writes", () => {
        const everything = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("\n");
        for (const secret of dev.secretValues) assert.ok(!everything.includes(secret), `render contains ${secret}`);
        const token = JSON.parse(fs.readFileSync(path.join(dir, "resources.json"), "utf8")).resources.find(
            (r: { name: string; type: string }) => r.type === "aws:ssm/parameter:Parameter" && r.name === "echo-server-receiver-token-ssm",
        );
        assert.equal(token.inputs.value, REDACTED);
        assert.deepEqual(token.secretInputs, ["value"]);
    });

    it("prints a tree with components above their children", () => {
        const tree = resourceTree(dev.resources).split("\n");
        const component = tree.indexOf("  + flux-gitops:keys:DeployKey echo-server-deploy-key");
        assert.ok(tree.indexOf("+ flux-gitops:app:FluxApplication echo-server") < component);
        assert.ok(component >= 0);
        assert.ok(tree.includes("    - tls:index/privateKey:PrivateKey echo-server-deploy-key-key"));
        assert.ok(tree.includes("    + flux-gitops:keys:StoredSecret echo-server-deploy-key-ssm"));
        assert.ok(tree.includes("      - aws:ssm/parameter:Parameter echo-server-deploy-key-ssm"));
    });

    describe("as a command", () => {
        const stackFile = path.join(PROJECT_ROOT, `Pulumi.render-test-${process.pid}.yaml`);
        after(() => fs.rmSync(stackFile, { force: true }));
        const render = (...args: string[]) =>
            spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "scripts/render.ts", ...args], {
                cwd: PROJECT_ROOT,
                encoding: "utf8",
            });

        it("exits non-zero with the config error for a stack with bad config", () => {
            const dev = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8");
            fs.writeFileSync(stackFile, `${dev.trimEnd()}\n  flux-gitops:botEmail: not-an-email\n`);
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-bad-"));
            const result = render("--stack", `render-test-${process.pid}`, "--out", out);
            assert.equal(result.status, 1);
            assert.match(result.stderr, /Invalid configuration for stack "render-test-\d+" \(1 problem\):\n {2}- flux-gitops:botEmail is not an e-mail address \(got "not-an-email"\)/);
            assert.deepEqual(fs.readdirSync(out), [], "nothing is written");
            fs.rmSync(out, { recursive: true, force: true });
        });

        it("exits non-zero for a stack without a stack file", () => {
            const result = render("--stack", "no-such-stack");
            assert.equal(result.status, 1);
            assert.match(result.stderr, /no stack file Pulumi\.no-such-stack\.yaml/);
        });
    });
});
