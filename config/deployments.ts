import { Checks } from "./checks";

/** Pulumi Deployments settings (push-to-deploy). */
export interface DeploymentsConfig {
    readonly organization: string;
    readonly repository: string;
    readonly branch: string;
    readonly folder: string;
    readonly awsRoleArn?: string;
}

export const DEPLOYMENTS_KEYS = [
    "deployments", "deploymentsOrganization", "deploymentsRepository", "deploymentsBranch", "deploymentsFolder", "deploymentsAwsRoleArn",
] as const;

/** The settings, or undefined when push-to-deploy is off. */
export function readDeployments(c: Checks, defaultBranch: string): DeploymentsConfig | undefined {
    if (!c.bool("deployments")) return undefined;
    const deployments = {
        organization: c.required("deploymentsOrganization", "the Pulumi Cloud organisation, when deployments is true"),
        repository: c.required("deploymentsRepository", "owner/name of this project's repository, when deployments is true"),
        branch: c.branch("deploymentsBranch", c.str("deploymentsBranch") || defaultBranch),
        folder: c.str("deploymentsFolder") || ".",
        awsRoleArn: c.optional("deploymentsAwsRoleArn"),
    };
    if (deployments.repository && !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(deployments.repository)) {
        c.problem("deploymentsRepository", `must be owner/name of a GitHub repository (got "${deployments.repository}")`);
    }
    if (deployments.awsRoleArn && !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/.test(deployments.awsRoleArn)) {
        c.problem("deploymentsAwsRoleArn", `must be an IAM role ARN (got "${deployments.awsRoleArn}")`);
    }
    return deployments;
}
