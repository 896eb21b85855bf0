/**
 * The IAM documents of External Secrets' role: who may assume it (exactly one service account) and
 * what it may do (read this stack's own SSM parameters, nothing else). Pure, so they are tested as
 * documents.
 */

/** One IAM policy statement, as this stack writes them. */
export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: Readonly<Record<string, string>>;
    readonly Action: readonly string[];
    readonly Resource?: readonly string[];
    readonly Condition?: Readonly<
        Record<string, Readonly<Record<string, string | readonly string[]>>>
    >;
}

/** An IAM policy document. */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

/** The service account External Secrets' controller runs as. */
export interface ServiceAccountRef {
    readonly namespace: string;
    readonly name: string;
}

/**
 * The SSM actions External Secrets needs to read a parameter by name: its ParameterStore provider's
 * GetSecret calls GetParameter (external-secrets/external-secrets
 * providers/v1/aws/parameterstore/parameterstore.go); GetParameters is the batch form. Its
 * Validate only retrieves credentials, so the store becomes Ready without any SSM permission.
 * No DescribeParameters / tag:GetResources: the stack never uses `find` or tag lookups
 * (docs/provider/aws-parameter-store.md @v2.9.0).
 */
export const SSM_READ_ACTIONS = ["ssm:GetParameter", "ssm:GetParameters"] as const;

export interface ReadPolicyArgs {
    /** ARNs of exactly the parameters External Secrets reads (outputs of the parameter resources). */
    readonly parameterArns: readonly string[];
    /** ARN of the customer managed KMS key of the SecureString parameters, if any. */
    readonly kmsKeyArn?: string;
    /** The parameters' region (kms:ViaService names SSM there). */
    readonly region: string;
}

/**
 * Read access to exactly `parameterArns`: sorted and de-duplicated, so the document is stable, and
 * refused when empty or when an ARN is not a concrete SSM parameter ARN (a wildcard would widen it).
 * `kms:Decrypt` only with a customer managed key, only on that key, and only through SSM: with the
 * AWS managed key alias/aws/ssm, SSM decrypts without any KMS grant in the caller's policy.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function externalSecretsReadPolicy(args: ReadPolicyArgs): PolicyDocument {
    const arns = [...new Set(args.parameterArns)].sort();
    if (arns.length === 0)
        throw new Error("the External Secrets read policy needs at least one parameter ARN");
    for (const arn of arns) {
        if (!/^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\/[A-Za-z0-9_.\-/]+$/.test(arn)) {
            throw new Error(`not the ARN of one SSM parameter: "${arn}"`);
        }
    }
    const statements: PolicyStatement[] = [
        {
            Sid: "ReadStackParameters",
            Effect: "Allow",
            Action: [...SSM_READ_ACTIONS],
            Resource: arns,
        },
    ];
    if (args.kmsKeyArn !== undefined) {
        statements.push({
            Sid: "DecryptThroughSsm",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: [args.kmsKeyArn],
            Condition: { StringEquals: { "kms:ViaService": `ssm.${args.region}.amazonaws.com` } },
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * Trust for EKS Pod Identity: the EKS Auth service assumes the role and tags the session with the
 * pod's namespace, service account and cluster, so the conditions pin exactly one service account
 * of one cluster. https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 * (and pod-id-abac.html for the session tags).
 */
export function podIdentityTrustPolicy(
    serviceAccount: ServiceAccountRef,
    clusterName: string,
): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowEksAuthToAssumeRoleForPodIdentity",
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: {
                        "aws:RequestTag/kubernetes-namespace": serviceAccount.namespace,
                        "aws:RequestTag/kubernetes-service-account": serviceAccount.name,
                        "aws:RequestTag/eks-cluster-name": clusterName,
                    },
                },
            },
        ],
    };
}

/** The issuer (host and path, no scheme) of an IAM OIDC provider ARN: the prefix of its condition keys. */
export function oidcIssuerOf(providerArn: string): string {
    const match = /^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider\/(.+)$/.exec(providerArn);
    if (!match) throw new Error(`not an IAM OIDC provider ARN: "${providerArn}"`);
    return match[1];
}

/**
 * Trust for IRSA: web identity tokens of the cluster's OIDC issuer, for exactly one service account
 * (`sub`) and meant for STS (`aud`). https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
 */
export function irsaTrustPolicy(
    serviceAccount: ServiceAccountRef,
    oidcProviderArn: string,
): PolicyDocument {
    const issuer = oidcIssuerOf(oidcProviderArn);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowServiceAccountWebIdentity",
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: ["sts:AssumeRoleWithWebIdentity"],
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`,
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    };
}
