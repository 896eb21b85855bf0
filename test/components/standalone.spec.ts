/**
 * The components, each used on its own (built under Pulumi's mocks, without the composition root):
 * what each registers, with which inputs, and what it waits for when the optional arguments a
 * stack passes (`fluxReady`, `secretStoreReady`, `dependsOn`, `seed`, a registry) are left out.
 * `dependencies` are the URNs of the RegisterResourceRequest: what the engine makes a resource wait for.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AppManifests, AppManifestsArgs } from "../../components/app/app-manifests";
import { FluxApplication, FluxApplicationArgs } from "../../components/app/flux-application";
import { PushToDeploy, PushToDeploySpec } from "../../components/deployments/push-to-deploy";
import { ImageAutomation, ImageAutomationArgs } from "../../components/flux/image-automation";
import { fluxObjectNames } from "../../components/flux/names";
import { FluxAlerts } from "../../components/monitoring/flux-alerts";
import { Monitoring, MonitoringArgs } from "../../components/monitoring/monitoring";
import { one, record, recordState, refusal, waitsFor } from "../helpers/record";

const FILE = "github:index/repositoryFile:RepositoryFile";
const EXTERNAL_SECRET = "kubernetes:external-secrets.io/v1:ExternalSecret";
const GIT_REPOSITORY = "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const IMAGE_REPOSITORY = "kubernetes:image.toolkit.fluxcd.io/v1:ImageRepository";
const IMAGE_POLICY = "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy";
const IMAGE_UPDATE = "kubernetes:image.toolkit.fluxcd.io/v1:ImageUpdateAutomation";
const SECRET = "kubernetes:core/v1:Secret";
const PROVIDER = "kubernetes:notification.toolkit.fluxcd.io/v1beta3:Provider";
const ALERT = "kubernetes:notification.toolkit.fluxcd.io/v1beta3:Alert";
const SETTINGS = "pulumiservice:index:DeploymentSettings";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const ALERTMANAGER_CONFIG = "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig";

/** The value of an Output (mocks run as `pulumi up`: every value is known). */
const valueOf = <T>(output: pulumi.Output<T>): Promise<T> =>
    new Promise((resolve) => {
        output.apply((v) => {
            resolve(v);
            return v;
        });
    });

/** An unrelated resource standing for what a caller makes a component wait for. */
class Marker extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:Marker", name, {});
    }
}
const marker = (name: string) => new Marker(name);


describe("the components on their own", () => {
    describe("AppManifests", () => {
        const args = (overlayPath: string, extra: Partial<AppManifestsArgs> = {}): AppManifestsArgs => ({
            repository: "echo-server",
            branch: "main",
            appName: "echo-server",
            image: "ghcr.io/developer-friendly/echo-server",
            port: 8080,
            overlayPath,
            imagePolicy: { name: "echo-server", namespace: "flux-system" },
            commitAuthor: "Bot",
            commitEmail: "bot@example.com",
            ...extra,
        });

        it("commits each file with a message naming it, skipped by CI", async () => {
            const files = (await record(() => new AppManifests("m", args("./kustomize/overlays/dev")))).filter((r) => r.type === FILE);
            assert.equal(files.length, 4);
            for (const f of files) assert.equal(f.inputs.commitMessage, `chore(flux): add ${String(f.inputs.file)} [skip ci]`);
        });

        it("names each file's resource after its path, a run of other characters than letters and digits becoming one dash", async () => {
            const files = (await record(() => new AppManifests("m", args("kustomize/overlays/eu--west")))).filter((r) => r.type === FILE);
            assert.deepEqual(files.map((f) => f.name).sort(), [
                "m-kustomize-base-deployment-yaml",
                "m-kustomize-base-kustomization-yaml",
                "m-kustomize-base-service-yaml",
                "m-kustomize-overlays-eu-west-kustomization-yaml",
            ]);
        });
    });

    describe("FluxApplication", () => {
        const ref = (name: string, version: number) => ({ name, version });
        const args = (extra: Partial<FluxApplicationArgs> = {}, image: Partial<FluxApplicationArgs["image"]> = {}): FluxApplicationArgs => ({
            owner: "developer-friendly",
            repository: "echo",
            branch: "main",
            stack: "dev",
            namespace: "echo",
            overlayPath: "./kustomize/overlays/dev",
            port: 8080,
            hostname: "echo.example.com",
            image: {
                repository: "ghcr.io/developer-friendly/echo",
                registryHost: "ghcr.io",
                policy: { policy: "semver", order: "asc", semverRange: ">=0.1.0" },
                automation: true,
                pushBranch: "main",
                ...image,
            },
            bot: {
                name: "Bot",
                email: "bot@example.com",
                gpgKey: marker("bot-gpg"),
                gpgKeyParameter: ref("/bot/gpg-key", 1),
                githubTokenParameter: ref("/bot/github-token", 1),
            },
            flux: {
                namespace: "flux-system",
                gitInterval: "1m",
                gitTimeout: "1m",
                kustomizationInterval: "5m",
                kustomizationRetryInterval: "1m",
                kustomizationTimeout: "3m",
                imageInterval: "5m",
                imageUpdateInterval: "5m",
                clusterSecretStore: "aws-parameter-store",
                externalSecretRefreshInterval: "1h",
                suspendLegacyKustomizations: false,
                knownHosts: "github.com ssh-ed25519 AAAA",
            },
            ssm: { deployKey: "/github/echo/deploy-key", webhookToken: "/github/echo/receiver-token", imageWebhookToken: "/github/echo/image-receiver-token" },
            receiver: { baseDomain: "example.com" },
            gateway: { name: "gateway", namespace: "gateway" },
            protectKeys: false,
            ...extra,
        });
        // The outputs the providers compute (a parameter's ARN and version, the key's public half):
        // the mocks echo inputs, so they are added as inputs.
        const computed: Record<string, (props: Record<string, unknown>) => Record<string, unknown>> = {
            "aws:ssm/parameter:Parameter": (props) => ({ version: 1, arn: `arn:aws:ssm:eu-west-1:123456789012:parameter${String(props.name)}` }),
            "tls:index/privateKey:PrivateKey": () => ({ publicKeyOpenssh: "ssh-ed25519 AAAA flux" }),
        };
        const parameterOutputs: pulumi.ResourceTransformation = (a) =>
            a.type in computed ? { props: { ...a.props, ...computed[a.type](a.props) }, opts: a.opts } : undefined;
        const build = (applicationArgs: FluxApplicationArgs) => {
            const built: { app?: FluxApplication } = {};
            const registered = record(() => {
                built.app = new FluxApplication("echo", applicationArgs, { transformations: [parameterOutputs] });
            });
            return registered.then((r) => ({ registered: r, app: built.app! }));
        };

        it("alone (no Flux nor store installed, nothing seeded): the ExternalSecrets wait only for their parameters, Flux's source for its key, Secrets and the application's namespace", async () => {
            const { registered } = await build(args());
            assert.deepEqual(waitsFor(one(registered, EXTERNAL_SECRET, "echo-secrets-git-ssh")), ["echo-deploy-key-ssm"]);
            assert.deepEqual(waitsFor(one(registered, EXTERNAL_SECRET, "echo-secrets-gpg-signing")), []);
            // The namespace comes first for every application (a tenant's Flux objects live in it).
            assert.deepEqual(waitsFor(one(registered, GIT_REPOSITORY, "echo-source")), [
                "echo-deploy-key",
                "echo-deploy-key-key",
                "echo-deploy-key-ssm",
                "echo-namespace",
                "echo-secrets-git-ssh",
                "echo-secrets-github-status-token",
                "echo-secrets-gpg-signing",
                "echo-secrets-image-receiver-token",
                "echo-secrets-receiver-token",
            ]);
            assert.equal(registered.filter((r) => r.type === FILE).length, 0);
        });

        it("makes the ExternalSecrets wait for Flux and the store, and Flux's source for Flux and the seeded files", async () => {
            const { registered } = await build(
                args({ fluxReady: [marker("flux")], secretStoreReady: [marker("store")], seed: { existingFiles: [] } }),
            );
            assert.deepEqual(waitsFor(one(registered, EXTERNAL_SECRET, "echo-secrets-gpg-signing")), ["flux", "store"]);
            const source = waitsFor(one(registered, GIT_REPOSITORY, "echo-source"));
            assert.ok(source.includes("flux"), `the GitRepository waits for ${source.join(", ")}`);
            assert.ok(!source.includes("store"));
            const files = registered.filter((r) => r.type === FILE).map((f) => f.name);
            assert.equal(files.length, 4);
            for (const file of files) assert.ok(source.includes(file), `the GitRepository does not wait for ${file}`);
        });

        it("routes the application only once its namespace exists", async () => {
            const { registered } = await build(args());
            assert.deepEqual(waitsFor(one(registered, HTTP_ROUTE, "echo-route")), ["echo-namespace"]);
            assert.deepEqual(one(registered, NAMESPACE, "echo-namespace").inputs.metadata, { name: "echo" });
        });

        it("scans a public image anonymously, a private one with the registry's pull Secret", async () => {
            const spec = async (registry?: FluxApplicationArgs["image"]["registry"]) =>
                one((await build(args({}, { registry }))).registered, IMAGE_REPOSITORY, "echo-images-repository").inputs.spec as Record<string, unknown>;
            assert.equal("secretRef" in (await spec()), false);
            const pull = await spec({ host: "ghcr.io", username: "bot", tokenParameter: ref("/github/echo/ghcr-token", 1) });
            assert.deepEqual(pull.secretRef, { name: fluxObjectNames("echo").registrySecret });
        });

        it("outputs the application's URL and, without image automation, the ARNs of its two parameters", async () => {
            const { app } = await build(args({}, { automation: false }));
            assert.equal(await valueOf(app.appUrl), "https://echo.example.com");
            assert.deepEqual(await valueOf(pulumi.all(app.parameterArns)), [
                "arn:aws:ssm:eu-west-1:123456789012:parameter/github/echo/deploy-key",
                "arn:aws:ssm:eu-west-1:123456789012:parameter/github/echo/receiver-token",
            ]);
            assert.equal(app.imageReceiverType, undefined);
        });

        it("records its outputs in the state", async () => {
            const { outputs } = await recordState(() => new FluxApplication("echo", args(), { transformations: [parameterOutputs] }));
            const state = outputs.get("flux-gitops:app:FluxApplication::echo");
            assert.ok(state, "FluxApplication registered no outputs");
            assert.deepEqual(Object.keys(state).sort(), [
                "appUrl",
                "deployKeyId",
                "deployKeyPublicKey",
                "imageWebhookUrl",
                "parameterArns",
                "receiverHostname",
                "ssmParameters",
                "webhookUrl",
            ]);
            assert.equal(state.appUrl, "https://echo.example.com");
        });
    });

    describe("PushToDeploy", () => {
        const spec = (folder: string): PushToDeploySpec => ({
            organization: "developer-friendly",
            project: "flux-gitops",
            stack: "dev",
            repository: "developer-friendly/flux-gitops",
            branch: "main",
            folder,
            awsRegion: "eu-west-1",
        });
        const settings = async (folder: string) => {
            const s = one(await record(() => new PushToDeploy("push-to-deploy", spec(folder))), SETTINGS, "push-to-deploy").inputs;
            return {
                repoDir: (s.sourceContext as { git: { repoDir?: string } }).git.repoDir,
                paths: (s.github as { paths: string[] }).paths,
            };
        };

        it("deploys from a nested folder given with a trailing slash, the slash dropped", async () => {
            assert.deepEqual(await settings("stacks/flux-gitops/"), { repoDir: "stacks/flux-gitops", paths: ["stacks/flux-gitops/**"] });
        });

        it("keeps a dot inside the folder's path: only a leading `./` is dropped", async () => {
            assert.deepEqual(await settings("stacks/flux.gitops"), { repoDir: "stacks/flux.gitops", paths: ["stacks/flux.gitops/**"] });
            assert.deepEqual(await settings("./stacks/flux.gitops"), { repoDir: "stacks/flux.gitops", paths: ["stacks/flux.gitops/**"] });
        });
    });

    describe("ImageAutomation", () => {
        const imageArgs: ImageAutomationArgs = {
            fluxNamespace: "flux-system",
            names: fluxObjectNames("echo"),
            image: "ghcr.io/developer-friendly/echo",
            registryCredentials: false,
            policy: { policy: "semver", order: "asc", semverRange: ">=0.1.0" },
            branch: "main",
            pushBranch: "main",
            updatePath: "./kustomize/overlays/dev",
            authorName: "Bot",
            authorEmail: "bot@example.com",
            intervals: { scan: "5m", update: "5m" },
        };

        it("with nothing to wait for: the policy follows the repository, the automation the policy, nothing else", async () => {
            const registered = await record(() => new ImageAutomation("echo-images", imageArgs));
            assert.deepEqual(waitsFor(one(registered, IMAGE_REPOSITORY, "echo-images-repository")), []);
            assert.deepEqual(waitsFor(one(registered, IMAGE_POLICY, "echo-images-policy")), ["echo-images-repository"]);
            assert.deepEqual(waitsFor(one(registered, IMAGE_UPDATE, "echo-images-update")), ["echo-images-policy"]);
        });
    });

    describe("FluxAlerts", () => {
        it("with nothing to wait for: the Provider waits for its address Secret, the Alerts for the Provider", async () => {
            const registered = await record(
                () => new FluxAlerts("flux-alerts", { fluxNamespace: "flux-system", providerName: "alertmanager", alertmanagerAddress: "http://am:9093/api/v2/alerts" }),
            );
            assert.deepEqual(one(registered, SECRET, "flux-alerts-address").inputs, {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "alertmanager-address", namespace: "flux-system" },
                type: "Opaque",
                stringData: { address: "http://am:9093/api/v2/alerts" },
            });
            assert.deepEqual(waitsFor(one(registered, SECRET, "flux-alerts-address")), []);
            assert.deepEqual(waitsFor(one(registered, PROVIDER, "flux-alerts-provider")), ["flux-alerts-address"]);
            assert.deepEqual(waitsFor(one(registered, ALERT, "flux-alerts-info")), ["flux-alerts-provider"]);
            assert.deepEqual(waitsFor(one(registered, ALERT, "flux-alerts-error")), ["flux-alerts-provider"]);
        });
    });

    describe("Monitoring", () => {
        const monitoringArgs = (extraValues: Record<string, unknown>): MonitoringArgs => ({
            namespace: "monitoring",
            releaseName: "kps",
            chartVersion: "82.18.0",
            helmTimeoutSeconds: 600,
            extraValues,
            alertmanagerConfigName: "flux",
            slackChannel: "#alerts",
            slackWebhookParameter: { name: "/monitoring/slack", version: 2 },
            discordWebhookParameter: { name: "/monitoring/discord", version: 5 },
            clusterSecretStore: "aws-parameter-store",
            refreshInterval: "1h",
        });

        it("installs the chart once its namespace exists, and loads the AlertmanagerConfig once the chart (its CRD) and the webhooks' Secret exist", async () => {
            const registered = await record(() => new Monitoring("monitoring", monitoringArgs({})));
            assert.deepEqual(waitsFor(one(registered, RELEASE, "monitoring")), ["monitoring-namespace"]);
            assert.deepEqual(waitsFor(one(registered, ALERTMANAGER_CONFIG, "monitoring-alertmanager-config")), ["monitoring", "monitoring-webhooks"]);
        });

        it("records the release's name in the state", async () => {
            const { outputs } = await recordState(() => new Monitoring("monitoring", monitoringArgs({})));
            assert.deepEqual(outputs.get("flux-gitops:monitoring:Monitoring::monitoring"), { releaseName: "kps" });
        });

        it("without a store to wait for: the webhooks' ExternalSecret waits only for the namespace", async () => {
            const registered = await record(() => new Monitoring("monitoring", monitoringArgs({})));
            assert.deepEqual(waitsFor(one(registered, EXTERNAL_SECRET, "monitoring-webhooks")), ["monitoring-namespace"]);
        });

        it("refuses unsupported chart values, naming every one, before creating anything", async () => {
            const { error, registered } = await refusal(
                () => new Monitoring("monitoring", monitoringArgs({ alertmanager: { namespaceOverride: "elsewhere", stringConfig: "route: {}" } })),
            );
            assert.ok(error instanceof pulumi.ResourceError, `not a ResourceError: ${String(error)}`);
            assert.equal(
                error.message,
                "unsupported kube-prometheus-stack values: alertmanager.namespaceOverride: Alertmanager must run in the release namespace; " +
                    "alertmanager.stringConfig: would replace the Flux inhibit rules",
            );
            assert.deepEqual(registered, ["flux-gitops:monitoring:Monitoring"]);
        });
    });
});
