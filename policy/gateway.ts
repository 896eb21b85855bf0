/** Gateway API routes: an HTTPRoute's responses tell browsers to keep to https (HSTS). */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
    configOf,
    isKind,
    list,
    objectName,
    type Props,
    record,
    resourcePolicy,
    schemaOf,
} from "./common";

/** Pack config of the route policy: each default, used by the schema and the check alike. */
export const GATEWAY_DEFAULTS = {
    "httproute-hsts": {
        /** Smallest `max-age` (seconds) of the Strict-Transport-Security header. */
        minimumMaxAge: 31536000,
    },
};

/** `max-age` of a Strict-Transport-Security value, or undefined. */
export function hstsMaxAge(value: unknown): number | undefined {
    const match =
        typeof value === "string" ? /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(value) : null;
    return match ? Number(match[1]) : undefined;
}

export function httpRouteHstsViolations(
    name: string,
    props: Props,
    config = GATEWAY_DEFAULTS["httproute-hsts"],
): string[] {
    const route = objectName(props, name);
    const rules = list(record(props.spec).rules);
    const violations: string[] = [];
    (rules.length > 0 ? rules : [{}]).forEach((rule, i) => {
        const filters = list(record(rule).filters).map(record);
        // A rule that only redirects (to https) sends no content to protect.
        if (filters.some((f) => f.type === "RequestRedirect")) return;
        const headers = filters
            .filter((f) => f.type === "ResponseHeaderModifier")
            .flatMap((f) => [
                ...list(record(f.responseHeaderModifier).set),
                ...list(record(f.responseHeaderModifier).add),
            ])
            .map(record)
            .filter((h) => String(h.name).toLowerCase() === "strict-transport-security");
        if (headers.length === 0) {
            violations.push(
                `HTTPRoute "${route}" rule ${i + 1} does not set the Strict-Transport-Security response header.`,
            );
            return;
        }
        const maxAge = hstsMaxAge(headers[0].value);
        if (maxAge === undefined || maxAge < config.minimumMaxAge) {
            violations.push(
                `HTTPRoute "${route}" rule ${i + 1} sets Strict-Transport-Security "${String(headers[0].value)}": max-age must be at least ${config.minimumMaxAge} seconds.`,
            );
        }
    });
    return violations;
}

export function httpRouteHsts(): ResourceValidationPolicy {
    const defaults = GATEWAY_DEFAULTS["httproute-hsts"];
    return resourcePolicy(
        {
            name: "httproute-hsts",
            description: "An HTTPRoute sets the Strict-Transport-Security response header.",
            remediationSteps:
                "Add a ResponseHeaderModifier filter that sets Strict-Transport-Security: max-age=31536000; includeSubDomains.",
            severity: "medium",
            configSchema: schemaOf(defaults, { minimumMaxAge: "Smallest max-age, in seconds." }),
        },
        (args) =>
            isKind(args.type, "gateway.networking.k8s.io", "HTTPRoute")
                ? httpRouteHstsViolations(args.name, args.props, configOf(args, defaults))
                : [],
    );
}
