/**
 * The composition root: shared keys, the applications, monitoring, push-to-deploy, outputs.
 * Config is read and validated first: bad config fails before any resource is registered.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { AppConfig, GHCR, loadConfig } from "./config";
import { existingRepositoryFiles } from "./components/app/app-manifests";
import { FluxApplication, FluxApplicationArgs, seededFilePaths } from "./components/app/flux-application";
import { PushToDeploy } from "./components/deployments/push-to-deploy";
import { ExternalSecrets, ExternalSecretsAccess } from "./components/install/external-secrets";
import { FluxOperator } from "./components/install/flux-operator";
import { GpgSigningKey } from "./components/keys/gpg-signing-key";
import { knownHosts } from "./components/keys/known-hosts";
import { ParameterRef, StoredSecret } from "./components/keys/stored-secret";
import { adoptionTransform } from "./components/adoption";
import { ownerLabelsTransform } from "./components/labels";
import { FluxAlerts } from "./components/monitoring/flux-alerts";
import { Monitoring } from "./components/monitoring/monitoring";
import { alertmanagerAddress } from "./components/monitoring/specs";
import { createProviders, withProviders } from "./components/providers";

const config = loadConfig();
const providers = createProviders(config);
// Every Kubernetes object says which project and stack own it. A transformation given to a
// component applies to all of its children (client-side, so the offline evaluator sees it too).
// In an account and cluster where the recipe ran, what it left is adopted (adoptExisting).
const transformations = [
    ...(config.monitoring.adoptExisting ? [adoptionTransform({ namespaces: [config.monitoring.namespace] })] : []),
    ownerLabelsTransform(pulumi.getProject(), config.stack),
];
const options = (...which: Parameters<typeof withProviders>[1][]): pulumi.ComponentResourceOptions => ({
    ...withProviders(providers, ...which),
    transformations,
});
// Losing these locks Flux out of the repository, the registry or signing: protected in production.
const keyOptions = { ...options("aws"), protect: config.keys.protectKeys };
const gateway = {
    name: config.ingress.gatewayName,
    namespace: config.ingress.gatewayNamespace,
    sectionName: config.ingress.gatewaySectionName,
};

// --- What the stack installs: Flux (Flux Operator), External Secrets and its store -------------
// Switched off, the cluster's own Flux / store is used and nothing waits for it.
const fluxInstall = config.installs.flux;
const fluxOperator = fluxInstall
    ? new FluxOperator(
          "flux",
          {
              namespace: config.kubernetes.fluxNamespace,
              chartVersion: fluxInstall.operatorChartVersion,
              instance: { version: fluxInstall.distributionVersion, clusterType: fluxInstall.clusterType },
          },
          options("kubernetes"),
      )
    : undefined;
const esoInstall = config.installs.externalSecrets;
const externalSecrets = esoInstall
    ? new ExternalSecrets(
          "external-secrets",
          { ...esoInstall, storeName: config.flux.clusterSecretStore, region: config.awsRegion },
          options("kubernetes", "aws"),
      )
    : undefined;
const fluxReady = fluxOperator?.ready ?? [];
const secretStoreReady = externalSecrets?.ready ?? [];

// --- Shared keys and secrets: SSM Parameter Store and GitHub ----------------------------------
// Logical names never derive from config: a changed value must not become a create of a new
// resource plus a delete of the old one, which would delete a parameter by the shared name.
const gpgKey = new GpgSigningKey(
    "bot-gpg",
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
    keyOptions,
);

// Each registry an application pulls from privately gets its token in a parameter of its own
// (ghcr.io: the bot's `registryToken`); a stack of public images stores none.
const registryParameters: Record<string, ParameterRef> = {};
const registryParameterArns: pulumi.Output<string>[] = [];
const registryTokens: Record<string, StoredSecret> = {};
for (const registry of Object.values(config.registries)) {
    const ghcr = registry.host === GHCR;
    const stored = new StoredSecret(
        ghcr ? "ghcr-registry-token" : `registry-token-${registry.host.replace(/[^A-Za-z0-9]+/g, "-")}`,
        {
            parameterName: registry.parameterName,
            value: registry.token,
            description: `Token that lets Flux read ${registry.host} as ${registry.username}`,
            kmsKeyId: config.ssm.kmsKeyId,
        },
        keyOptions,
    );
    registryTokens[registry.host] = stored;
    registryParameters[registry.host] = stored.parameter;
    registryParameterArns.push(stored.parameterArn);
}

// The alert channels that are set (only with installMonitoring: config/monitoring.ts).
const slackWebhook = config.monitoring.slackWebhookUrl
    ? new StoredSecret(
          "slack-webhook-url",
          {
              parameterName: config.ssm.slackWebhookUrl,
              value: config.monitoring.slackWebhookUrl,
              description: "Slack webhook URL for Flux errors (Alertmanager)",
              kmsKeyId: config.ssm.kmsKeyId,
          },
          options("aws"),
      )
    : undefined;
const discordWebhook = config.monitoring.discordWebhookUrl
    ? new StoredSecret(
          "discord-webhook-url",
          {
              parameterName: config.ssm.discordWebhookUrl,
              value: config.monitoring.discordWebhookUrl,
              description: "Discord webhook URL for Flux info events (Alertmanager)",
              kmsKeyId: config.ssm.kmsKeyId,
          },
          options("aws"),
      )
    : undefined;

// The bot's GitHub token in SSM, from where each application's commit-status Provider reads it.
const botGithubToken = new StoredSecret(
    "bot-github-token",
    {
        parameterName: config.ssm.botGithubToken,
        value: config.github.botToken,
        description: `GitHub token of ${config.github.botUser}: Flux posts commit statuses with it`,
        kmsKeyId: config.ssm.kmsKeyId,
    },
    options("aws"),
);

// External Secrets may read exactly this stack's parameters. Each grant is an inline policy of
// its role that covers some of them: this one the shared parameters above, each application's its
// own (FluxApplication). An ExternalSecret waits for the grants of what it reads, so its first sync
// does not meet AccessDenied and back off.
const grant =
    externalSecrets && esoInstall
        ? { role: externalSecrets.role, kmsKeyArn: esoInstall.kmsKeyArn, region: config.awsRegion }
        : undefined;
const sharedAccess = grant
    ? new ExternalSecretsAccess(
          "external-secrets-access",
          {
              ...grant,
              parameterArns: [
                  ...gpgKey.parameterArns,
                  ...registryParameterArns,
                  ...(slackWebhook ? [slackWebhook.parameterArn] : []),
                  ...(discordWebhook ? [discordWebhook.parameterArn] : []),
                  botGithubToken.parameterArn,
              ],
          },
          options("aws"),
      )
    : undefined;
// What every ExternalSecret of the stack waits for: the store (and the controller's AWS identity)
// and the grant of the shared parameters.
const sharedSecretsReady = [...secretStoreReady, ...(sharedAccess ? [sharedAccess.policy] : [])];

// GitHub's SSH host keys as published by GitHub, so a rotation is picked up by the next `up`.
const githubKnownHosts = github
    .getSshKeysOutput({ provider: providers.githubOrg })
    .keys.apply((keys) => knownHosts(keys));

// --- One delivery loop per application ---------------------------------------------------------
/** An application's arguments, but for what its seeding finds in the repository. */
function applicationArgs(app: AppConfig): FluxApplicationArgs {
    const registry = app.image.public ? undefined : config.registries[app.image.registry];
    return {
        owner: config.github.owner,
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
            policy: {
                policy: app.image.policy,
                order: app.image.order,
                semverRange: app.image.semverRange,
                tagPattern: app.image.tagPattern,
                tagExtract: app.image.tagExtract,
            },
            automation: app.image.automation,
            pushBranch: app.image.pushBranch,
            registry: registry && {
                host: registry.host,
                username: registry.username,
                tokenParameter: registryParameters[registry.host],
            },
        },
        bot: {
            name: config.github.botName,
            email: config.github.botEmail,
            gpgKey,
            gpgKeyParameter: gpgKey.parameter,
            gpgPassphraseParameter: gpgKey.passphraseParameter,
            githubTokenParameter: botGithubToken.parameter,
        },
        flux: {
            namespace: config.kubernetes.fluxNamespace,
            intervals: {
                git: config.flux.gitInterval,
                gitTimeout: config.flux.gitTimeout,
                kustomization: config.flux.kustomizationInterval,
                retry: config.flux.kustomizationRetryInterval,
                timeout: config.flux.kustomizationTimeout,
                imageScan: config.flux.imageInterval,
                imageUpdate: config.flux.imageUpdateInterval,
            },
            clusterSecretStore: config.flux.clusterSecretStore,
            externalSecretRefreshInterval: config.flux.externalSecretRefreshInterval,
            knownHosts: githubKnownHosts,
        },
        ssm: {
            deployKey: app.ssm.deployKey,
            webhookToken: app.ssm.webhookToken,
            imageWebhookToken: app.ssm.imageWebhookToken,
            kmsKeyId: config.ssm.kmsKeyId,
        },
        receiver: { hostname: app.receiverHostname, baseDomain: config.ingress.baseDomain },
        gateway,
        protectKeys: config.keys.protectKeys,
        fluxReady,
        secretStoreReady: sharedSecretsReady,
        externalSecretsAccess: grant,
    };
}

// Seeding adopts the files a branch already has (another stack's base, this stack's earlier
// seeding). Whether a resource is imported must be known when it is registered, so GitHub is
// asked first; the applications are registered once the answers are in.
const applications: Promise<FluxApplication[]> = Promise.all(
    config.apps.map(async (app) => {
        const args = applicationArgs(app);
        const seed = app.seedManifests
            ? { existingFiles: await existingRepositoryFiles(providers.githubOrg, app.repository, app.branch, seededFilePaths(args)) }
            : undefined;
        return new FluxApplication(app.name, { ...args, seed }, options("githubOrg", "aws", "kubernetes", "tls", "random"));
    }),
);
/** An output of the first application (the top-level outputs, as before there were several). */
const first = <T>(pick: (a: FluxApplication) => pulumi.Output<T>): pulumi.Output<T> =>
    pulumi.output(applications).apply((a) => pick(a[0]));

// --- Monitoring: kube-prometheus-stack, Flux events into Alertmanager -------------------------
// installMonitoring: this stack's Alertmanager, routing to the channels that are set. Without it,
// Flux posts to alertmanagerAddress when that is set, and sends no events otherwise.
const monitoring = config.monitoring.install
    ? new Monitoring(
          "monitoring",
          {
              namespace: config.monitoring.namespace,
              releaseName: "kube-prometheus-stack",
              chartVersion: config.monitoring.chartVersion,
              timeoutSeconds: config.monitoring.helmTimeoutSeconds,
              extraValues: config.monitoring.extraValues,
              alertmanagerConfigName: "flux",
              slackChannel: config.monitoring.slackChannel,
              slackWebhookParameter: slackWebhook?.parameter,
              discordWebhookParameter: discordWebhook?.parameter,
              clusterSecretStore: config.flux.clusterSecretStore,
              refreshInterval: config.flux.externalSecretRefreshInterval,
              secretStoreReady: sharedSecretsReady,
          },
          options("kubernetes"),
      )
    : undefined;

const fluxEventsAddress = monitoring
    ? monitoring.releaseName.apply((release) => alertmanagerAddress(release, config.monitoring.namespace))
    : config.monitoring.alertmanagerAddress;
if (fluxEventsAddress !== undefined) {
    new FluxAlerts(
        "flux-alerts",
        {
            fluxNamespace: config.kubernetes.fluxNamespace,
            providerName: "alertmanager",
            alertmanagerAddress: fluxEventsAddress,
            dependsOn: [...(monitoring ? [monitoring.release] : []), ...fluxReady],
        },
        options("kubernetes"),
    );
}

// --- Push-to-deploy (off by default: it needs Pulumi Cloud) -----------------------------------
if (config.deployments) {
    new PushToDeploy(
        "push-to-deploy",
        { ...config.deployments, project: pulumi.getProject(), stack: config.stack, awsRegion: config.awsRegion },
        options("pulumiService"),
    );
}

// --- Stack outputs (nothing private unless secret) --------------------------------------------
// The first application's outputs at the top level, as before there were several.
export const ssmParameters = {
    deployKey: first((a) => a.ssmParameters.deployKey),
    webhookToken: first((a) => a.ssmParameters.webhookToken),
    // Each undefined when the stack stores no such parameter (no private ghcr.io image, no channel).
    registryToken: registryTokens[GHCR]?.parameterName,
    gpgKey: gpgKey.parameterName,
    slackWebhookUrl: slackWebhook?.parameterName,
    discordWebhookUrl: discordWebhook?.parameterName,
    botGithubToken: botGithubToken.parameterName,
};
export const deployKeyId = first((a) => a.deployKeyId);
export const deployKeyPublicKey = first((a) => a.deployKeyPublicKey);
export const gpgKeyFingerprint = gpgKey.fingerprint;
export const gpgPublicKey = gpgKey.publicKey;
export const receiverHostname = first((a) => a.receiverHostname);
/** Secret: the path is derived from the token. */
export const webhookUrl = first((a) => a.webhookUrl);
/** Secret: the image Receiver's URL; register it in the registry unless it is ghcr.io (done by the `package` webhook). */
export const imageWebhookUrl = pulumi.secret(first((a) => a.imageWebhookUrl));
export const appUrl = first((a) => a.appUrl);
/** Every application's outputs by name (webhook URLs secret). */
export const apps = Object.fromEntries(
    config.apps.map((app, i) => {
        const of = <T>(pick: (a: FluxApplication) => pulumi.Output<T>) => pulumi.output(applications).apply((a) => pick(a[i]));
        return [
            app.name,
            {
                deployKeyId: of((a) => a.deployKeyId),
                deployKeyPublicKey: of((a) => a.deployKeyPublicKey),
                ssmParameters: { deployKey: of((a) => a.ssmParameters.deployKey), webhookToken: of((a) => a.ssmParameters.webhookToken) },
                receiverHostname: of((a) => a.receiverHostname),
                webhookUrl: pulumi.secret(of((a) => a.webhookUrl)),
                imageReceiverType: of((a) => pulumi.output(a.imageReceiverType)),
                imageWebhookUrl: pulumi.secret(of((a) => a.imageWebhookUrl)),
                appUrl: of((a) => a.appUrl),
            },
        ];
    }),
);
