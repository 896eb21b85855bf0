import { setting } from "./settings";
import { Checks } from "./checks";

/** The Gateway that serves the applications and the webhook receivers. */
export interface IngressConfig {
    readonly baseDomain: string;
    readonly gatewayName: string;
    readonly gatewayNamespace: string;
    readonly gatewaySectionName?: string;
}

/** The Gateway's settings. */
export const INGRESS = {
    baseDomain: setting({
        key: "baseDomain",
        type: "string",
        group: "Ingress (Gateway API)",
        description:
            "DNS domain served by the Gateway; the receiver gets an unguessable subdomain of it.",
        prompt: { description: "DNS domain served by the cluster's Gateway (wildcard DNS and TLS), e.g. dev.example.com" },
        check: (c, k) => {
            const v = c.required(k, "the domain served by the Gateway");
            c.hostname(k, v);
            return v;
        },
    }),
    gatewayName: setting({
        key: "gatewayName",
        type: "string",
        default: "gateway",
        group: "Ingress (Gateway API)",
        description:
            "Name of the Gateway the HTTPRoutes attach to.",
        check: (c, k) => c.objectName(k),
    }),
    gatewayNamespace: setting({
        key: "gatewayNamespace",
        type: "string",
        default: "gateway",
        group: "Ingress (Gateway API)",
        description:
            "Namespace of that Gateway.",
        check: (c, k) => c.dnsLabel(k, c.required(k, "the Gateway's namespace")),
    }),
    gatewaySectionName: setting({
        key: "gatewaySectionName",
        type: "string",
        default: "https",
        group: "Ingress (Gateway API)",
        description:
            "Listener (sectionName) of the Gateway that terminates HTTPS (\"\" = any listener).",
        check: (c, k) => c.optional(k),
    }),
};

export function readIngress(c: Checks): IngressConfig {
    return {
        baseDomain: INGRESS.baseDomain.read(c),
        gatewayName: INGRESS.gatewayName.read(c),
        gatewayNamespace: INGRESS.gatewayNamespace.read(c),
        gatewaySectionName: INGRESS.gatewaySectionName.read(c),
    };
}
