import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface StoredSecretArgs {
    /** SSM parameter name (starts with `/`). */
    readonly parameterName: pulumi.Input<string>;
    /** The secret value. It is stored encrypted and kept secret in Pulumi's state. */
    readonly value: pulumi.Input<string>;
    /** What the value is, shown as the parameter's description. */
    readonly description: pulumi.Input<string>;
    /** KMS key id or ARN; undefined uses the AWS managed key `alias/aws/ssm`. */
    readonly kmsKeyId?: pulumi.Input<string>;
}

/** The arguments of a SecureString parameter holding `value`. Pure; exported for tests. */
export function secureStringParameterArgs(args: StoredSecretArgs): aws.ssm.ParameterArgs {
    return {
        name: args.parameterName,
        type: aws.ssm.ParameterType.SecureString,
        value: pulumi.secret(args.value),
        description: args.description,
        keyId: args.kmsKeyId,
    };
}

/**
 * A secret value stored as an AWS SSM `SecureString` parameter, from where External Secrets
 * brings it into the cluster.
 */
export class StoredSecret extends pulumi.ComponentResource {
    /** The parameter's name (what an ExternalSecret's `remoteRef.key` points at). */
    public readonly parameterName: pulumi.Output<string>;
    public readonly parameterArn: pulumi.Output<string>;

    constructor(name: string, args: StoredSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:keys:StoredSecret", name, {}, opts);
        const parameter = new aws.ssm.Parameter(name, secureStringParameterArgs(args), { parent: this });
        this.parameterName = parameter.name;
        this.parameterArn = parameter.arn;
        this.registerOutputs({ parameterName: this.parameterName, parameterArn: this.parameterArn });
    }
}
