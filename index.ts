/**
 * The composition root: config, shared keys, installs and monitoring, the applications, outputs.
 * Config is read and validated first: bad config fails before any resource is registered.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { GHCR, loadConfig } from "./config";
import { existingRepositoryFiles } from "./components/app/app-manifests";
import { FluxApplication, fluxApplicationArgs, seededFilePaths } from "./components/app/flux-application";
import { PushToDeploy } from "./components/deployments/push-to-deploy";
import { ExternalSecrets, ExternalSecretsAccess } from "./components/install/external-secrets";
import { FluxLockdownCheck, lockdownControllers } from "./components/install/flux-lockdown";
import { FluxOperator } from "./components/install/flux-operator";
import { GpgSigningKey } from "./components/keys/gpg-signing-key";
import { knownHosts } from "./components/keys/known-hosts";
import { StoredSecret } from "./components/keys/stored-secret";
import { adoptionTransform } from "./components/adoption";
import { ownerLabelsTransform } from "./components/labels";
import { FLUX_EVENTS_PROVIDER, FluxAlerts } from "./components/monitoring/flux-alerts";
import { Monitoring } from "./components/monitoring/monitoring";
import { alertmanagerAddress } from "./components/monitoring/specs";
import { createProviders, withProviders } from "./components/providers";

// --- Config and providers --------------------------------------------------------------------
const config = loadConfig();
const { github: gh, flux, monitoring: mon, installs, ssm } = config;
const providers = createProviders(config);
// Every Kubernetes object says which project and stack own it. A transformation given to a
// component applies to all of its children (client-side, so the offline evaluator sees it too).
// In an account and cluster where the recipe ran, what it left is adopted (adoptExisting).
const transformations = [
    ...(mon.adoptExisting ? [adoptionTransform({ namespaces: [mon.namespace] })] : []),
    ownerLabelsTransform(pulumi.getProject(), config.stack),
];
const options = (...which: Parameters<typeof withProviders>[1][]): pulumi.ComponentResourceOptions => ({
    ...withProviders(providers, ...which),
    transformations,
});
// Losing these locks Flux out of the repository, the registry or signing: protected in production.
const keyOptions = { ...options("aws"), protect: config.keys.protectKeys };

// --- Shared keys and secrets: SSM Parameter Store and GitHub ----------------------------------
// Logical names never derive from config: a changed value must not become a create of a new
// resource plus a delete of the old one, which would delete a parameter by the shared name.
const gpgKey = new GpgSigningKey(
    "bot-gpg",
    {
        userName: gh.botName,
        email: gh.botEmail,
        algorithm: config.keys.gpgAlgorithm,
        rotation: config.keys.gpgKeyRotation,
        passphrase: config.keys.gpgPassphrase,
        parameterName: ssm.gpgKey,
        passphraseParameterName: ssm.gpgPassphrase,
        kmsKeyId: ssm.kmsKeyId,
        botProvider: providers.githubBot,
    },
    keyOptions,
);
/** A secret of the stack in its own SSM parameter. */
const stored = (name: string, parameterName: string, value: pulumi.Output<string>, description: string, opts = options("aws")) =>
    new StoredSecret(name, { parameterName, value, description, kmsKeyId: ssm.kmsKeyId }, opts);
// Each registry an application pulls from privately gets its token in a parameter of its own
// (ghcr.io: the bot's `registryToken`); a stack of public images stores none.
const registryTokens = Object.fromEntries(
    Object.values(config.registries).map((r) => {
        const name = r.host === GHCR ? "ghcr-registry-token" : `registry-token-${r.host.replace(/[^A-Za-z0-9]+/g, "-")}`;
        return [r.host, stored(name, r.parameterName, r.token, `Token that lets Flux read ${r.host} as ${r.username}`, keyOptions)];
    }),
);
// The alert channels that are set (only with installMonitoring: config/monitoring.ts).
const slackWebhook = mon.slackWebhookUrl
    ? stored("slack-webhook-url", ssm.slackWebhookUrl, mon.slackWebhookUrl, "Slack webhook URL for Flux errors (Alertmanager)")
    : undefined;
const discordWebhook = mon.discordWebhookUrl
    ? stored("discord-webhook-url", ssm.discordWebhookUrl, mon.discordWebhookUrl, "Discord webhook URL for Flux info events (Alertmanager)")
    : undefined;
// The bot's GitHub token in SSM, for each application's commit-status Provider; in App mode Flux posts as the App.
const botGithubToken = gh.app ? undefined : stored("bot-github-token", ssm.botGithubToken, gh.botToken, `GitHub token of ${gh.botUser}: Flux posts commit statuses with it`);
const githubApp = gh.app && { ...gh.app, privateKey: stored("github-app-private-key", ssm.githubAppPrivateKey, gh.app.privateKey, `Private key of GitHub App ${gh.app.id}: Flux reads and pushes as the App`, keyOptions) };

// --- What the stack installs: Flux (Flux Operator), External Secrets and its store -------------
// Switched off, the cluster's own Flux / store is used and nothing waits for it.
const fluxOperator = installs.flux && new FluxOperator("flux", { namespace: config.kubernetes.fluxNamespace, install: installs.flux }, options("kubernetes"));
// Flux installed by someone else: its controllers must run with the lockdown the tenants rely on.
if (!installs.flux && installs.tenancy) {
    new FluxLockdownCheck("flux-lockdown", { namespace: config.kubernetes.fluxNamespace, controllers: lockdownControllers(config.apps.filter((a) => a.tenant)) }, options("kubernetes"));
}
const eso = installs.externalSecrets;
// Tenants read through stores of their own; the platform's store serves the platform's namespaces only.
const { namespaces: storeNamespaces, apps: platformApps } = config.platform;
const externalSecrets = eso
    ? new ExternalSecrets("external-secrets", { ...eso, storeName: flux.clusterSecretStore, storeNamespaces, region: config.awsRegion }, options("kubernetes", "aws"))
    : undefined;
const fluxReady = fluxOperator?.ready ?? [];
// The platform's role may read exactly the platform's parameters, granted in parts (this one: the
// shared parameters the platform reads; each platform application its own); an ExternalSecret
// waits for the grants of what it reads.
const externalSecretsAccess = externalSecrets && eso ? { role: externalSecrets.role, kmsKeyArn: eso.kmsKeyArn, region: config.awsRegion } : undefined;
// The bot's and the registries' parameters only when a platform application reads them.
const botSecrets = platformApps.length > 0 ? [...Object.values(registryTokens), botGithubToken, githubApp?.privateKey, ...gpgKey.parameterArns.map((parameterArn) => ({ parameterArn }))] : [];
const platformParameterArns = [slackWebhook, discordWebhook, ...botSecrets].flatMap((s) => (s ? [s.parameterArn] : []));
const sharedAccess = externalSecretsAccess && platformParameterArns.length > 0 ? new ExternalSecretsAccess("external-secrets-access", { ...externalSecretsAccess, parameterArns: platformParameterArns }, options("aws")) : undefined;
// What every ExternalSecret of the platform waits for: the store (and the AWS identity it reads
// with) and the grant of the shared parameters.
const secretStoreReady = [...(externalSecrets?.ready ?? []), ...(sharedAccess ? [sharedAccess.policy] : [])];

// --- Monitoring: kube-prometheus-stack, Flux events into Alertmanager -------------------------
// installMonitoring: this stack's Alertmanager, routing to the channels that are set. Without it,
// Flux posts to alertmanagerAddress when that is set, and sends no events otherwise.
const monitoring = mon.install
    ? new Monitoring(
          "monitoring",
          {
              ...mon,
              releaseName: "kube-prometheus-stack",
              alertmanagerConfigName: "flux",
              slackWebhookParameter: slackWebhook?.parameter,
              discordWebhookParameter: discordWebhook?.parameter,
              clusterSecretStore: flux.clusterSecretStore,
              refreshInterval: flux.externalSecretRefreshInterval,
              secretStoreReady,
          },
          options("kubernetes"),
      )
    : undefined;
const fluxEventsAddress = monitoring ? monitoring.releaseName.apply((release) => alertmanagerAddress(release, mon.namespace)) : mon.alertmanagerAddress;
// The Flux namespace's events here; each tenant posts its own (FluxApplication).
const fluxEvents = fluxEventsAddress === undefined ? undefined : { alertmanagerAddress: fluxEventsAddress, dependsOn: [...(monitoring ? [monitoring.release] : []), ...fluxReady] };
if (fluxEvents) {
    new FluxAlerts("flux-alerts", { fluxNamespace: config.kubernetes.fluxNamespace, providerName: FLUX_EVENTS_PROVIDER, ...fluxEvents }, options("kubernetes"));
}

// --- One delivery loop per application ---------------------------------------------------------
// GitHub's SSH host keys as published by GitHub, so a rotation is picked up by the next `up` (none in App mode: https).
const githubKnownHosts = gh.app ? "" : github.getSshKeysOutput({ provider: providers.githubOrg }).keys.apply((keys) => knownHosts(keys));

// What every application gets from the stack: the bot's keys, the registry tokens, what to wait for.
const shared = { gpgKey, botGithubToken, githubApp, registryTokens, knownHosts: githubKnownHosts, fluxReady, secretStoreReady, externalSecretsAccess, fluxEvents };
// Seeding adopts the files a branch already has (another stack's base, this stack's earlier
// seeding). Whether a resource is imported must be known when it is registered, so GitHub is
// asked first; the applications are registered once the answers are in.
const applications: Promise<FluxApplication[]> = Promise.all(
    config.apps.map(async (app) => {
        const args = fluxApplicationArgs(app, config, shared);
        const seed = app.seedManifests
            ? { existingFiles: await existingRepositoryFiles(providers.githubOrg, app.repository, app.branch, seededFilePaths(args)) }
            : undefined;
        return new FluxApplication(app.name, { ...args, seed }, options("githubOrg", "aws", "kubernetes", "tls", "random"));
    }),
);

// --- Push-to-deploy (off by default: it needs Pulumi Cloud) -----------------------------------
if (config.deployments) {
    const deployments = { ...config.deployments, project: pulumi.getProject(), stack: config.stack, awsRegion: config.awsRegion };
    new PushToDeploy("push-to-deploy", deployments, options("pulumiService"));
}

// --- Stack outputs (nothing private unless secret) --------------------------------------------
/** One output of the i-th application. */
const of = <T>(i: number, pick: (a: FluxApplication) => pulumi.Input<T>) => pulumi.output(applications).apply((a) => pick(a[i]));
// The first application's outputs at the top level, as before there were several.
export const ssmParameters = {
    deployKey: of(0, (a) => a.ssmParameters.deployKey),
    webhookToken: of(0, (a) => a.ssmParameters.webhookToken),
    // Each undefined when the stack stores no such parameter (no private ghcr.io image, no channel).
    registryToken: registryTokens[GHCR]?.parameterName,
    gpgKey: gpgKey.parameterName,
    slackWebhookUrl: slackWebhook?.parameterName,
    discordWebhookUrl: discordWebhook?.parameterName,
    botGithubToken: botGithubToken?.parameterName,
    ...(githubApp ? { githubAppPrivateKey: githubApp.privateKey.parameterName } : {}),
};
export const deployKeyId = of(0, (a) => a.deployKeyId);
export const deployKeyPublicKey = of(0, (a) => a.deployKeyPublicKey);
export const gpgKeyFingerprint = gpgKey.fingerprint;
export const gpgPublicKey = gpgKey.publicKey;
export const receiverHostname = of(0, (a) => a.receiverHostname);
/** Secret: the path is derived from the token. */
export const webhookUrl = of(0, (a) => a.webhookUrl);
/** Secret: the image Receiver's URL; register it in the registry unless it is ghcr.io (done by the `package` webhook). */
export const imageWebhookUrl = pulumi.secret(of(0, (a) => a.imageWebhookUrl));
export const appUrl = of(0, (a) => a.appUrl);
/** Every application's outputs by name (webhook URLs secret). */
export const apps = Object.fromEntries(
    config.apps.map((app, i) => [
        app.name,
        {
            deployKeyId: of(i, (a) => a.deployKeyId),
            deployKeyPublicKey: of(i, (a) => a.deployKeyPublicKey),
            ssmParameters: { deployKey: of(i, (a) => a.ssmParameters.deployKey), webhookToken: of(i, (a) => a.ssmParameters.webhookToken) },
            receiverHostname: of(i, (a) => a.receiverHostname),
            webhookUrl: pulumi.secret(of(i, (a) => a.webhookUrl)),
            imageReceiverType: of(i, (a) => a.imageReceiverType),
            imageWebhookUrl: pulumi.secret(of(i, (a) => a.imageWebhookUrl)),
            appUrl: of(i, (a) => a.appUrl),
        },
    ]),
);
