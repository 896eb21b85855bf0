import { Checks } from "./checks";
import { setting } from "./settings";

/** The AWS provider's settings the program reads (another package's keys: not declared, given a bare default). */
export const AWS = {
    region: setting({
        key: "aws:region",
        type: "string",
        default: "eu-central-1",
        declared: false,
        description:
            "AWS region of the SSM parameters (and of the ClusterSecretStore that reads them), for every stack; a stack file may override it.",
        comment: "AWS region of the SSM parameters, for every stack (a stack file may override it).",
        prompt: { description: "AWS region of the SSM parameters that hold the keys and tokens", default: "eu-central-1" },
        check: (c: Checks, k: string) => {
            const region = c.str(k);
            if (!region) c.problem(k, `is required; set it with \`pulumi config set ${k} <region>\``);
            else if (!/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(region)) {
                c.problem(k, `is not an AWS region such as eu-central-1 (got "${region}")`);
            }
            return region;
        },
    }),
};
