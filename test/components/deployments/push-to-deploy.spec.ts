import { strict as assert } from "node:assert";
import { evaluateStack } from "../../helpers/evaluations";
import { deploymentSettingsArgs, PushToDeploy, PushToDeploySpec } from "../../../components/deployments/push-to-deploy";
import { bench, marginalResources } from "../../../scripts/bench";
import { one as registeredOne, record } from "../../helpers/record";
import { one, ofType, providerOf } from "../../helpers/resources";
import { SETTINGS } from "../../helpers/types";

describe("push-to-deploy", () => {
    it("creates no Deployments settings and no Pulumi Cloud provider when disabled (the default)", async () => {
        const dev = await evaluateStack("dev");
        assert.equal(ofType(dev, SETTINGS).length, 0);
        assert.equal(dev.resources.filter((r) => r.type === "pulumi:providers:pulumiservice").length, 0);
    });

    it("deploys the stack on pushes to its branch and previews pull requests when enabled", async () => {
        const prod = await evaluateStack("prod", {
            deployments: "true",
            deploymentsOrganization: "developer-friendly",
            deploymentsRepository: "developer-friendly/flux-gitops",
            deploymentsFolder: "./infra",
            deploymentsAwsRoleArn: "arn:aws:iam::123456789012:role/pulumi-deployments",
        });
        const settings = one(prod, SETTINGS, "push-to-deploy");
        assert.deepEqual(settings.inputs, {
            organization: "developer-friendly",
            project: "flux-gitops",
            stack: "prod",
            sourceContext: { git: { branch: "refs/heads/production", repoDir: "infra" } },
            github: {
                repository: "developer-friendly/flux-gitops",
                deployCommits: true,
                previewPullRequests: true,
                paths: ["infra/**"],
                pullRequestTemplate: false,
            },
            operationContext: {
                preRunCommands: ["npm ci"],
                options: { skipInstallDependencies: true },
                environmentVariables: { AWS_REGION: "eu-central-1" },
                oidc: {
                    aws: { roleARN: "arn:aws:iam::123456789012:role/pulumi-deployments", sessionName: "pulumi-flux-gitops-prod" },
                },
            },
            cacheOptions: { enable: true },
        });
        assert.equal(providerOf(prod, settings).type, "pulumi:providers:pulumiservice");
    });

    it("uses no OIDC block without a role, and the repository root by default", () => {
        const args = deploymentSettingsArgs({
            organization: "o", project: "p", stack: "dev", repository: "o/r", branch: "main", folder: ".", awsRegion: "eu-west-1",
        }) as unknown as { sourceContext: unknown; github: { paths: string[] }; operationContext: Record<string, unknown> };
        assert.deepEqual(args.sourceContext, { git: { branch: "refs/heads/main" } });
        assert.deepEqual(args.github.paths, ["**"]);
        assert.equal("oidc" in args.operationContext, false);
    });

    it("rejects incomplete Deployments config before creating anything", async () => {
        await assert.rejects(
            evaluateStack("dev", { deployments: "true", deploymentsAwsRoleArn: "role/x" }),
            (e: Error) => {
                assert.match(e.message, /flux-gitops:deploymentsOrganization is required/);
                assert.match(e.message, /flux-gitops:deploymentsRepository is required/);
                assert.match(e.message, /flux-gitops:deploymentsAwsRoleArn must be an IAM role ARN \(got "role\/x"\)/);
                return true;
            },
        );
    });
});

describe("scale", () => {
    it("adds the same number of resources for every application (linear growth)", async () => {
        const rows = await bench([1, 2, 4], 1);
        const [perApp] = marginalResources(rows);
        assert.deepEqual(marginalResources(rows), [perApp, perApp]);
        // 46 resources and the FluxApplication component that holds them: 12 more since event-driven
        // delivery (image Receiver, its token and webhook, commit status and their two ExternalSecrets),
        // 3 more since each application grants External Secrets its own parameters (component and
        // policy) and syncs its pods' pull Secret; since tenancy 10 more: its Tenant (component,
        // reconciler account and binding, reader account, role, grant component and policy, store;
        // the platform's grant moved into it, and Flux's registry Secret is the pods'), and its own
        // FluxAlerts (component, address Secret, Provider, two Alerts).
        assert.equal(perApp, 60);
        // 62 before the installs, plus Flux Operator (3) and External Secrets (7: store, role, read
        // access, and with IRSA the platform's reader account instead of a Pod Identity association),
        // plus the shared bot token's StoredSecret and parameter; the tenant's alerts are counted above.
        assert.equal(rows[0].resources, 72 + 2 + 12 + 3 + 10);
    });
});

describe("PushToDeploy on its own", () => {
    const spec = (folder: string): PushToDeploySpec => ({
        organization: "developer-friendly",
        project: "flux-gitops",
        stack: "dev",
        repository: "developer-friendly/flux-gitops",
        branch: "main",
        folder,
        awsRegion: "eu-west-1",
    });
    const settings = async (folder: string) => {
        const s = registeredOne(await record(() => new PushToDeploy("push-to-deploy", spec(folder))), SETTINGS, "push-to-deploy").inputs;
        return {
            repoDir: (s.sourceContext as { git: { repoDir?: string } }).git.repoDir,
            paths: (s.github as { paths: string[] }).paths,
        };
    };

    it("deploys from a nested folder given with a trailing slash, the slash dropped", async () => {
        assert.deepEqual(await settings("stacks/flux-gitops/"), { repoDir: "stacks/flux-gitops", paths: ["stacks/flux-gitops/**"] });
    });

    it("keeps a dot inside the folder's path: only a leading `./` is dropped", async () => {
        assert.deepEqual(await settings("stacks/flux.gitops"), { repoDir: "stacks/flux.gitops", paths: ["stacks/flux.gitops/**"] });
        assert.deepEqual(await settings("./stacks/flux.gitops"), { repoDir: "stacks/flux.gitops", paths: ["stacks/flux.gitops/**"] });
    });
});
