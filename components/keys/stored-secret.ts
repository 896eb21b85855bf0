import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The most characters a parameter value may hold, per SSM tier. "Standard tier parameters support a
 * maximum parameter value of 4096 characters" (PutParameter's ValidationException); Advanced holds
 * 8 KB. https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html
 */
export const SSM_TIER_LIMITS = { Standard: 4096, Advanced: 8192 } as const;
export type SsmTier = keyof typeof SSM_TIER_LIMITS;

/**
 * The tier for a parameter whose value is at most `maxLength` characters: Standard where it fits
 * (Advanced parameters are charged for), Advanced otherwise. The one place a tier is decided.
 */
export function ssmTierFor(maxLength: number): SsmTier {
    if (!Number.isInteger(maxLength) || maxLength < 1) {
        throw new Error(`an SSM parameter value needs a positive length (got ${maxLength})`);
    }
    if (maxLength <= SSM_TIER_LIMITS.Standard) return "Standard";
    if (maxLength <= SSM_TIER_LIMITS.Advanced) return "Advanced";
    throw new Error(`no SSM parameter tier holds ${maxLength} characters (Advanced holds ${SSM_TIER_LIMITS.Advanced})`);
}

export interface StoredSecretArgs {
    /** SSM parameter name (starts with `/`). */
    readonly parameterName: pulumi.Input<string>;
    /** The secret value. It is stored encrypted and kept secret in Pulumi's state. */
    readonly value: pulumi.Input<string>;
    /** What the value is, shown as the parameter's description. */
    readonly description: pulumi.Input<string>;
    /** KMS key id or ARN; undefined uses the AWS managed key `alias/aws/ssm`. */
    readonly kmsKeyId?: pulumi.Input<string>;
    /** Tags of the parameter besides the stack's (the provider's defaultTags): a tenant's parameter names its tenant. */
    readonly tags?: Readonly<Record<string, string>>;
    /**
     * The longest value the parameter can hold, in characters; it decides the tier (`ssmTierFor`).
     * Defaults to what the Standard tier holds.
     */
    readonly maxLength?: pulumi.Input<number>;
    /**
     * Resources the value is written after: the key's registration on GitHub, so that nothing
     * reading the parameter gets a key GitHub does not know yet.
     */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** An SSM parameter by name and current version: what a reader needs to notice a new value. */
export interface ParameterRef {
    readonly name: pulumi.Input<string>;
    /** AWS adds one to it on every write of the value. */
    readonly version: pulumi.Input<number>;
}

/** The arguments of a SecureString parameter holding `value`. Pure; exported for tests. */
export function secureStringParameterArgs(args: StoredSecretArgs): aws.ssm.ParameterArgs {
    return {
        name: args.parameterName,
        type: aws.ssm.ParameterType.SecureString,
        value: pulumi.secret(args.value),
        description: args.description,
        keyId: args.kmsKeyId,
        ...(args.tags ? { tags: { ...args.tags } } : {}),
        // Always explicit: without it the account's default tier applies, which may be Advanced.
        tier: pulumi.output(args.maxLength ?? SSM_TIER_LIMITS.Standard).apply(ssmTierFor),
    };
}

/**
 * Options of the parameter. `deleteBeforeReplace`: a parameter's name is unique in its region, so
 * a replacement (a new name, or Advanced → Standard, which AWS only allows by deleting: see
 * parameter-store-advanced-parameters.html, and "Downgrading an Advanced tier parameter to Standard
 * will recreate the resource" in @pulumi/aws 7.x ssm/parameter.d.ts) cannot create the new one
 * first: PutParameter fails with ParameterAlreadyExists. `overwrite` stays unset: with it the
 * create would succeed, and deleting the old resource afterwards would delete the parameter by name.
 */
export const PARAMETER_OPTIONS = { deleteBeforeReplace: true } as const satisfies pulumi.CustomResourceOptions;

/**
 * A secret value stored as an AWS SSM `SecureString` parameter, from where External Secrets
 * brings it into the cluster.
 */
export class StoredSecret extends pulumi.ComponentResource {
    /** The parameter's name (what an ExternalSecret's `remoteRef.key` points at). */
    public readonly parameterName: pulumi.Output<string>;
    public readonly parameterArn: pulumi.Output<string>;
    /** The parameter's name and version (new on every write of the value). */
    public readonly parameter: { readonly name: pulumi.Output<string>; readonly version: pulumi.Output<number> };

    constructor(name: string, args: StoredSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:keys:StoredSecret", name, {}, opts);
        const parameter = new aws.ssm.Parameter(name, secureStringParameterArgs(args), {
            parent: this,
            ...PARAMETER_OPTIONS,
            dependsOn: args.dependsOn,
        });
        this.parameterName = parameter.name;
        this.parameterArn = parameter.arn;
        this.parameter = { name: parameter.name, version: parameter.version };
        this.registerOutputs({ parameterName: this.parameterName, parameterArn: this.parameterArn, parameter: this.parameter });
    }
}
