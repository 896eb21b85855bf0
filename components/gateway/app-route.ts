import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { customResource } from "../custom-resource";
import { GATEWAY_API, GatewayRef, httpRouteSpec } from "./http-route";

export interface AppRouteArgs {
    /** Route name, and the name of the application's Service. */
    readonly appName: string;
    readonly namespace: string;
    readonly hostname: string;
    readonly port: number;
    readonly gateway: GatewayRef;
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The application's HTTPRoute on the shared Gateway, with HSTS. */
export class AppRoute extends pulumi.ComponentResource {
    public readonly route: k8s.apiextensions.CustomResource;

    constructor(name: string, args: AppRouteArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:gateway:AppRoute", name, {}, opts);
        this.route = customResource(
            name,
            {
                apiVersion: GATEWAY_API,
                kind: "HTTPRoute",
                name: args.appName,
                namespace: args.namespace,
                spec: httpRouteSpec({
                    gateway: args.gateway,
                    hostname: args.hostname,
                    serviceName: args.appName,
                    servicePort: args.port,
                }),
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.registerOutputs({});
    }
}
