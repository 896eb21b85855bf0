import * as github from "@pulumi/github";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { GATEWAY_API, GatewayRef, httpRouteSpec } from "../gateway/http-route";
import { customResource } from "../custom-resource";
import { FluxObjectNames } from "./names";
import {
    imageReceiverSpec,
    RECEIVER_API,
    RECEIVER_EVENTS,
    ReceiverType,
    receiverSpec,
    receiverWebhookPath,
    REGISTRY_PUSH_EVENTS,
} from "./specs";

/** notification-controller's Service for receivers (port 80), as installed by Flux. */
export const RECEIVER_SERVICE = { name: "webhook-receiver", port: 80 };

/** Length of the random receiver subdomain: unguessable, and well inside a 63-character label. */
export const RECEIVER_SUBDOMAIN_LENGTH = 20;

/**
 * `https://<hostname>/hook/<digest>`, derived from the token exactly as notification-controller
 * derives it (secret: the path comes from the token).
 */
export function receiverWebhookUrl(
    hostname: pulumi.Input<string>,
    token: pulumi.Input<string>,
    ref: { readonly name: string; readonly namespace: string },
): pulumi.Output<string> {
    return pulumi.secret(
        pulumi.all([hostname, token]).apply(([h, t]) => `https://${h}${receiverWebhookPath(t, ref)}`),
    );
}

/** A GitHub repository webhook that posts `events` as JSON over verified TLS, signed with the token. */
export function githubWebhookArgs(
    repository: string,
    events: string[],
    url: pulumi.Input<string>,
    token: pulumi.Input<string>,
): github.RepositoryWebhookArgs {
    return {
        repository,
        active: true,
        events,
        configuration: { url, contentType: "json", insecureSsl: false, secret: token },
    };
}

export interface WebhookReceiverArgs {
    /** Namespace of the Receiver and its Secret: the tenant's, or the Flux namespace. */
    readonly fluxNamespace: string;
    /**
     * Namespace of the HTTPRoute: Flux's, where notification-controller's `webhook-receiver`
     * Service is. A route in a tenant's namespace would need a ReferenceGrant to reach it (Gateway
     * API: a backendRef to another namespace is refused without one), so the route is the platform's.
     */
    readonly routeNamespace: string;
    readonly names: FluxObjectNames;
    /** Repository whose pushes trigger the GitRepository (under the GitHub provider's owner). */
    readonly repository: string;
    /** The shared token (secret): the Receiver's Secret and the webhook's secret hold it. */
    readonly token: pulumi.Input<string>;
    /** Fixed hostname; undefined: a random subdomain of baseDomain, generated once. */
    readonly hostname?: string;
    readonly baseDomain: string;
    readonly gateway: GatewayRef;
    /** Objects that must exist first (the token Secret and the GitRepository). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The Receiver that turns GitHub pushes into an immediate reconcile, its HTTPRoute, and the
 * GitHub webhook pointed at it with the same token.
 */
export class WebhookReceiver extends pulumi.ComponentResource {
    public readonly receiver: k8s.apiextensions.CustomResource;
    public readonly route: k8s.apiextensions.CustomResource;
    public readonly webhook: github.RepositoryWebhook;
    /** The receiver's hostname. */
    public readonly hostname: pulumi.Output<string>;
    /** `https://<hostname>/hook/<digest>` (secret: it is derived from the token). */
    public readonly webhookUrl: pulumi.Output<string>;

    constructor(name: string, args: WebhookReceiverArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:flux:WebhookReceiver", name, {}, opts);
        const n = args.names;
        const ref = { name: n.receiver, namespace: args.fluxNamespace };

        if (args.hostname !== undefined) {
            this.hostname = pulumi.output(args.hostname);
        } else {
            const subdomain = new random.RandomString(
                `${name}-subdomain`,
                { length: RECEIVER_SUBDOMAIN_LENGTH, special: false, upper: false },
                { parent: this },
            );
            this.hostname = pulumi.interpolate`${subdomain.result}.${args.baseDomain}`;
        }

        this.receiver = customResource(
            name,
            {
                apiVersion: RECEIVER_API,
                kind: "Receiver",
                ...ref,
                spec: receiverSpec({ gitRepositoryName: n.gitRepository, secretName: n.receiverSecret }),
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.route = customResource(
            `${name}-route`,
            {
                apiVersion: GATEWAY_API,
                kind: "HTTPRoute",
                name: n.receiver,
                namespace: args.routeNamespace,
                spec: this.hostname.apply((hostname) =>
                    httpRouteSpec({
                        gateway: args.gateway,
                        hostname,
                        serviceName: RECEIVER_SERVICE.name,
                        servicePort: RECEIVER_SERVICE.port,
                        pathPrefix: "/hook/",
                    }),
                ),
            },
            // In Flux's namespace: it exists once Flux is installed.
            { parent: this, dependsOn: args.dependsOn },
        );

        this.webhookUrl = receiverWebhookUrl(this.hostname, args.token, ref);
        this.webhook = new github.RepositoryWebhook(
            name,
            githubWebhookArgs(args.repository, [...RECEIVER_EVENTS], this.webhookUrl, args.token),
            // The receiver must be reachable before GitHub sends its first ping.
            { parent: this, dependsOn: [this.receiver, this.route] },
        );
        this.registerOutputs({ hostname: this.hostname, webhookUrl: this.webhookUrl });
    }
}

export interface ImageWebhookReceiverArgs {
    readonly fluxNamespace: string;
    readonly names: FluxObjectNames;
    /** The Receiver type for the image's registry (`imageReceiverType`). */
    readonly type: ReceiverType;
    /** For `github`: the repository whose `package` webhook is created (the one the package is connected to). */
    readonly repository: string;
    /** This Receiver's own token (secret). */
    readonly token: pulumi.Input<string>;
    /** The push Receiver's hostname: its HTTPRoute already sends every `/hook/` path to notification-controller. */
    readonly hostname: pulumi.Input<string>;
    /** Objects that must exist first (the token Secret, the ImageRepository, the route). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The Receiver that reconciles the ImageRepository as soon as an image is pushed, so the registry
 * is not polled for it. For ghcr.io it also creates the repository's `package` webhook; for other
 * registries the URL is an output the user registers in the registry.
 */
export class ImageWebhookReceiver extends pulumi.ComponentResource {
    public readonly receiver: k8s.apiextensions.CustomResource;
    /** The GitHub webhook (ghcr.io only). */
    public readonly webhook?: github.RepositoryWebhook;
    /** `https://<hostname>/hook/<digest>` (secret: it is derived from the token). */
    public readonly webhookUrl: pulumi.Output<string>;

    constructor(name: string, args: ImageWebhookReceiverArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:flux:ImageWebhookReceiver", name, {}, opts);
        const n = args.names;
        const ref = { name: n.imageReceiver, namespace: args.fluxNamespace };
        this.receiver = customResource(
            name,
            {
                apiVersion: RECEIVER_API,
                kind: "Receiver",
                ...ref,
                spec: imageReceiverSpec({ type: args.type, imageRepositoryName: n.imageRepository, secretName: n.imageReceiverSecret }),
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        // Derived from the token exactly as notification-controller derives it; nothing copied.
        this.webhookUrl = receiverWebhookUrl(args.hostname, args.token, ref);
        // Only GitHub's push event can be subscribed with a GitHub repository webhook.
        const pushEvent = args.type === "github" ? REGISTRY_PUSH_EVENTS.github : undefined;
        if (pushEvent !== undefined) {
            // A repository webhook receives `package` events of the packages connected to the
            // repository (availability "repository": docs.github.com/en/webhooks/webhook-events-and-payloads#package;
            // connecting: docs.github.com/en/packages/learn-github-packages/connecting-a-repository-to-a-package).
            this.webhook = new github.RepositoryWebhook(
                name,
                githubWebhookArgs(args.repository, [pushEvent], this.webhookUrl, args.token),
                { parent: this, dependsOn: [this.receiver] },
            );
        }
        this.registerOutputs({ webhookUrl: this.webhookUrl });
    }
}
