import { Checks } from "./checks";

/** The Gateway that serves the applications and the webhook receivers. */
export interface IngressConfig {
    readonly baseDomain: string;
    readonly gatewayName: string;
    readonly gatewayNamespace: string;
    readonly gatewaySectionName?: string;
}

export const INGRESS_KEYS = ["baseDomain", "gatewayName", "gatewayNamespace", "gatewaySectionName"] as const;

export function readIngress(c: Checks): IngressConfig {
    const baseDomain = c.required("baseDomain", "the domain served by the Gateway");
    c.hostname("baseDomain", baseDomain);
    return {
        baseDomain,
        gatewayName: c.objectName("gatewayName"),
        gatewayNamespace: c.dnsLabel("gatewayNamespace", c.required("gatewayNamespace", "the Gateway's namespace")),
        gatewaySectionName: c.optional("gatewaySectionName"),
    };
}
