/** Pure builder of Gateway API `HTTPRoute` specs (`gateway.networking.k8s.io/v1`). */

export const GATEWAY_API = "gateway.networking.k8s.io/v1";

/** HSTS for a year, subdomains included: both routes are served over HTTPS only. */
export const HSTS_VALUE = "max-age=31536000; includeSubDomains";

export interface GatewayRef {
    readonly name: string;
    readonly namespace: string;
    /** Listener name; undefined attaches to every listener that allows the route. */
    readonly sectionName?: string;
}

export interface HttpRouteSpecArgs {
    readonly gateway: GatewayRef;
    readonly hostname: string;
    /** Service in the route's namespace. */
    readonly serviceName: string;
    readonly servicePort: number;
    /** Path prefix to route (default `/`). */
    readonly pathPrefix?: string;
}

export function httpRouteSpec(args: HttpRouteSpecArgs): object {
    return {
        parentRefs: [
            {
                group: "gateway.networking.k8s.io",
                kind: "Gateway",
                name: args.gateway.name,
                namespace: args.gateway.namespace,
                ...(args.gateway.sectionName ? { sectionName: args.gateway.sectionName } : {}),
            },
        ],
        hostnames: [args.hostname],
        rules: [
            {
                matches: [{ path: { type: "PathPrefix", value: args.pathPrefix ?? "/" } }],
                filters: [
                    {
                        type: "ResponseHeaderModifier",
                        responseHeaderModifier: { set: [{ name: "Strict-Transport-Security", value: HSTS_VALUE }] },
                    },
                ],
                backendRefs: [{ name: args.serviceName, port: args.servicePort }],
            },
        ],
    };
}
