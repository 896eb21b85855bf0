import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "../custom-resource";
import { alertmanagerProviderSpec, FluxSeverity, fluxAlertSpec, NOTIFICATION_API } from "./specs";

/** The name of the alertmanager Provider (and of its address Secret) in each namespace that posts Flux events. */
export const FLUX_EVENTS_PROVIDER = "alertmanager";

export interface FluxAlertsArgs {
    /** Namespace of the Provider, the Alerts and the Flux objects they watch. */
    readonly fluxNamespace: string;
    /** Name of the Provider and of its address Secret. */
    readonly providerName: string;
    /** Alertmanager's v2 alerts URL. */
    readonly alertmanagerAddress: pulumi.Input<string>;
    /** Resources that must exist first (the Alertmanager release, Flux: its namespace and CRDs). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Flux's notification Provider for Alertmanager and two Alerts, `info` and `error`, that forward
 * the events of every Flux kind in one namespace: the Flux namespace's, or a tenant's.
 */
export class FluxAlerts extends pulumi.ComponentResource {
    public readonly provider: k8s.apiextensions.CustomResource;
    public readonly alerts: Record<FluxSeverity, k8s.apiextensions.CustomResource>;

    constructor(name: string, args: FluxAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:monitoring:FluxAlerts", name, {}, opts);
        const ns = args.fluxNamespace;
        // The address is not secret, but Flux reads the alertmanager address from a Secret.
        const address = new k8s.core.v1.Secret(
            `${name}-address`,
            {
                metadata: { name: `${args.providerName}-address`, namespace: ns },
                type: "Opaque",
                stringData: { address: args.alertmanagerAddress },
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.provider = customResource(
            `${name}-provider`,
            {
                apiVersion: NOTIFICATION_API,
                kind: "Provider",
                name: args.providerName,
                namespace: ns,
                spec: alertmanagerProviderSpec(`${args.providerName}-address`),
            },
            { parent: this, dependsOn: [address, ...(args.dependsOn ?? [])] },
        );
        const alert = (severity: FluxSeverity) =>
            customResource(
                `${name}-${severity}`,
                {
                    apiVersion: NOTIFICATION_API,
                    kind: "Alert",
                    name: severity,
                    namespace: ns,
                    spec: fluxAlertSpec(args.providerName, severity, [ns]),
                },
                { parent: this, dependsOn: [this.provider] },
            );
        // eventSeverity info forwards info and error events; error only errors. Both Alerts post
        // an error event with the same labels, so Alertmanager keeps it as one alert (same
        // fingerprint) and notifies Slack once.
        this.alerts = { info: alert("info"), error: alert("error") };
        this.registerOutputs({});
    }
}
