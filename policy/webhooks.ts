/**
 * Webhooks, both ends of the path by which GitHub tells Flux to reconcile (the WebhookReceiver
 * component makes both): the repository webhook sends over verified TLS, signs its payloads and
 * subscribes only to what the receiver handles; the Flux Receiver authenticates what it is sent.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
    configOf,
    GITHUB_WEBHOOK,
    isKind,
    list,
    objectName,
    type Props,
    record,
    resourcePolicy,
    schemaOf,
} from "./common";

/**
 * Pack config of the webhook policies: every threshold has a default here, used by the schema and
 * the checks alike.
 */
export const WEBHOOK_DEFAULTS = {
    "github-webhook-events": {
        /**
         * What the stack's `github` Receivers act on: `push` (the GitRepository's) and `package` (the
         * ImageRepository's, for ghcr.io), and the `ping` sent when a webhook is created.
         */
        allowedEvents: ["push", "ping", "package"],
    },
};

export function webhookTlsViolations(name: string, props: Props): string[] {
    const configuration = record(props.configuration);
    const violations: string[] = [];
    // The URL is not quoted: a Flux receiver URL carries a token-derived path.
    const url = configuration.url;
    if (typeof url !== "string" || !url.startsWith("https://")) {
        violations.push(
            `GitHub webhook "${name}" does not send to an https:// URL: payloads and their signature would travel in clear text.`,
        );
    }
    const insecure = configuration.insecureSsl;
    if (insecure === true || insecure === "true" || insecure === "1" || insecure === 1) {
        violations.push(
            `GitHub webhook "${name}" sets insecure_ssl: GitHub would not verify the receiver's certificate.`,
        );
    }
    if (typeof configuration.secret !== "string" || configuration.secret === "") {
        violations.push(
            `GitHub webhook "${name}" has no secret: GitHub cannot sign its payloads, so the receiver cannot verify them.`,
        );
    }
    return violations;
}

export function webhookEventsViolations(
    name: string,
    props: Props,
    config = WEBHOOK_DEFAULTS["github-webhook-events"],
): string[] {
    const events = list(props.events).map(String);
    const extra = events.filter((e) => !config.allowedEvents.includes(e));
    if (extra.length === 0) return [];
    return [
        `GitHub webhook "${name}" subscribes to events the receiver does not handle: ${extra.join(", ")} (handled: ${config.allowedEvents.join(", ")}).`,
    ];
}

/**
 * Receiver types whose requests Flux authenticates with the token of `secretRef`: every v1 type but
 * generic-oidc, which authenticates with an OIDC token and may not set one (the Receiver CRD's CEL rules).
 */
export const AUTHENTICATED_RECEIVER_TYPES = [
    "generic",
    "generic-hmac",
    "github",
    "gitlab",
    "bitbucket",
    "harbor",
    "dockerhub",
    "quay",
    "gcr",
    "nexus",
    "acr",
    "cdevents",
];

export function receiverAuthenticatedViolations(name: string, props: Props): string[] {
    const spec = record(props.spec);
    const type = String(spec.type);
    if (!AUTHENTICATED_RECEIVER_TYPES.includes(type)) return [];
    const secret = record(spec.secretRef).name;
    if (typeof secret === "string" && secret !== "") return [];
    return [
        `Receiver "${objectName(props, name)}" of type ${type} has no secretRef: its requests would not be authenticated.`,
    ];
}

export function githubWebhookTls(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "github-webhook-tls",
            description:
                "A GitHub repository webhook uses https, keeps insecure_ssl false and has a secret.",
            remediationSteps:
                "Point the webhook at an https:// URL, leave `insecureSsl` false and set `secret` to the receiver's token.",
            severity: "high",
        },
        (args) => (args.type === GITHUB_WEBHOOK ? webhookTlsViolations(args.name, args.props) : []),
    );
}

export function githubWebhookEvents(): ResourceValidationPolicy {
    const defaults = WEBHOOK_DEFAULTS["github-webhook-events"];
    return resourcePolicy(
        {
            name: "github-webhook-events",
            description:
                "A GitHub repository webhook subscribes only to the events its Flux receiver handles.",
            remediationSteps:
                "Subscribe the webhook to the receiver's events only (push and ping for a GitRepository receiver).",
            enforcementLevel: "advisory",
            severity: "low",
            configSchema: schemaOf(defaults, { allowedEvents: "Events the receivers handle." }),
        },
        (args) =>
            args.type === GITHUB_WEBHOOK
                ? webhookEventsViolations(args.name, args.props, configOf(args, defaults))
                : [],
    );
}

export function receiverAuthenticated(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "receiver-authenticated",
            description: "A Flux Receiver of a type that supports authentication has a secretRef.",
            remediationSteps:
                "Set `spec.secretRef.name` to the Secret whose `token` the webhook sender also holds.",
            severity: "critical",
        },
        (args) =>
            isKind(args.type, "notification.toolkit.fluxcd.io", "Receiver")
                ? receiverAuthenticatedViolations(args.name, args.props)
                : [],
    );
}
