import { setting } from "./settings";
import { Checks } from "./checks";

/** Pulumi Deployments settings (push-to-deploy). */
export interface DeploymentsConfig {
    readonly organization: string;
    readonly repository: string;
    readonly branch: string;
    readonly folder: string;
    readonly awsRoleArn?: string;
}

/** The push-to-deploy settings. */
export const DEPLOYMENTS = {
    deployments: setting({
        key: "deployments",
        type: "boolean",
        default: false,
        group: "Push-to-deploy (Pulumi Deployments; needs Pulumi Cloud)",
        description:
            "Manage this stack's Pulumi Deployments settings (deploy on push, preview pull requests).",
        check: (c, k) => c.bool(k),
    }),
    deploymentsOrganization: setting({
        key: "deploymentsOrganization",
        type: "string",
        default: "",
        group: "Push-to-deploy (Pulumi Deployments; needs Pulumi Cloud)",
        description:
            "Pulumi Cloud organisation of the stack (required with deployments).",
        check: (c, k) => c.required(k, "the Pulumi Cloud organisation, when deployments is true"),
    }),
    deploymentsRepository: setting({
        key: "deploymentsRepository",
        type: "string",
        default: "",
        group: "Push-to-deploy (Pulumi Deployments; needs Pulumi Cloud)",
        description:
            "GitHub repository (owner/name) that holds this Pulumi project (required with deployments).",
        check: (c, k) => {
            const v = c.required(k, "owner/name of this project's repository, when deployments is true");
            if (v && !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(v)) c.problem(k, `must be owner/name of a GitHub repository (got "${v}")`);
            return v;
        },
    }),
    deploymentsBranch: setting({
        key: "deploymentsBranch",
        type: "string",
        default: "",
        group: "Push-to-deploy (Pulumi Deployments; needs Pulumi Cloud)",
        description:
            "Branch of that repository whose pushes deploy the stack (\"\" = branch).",
    }),
    deploymentsFolder: setting({
        key: "deploymentsFolder",
        type: "string",
        default: ".",
        group: "Push-to-deploy (Pulumi Deployments; needs Pulumi Cloud)",
        description:
            "Folder of this project in that repository.",
    }),
    deploymentsAwsRoleArn: setting({
        key: "deploymentsAwsRoleArn",
        type: "string",
        default: "",
        group: "Push-to-deploy (Pulumi Deployments; needs Pulumi Cloud)",
        description:
            "IAM role Pulumi Deployments assumes through OIDC (\"\" = AWS credentials from the stack's environment).",
        check: (c, k) => {
            const v = c.optional(k);
            if (v && !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/.test(v)) c.problem(k, `must be an IAM role ARN (got "${v}")`);
            return v;
        },
    }),
};

/** The settings, or undefined when push-to-deploy is off. */
export function readDeployments(c: Checks, defaultBranch: string): DeploymentsConfig | undefined {
    if (!DEPLOYMENTS.deployments.read(c)) return undefined;
    return {
        organization: DEPLOYMENTS.deploymentsOrganization.read(c),
        repository: DEPLOYMENTS.deploymentsRepository.read(c),
        branch: c.branch("deploymentsBranch", DEPLOYMENTS.deploymentsBranch.read(c) || defaultBranch),
        folder: DEPLOYMENTS.deploymentsFolder.read(c) || ".",
        awsRoleArn: DEPLOYMENTS.deploymentsAwsRoleArn.read(c),
    };
}
