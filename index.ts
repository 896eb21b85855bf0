import * as github from "@pulumi/github";
import { loadConfig } from "./config";
import { AppManifests } from "./components/app/app-manifests";
import { AppDelivery } from "./components/flux/app-delivery";
import { FluxSecrets } from "./components/flux/flux-secrets";
import { ImageAutomation } from "./components/flux/image-automation";
import { fluxObjectNames } from "./components/flux/names";
import { WebhookReceiver } from "./components/flux/webhook-receiver";
import { AppRoute } from "./components/gateway/app-route";
import { FluxAlerts } from "./components/monitoring/flux-alerts";
import { Monitoring } from "./components/monitoring/monitoring";
import { alertmanagerAddress } from "./components/monitoring/specs";
import { DeployKey } from "./components/keys/deploy-key";
import { GpgSigningKey } from "./components/keys/gpg-signing-key";
import { knownHosts } from "./components/keys/known-hosts";
import { StoredSecret } from "./components/keys/stored-secret";
import { WebhookToken } from "./components/keys/webhook-token";
import { createProviders, withProviders } from "./components/providers";

// Read and validate all config first: bad config fails here, before any resource is registered.
const config = loadConfig();
const providers = createProviders(config);
const app = config.app.name;
const names = fluxObjectNames(app);
const fluxNamespace = config.kubernetes.fluxNamespace;
const gateway = {
    name: config.ingress.gatewayName,
    namespace: config.ingress.gatewayNamespace,
    sectionName: config.ingress.gatewaySectionName,
};

// --- Keys and secrets: SSM Parameter Store and GitHub -----------------------------------------
const deployKey = new DeployKey(
    `${app}-deploy-key`,
    {
        repository: config.app.repository,
        title: `flux-${config.stack}`,
        // Only image automation pushes; without it Flux only reads.
        allowWrite: config.image.automation,
        parameterName: config.ssm.deployKey,
        kmsKeyId: config.ssm.kmsKeyId,
    },
    withProviders(providers, "githubOrg", "aws"),
);

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
    withProviders(providers, "aws"),
);

const registryToken = new StoredSecret(
    `${app}-registry-token`,
    {
        parameterName: config.ssm.registryToken,
        value: config.keys.registryToken,
        description: `Token that lets Flux read ${config.image.repository}`,
        kmsKeyId: config.ssm.kmsKeyId,
    },
    withProviders(providers, "aws"),
);

const webhookToken = new WebhookToken(
    `${app}-receiver-token`,
    { parameterName: config.ssm.webhookToken, kmsKeyId: config.ssm.kmsKeyId },
    withProviders(providers, "aws"),
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

// --- Flux: secrets from SSM, source, delivery, image automation, receiver ---------------------
const secrets = new FluxSecrets(
    `${app}-secrets`,
    {
        namespace: fluxNamespace,
        names,
        storeName: config.flux.clusterSecretStore,
        refreshInterval: config.flux.externalSecretRefreshInterval,
        deployKeyParameter: deployKey.parameterName,
        knownHosts: githubKnownHosts,
        registryTokenParameter: registryToken.parameterName,
        registry: config.image.registry,
        registryUsername: config.github.botUser,
        gpgKeyParameter: gpgKey.parameterName,
        gpgPassphraseParameter: gpgKey.passphraseParameterName,
        webhookTokenParameter: webhookToken.parameterName,
    },
    withProviders(providers, "kubernetes"),
);
const secretsReady = Object.values(secrets.externalSecrets);

const manifests = config.app.seedManifests
    ? new AppManifests(
          `${app}-manifests`,
          {
              repository: config.app.repository,
              branch: config.app.branch,
              appName: app,
              image: config.image.repository,
              port: config.app.port,
              overlayPath: config.app.overlayPath,
              imagePolicy: { name: names.imagePolicy, namespace: fluxNamespace },
              commitAuthor: config.github.botName,
              commitEmail: config.github.botEmail,
          },
          withProviders(providers, "githubOrg"),
      )
    : undefined;

const delivery = new AppDelivery(
    app,
    {
        fluxNamespace,
        names,
        owner: config.github.owner,
        repository: config.app.repository,
        branch: config.app.branch,
        path: config.app.overlayPath,
        appNamespace: config.app.namespace,
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

if (config.image.automation) {
    new ImageAutomation(
        `${app}-images`,
        {
            fluxNamespace,
            names,
            image: config.image.repository,
            policy: {
                policy: config.image.policy,
                order: config.image.order,
                semverRange: config.image.semverRange,
                tagPattern: config.image.tagPattern,
                tagExtract: config.image.tagExtract,
            },
            branch: config.app.branch,
            pushBranch: config.image.pushBranch,
            updatePath: config.app.overlayPath,
            authorName: config.github.botName,
            authorEmail: config.github.botEmail,
            intervals: { scan: config.flux.imageInterval, update: config.flux.imageUpdateInterval },
            dependsOn: [delivery.gitRepository, gpgKey, ...secretsReady],
        },
        withProviders(providers, "kubernetes"),
    );
}

const receiver = new WebhookReceiver(
    `${app}-receiver`,
    {
        fluxNamespace,
        names,
        repository: config.app.repository,
        token: webhookToken.token,
        hostname: config.ingress.receiverHostname,
        baseDomain: config.ingress.baseDomain,
        gateway,
        dependsOn: [delivery.gitRepository, ...secretsReady],
    },
    withProviders(providers, "kubernetes", "githubOrg"),
);

new AppRoute(
    `${app}-route`,
    {
        appName: app,
        namespace: config.app.namespace,
        hostname: config.app.hostname,
        port: config.app.port,
        gateway,
        dependsOn: [delivery.namespace],
    },
    withProviders(providers, "kubernetes"),
);

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

// --- Stack outputs (nothing private unless secret) --------------------------------------------
export const ssmParameters = {
    deployKey: deployKey.parameterName,
    registryToken: registryToken.parameterName,
    gpgKey: gpgKey.parameterName,
    webhookToken: webhookToken.parameterName,
    slackWebhookUrl: slackWebhook.parameterName,
    discordWebhookUrl: discordWebhook.parameterName,
};
export const deployKeyId = deployKey.deployKeyId;
export const deployKeyPublicKey = deployKey.publicKey;
export const gpgKeyFingerprint = gpgKey.fingerprint;
export const gpgPublicKey = gpgKey.publicKey;
export const receiverHostname = receiver.hostname;
/** Secret: the path is derived from the token. */
export const webhookUrl = receiver.webhookUrl;
export const appUrl = `https://${config.app.hostname}`;
