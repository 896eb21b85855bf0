import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";

export interface PushToDeploySpec {
    /** Pulumi Cloud organisation of the stack. */
    readonly organization: string;
    readonly project: string;
    readonly stack: string;
    /** GitHub repository (`owner/name`) that holds this Pulumi project. */
    readonly repository: string;
    /** Branch whose pushes deploy this stack. */
    readonly branch: string;
    /** Folder of the project in that repository ("." for its root). */
    readonly folder: string;
    /** IAM role Pulumi Deployments assumes through OIDC; undefined: credentials come from the stack's environment. */
    readonly awsRoleArn?: string;
    readonly awsRegion: string;
}

/** The Deployments settings of a stack: deploy on push to its branch, preview pull requests. Pure. */
export function deploymentSettingsArgs(spec: PushToDeploySpec): pulumiservice.DeploymentSettingsArgs {
    const folder = spec.folder.replace(/^\.\/?/, "").replace(/\/$/, "");
    return {
        organization: spec.organization,
        project: spec.project,
        stack: spec.stack,
        sourceContext: { git: { branch: `refs/heads/${spec.branch}`, ...(folder ? { repoDir: folder } : {}) } },
        github: {
            repository: spec.repository,
            deployCommits: true,
            previewPullRequests: true,
            // Only changes to the project trigger a deployment.
            paths: [folder ? `${folder}/**` : "**"],
        },
        operationContext: {
            // The lock file decides what runs, as in CI.
            preRunCommands: ["npm ci"],
            options: { skipInstallDependencies: true },
            environmentVariables: { AWS_REGION: spec.awsRegion },
            // Short-lived credentials through OIDC rather than static keys.
            ...(spec.awsRoleArn
                ? { oidc: { aws: { roleARN: spec.awsRoleArn, sessionName: `pulumi-${spec.project}-${spec.stack}` } } }
                : {}),
        },
        cacheOptions: { enable: true },
    };
}

/**
 * Pulumi Deployments for this stack (needs Pulumi Cloud): every push to the environment's branch
 * runs `pulumi up`, every pull request a preview.
 */
export class PushToDeploy extends pulumi.ComponentResource {
    public readonly settings: pulumiservice.DeploymentSettings;

    constructor(name: string, spec: PushToDeploySpec, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:deployments:PushToDeploy", name, {}, opts);
        this.settings = new pulumiservice.DeploymentSettings(name, deploymentSettingsArgs(spec), { parent: this });
        this.registerOutputs({});
    }
}
