import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ParameterRef, StoredSecret } from "./stored-secret";

/** Length of the webhook token: comfortably above the 32 characters the policy requires. */
export const WEBHOOK_TOKEN_LENGTH = 40;

export interface WebhookTokenArgs {
    /** SSM name for the token. */
    readonly parameterName: pulumi.Input<string>;
    /** KMS key for the SSM parameter (undefined: the AWS managed key). */
    readonly kmsKeyId?: pulumi.Input<string>;
    /** Tags of its SSM parameter besides the stack's (a tenant's names its tenant). */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The shared secret between GitHub's webhook and Flux's Receiver. Alphanumeric only: it is part
 * of the receiver's URL path (Flux hashes it) and of an HMAC key, where special characters
 * only invite quoting bugs.
 */
export class WebhookToken extends pulumi.ComponentResource {
    /** The token (secret). */
    public readonly token: pulumi.Output<string>;
    /** SSM name of the token. */
    public readonly parameterName: pulumi.Output<string>;
    /** SSM name and version of the token. */
    public readonly parameter: ParameterRef;
    /** ARN of that parameter. */
    public readonly parameterArn: pulumi.Output<string>;

    constructor(name: string, args: WebhookTokenArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:keys:WebhookToken", name, {}, opts);
        const password = new random.RandomPassword(
            name,
            { length: WEBHOOK_TOKEN_LENGTH, special: false },
            { parent: this },
        );
        this.token = pulumi.secret(password.result);
        const stored = new StoredSecret(
            `${name}-ssm`,
            {
                parameterName: args.parameterName,
                value: this.token,
                description: "Token of the Flux webhook Receiver (GitHub webhook secret)",
                kmsKeyId: args.kmsKeyId,
                tags: args.tags,
            },
            { parent: this },
        );
        this.parameterName = stored.parameterName;
        this.parameter = stored.parameter;
        this.parameterArn = stored.parameterArn;
        this.registerOutputs({
            token: this.token,
            parameterName: this.parameterName,
            parameter: this.parameter,
            parameterArn: this.parameterArn,
        });
    }
}
