/**
 * Pure builders of the External Secrets (`external-secrets.io/v1`) that bring the SSM values
 * into the cluster as the Secrets Flux reads.
 */

export const EXTERNAL_SECRETS_API = "external-secrets.io/v1";

/** One key of the target Secret read from one SSM parameter. */
export interface RemoteValue {
    /** Key in the ExternalSecret's data (and, without a template, in the Secret). */
    readonly secretKey: string;
    /** SSM parameter name. */
    readonly parameterName: string;
}

export interface ExternalSecretSpecArgs {
    /** ClusterSecretStore backed by AWS Parameter Store. */
    readonly storeName: string;
    readonly refreshInterval: string;
    /** Name of the Secret External Secrets creates and owns. */
    readonly targetName: string;
    readonly values: readonly RemoteValue[];
    /** Secret type (default Opaque). */
    readonly type?: string;
    /**
     * Templated data of the target Secret (ESO template engine v2). Without it, the Secret has
     * exactly the remote values under their secretKey.
     */
    readonly templateData?: Readonly<Record<string, string>>;
}

export function externalSecretSpec(args: ExternalSecretSpecArgs): object {
    const template =
        args.templateData || args.type
            ? {
                  template: {
                      engineVersion: "v2",
                      ...(args.type ? { type: args.type } : {}),
                      ...(args.templateData ? { data: { ...args.templateData } } : {}),
                  },
              }
            : {};
    return {
        refreshInterval: args.refreshInterval,
        secretStoreRef: { kind: "ClusterSecretStore", name: args.storeName },
        target: { name: args.targetName, creationPolicy: "Owner", deletionPolicy: "Retain", ...template },
        data: args.values.map((v) => ({ secretKey: v.secretKey, remoteRef: { key: v.parameterName } })),
    };
}

/**
 * `.dockerconfigjson` template for a registry: the bot as user, the token from SSM. Rendered by
 * External Secrets, so the token never passes through Pulumi's Kubernetes objects.
 */
export function dockerConfigJsonTemplate(registry: string, username: string, tokenKey: string): string {
    const auth = `{{ printf "%s:%s" ${JSON.stringify(username)} .${tokenKey} | b64enc }}`;
    return `{"auths":{${JSON.stringify(registry)}:{"username":${JSON.stringify(username)},"password":"{{ .${tokenKey} }}","auth":"${auth}"}}}`;
}
