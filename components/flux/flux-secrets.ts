import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dockerConfigJsonTemplate, EXTERNAL_SECRETS_API, externalSecretSpec } from "./external-secret-specs";
import { FluxObjectNames } from "./names";

export interface FluxSecretsArgs {
    /** Namespace of the Flux objects that read these Secrets. */
    readonly namespace: string;
    readonly names: FluxObjectNames;
    /** ClusterSecretStore backed by AWS Parameter Store. */
    readonly storeName: string;
    readonly refreshInterval: string;
    /** SSM name of the deploy private key. */
    readonly deployKeyParameter: pulumi.Input<string>;
    /** `known_hosts` content for github.com (public data, templated into the Secret). */
    readonly knownHosts: pulumi.Input<string>;
    /**
     * The credentials of the application's registry: its host, the user and the SSM name of the
     * token issued for it. undefined for a public image: then there is no pull Secret at all.
     */
    readonly registry?: {
        readonly host: string;
        readonly username: string;
        readonly tokenParameter: pulumi.Input<string>;
    };
    /** SSM name of the armored GPG private key. */
    readonly gpgKeyParameter: pulumi.Input<string>;
    /** SSM name of the GPG passphrase, when the key has one. */
    readonly gpgPassphraseParameter?: pulumi.Input<string>;
    /** SSM name of the webhook token. */
    readonly webhookTokenParameter: pulumi.Input<string>;
    /** SSM name of the image Receiver's token; undefined when there is no image Receiver. */
    readonly imageWebhookTokenParameter?: pulumi.Input<string>;
    /** SSM name of the bot's GitHub token, for the commit-status Provider. */
    readonly commitStatusTokenParameter: pulumi.Input<string>;
}

/**
 * The ExternalSecrets that turn the SSM parameters into the Secrets Flux reads: git SSH
 * credentials, registry credentials, the commit-signing key, the receivers' tokens and the
 * commit-status token.
 */
export class FluxSecrets extends pulumi.ComponentResource {
    /** Every ExternalSecret, by the name of the Secret it creates. */
    public readonly externalSecrets: Record<string, k8s.apiextensions.CustomResource>;

    constructor(name: string, args: FluxSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:flux:FluxSecrets", name, {}, opts);
        const common = { storeName: args.storeName, refreshInterval: args.refreshInterval };
        type Value = { secretKey: string; parameterName: pulumi.Input<string> };
        const externalSecret = (
            suffix: string,
            targetName: string,
            values: Value[],
            template: { type?: string; templateData?: Record<string, pulumi.Input<string>> } = {},
        ) =>
            new k8s.apiextensions.CustomResource(
                `${name}-${suffix}`,
                {
                    apiVersion: EXTERNAL_SECRETS_API,
                    kind: "ExternalSecret",
                    metadata: { name: targetName, namespace: args.namespace },
                    spec: pulumi
                        .all([pulumi.output(values), pulumi.output(template.templateData)])
                        .apply(([v, data]) =>
                            externalSecretSpec({ ...common, targetName, values: v, type: template.type, templateData: data }),
                        ),
                },
                { parent: this },
            );

        const n = args.names;
        const git = externalSecret(
            "git-ssh",
            n.gitSecret,
            [{ secretKey: "identity", parameterName: args.deployKeyParameter }],
            // known_hosts is public: it is templated in as is, next to the private identity.
            { templateData: { identity: "{{ .identity }}", known_hosts: args.knownHosts } },
        );
        // The pull Secret names exactly the registry its token was issued for.
        const registry = args.registry
            ? externalSecret("registry", n.registrySecret, [{ secretKey: "token", parameterName: args.registry.tokenParameter }], {
                  type: "kubernetes.io/dockerconfigjson",
                  templateData: {
                      ".dockerconfigjson": dockerConfigJsonTemplate(args.registry.host, args.registry.username, "token"),
                  },
              })
            : undefined;
        const signingValues: Value[] = [{ secretKey: "git.asc", parameterName: args.gpgKeyParameter }];
        if (args.gpgPassphraseParameter !== undefined) {
            signingValues.push({ secretKey: "passphrase", parameterName: args.gpgPassphraseParameter });
        }
        const signing = externalSecret("gpg-signing", n.signingSecret, signingValues);
        const receiver = externalSecret(
            "receiver-token",
            n.receiverSecret,
            [{ secretKey: "token", parameterName: args.webhookTokenParameter }],
        );

        const imageReceiver =
            args.imageWebhookTokenParameter !== undefined
                ? externalSecret("image-receiver-token", n.imageReceiverSecret, [
                      { secretKey: "token", parameterName: args.imageWebhookTokenParameter },
                  ])
                : undefined;
        // The github Provider reads key `token` (docs/spec/v1beta3/providers.md, "Personal Access Token").
        const commitStatus = externalSecret("github-status-token", n.commitStatusSecret, [
            { secretKey: "token", parameterName: args.commitStatusTokenParameter },
        ]);

        this.externalSecrets = {
            [n.gitSecret]: git,
            ...(registry ? { [n.registrySecret]: registry } : {}),
            [n.signingSecret]: signing,
            [n.receiverSecret]: receiver,
            ...(imageReceiver ? { [n.imageReceiverSecret]: imageReceiver } : {}),
            [n.commitStatusSecret]: commitStatus,
        };
        this.registerOutputs({});
    }
}
