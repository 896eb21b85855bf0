import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { AppConfig, loadConfig } from "./config";
import { AppManifests } from "./components/app/app-manifests";
import { AppDelivery } from "./components/flux/app-delivery";
import { FluxSecrets } from "./components/flux/flux-secrets";
import { ImageAutomation } from "./components/flux/image-automation";
import { fluxObjectNames } from "./components/flux/names";
import { WebhookReceiver } from "./components/flux/webhook-receiver";
import { AppRoute } from "./components/gateway/app-route";
import { DeployKey } from "./components/keys/deploy-key";
import { GpgSigningKey } from "./components/keys/gpg-signing-key";
import { knownHosts } from "./components/keys/known-hosts";
import { StoredSecret } from "./components/keys/stored-secret";
import { WebhookToken } from "./components/keys/webhook-token";
import { FluxAlerts } from "./components/monitoring/flux-alerts";
import { Monitoring } from "./components/monitoring/monitoring";
import { alertmanagerAddress } from "./components/monitoring/specs";
import { PushToDeploy } from "./components/deployments/push-to-deploy";
import { createProviders, withProviders } from "./components/providers";

// Read and validate all config first: bad config fails here, before any resource is registered.
const config = loadConfig();
const providers = createProviders(config);
const fluxNamespace = config.kubernetes.fluxNamespace;
const gateway = {
    name: config.ingress.gatewayName,
    namespace: config.ingress.gatewayNamespace,
    sectionName: config.ingress.gatewaySectionName,
};
// Losing these locks Flux out of the repository, the registry or signing: protected in production.
const keyOptions = (...which: Parameters<typeof withProviders>[1][]) => ({
    ...withProviders(providers, ...which),
    protect: config.protectKeys,
});

// --- Shared keys and secrets: SSM Parameter Store and GitHub ----------------------------------
const gpgKey = new GpgSigningKey(
    `${config.github.botUser}-gpg`,
    {
        userName: config.github.botName,
        email: config.github.botEmail,
        algorithm: config.keys.gpgAlgorithm,
        rotation: config.keys.gpgKeyRotation,
        passphrase: config.keys.gpgPassphrase,
        parameterName: config.ssm.gpgKey,
        passphraseParameterName: config.ssm.gpgPassphrase,
        kmsKeyId: config.ssm.kmsKeyId,
        botProvider: providers.githubBot,
    },
    keyOptions("aws"),
);

// One registry token per stack, read by every application's registry Secret. Named after the
// first application, as it was when the stack had only that one.
const registryToken = new StoredSecret(
    `${config.apps[0].name}-registry-token`,
    {
        parameterName: config.ssm.registryToken,
        value: config.keys.registryToken,
        description: `Token that lets Flux read ${config.apps.map((a) => a.image.repository).join(", ")}`,
        kmsKeyId: config.ssm.kmsKeyId,
    },
    keyOptions("aws"),
);

const slackWebhook = new StoredSecret(
    "slack-webhook-url",
    {
        parameterName: config.ssm.slackWebhookUrl,
        value: config.monitoring.slackWebhookUrl,
        description: "Slack webhook URL for Flux errors (Alertmanager)",
        kmsKeyId: config.ssm.kmsKeyId,
    },
    withProviders(providers, "aws"),
);
const discordWebhook = new StoredSecret(
    "discord-webhook-url",
    {
        parameterName: config.ssm.discordWebhookUrl,
        value: config.monitoring.discordWebhookUrl,
        description: "Discord webhook URL for Flux info events (Alertmanager)",
        kmsKeyId: config.ssm.kmsKeyId,
    },
    withProviders(providers, "aws"),
);

// GitHub's SSH host keys as published by GitHub, so a rotation is picked up by the next `up`.
const githubKnownHosts = github
    .getSshKeysOutput({ provider: providers.githubOrg })
    .keys.apply((keys) => knownHosts(keys));

// --- One delivery loop per application ---------------------------------------------------------
/** Creates an application's deploy key, webhook token, Flux objects, manifests and routes. */
function deliver(app: AppConfig) {
    const names = fluxObjectNames(app.name);
    const deployKey = new DeployKey(
        `${app.name}-deploy-key`,
        {
            repository: app.repository,
            title: `flux-${config.stack}`,
            // Only image automation pushes; without it Flux only reads.
            allowWrite: app.image.automation,
            parameterName: app.ssm.deployKey,
            kmsKeyId: config.ssm.kmsKeyId,
        },
        keyOptions("githubOrg", "aws"),
    );
    const webhookToken = new WebhookToken(
        `${app.name}-receiver-token`,
        { parameterName: app.ssm.webhookToken, kmsKeyId: config.ssm.kmsKeyId },
        keyOptions("aws"),
    );

    const secrets = new FluxSecrets(
        `${app.name}-secrets`,
        {
            namespace: fluxNamespace,
            names,
            storeName: config.flux.clusterSecretStore,
            refreshInterval: config.flux.externalSecretRefreshInterval,
            deployKeyParameter: deployKey.parameterName,
            knownHosts: githubKnownHosts,
            registryTokenParameter: registryToken.parameterName,
            registry: app.image.registry,
            registryUsername: config.github.botUser,
            gpgKeyParameter: gpgKey.parameterName,
            gpgPassphraseParameter: gpgKey.passphraseParameterName,
            webhookTokenParameter: webhookToken.parameterName,
        },
        withProviders(providers, "kubernetes"),
    );
    const secretsReady = Object.values(secrets.externalSecrets);

    const manifests = app.seedManifests
        ? new AppManifests(
              `${app.name}-manifests`,
              {
                  repository: app.repository,
                  branch: app.branch,
                  appName: app.name,
                  image: app.image.repository,
                  port: app.port,
                  overlayPath: app.overlayPath,
                  imagePolicy: { name: names.imagePolicy, namespace: fluxNamespace },
                  commitAuthor: config.github.botName,
                  commitEmail: config.github.botEmail,
                  includeBase: config.seedBase,
              },
              withProviders(providers, "githubOrg"),
          )
        : undefined;

    const delivery = new AppDelivery(
        app.name,
        {
            fluxNamespace,
            names,
            owner: config.github.owner,
            repository: app.repository,
            branch: app.branch,
            path: app.overlayPath,
            appNamespace: app.namespace,
            intervals: {
                git: config.flux.gitInterval,
                gitTimeout: config.flux.gitTimeout,
                kustomization: config.flux.kustomizationInterval,
                retry: config.flux.kustomizationRetryInterval,
                timeout: config.flux.kustomizationTimeout,
            },
            // Flux can read the repository once the key is registered and its Secret exists.
            dependsOn: [deployKey, ...secretsReady, ...(manifests ? [manifests] : [])],
        },
        withProviders(providers, "kubernetes"),
    );

    if (app.image.automation) {
        new ImageAutomation(
            `${app.name}-images`,
            {
                fluxNamespace,
                names,
                image: app.image.repository,
                policy: {
                    policy: app.image.policy,
                    order: app.image.order,
                    semverRange: app.image.semverRange,
                    tagPattern: app.image.tagPattern,
                    tagExtract: app.image.tagExtract,
                },
                branch: app.branch,
                pushBranch: app.image.pushBranch,
                updatePath: app.overlayPath,
                authorName: config.github.botName,
                authorEmail: config.github.botEmail,
                intervals: { scan: config.flux.imageInterval, update: config.flux.imageUpdateInterval },
                dependsOn: [delivery.gitRepository, gpgKey, ...secretsReady],
            },
            withProviders(providers, "kubernetes"),
        );
    }

    const receiver = new WebhookReceiver(
        `${app.name}-receiver`,
        {
            fluxNamespace,
            names,
            repository: app.repository,
            token: webhookToken.token,
            hostname: app.receiverHostname,
            baseDomain: config.ingress.baseDomain,
            gateway,
            dependsOn: [delivery.gitRepository, ...secretsReady],
        },
        withProviders(providers, "kubernetes", "githubOrg"),
    );

    new AppRoute(
        `${app.name}-route`,
        {
            appName: app.name,
            namespace: app.namespace,
            hostname: app.hostname,
            port: app.port,
            gateway,
            dependsOn: [delivery.namespace],
        },
        withProviders(providers, "kubernetes"),
    );

    return {
        deployKeyId: deployKey.deployKeyId,
        deployKeyPublicKey: deployKey.publicKey,
        ssmParameters: { deployKey: deployKey.parameterName, webhookToken: webhookToken.parameterName },
        receiverHostname: receiver.hostname,
        webhookUrl: receiver.webhookUrl,
        appUrl: `https://${app.hostname}`,
    };
}

const delivered = config.apps.map((app) => deliver(app));
const first = delivered[0];

// --- Monitoring: kube-prometheus-stack, Flux events into Alertmanager -------------------------
const monitoring = new Monitoring(
    "monitoring",
    {
        namespace: config.monitoring.namespace,
        releaseName: "kube-prometheus-stack",
        chartVersion: config.monitoring.chartVersion,
        timeoutSeconds: config.monitoring.helmTimeoutSeconds,
        extraValues: config.monitoring.extraValues,
        alertmanagerConfigName: "flux",
        slackChannel: config.monitoring.slackChannel,
        slackWebhookParameter: slackWebhook.parameterName,
        discordWebhookParameter: discordWebhook.parameterName,
        clusterSecretStore: config.flux.clusterSecretStore,
        refreshInterval: config.flux.externalSecretRefreshInterval,
    },
    withProviders(providers, "kubernetes"),
);

new FluxAlerts(
    "flux-alerts",
    {
        fluxNamespace,
        providerName: "alertmanager",
        alertmanagerAddress: monitoring.releaseName.apply((release) =>
            alertmanagerAddress(release, config.monitoring.namespace),
        ),
        dependsOn: [monitoring.release],
    },
    withProviders(providers, "kubernetes"),
);

// --- Push-to-deploy (off by default: it needs Pulumi Cloud) -----------------------------------
if (config.deployments) {
    new PushToDeploy(
        "push-to-deploy",
        {
            ...config.deployments,
            project: pulumi.getProject(),
            stack: config.stack,
            awsRegion: config.awsRegion,
        },
        withProviders(providers, "pulumiService"),
    );
}

// --- Stack outputs (nothing private unless secret) --------------------------------------------
// The first application's outputs at the top level, as before there were several.
export const ssmParameters = {
    ...first.ssmParameters,
    registryToken: registryToken.parameterName,
    gpgKey: gpgKey.parameterName,
    slackWebhookUrl: slackWebhook.parameterName,
    discordWebhookUrl: discordWebhook.parameterName,
};
export const deployKeyId = first.deployKeyId;
export const deployKeyPublicKey = first.deployKeyPublicKey;
export const gpgKeyFingerprint = gpgKey.fingerprint;
export const gpgPublicKey = gpgKey.publicKey;
export const receiverHostname = first.receiverHostname;
/** Secret: the path is derived from the token. */
export const webhookUrl = first.webhookUrl;
export const appUrl = first.appUrl;
/** Every application's outputs by name (webhook URLs secret). */
export const apps = Object.fromEntries(
    config.apps.map((app, i) => [app.name, { ...delivered[i], webhookUrl: pulumi.secret(delivered[i].webhookUrl) }]),
);
