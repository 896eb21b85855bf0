import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "../custom-resource";
import { ParameterRef } from "../keys/stored-secret";
import {
    dockerConfigJsonTemplate,
    EXTERNAL_SECRETS_API,
    externalSecretAnnotations,
    externalSecretSpec,
    FLUX_WATCH_LABELS,
    SecretStoreRef,
} from "./external-secret-specs";
import { FluxObjectNames } from "./names";

export interface FluxSecretsArgs {
    /** Namespace of the Flux objects that read these Secrets. */
    readonly namespace: string;
    readonly names: FluxObjectNames;
    /** The store backed by AWS Parameter Store: the tenant's SecretStore, or the platform's ClusterSecretStore. */
    readonly store: SecretStoreRef;
    readonly refreshInterval: string;
    /**
     * How Flux authenticates to GitHub: the deploy key (its SSM parameter) and `known_hosts` for
     * github.com (public data, templated into the Secret), or the GitHub App.
     */
    readonly git: { readonly deployKeyParameter: ParameterRef; readonly knownHosts: pulumi.Input<string> } | { readonly githubApp: GithubAppSecretArgs };
    /**
     * The credentials of the application's registry: its host, the user and the SSM parameter of
     * the token issued for it. undefined for a public image: then there is no pull Secret at all.
     */
    readonly registry?: RegistryAccess;
    /**
     * SSM parameter of the armored GPG private key. undefined without image automation: nothing
     * signs commits then, so the private key stays out of the cluster.
     */
    readonly gpgKeyParameter?: ParameterRef;
    /** SSM parameter of the GPG passphrase, when the key has one. */
    readonly gpgPassphraseParameter?: ParameterRef;
    /** SSM parameter of the webhook token. */
    readonly webhookTokenParameter: ParameterRef;
    /** SSM parameter of the image Receiver's token; undefined when there is no image Receiver. */
    readonly imageWebhookTokenParameter?: ParameterRef;
    /** SSM parameter of the bot's GitHub token, for the commit-status Provider; not in App mode. */
    readonly commitStatusTokenParameter?: ParameterRef;
    /** What the ExternalSecrets wait for (the ClusterSecretStore, Flux's namespace). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The GitHub App a Secret authenticates Flux as. */
export interface GithubAppSecretArgs {
    /** The App's ID (digits). */
    readonly id: string;
    /** The installation's ID (digits). */
    readonly installationId: string;
    /** SSM parameter of the App's private key (PEM). */
    readonly privateKeyParameter: ParameterRef;
}

/**
 * The keys source-controller and notification-controller read for a GitHub App (fluxcd/pkg
 * runtime/v0.110.1 secrets/secrets.go `KeyGitHubAppID`, `KeyGitHubAppInstallationID`,
 * `KeyGitHubAppPrivateKey`). Exactly one installation key (converter.go `GitHubAppDataFromSecret`
 * refuses both the ID and the owner), and no `token`, `password` or `address`: notification-controller
 * would post with a token instead of the App, or to another address (v1.9.3
 * internal/server/event_handlers.go `createNotifier`, internal/notifier/github_helpers.go).
 * The IDs are public and templated in; the private key comes from SSM.
 */
export function githubAppSecretValues(app: GithubAppSecretArgs): { values: ParameterValue[]; template: SecretTemplate } {
    return {
        values: [{ secretKey: "githubAppPrivateKey", parameter: app.privateKeyParameter }],
        template: {
            templateData: {
                githubAppID: app.id,
                githubAppInstallationID: app.installationId,
                githubAppPrivateKey: "{{ .githubAppPrivateKey }}",
            },
        },
    };
}

/** One key of a target Secret and the SSM parameter it comes from. */
export interface ParameterValue {
    readonly secretKey: string;
    readonly parameter: ParameterRef;
}

/** How the target Secret is made from the remote values (default: an Opaque Secret of exactly them). */
export interface SecretTemplate {
    readonly type?: string;
    readonly templateData?: Record<string, pulumi.Input<string>>;
    readonly secretLabels?: Record<string, string>;
}

/**
 * An ExternalSecret that writes the Secret `targetName` in `namespace` from SSM parameters, with the
 * parameters' versions and `waitFor: Ready` in its annotations (see `externalSecretAnnotations`).
 */
export function parameterExternalSecret(
    name: string,
    args: {
        readonly namespace: string;
        readonly targetName: string;
        readonly store: SecretStoreRef;
        readonly refreshInterval: string;
        readonly values: readonly ParameterValue[];
        readonly template?: SecretTemplate;
    },
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    const template = args.template ?? {};
    const remote = pulumi.all(
        args.values.map((v) =>
            pulumi.all([v.parameter.name, v.parameter.version]).apply(([parameterName, version]) => ({
                secretKey: v.secretKey,
                parameterName,
                version,
            })),
        ),
    );
    return customResource(
        name,
        {
            apiVersion: EXTERNAL_SECRETS_API,
            kind: "ExternalSecret",
            name: args.targetName,
            namespace: args.namespace,
            annotations: remote.apply(externalSecretAnnotations),
            spec: pulumi.all([remote, pulumi.output(template.templateData)]).apply(([v, data]) =>
                externalSecretSpec({
                    store: args.store,
                    refreshInterval: args.refreshInterval,
                    targetName: args.targetName,
                    values: v.map(({ secretKey, parameterName }) => ({ secretKey, parameterName })),
                    type: template.type,
                    templateData: data,
                    secretLabels: template.secretLabels,
                }),
            ),
        },
        opts,
    );
}

/** The credentials of a registry: its host, the user and the SSM parameter of the token issued for it. */
export interface RegistryAccess {
    readonly host: string;
    readonly username: string;
    readonly tokenParameter: ParameterRef;
}

/**
 * A `kubernetes.io/dockerconfigjson` Secret for exactly the registry its token was issued for
 * (`dockerConfigJsonTemplate`): what Flux's ImageRepository reads, and what the application's
 * pods pull with.
 */
export function registrySecretValues(registry: RegistryAccess): { values: ParameterValue[]; template: SecretTemplate } {
    return {
        values: [{ secretKey: "token", parameter: registry.tokenParameter }],
        template: {
            type: "kubernetes.io/dockerconfigjson",
            templateData: { ".dockerconfigjson": dockerConfigJsonTemplate(registry.host, registry.username, "token") },
        },
    };
}

/**
 * The ExternalSecrets that turn the SSM parameters into the Secrets Flux reads: git SSH
 * credentials, registry credentials, the commit-signing key, the receivers' tokens and the
 * commit-status token.
 *
 * Each carries the versions of the parameters it reads, so a rotated key reaches its Secret in
 * the same `pulumi up`, and `pulumi.com/waitFor: condition=Ready`, so the Flux objects that
 * depend on it are created only once the Secret exists (see `externalSecretAnnotations`).
 */
export class FluxSecrets extends pulumi.ComponentResource {
    /** Every ExternalSecret, by the name of the Secret it creates. */
    public readonly externalSecrets: Record<string, k8s.apiextensions.CustomResource>;

    constructor(name: string, args: FluxSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:flux:FluxSecrets", name, {}, opts);
        const externalSecret = (suffix: string, targetName: string, values: ParameterValue[], template: SecretTemplate = {}) =>
            parameterExternalSecret(
                `${name}-${suffix}`,
                { namespace: args.namespace, targetName, store: args.store, refreshInterval: args.refreshInterval, values, template },
                { parent: this, dependsOn: args.dependsOn },
            );

        const n = args.names;
        // GitHub App mode: one Secret for the GitRepository (and so image automation's pushes) and
        // the commit-status Provider; no deploy key and no bot token in the cluster.
        const gitArgs = args.git;
        const inApp = "githubApp" in gitArgs;
        let git: k8s.apiextensions.CustomResource;
        if ("githubApp" in gitArgs) {
            const app = githubAppSecretValues(gitArgs.githubApp);
            git = externalSecret("github-app", n.githubAppSecret, app.values, app.template);
        } else {
            git = externalSecret(
                "git-ssh",
                n.gitSecret,
                [{ secretKey: "identity", parameter: gitArgs.deployKeyParameter }],
                // known_hosts is public: it is templated in as is, next to the private identity.
                { templateData: { identity: "{{ .identity }}", known_hosts: gitArgs.knownHosts } },
            );
        }
        // The pull Secret names exactly the registry its token was issued for.
        const pull = args.registry ? registrySecretValues(args.registry) : undefined;
        const registry = pull ? externalSecret("registry", n.registrySecret, pull.values, pull.template) : undefined;
        const signingValues: ParameterValue[] | undefined = args.gpgKeyParameter && [{ secretKey: "git.asc", parameter: args.gpgKeyParameter }];
        if (signingValues && args.gpgPassphraseParameter !== undefined) {
            signingValues.push({ secretKey: "passphrase", parameter: args.gpgPassphraseParameter });
        }
        const signing = signingValues && externalSecret("gpg-signing", n.signingSecret, signingValues);
        // notification-controller watches only labelled Secrets: a rotated token re-reconciles
        // the Receiver (its webhook path) at once, not at the Receiver's interval.
        const receiver = externalSecret(
            "receiver-token",
            n.receiverSecret,
            [{ secretKey: "token", parameter: args.webhookTokenParameter }],
            { secretLabels: FLUX_WATCH_LABELS },
        );

        const imageReceiver =
            args.imageWebhookTokenParameter !== undefined
                ? externalSecret(
                      "image-receiver-token",
                      n.imageReceiverSecret,
                      [{ secretKey: "token", parameter: args.imageWebhookTokenParameter }],
                      { secretLabels: FLUX_WATCH_LABELS },
                  )
                : undefined;
        // The github Provider reads key `token` (docs/spec/v1beta3/providers.md, "Personal Access Token").
        const commitStatus =
            args.commitStatusTokenParameter && !inApp
                ? externalSecret("github-status-token", n.commitStatusSecret, [{ secretKey: "token", parameter: args.commitStatusTokenParameter }])
                : undefined;

        this.externalSecrets = {
            [inApp ? n.githubAppSecret : n.gitSecret]: git,
            ...(registry ? { [n.registrySecret]: registry } : {}),
            ...(signing ? { [n.signingSecret]: signing } : {}),
            [n.receiverSecret]: receiver,
            ...(imageReceiver ? { [n.imageReceiverSecret]: imageReceiver } : {}),
            ...(commitStatus ? { [n.commitStatusSecret]: commitStatus } : {}),
        };
        this.registerOutputs({});
    }
}
