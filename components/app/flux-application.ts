import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppManifests } from "./app-manifests";
import { appManifestFiles, AppManifestsSpec } from "./manifests";
import { AppDelivery } from "../flux/app-delivery";
import { CommitStatus } from "../flux/commit-status";
import { SecretStoreRef } from "../flux/external-secret-specs";
import { FluxSecrets, GithubAppSecretArgs, parameterExternalSecret, registrySecretValues } from "../flux/flux-secrets";
import { ImageAutomation } from "../flux/image-automation";
import { appPullSecretName, fluxObjectNames } from "../flux/names";
import { ExternalSecretsAccess } from "../install/external-secrets";
import { ImagePolicySpecArgs, imageReceiverType, ReceiverType } from "../flux/specs";
import { ImageWebhookReceiver, WebhookReceiver } from "../flux/webhook-receiver";
import { AppRoute } from "../gateway/app-route";
import { GatewayRef } from "../gateway/http-route";
import { DeployKey } from "../keys/deploy-key";
import { ParameterRef } from "../keys/stored-secret";
import { WebhookToken } from "../keys/webhook-token";
import { FLUX_EVENTS_PROVIDER, FluxAlerts } from "../monitoring/flux-alerts";
import { PLATFORM_SERVICE_ACCOUNT, Tenant, TENANT_TAG, tenantLabelTransform } from "../tenancy/tenant";
import type { AppConfig, StackConfig } from "../../config";
import type { FluxConfig } from "../../config/flux";

/** AppDelivery's type: it registered the application's Namespace in stacks made before tenancy. */
const APP_DELIVERY_TYPE = "flux-gitops:flux:AppDelivery";

/** Flux's reconcile intervals for one application. */
export interface FluxIntervals {
    readonly git: string;
    readonly gitTimeout: string;
    readonly kustomization: string;
    readonly retry: string;
    readonly timeout: string;
    readonly imageScan: string;
    readonly imageUpdate: string;
}

/** An application's reconcile intervals, from the stack's Flux settings. */
export function fluxIntervals(flux: FluxConfig): FluxIntervals {
    return {
        git: flux.gitInterval,
        gitTimeout: flux.gitTimeout,
        kustomization: flux.kustomizationInterval,
        retry: flux.kustomizationRetryInterval,
        timeout: flux.kustomizationTimeout,
        imageScan: flux.imageInterval,
        imageUpdate: flux.imageUpdateInterval,
    };
}

export interface FluxApplicationArgs {
    /** GitHub organisation that owns the repository. */
    readonly owner: string;
    /** Repository (under owner); also the `metadata.name` of the application's Flux objects. */
    readonly repository: string;
    readonly branch: string;
    /** The stack's name: the deploy key's title on GitHub. */
    readonly stack: string;
    /** Namespace the application runs in (created here). */
    readonly namespace: string;
    /** The environment's overlay in the repository. */
    readonly overlayPath: string;
    readonly port: number;
    /** The application's public hostname. */
    readonly hostname: string;
    readonly image: {
        /** Image repository without tag. */
        readonly repository: string;
        /** Its registry's host (`ghcr.io`, `docker.io`, ...): decides the image Receiver's type. */
        readonly registryHost: string;
        readonly policy: Omit<ImagePolicySpecArgs, "imageRepositoryName">;
        /** Image automation commits new tags (and so needs a deploy key that may push). */
        readonly automation: boolean;
        readonly pushBranch: string;
        /** Credentials of the image's registry; undefined for a public image. */
        readonly registry?: {
            readonly host: string;
            readonly username: string;
            readonly tokenParameter: ParameterRef;
        };
    };
    /**
     * Seed the base and the overlay into the repository once; the files the branch already has
     * (`existingRepositoryFiles` of `seededFilePaths`) are adopted, not created.
     */
    readonly seed?: { readonly existingFiles: readonly string[] };
    /** The bot that signs and authors the image update commits. */
    readonly bot: {
        readonly name: string;
        readonly email: string;
        /** The bot's signing key (a resource the image automation waits for) and its SSM parameters. */
        readonly gpgKey: pulumi.Resource;
        readonly gpgKeyParameter: ParameterRef;
        readonly gpgPassphraseParameter?: ParameterRef;
        /** SSM parameter of the bot's GitHub token (commit statuses: read and write); not in App mode. */
        readonly githubTokenParameter?: ParameterRef;
    };
    /**
     * GitHub App mode: Flux reads and pushes over https as the App and posts commit statuses as
     * the App; no deploy key is made. undefined: the deploy key and the bot's token.
     */
    readonly githubApp?: GithubAppSecretArgs;
    /** The stack's Flux settings (namespace, intervals, ClusterSecretStore), and `known_hosts` for github.com. */
    readonly flux: FluxConfig & { readonly knownHosts: pulumi.Input<string> };
    readonly ssm: {
        readonly deployKey: string;
        readonly webhookToken: string;
        /** SSM name of the image Receiver's token. */
        readonly imageWebhookToken: string;
        readonly kmsKeyId?: string;
    };
    readonly receiver: {
        /** Fixed hostname; undefined: a random subdomain of baseDomain. */
        readonly hostname?: string;
        readonly baseDomain: string;
    };
    readonly gateway: GatewayRef;
    /** Protect the deploy key, the webhook token and their SSM parameters against deletion. */
    readonly protectKeys: boolean;
    /** What the Flux objects wait for (the FluxInstance, when the stack installs Flux). */
    readonly fluxReady?: pulumi.Resource[];
    /**
     * What the ExternalSecrets wait for: the ClusterSecretStore and the controller's AWS identity,
     * when the stack installs them, and the grant of the shared parameters.
     */
    readonly secretStoreReady?: pulumi.Resource[];
    /**
     * The role of External Secrets, when the stack installs it: the application grants it read
     * access to its own parameters (an ExternalSecretsAccess of its own), which its ExternalSecrets
     * wait for. undefined: External Secrets' access is managed elsewhere.
     */
    readonly externalSecretsAccess?: {
        readonly role: aws.iam.Role;
        /** KMS key ARN of the SecureString parameters, when not the AWS managed key. */
        readonly kmsKeyArn?: string;
        readonly region: string;
    };
    /**
     * The application is a tenant (components/tenancy/tenant.ts): its Flux objects and Secrets live
     * in its own namespace, its Kustomization applies as the tenant's account, and its
     * ExternalSecrets read through its own SecretStore, whose role reads its own parameters and
     * `sharedParameterArns`. undefined: a platform application (`tenant: false`), in the Flux
     * namespace, applied by kustomize-controller, its secrets read through the ClusterSecretStore
     * with `externalSecretsAccess`.
     */
    readonly tenancy?: {
        readonly region: string;
        readonly oidcProviderArn: string;
        readonly kmsKeyArn?: string;
        /** The shared parameters the tenant reads: the registry token, the bot's key, the commit-status credentials. */
        readonly sharedParameterArns: pulumi.Input<string>[];
        /** Keep the stack's earlier Kustomization in the Flux namespace, retired (config/flux.ts). */
        readonly suspendLegacyKustomization: boolean;
    };
    /**
     * Where a tenant posts its Flux events (an alertmanager Provider and Alerts of its own
     * namespace: under the lockdown an Alert receives only its own namespace's events), and what
     * they wait for. undefined: no events (or a platform application, whose events the Flux
     * namespace's Alerts post).
     */
    readonly fluxEvents?: { readonly alertmanagerAddress: pulumi.Input<string>; readonly dependsOn: pulumi.Input<pulumi.Resource>[] };
}

/** A shared parameter: what an ExternalSecret pins, and the ARN a tenant's role is granted. */
interface SharedParameter {
    readonly parameter: ParameterRef;
    readonly parameterArn: pulumi.Output<string>;
}

/** What the stack shares with each application: the bot's keys, the registry tokens, what to wait for. */
export interface SharedWithApplications {
    /** The bot's GPG key (its parameters; image automation waits for it). */
    readonly gpgKey: pulumi.Resource & {
        readonly parameter: ParameterRef;
        readonly passphraseParameter?: ParameterRef;
        readonly parameterArns: pulumi.Output<string>[];
    };
    /** The bot's GitHub token in SSM (commit statuses); undefined in App mode. */
    readonly botGithubToken?: SharedParameter;
    /** GitHub App mode: the App and its private key in SSM. */
    readonly githubApp?: { readonly id: string; readonly installationId: string; readonly privateKey: SharedParameter };
    /** Each registry's token in SSM, by registry host. */
    readonly registryTokens: Readonly<Record<string, SharedParameter>>;
    /** Where tenants post their Flux events, when anywhere. */
    readonly fluxEvents?: FluxApplicationArgs["fluxEvents"];
    /** `known_hosts` for github.com. */
    readonly knownHosts: pulumi.Input<string>;
    readonly fluxReady: pulumi.Resource[];
    readonly secretStoreReady: pulumi.Resource[];
    readonly externalSecretsAccess?: FluxApplicationArgs["externalSecretsAccess"];
}

/** An application's arguments from its config and the stack's, but for what its seeding finds in the repository. */
export function fluxApplicationArgs(app: AppConfig, config: StackConfig, shared: SharedWithApplications): FluxApplicationArgs {
    const registry = app.image.public ? undefined : config.registries[app.image.registry];
    const { ingress, github } = config;
    return {
        owner: github.owner,
        repository: app.repository,
        branch: app.branch,
        stack: config.stack,
        namespace: app.namespace,
        overlayPath: app.overlayPath,
        port: app.port,
        hostname: app.hostname,
        image: {
            repository: app.image.repository,
            registryHost: app.image.registry,
            policy: app.image,
            automation: app.image.automation,
            pushBranch: app.image.pushBranch,
            registry: registry && {
                host: registry.host,
                username: registry.username,
                tokenParameter: shared.registryTokens[registry.host].parameter,
            },
        },
        bot: {
            name: github.botName,
            email: github.botEmail,
            gpgKey: shared.gpgKey,
            gpgKeyParameter: shared.gpgKey.parameter,
            gpgPassphraseParameter: shared.gpgKey.passphraseParameter,
            githubTokenParameter: shared.botGithubToken?.parameter,
        },
        githubApp: shared.githubApp && {
            id: shared.githubApp.id,
            installationId: shared.githubApp.installationId,
            privateKeyParameter: shared.githubApp.privateKey.parameter,
        },
        flux: { ...config.flux, knownHosts: shared.knownHosts },
        ssm: { ...app.ssm, kmsKeyId: config.ssm.kmsKeyId },
        receiver: { hostname: app.receiverHostname, baseDomain: ingress.baseDomain },
        gateway: { name: ingress.gatewayName, namespace: ingress.gatewayNamespace, sectionName: ingress.gatewaySectionName },
        protectKeys: config.keys.protectKeys,
        fluxReady: shared.fluxReady,
        secretStoreReady: shared.secretStoreReady,
        externalSecretsAccess: shared.externalSecretsAccess,
        tenancy:
            app.tenant && config.installs.tenancy
                ? {
                      region: config.awsRegion,
                      oidcProviderArn: config.installs.tenancy.oidcProviderArn,
                      kmsKeyArn: config.installs.tenancy.kmsKeyArn,
                      // Exactly what its ExternalSecrets read besides its own parameters: the
                      // registry token (the pods' pull Secret, and Flux's with image automation),
                      // the bot's key with image automation, and the credentials its commit-status
                      // Provider posts with.
                      sharedParameterArns: [
                          ...(registry ? [shared.registryTokens[registry.host].parameterArn] : []),
                          ...(app.image.automation ? shared.gpgKey.parameterArns : []),
                          ...(shared.githubApp ? [shared.githubApp.privateKey.parameterArn] : []),
                          ...(shared.botGithubToken ? [shared.botGithubToken.parameterArn] : []),
                      ],
                      suspendLegacyKustomization: config.flux.suspendLegacyKustomizations,
                  }
                : undefined,
        fluxEvents: app.tenant ? shared.fluxEvents : undefined,
    };
}

/** What an application's seeded manifests are made of. */
function manifestSpec(args: Pick<FluxApplicationArgs, "repository" | "image" | "port" | "overlayPath" | "flux" | "namespace" | "tenancy">): AppManifestsSpec {
    return {
        appName: args.repository,
        image: args.image.repository,
        port: args.port,
        overlayPath: args.overlayPath,
        // The setter names the ImagePolicy's namespace (image-automation-controller
        // internal/update/setters.go @v1.2.1: `<policy namespace>:<policy name>`): a tenant's own.
        imagePolicy: { name: fluxObjectNames(args.repository).imagePolicy, namespace: args.tenancy ? args.namespace : args.flux.namespace },
        imagePullSecret: args.image.registry ? appPullSecretName(args.repository) : undefined,
    };
}

/** The repository paths an application's seeding writes (what the root checks for before seeding). */
export function seededFilePaths(args: Pick<FluxApplicationArgs, "repository" | "image" | "port" | "overlayPath" | "flux" | "namespace" | "tenancy">): string[] {
    return Object.keys(appManifestFiles(manifestSpec(args)));
}

/**
 * One application's whole delivery loop, as one subtree of the stack: its deploy key and webhook
 * token (GitHub and SSM), the ExternalSecrets that bring them into the cluster, the Flux objects
 * that follow its repository and image, the seeded manifests, its routes and the GitHub webhook.
 */
export class FluxApplication extends pulumi.ComponentResource {
    /** The deploy key's ID on GitHub; undefined in App mode (no deploy key). */
    public readonly deployKeyId: pulumi.Output<string | undefined>;
    public readonly deployKeyPublicKey: pulumi.Output<string | undefined>;
    public readonly ssmParameters: { readonly deployKey: pulumi.Output<string | undefined>; readonly webhookToken: pulumi.Output<string> };
    public readonly receiverHostname: pulumi.Output<string>;
    /** `https://<receiver host>/hook/<digest>` (secret: derived from the token). */
    public readonly webhookUrl: pulumi.Output<string>;
    /** The image Receiver's type, undefined without image automation. */
    public readonly imageReceiverType?: ReceiverType;
    /**
     * The image Receiver's URL (secret): for ghcr.io registered by the repository's `package`
     * webhook; for any other registry, the URL to register in it. undefined without image automation.
     */
    public readonly imageWebhookUrl: pulumi.Output<string | undefined>;
    public readonly appUrl: pulumi.Output<string>;
    /** ARNs of the application's SSM parameters (deploy key, webhook token): what External Secrets reads. */
    public readonly parameterArns: pulumi.Output<string>[];
    /** The ExternalSecret of the pods' pull Secret in the application's namespace; undefined for a public image. */
    public readonly pullSecret?: k8s.apiextensions.CustomResource;

    constructor(name: string, args: FluxApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every object of a tenant's namespace says whose it is (toolkit.fluxcd.io/tenant).
        const tenantLabels = args.tenancy ? [tenantLabelTransform(args.repository, args.namespace)] : [];
        super("flux-gitops:app:FluxApplication", name, {}, { ...opts, transformations: [...tenantLabels, ...(opts?.transformations ?? [])] });
        const names = fluxObjectNames(args.repository);
        const keyOptions = { parent: this, protect: args.protectKeys };
        // A tenant's own parameters carry its tag: the policy pack tells tenants' parameters apart by it.
        const tags = args.tenancy ? { [TENANT_TAG]: args.repository } : undefined;

        // GitHub App mode: Flux authenticates as the App, so there is no deploy key at all.
        const deployKey = args.githubApp
            ? undefined
            : new DeployKey(
                  `${name}-deploy-key`,
                  {
                      repository: args.repository,
                      title: `flux-${args.stack}`,
                      // Only image automation pushes; without it Flux only reads.
                      allowWrite: args.image.automation,
                      parameterName: args.ssm.deployKey,
                      kmsKeyId: args.ssm.kmsKeyId,
                      tags,
                  },
                  keyOptions,
              );
        const webhookToken = new WebhookToken(
            `${name}-receiver-token`,
            { parameterName: args.ssm.webhookToken, kmsKeyId: args.ssm.kmsKeyId, tags },
            keyOptions,
        );
        // One token per Receiver: the image Receiver's URL and HMAC key are its own.
        const imageWebhookToken = args.image.automation
            ? new WebhookToken(
                  `${name}-image-receiver-token`,
                  { parameterName: args.ssm.imageWebhookToken, kmsKeyId: args.ssm.kmsKeyId, tags },
                  keyOptions,
              )
            : undefined;
        const ownParameterArns = [...(deployKey ? [deployKey.parameterArn] : []), webhookToken.parameterArn, ...(imageWebhookToken ? [imageWebhookToken.parameterArn] : [])];

        // The application's namespace, first: a tenant's Flux objects live in it. Stacks made before
        // tenancy registered it under AppDelivery; the alias keeps it (a new URN would delete the
        // namespace, and the application with it).
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: args.namespace } },
            { parent: this, aliases: [{ parent: pulumi.createUrn(name, APP_DELIVERY_TYPE, this) }] },
        );
        const tenant = args.tenancy
            ? new Tenant(
                  `${name}-tenant`,
                  {
                      tenant: args.repository,
                      namespace,
                      namespaceName: args.namespace,
                      region: args.tenancy.region,
                      oidcProviderArn: args.tenancy.oidcProviderArn,
                      kmsKeyArn: args.tenancy.kmsKeyArn,
                      parameterArns: [...ownParameterArns, ...args.tenancy.sharedParameterArns],
                      dependsOn: args.secretStoreReady,
                  },
                  { parent: this },
              )
            : undefined;
        // A platform application: in the Flux namespace, its parameters granted to the platform's role.
        const access =
            !tenant && args.externalSecretsAccess
                ? new ExternalSecretsAccess(
                      `${name}-external-secrets-access`,
                      { ...args.externalSecretsAccess, parameterArns: ownParameterArns },
                      { parent: this },
                  )
                : undefined;
        const fluxNamespace = tenant ? args.namespace : args.flux.namespace;
        const store: SecretStoreRef = tenant ? tenant.store : { kind: "ClusterSecretStore", name: args.flux.clusterSecretStore };
        const secretsWaitFor = tenant
            ? [namespace, ...tenant.storeReady]
            : [...(args.secretStoreReady ?? []), ...(access ? [access.policy] : [])];

        const secrets = new FluxSecrets(
            `${name}-secrets`,
            {
                namespace: fluxNamespace,
                names,
                store,
                refreshInterval: args.flux.externalSecretRefreshInterval,
                git: deployKey
                    ? { deployKeyParameter: deployKey.parameter, knownHosts: args.flux.knownHosts }
                    : { githubApp: args.githubApp! },
                // Only image automation reads the registry and signs commits: without it, neither
                // the registry token nor the bot's GPG key is brought into the cluster. In a
                // tenant's namespace the pods' pull Secret, below, is the one Flux reads: the same
                // name and contents (names.ts `appPullSecretName`).
                registry: args.image.automation && !tenant ? args.image.registry : undefined,
                gpgKeyParameter: args.image.automation ? args.bot.gpgKeyParameter : undefined,
                gpgPassphraseParameter: args.image.automation ? args.bot.gpgPassphraseParameter : undefined,
                webhookTokenParameter: webhookToken.parameter,
                imageWebhookTokenParameter: imageWebhookToken?.parameter,
                commitStatusTokenParameter: args.bot.githubTokenParameter,
                // Flux's namespace comes with Flux; the store reads the parameters.
                dependsOn: [...(args.fluxReady ?? []), ...secretsWaitFor],
            },
            { parent: this },
        );

        const manifests = args.seed
            ? new AppManifests(
                  `${name}-manifests`,
                  {
                      ...manifestSpec(args),
                      repository: args.repository,
                      branch: args.branch,
                      commitAuthor: args.bot.name,
                      commitEmail: args.bot.email,
                      existingFiles: args.seed.existingFiles,
                  },
                  { parent: this },
              )
            : undefined;

        const intervals = fluxIntervals(args.flux);
        // A private image's pull Secret in the application's namespace, from the same parameter as
        // Flux's registry Secret: the seeded Deployment names it in imagePullSecrets. A platform
        // application's namespace is one the ClusterSecretStore serves (its `conditions`).
        const pull = args.image.registry ? registrySecretValues(args.image.registry) : undefined;
        this.pullSecret = pull
            ? parameterExternalSecret(
                  `${name}-pull-secret`,
                  {
                      namespace: args.namespace,
                      targetName: appPullSecretName(args.repository),
                      store,
                      refreshInterval: args.flux.externalSecretRefreshInterval,
                      ...pull,
                  },
                  { parent: this, dependsOn: [namespace, ...secretsWaitFor] },
              )
            : undefined;
        const secretsReady = [...Object.values(secrets.externalSecrets), ...(tenant && this.pullSecret ? [this.pullSecret] : [])];
        // A tenant's Kustomization from before tenancy, kept retired in the Flux namespace.
        const legacy = args.tenancy?.suspendLegacyKustomization ? { fluxNamespace: args.flux.namespace } : undefined;
        const delivery = new AppDelivery(
            name,
            {
                fluxNamespace,
                names,
                owner: args.owner,
                repository: args.repository,
                branch: args.branch,
                githubApp: args.githubApp !== undefined,
                path: args.overlayPath,
                appNamespace: args.namespace,
                serviceAccount: tenant
                    ? { name: tenant.serviceAccountName, ready: tenant.reconcilerReady }
                    : { name: PLATFORM_SERVICE_ACCOUNT, ready: [] },
                tenant: tenant && { legacy },
                intervals,
                // Flux can read the repository once the key is registered and its Secret exists.
                dependsOn: [namespace, ...(deployKey ? [deployKey] : []), ...secretsReady, ...(manifests ? [manifests] : []), ...(args.fluxReady ?? [])],
                // The pods pull with it: Flux applies the Deployment once the Secret is synced.
                workloadNeeds: [namespace, ...(this.pullSecret ? [this.pullSecret] : [])],
            },
            { parent: this },
        );

        const images = args.image.automation
            ? new ImageAutomation(
                  `${name}-images`,
                  {
                      fluxNamespace,
                      names,
                      image: args.image.repository,
                      registryCredentials: args.image.registry !== undefined,
                      policy: args.image.policy,
                      branch: args.branch,
                      pushBranch: args.image.pushBranch,
                      updatePath: args.overlayPath,
                      authorName: args.bot.name,
                      authorEmail: args.bot.email,
                      intervals: { scan: intervals.imageScan, update: intervals.imageUpdate },
                      dependsOn: [delivery.gitRepository, args.bot.gpgKey, ...secretsReady],
                  },
                  { parent: this },
              )
            : undefined;

        const receiver = new WebhookReceiver(
            `${name}-receiver`,
            {
                fluxNamespace,
                routeNamespace: args.flux.namespace,
                names,
                repository: args.repository,
                token: webhookToken.token,
                hostname: args.receiver.hostname,
                baseDomain: args.receiver.baseDomain,
                gateway: args.gateway,
                dependsOn: [delivery.gitRepository, ...secretsReady],
            },
            { parent: this },
        );

        const imageReceiverKind = imageReceiverType(args.image.registryHost);
        const imageReceiver =
            // Stryker disable next-line LogicalOperator: both exist exactly when image automation is on
            images && imageWebhookToken
                ? new ImageWebhookReceiver(
                      `${name}-image-receiver`,
                      {
                          fluxNamespace,
                          names,
                          type: imageReceiverKind,
                          repository: args.repository,
                          token: imageWebhookToken.token,
                          hostname: receiver.hostname,
                          dependsOn: [images.imageRepository, receiver.route, ...secretsReady],
                      },
                      { parent: this },
                  )
                : undefined;

        new CommitStatus(
            `${name}-commit-status`,
            {
                fluxNamespace,
                names,
                owner: args.owner,
                repository: args.repository,
                stack: args.stack,
                secretName: args.githubApp ? names.githubAppSecret : names.commitStatusSecret,
                dependsOn: [delivery.kustomization, ...secretsReady],
            },
            { parent: this },
        );

        // Under the lockdown an Alert receives only the events of its own namespace
        // (notification-controller v1.9.1 internal/server/event_handlers.go: "discarding event,
        // access denied to cross-namespace sources"): a tenant posts its own.
        if (tenant && args.fluxEvents) {
            new FluxAlerts(
                `${name}-flux-alerts`,
                {
                    fluxNamespace,
                    providerName: FLUX_EVENTS_PROVIDER,
                    alertmanagerAddress: args.fluxEvents.alertmanagerAddress,
                    dependsOn: [namespace, ...args.fluxEvents.dependsOn],
                },
                { parent: this },
            );
        }

        new AppRoute(
            `${name}-route`,
            {
                appName: args.repository,
                namespace: args.namespace,
                hostname: args.hostname,
                port: args.port,
                gateway: args.gateway,
                dependsOn: [namespace],
            },
            { parent: this },
        );

        this.deployKeyId = deployKey ? deployKey.deployKeyId : pulumi.output(undefined);
        this.deployKeyPublicKey = deployKey ? deployKey.publicKey : pulumi.output(undefined);
        this.ssmParameters = { deployKey: deployKey ? deployKey.parameterName : pulumi.output(undefined), webhookToken: webhookToken.parameterName };
        this.receiverHostname = receiver.hostname;
        this.webhookUrl = receiver.webhookUrl;
        this.imageReceiverType = imageReceiver ? imageReceiverKind : undefined;
        this.imageWebhookUrl = imageReceiver ? imageReceiver.webhookUrl : pulumi.output(undefined);
        this.appUrl = pulumi.output(`https://${args.hostname}`);
        this.parameterArns = ownParameterArns;
        this.registerOutputs({
            deployKeyId: this.deployKeyId,
            deployKeyPublicKey: this.deployKeyPublicKey,
            ssmParameters: this.ssmParameters,
            receiverHostname: this.receiverHostname,
            webhookUrl: this.webhookUrl,
            imageWebhookUrl: this.imageWebhookUrl,
            appUrl: this.appUrl,
            parameterArns: this.parameterArns,
        });
    }
}
