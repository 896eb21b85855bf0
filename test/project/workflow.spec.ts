import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import * as YAML from "yaml";
import { PROJECT_ROOT, readStackConfig } from "../../scripts/offline";

interface Step {
    id?: string;
    uses?: string;
    run?: string;
    if?: string;
    env?: Record<string, string>;
    with?: Record<string, unknown>;
}
interface Job {
    if?: string;
    environment?: string;
    permissions?: Record<string, string>;
    env?: Record<string, string>;
    steps: Step[];
}
const workflowText = fs.readFileSync(path.join(PROJECT_ROOT, ".github", "workflows", "pulumi.yml"), "utf8");
const workflow = YAML.parse(workflowText) as {
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
                assert.ok(step.if?.startsWith("steps.stack.outputs.deployments != 'true'"), `${name}: ${step.uses ?? step.run}`);
                assert.ok(!(step.if ?? "").slice("steps.stack.outputs.deployments != 'true'".length).includes("||"), `${name}: ${step.if}`);
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

    it("pins every action by its release's full commit SHA, the release said beside it", () => {
        // A tag can be moved; a commit cannot. Each SHA is `git rev-parse <tag>^{commit}` in the
        // action's repository: actions/checkout v4.4.0, actions/setup-node v4.4.0,
        // aws-actions/configure-aws-credentials v4.3.1, pulumi/actions v6.6.1,
        // actions/create-github-app-token v3.1.1.
        const PINS: Record<string, string> = {
            "actions/checkout": "11d5960a326750d5838078e36cf38b85af677262 # v4.4.0",
            "actions/setup-node": "49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0",
            "aws-actions/configure-aws-credentials": "7474bc4690e29a8392af63c5b98e7449536d5c3a # v4.3.1",
            "pulumi/actions": "8582a9e8cc630786854029b4e09281acd6794b58 # v6.6.1",
            "actions/create-github-app-token": "1b10c78c7865c340bc4f6099eb2f838309f1e8c3 # v3.1.1",
        };
        const uses = workflowText.split("\n").flatMap((l) => {
            const m = /^\s*-?\s*uses: ([^@\s]+)@(.+)$/.exec(l);
            return m ? [[m[1], m[2]] as const] : [];
        });
        assert.ok(uses.length >= 15);
        for (const [action, ref] of uses) assert.equal(ref, PINS[action], action);
    });

    describe("GitHub App", () => {
        // actions/create-github-app-token v3.1.1: `git rev-list -n1 v3.1.1` in its repository;
        // action.yml @v3.1.1 has client-id, private-key, owner, repositories, permission-<name>
        // (repository-hooks for webhooks) and the output `token`.
        const ACTION = "actions/create-github-app-token@1b10c78c7865c340bc4f6099eb2f838309f1e8c3";
        const pulumiJobs = jobs.filter(([, j]) => pulumiSteps(j).length > 0);
        const mintOf = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("actions/create-github-app-token@"));

        it("mints the organisation token with the App, pinned by full commit SHA, only for a stack in PAT mode", () => {
            assert.equal(pulumiJobs.length, 3);
            for (const [name, job] of pulumiJobs) {
                const mint = mintOf(job);
                assert.equal(mint.length, 1, name);
                assert.equal(mint[0].uses, ACTION, name);
                assert.equal(mint[0].id, "org-token");
                assert.equal(mint[0].if, "steps.stack.outputs.deployments != 'true' && steps.stack.outputs.app != 'true' && vars.APP_CLIENT_ID != ''", name);
                assert.deepEqual(
                    { ...mint[0].with, "permission-administration": undefined, "permission-contents": undefined, "permission-repository-hooks": undefined },
                    {
                        "client-id": "${{ vars.APP_CLIENT_ID }}",
                        "private-key": "${{ secrets.APP_PRIVATE_KEY }}",
                        owner: "${{ github.repository_owner }}",
                        repositories: "${{ vars.APP_REPOSITORIES }}",
                        "permission-administration": undefined,
                        "permission-contents": undefined,
                        "permission-repository-hooks": undefined,
                        "permission-metadata": "read",
                    },
                    name,
                );
                // A preview only reads; only the deploy job's token may write.
                const level = name === "deploy" ? "write" : "read";
                for (const k of ["permission-administration", "permission-contents", "permission-repository-hooks"]) assert.equal(mint[0].with?.[k], level, `${name} ${k}`);
            }
            // The release the SHA is, said beside it.
            assert.equal(workflowText.split("\n").filter((l) => l.includes(`uses: ${ACTION} # v3.1.1`)).length, 3);
            // No action is referenced by a mutable ref that merely looks like this one.
            assert.ok(!/create-github-app-token@v/.test(workflowText));
        });

        it("hands a GitHub token only to the Pulumi step, and none to a stack in App mode", () => {
            for (const [name, job] of pulumiJobs) {
                assert.equal(job.env?.GITHUB_TOKEN, undefined, `${name}: no job-wide GITHUB_TOKEN`);
                for (const step of job.steps) {
                    const token = step.env?.GITHUB_TOKEN;
                    if (step.uses?.startsWith("pulumi/actions@")) {
                        assert.equal(token, "${{ steps.stack.outputs.app != 'true' && (steps.org-token.outputs.token || secrets.ORG_GITHUB_TOKEN) || '' }}", name);
                    } else {
                        assert.equal(token, undefined, `${name}: ${step.uses ?? step.run}`);
                    }
                }
            }
        });

        it("tells App mode from the stack's config as the stack-settings step prints it", () => {
            const [, job] = pulumiJobs[0];
            const run = job.steps.find((s) => s.run?.includes("readStackConfig(process.env.STACK)"))?.run ?? "";
            const script = /-e '([^']*)'/.exec(run)?.[1];
            assert.ok(script, run);
            for (const [githubAppId, app] of [["", "false"], ["123456", "true"], [undefined, "false"]] as const) {
                const printed: string[] = [];
                const values = { "aws:region": "eu-central-1", "flux-gitops:deployments": "false", "flux-gitops:githubAppId": githubAppId };
                const require = () => ({ readStackConfig: () => ({ values }) });
                vm.runInNewContext(script, { require, process: { env: { STACK: "dev" } }, console: { log: (l: string) => printed.push(l) } });
                assert.deepEqual(printed, ["region=eu-central-1", "deployments=false", `app=${app}`]);
            }
            // The example stacks are in PAT mode: Pulumi.yaml declares githubAppId with "" as its default.
            for (const stack of ["dev", "prod"]) assert.equal(readStackConfig(stack).values["flux-gitops:githubAppId"], "", stack);
        });
    });
});
