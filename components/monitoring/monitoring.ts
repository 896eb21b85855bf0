import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EXTERNAL_SECRETS_API, externalSecretAnnotations, externalSecretSpec } from "../flux/external-secret-specs";
import { ParameterRef } from "../keys/stored-secret";
import { customResource } from "../custom-resource";
import {
    ALERTMANAGER_CONFIG_API,
    alertmanagerConfigSpec,
    KUBE_PROMETHEUS_STACK_CHART,
    KUBE_PROMETHEUS_STACK_REPO,
    kubePrometheusStackValues,
    unsupportedValues,
} from "./specs";

/** Keys of the webhook URLs in the Secret the AlertmanagerConfig reads. */
export const WEBHOOK_SECRET_KEYS = { slack: "slack-webhook-url", discord: "discord-webhook-url" };

export interface MonitoringArgs {
    /** Namespace of kube-prometheus-stack (created here). */
    readonly namespace: string;
    /** Helm release name; also the prefix of the chart's resource names. */
    readonly releaseName: string;
    /** Exact chart version. */
    readonly chartVersion: string;
    /** Seconds Helm may take to install or upgrade. */
    readonly helmTimeoutSeconds: number;
    /** Extra chart values, merged over ours. */
    readonly extraValues: Record<string, unknown>;
    /** Name of the AlertmanagerConfig and of the Secret with the webhook URLs. */
    readonly alertmanagerConfigName: string;
    readonly slackChannel: string;
    /** SSM parameter of Slack's webhook URL (name and version); undefined: errors reach no channel. */
    readonly slackWebhookParameter?: ParameterRef;
    /** SSM parameter of Discord's webhook URL; undefined: info events reach no channel. */
    readonly discordWebhookParameter?: ParameterRef;
    readonly clusterSecretStore: string;
    readonly refreshInterval: string;
    /** What the ExternalSecret waits for (the ClusterSecretStore, when the stack installs it). */
    readonly secretStoreReady?: pulumi.Resource[];
}

/**
 * kube-prometheus-stack installed by Helm, and the AlertmanagerConfig that sends Flux's info
 * events to Discord and its errors to Slack, with the webhook URLs brought in from SSM. Only the
 * channels given are routed; with neither, there is no AlertmanagerConfig and no ExternalSecret.
 */
export class Monitoring extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;
    /** undefined without any channel. */
    public readonly alertmanagerConfig?: k8s.apiextensions.CustomResource;
    /** The Helm release's name as installed. */
    public readonly releaseName: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:monitoring:Monitoring", name, {}, opts);
        const unsupported = unsupportedValues(args.extraValues);
        if (unsupported.length > 0) {
            throw new pulumi.ResourceError(`unsupported kube-prometheus-stack values: ${unsupported.join("; ")}`, this);
        }
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: args.namespace } },
            // Shared: other stacks' and teams' monitoring objects may live there too, so
            // `pulumi destroy` leaves the namespace in place.
            { parent: this, retainOnDelete: true },
        );
        this.release = new k8s.helm.v3.Release(
            name,
            {
                name: args.releaseName,
                namespace: args.namespace,
                chart: KUBE_PROMETHEUS_STACK_CHART,
                version: args.chartVersion,
                repositoryOpts: { repo: KUBE_PROMETHEUS_STACK_REPO },
                values: kubePrometheusStackValues(args.releaseName, args.extraValues),
                timeout: args.helmTimeoutSeconds,
                // A failed install or upgrade rolls back instead of leaving a half-applied release.
                atomic: true,
                cleanupOnFail: true,
                maxHistory: 10,
            },
            { parent: this, dependsOn: [namespace] },
        );
        this.releaseName = this.release.name;

        const channels = [
            ...(args.slackWebhookParameter ? [{ secretKey: WEBHOOK_SECRET_KEYS.slack, parameter: args.slackWebhookParameter }] : []),
            ...(args.discordWebhookParameter ? [{ secretKey: WEBHOOK_SECRET_KEYS.discord, parameter: args.discordWebhookParameter }] : []),
        ];
        if (channels.length > 0) {
            const remote = pulumi.all(
                channels.map((ch) =>
                    pulumi.all([ch.parameter.name, ch.parameter.version]).apply(([parameterName, version]) => ({
                        secretKey: ch.secretKey,
                        parameterName,
                        version,
                    })),
                ),
            );
            const webhooks = customResource(
                `${name}-webhooks`,
                {
                    apiVersion: EXTERNAL_SECRETS_API,
                    kind: "ExternalSecret",
                    name: args.alertmanagerConfigName,
                    namespace: args.namespace,
                    // A new URL in SSM re-syncs the Secret at once; the AlertmanagerConfig waits for Ready.
                    annotations: remote.apply(externalSecretAnnotations),
                    spec: remote.apply((values) =>
                        externalSecretSpec({
                            store: { kind: "ClusterSecretStore", name: args.clusterSecretStore },
                            refreshInterval: args.refreshInterval,
                            targetName: args.alertmanagerConfigName,
                            values: values.map(({ secretKey, parameterName }) => ({ secretKey, parameterName })),
                        }),
                    ),
                },
                { parent: this, dependsOn: [namespace, ...(args.secretStoreReady ?? [])] },
            );
            this.alertmanagerConfig = customResource(
                `${name}-alertmanager-config`,
                {
                    apiVersion: ALERTMANAGER_CONFIG_API,
                    kind: "AlertmanagerConfig",
                    name: args.alertmanagerConfigName,
                    // Alertmanager's own namespace: the matcher strategy adds no namespace matcher
                    // here, so events about objects of any namespace reach the route.
                    namespace: args.namespace,
                    spec: alertmanagerConfigSpec({
                        secretName: args.alertmanagerConfigName,
                        slack: args.slackWebhookParameter ? { urlKey: WEBHOOK_SECRET_KEYS.slack, channel: args.slackChannel } : undefined,
                        discord: args.discordWebhookParameter ? { urlKey: WEBHOOK_SECRET_KEYS.discord } : undefined,
                    }),
                },
                // The CRD comes with the chart; the Secret must exist for the operator to load it.
                { parent: this, dependsOn: [this.release, webhooks] },
            );
        }
        this.registerOutputs({ releaseName: this.releaseName });
    }
}
