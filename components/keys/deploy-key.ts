import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { ParameterRef, StoredSecret } from "./stored-secret";

/**
 * Upper bound of an ED25519 private key in OpenSSH format (`openssh-key-v1`, about 400 characters
 * with an empty comment): it fits the SSM Standard tier.
 */
export const OPENSSH_ED25519_PRIVATE_KEY_MAX_LENGTH = 1024;

/**
 * What a deploy key is registered with. Every field of a GitHub deploy key forces a replacement
 * (integrations/terraform-provider-github v6.13.0, the upstream of @pulumi/github 6.15.0,
 * github/resource_github_repository_deploy_key.go: key, read_only, repository, title all
 * ForceNew), and GitHub refuses a second deploy key with the same public key ("key is already in
 * use"). So the key pair is replaced whenever these change (`replacementTrigger`): every
 * replacement of the deploy key then registers a new public key, and can be created before the
 * old one is deleted. Flux keeps a working key through a replacement or a rotation: the new key is
 * registered, SSM is written, the ExternalSecret re-syncs (its version annotation changed), and
 * the old key is deleted at the end of the update.
 */
export function deployKeyAttributes(args: Pick<DeployKeyArgs, "repository" | "title" | "allowWrite">): pulumi.Output<{
    repository: string;
    title: string;
    readOnly: boolean;
}> {
    return pulumi.output({ repository: args.repository, title: args.title, readOnly: !args.allowWrite });
}

export interface DeployKeyArgs {
    /** Repository (name, under the GitHub provider's owner) the key gives Flux access to. */
    readonly repository: pulumi.Input<string>;
    /** Title of the key on GitHub. */
    readonly title: pulumi.Input<string>;
    /**
     * Whether the key may push. Only image automation pushes (its update commits), so this is
     * false unless it is enabled for the repository.
     */
    readonly allowWrite: boolean;
    /** SSM name for the private key. */
    readonly parameterName: pulumi.Input<string>;
    /** KMS key for the SSM parameter (undefined: the AWS managed key). */
    readonly kmsKeyId?: pulumi.Input<string>;
    /** Tags of its SSM parameter besides the stack's (a tenant's names its tenant). */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An ED25519 SSH deploy key: the public half registered on the repository, the private half
 * (OpenSSH format, what Flux reads under `identity`) in SSM.
 */
export class DeployKey extends pulumi.ComponentResource {
    /** GitHub's id of the deploy key. */
    public readonly deployKeyId: pulumi.Output<string>;
    /** The public key in OpenSSH authorized_keys format. */
    public readonly publicKey: pulumi.Output<string>;
    /** The private key in OpenSSH format (secret). */
    public readonly privateKey: pulumi.Output<string>;
    /** SSM name of the private key. */
    public readonly parameterName: pulumi.Output<string>;
    /** SSM name and version of the private key. */
    public readonly parameter: ParameterRef;
    /** ARN of that parameter. */
    public readonly parameterArn: pulumi.Output<string>;

    constructor(name: string, args: DeployKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:keys:DeployKey", name, {}, opts);

        const attributes = deployKeyAttributes(args);
        const key = new tls.PrivateKey(
            `${name}-key`,
            { algorithm: "ED25519" },
            { parent: this, replacementTrigger: attributes },
        );
        const deployKey = new github.RepositoryDeployKey(
            name,
            {
                repository: attributes.repository,
                title: attributes.title,
                key: key.publicKeyOpenssh,
                readOnly: attributes.readOnly,
            },
            { parent: this },
        );
        this.privateKey = pulumi.secret(key.privateKeyOpenssh);
        const stored = new StoredSecret(
            `${name}-ssm`,
            {
                parameterName: args.parameterName,
                value: this.privateKey,
                description: pulumi.interpolate`Flux deploy key (OpenSSH private key) for ${args.repository}`,
                kmsKeyId: args.kmsKeyId,
                tags: args.tags,
                maxLength: OPENSSH_ED25519_PRIVATE_KEY_MAX_LENGTH,
                // A new key pair reaches SSM (and Flux) only once GitHub has its public half.
                dependsOn: [deployKey],
            },
            { parent: this },
        );

        this.deployKeyId = deployKey.id;
        this.publicKey = key.publicKeyOpenssh;
        this.parameterName = stored.parameterName;
        this.parameter = stored.parameter;
        this.parameterArn = stored.parameterArn;
        this.registerOutputs({
            parameter: this.parameter,
            deployKeyId: this.deployKeyId,
            publicKey: this.publicKey,
            privateKey: this.privateKey,
            parameterName: this.parameterName,
            parameterArn: this.parameterArn,
        });
    }
}
