import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { PROJECT_ROOT } from "../../scripts/offline";

interface Step {
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
}
interface Job {
    if?: string;
    environment?: string;
    permissions?: Record<string, string>;
    env?: Record<string, string>;
    steps: Step[];
}
const workflow = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, ".github", "workflows", "pulumi.yml"), "utf8")) as {
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
};
const jobs = Object.entries(workflow.jobs);
const pulumiSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
/** A job a pull request can start: no `if`, or one that admits the pull_request event. */
const runsOnPullRequests = (job: Job) => job.if === undefined || job.if.includes("'pull_request'");

describe("the GitHub Actions workflow", () => {
    it("tests every pull request and push, then previews with the policy pack or deploys the branch's stack", () => {
        const on = (workflow as unknown as { on: Record<string, { branches?: string[] } | null> }).on;
        assert.deepEqual(Object.keys(on).sort(), ["pull_request", "push"]);
        assert.deepEqual(on.push?.branches, ["main", "production"]);
        assert.deepEqual(workflow.jobs.test.steps.map((s) => s.run).filter(Boolean), ["npm ci", "npm test"]);
        for (const [name, job] of jobs.filter(([, j]) => pulumiSteps(j).length > 0)) {
            assert.equal((job as Job & { needs?: string }).needs, "test", `${name} runs after the tests`);
            for (const step of pulumiSteps(job)) assert.equal(step.with?.policyPacks, "policy", name);
        }
        const deploy = workflow.jobs.deploy;
        assert.equal(deploy.if, "github.event_name == 'push'");
        assert.equal(pulumiSteps(deploy)[0].with?.command, "up");
        assert.equal(deploy.env?.STACK, "${{ github.ref == 'refs/heads/production' && 'prod' || 'dev' }}");
        assert.equal(deploy.environment, deploy.env?.STACK);
        assert.equal(pulumiSteps(workflow.jobs["preview-dev"])[0].with?.command, "preview");
    });

    it("passes secrets to scripts only through env:, never inside a run: script", () => {
        for (const [name, job] of jobs) {
            for (const step of job.steps) {
                if (step.run) assert.ok(!/\$\{\{\s*secrets\./.test(step.run), `${name}: ${step.run}`);
            }
        }
    });

    it("grants id-token: write only to jobs that assume an AWS role, and nothing beyond reading by default", () => {
        assert.deepEqual(workflow.permissions, { contents: "read" });
        for (const [name, job] of jobs) {
            const assumesRole = job.steps.some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
            assert.equal(job.permissions?.["id-token"] === "write", assumesRole, name);
        }
    });

    it("runs the official pulumi/actions (at the minimum CLI version: test/project/versions.spec.ts), and no other CLI", () => {
        assert.ok(jobs.flatMap(([, job]) => pulumiSteps(job)).length >= 3);
        // The CLI comes only from the action: no `npx pulumi` next to it.
        for (const [, job] of jobs) for (const s of job.steps) assert.ok(!s.run?.includes("npx pulumi"), s.run);
    });

    it("never lets a pull request reach prod", () => {
        const pr = jobs.filter(([, job]) => runsOnPullRequests(job));
        assert.deepEqual(pr.map(([name]) => name).sort(), ["preview-dev", "test"]);
        for (const [name, job] of pr) {
            assert.ok(!/prod/.test(String(job.environment ?? "")), `${name} uses no prod environment`);
            assert.ok(!/prod/.test(String(job.env?.STACK ?? "")), `${name} targets no prod stack`);
            for (const step of pulumiSteps(job)) assert.equal(step.with?.["stack-name"], "dev");
        }
        // The job without an environment has no secrets to leak.
        assert.ok(!JSON.stringify(workflow.jobs.test).includes("secrets."));
        // prod is previewed from main only, in its own environment (a read-only role).
        assert.equal(workflow.jobs["preview-prod"].if, "github.event_name == 'push' && github.ref == 'refs/heads/main'");
        assert.equal(workflow.jobs["preview-prod"].environment, "prod-preview");
    });

    it("leaves a stack to Pulumi Deployments when its deployments config is true", () => {
        for (const [name, job] of jobs.filter(([, j]) => pulumiSteps(j).length > 0)) {
            const settings = job.steps.find((s) => s.run?.includes("readStackConfig(process.env.STACK)"));
            assert.ok(settings, `${name} reads the stack's settings`);
            for (const step of job.steps.slice(job.steps.indexOf(settings) + 1)) {
                assert.equal(step.if, "steps.stack.outputs.deployments != 'true'", `${name}: ${step.uses ?? step.run}`);
            }
        }
    });

    it("takes the AWS region from the stack's config, not from the workflow", () => {
        for (const [, job] of jobs) {
            for (const step of job.steps.filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))) {
                assert.equal(step.with?.["aws-region"], "${{ steps.stack.outputs.region }}");
            }
        }
    });
});
