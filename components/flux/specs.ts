/**
 * Pure builders of the Flux objects' specs, for the API versions current Flux releases serve.
 * Components turn them into Kubernetes custom resources; tests check them on their own.
 */
import { createHash } from "node:crypto";

export const SOURCE_API = "source.toolkit.fluxcd.io/v1";
export const KUSTOMIZE_API = "kustomize.toolkit.fluxcd.io/v1";
export const IMAGE_API = "image.toolkit.fluxcd.io/v1";
export const RECEIVER_API = "notification.toolkit.fluxcd.io/v1";

/** Flux's default exclusion list: cosign signatures and attestations are not images to deploy. */
export const DEFAULT_EXCLUSION_LIST = ["^.*\\.sig$"];

/** Events the GitHub Receiver acts on; the webhook subscribes to exactly these. */
export const RECEIVER_EVENTS = ["ping", "push"];

/** A namespaced object reference. */
export interface ObjectRef {
    readonly name: string;
    readonly namespace: string;
}

export interface GitRepositorySpecArgs {
    /** URL of the repository: ssh://git@github.com/org/repo, or https://github.com/org/repo as the App. */
    readonly url: string;
    readonly branch: string;
    readonly interval: string;
    readonly timeout: string;
    /** Secret with `identity` and `known_hosts`, or with the App's keys (`provider: github`). */
    readonly secretName: string;
    /** `github`: authenticate as the GitHub App of the Secret; undefined: the default (generic). */
    readonly provider?: "github";
}

/** `ssh://git@github.com/<owner>/<repo>`: the form Flux's GitRepository expects for ssh. */
export function githubSshUrl(owner: string, repository: string): string {
    return `ssh://git@github.com/${owner}/${repository}`;
}

/**
 * `https://github.com/<owner>/<repo>`: the App's installation token is sent as HTTP basic auth
 * (`x-access-token:<token>`), which source-controller uses only over http(s) (fluxcd/pkg
 * git/v0.52.0 gogit/transport.go `transportAuth`; over ssh it asks for `identity` instead).
 */
export function githubHttpsUrl(owner: string, repository: string): string {
    return `https://github.com/${owner}/${repository}`;
}

export function gitRepositorySpec(args: GitRepositorySpecArgs): object {
    return {
        url: args.url,
        // source-controller v1.9.1 api/v1/gitrepository_types.go: enum generic, aws, azure, github
        // (github since v1.5.0); with github, `secretRef` must hold the App's keys (getAuthOpts).
        ...(args.provider ? { provider: args.provider } : {}),
        ref: { branch: args.branch },
        interval: args.interval,
        timeout: args.timeout,
        secretRef: { name: args.secretName },
    };
}

export interface KustomizationSpecArgs {
    readonly gitRepositoryName: string;
    /**
     * The account kustomize-controller impersonates to build, apply, check health and prune, and to
     * finalize on deletion (kustomize-controller v1.9.1 internal/controller/kustomization_controller.go:
     * `impersonation.GetClient` for the resource manager, `finalize` the same way): always in the
     * Kustomization's own namespace (fluxcd/pkg runtime/client/impersonator.go
     * `system:serviceaccount:<namespace>:<name>`).
     */
    readonly serviceAccountName: string;
    /**
     * The Kustomization is being retired (its tenant took its objects over): `suspend` stops its
     * reconciles, so it no longer takes the objects' owner labels back, and its finalizer deletes
     * nothing while suspended; `deletionPolicy: Orphan` keeps them should it be resumed
     * (kustomization_controller.go @v1.9.1 `finalizerShouldDeleteResources`: suspended or Orphan,
     * false; api/v1/kustomization_types.go DeletionPolicyOrphan).
     */
    readonly retired?: boolean;
    /** Path of the overlay in the repository. */
    readonly path: string;
    readonly targetNamespace: string;
    readonly interval: string;
    readonly retryInterval: string;
    readonly timeout: string;
}

export function kustomizationSpec(args: KustomizationSpecArgs): object {
    return {
        sourceRef: { kind: "GitRepository", name: args.gitRepositoryName },
        serviceAccountName: args.serviceAccountName,
        path: args.path,
        targetNamespace: args.targetNamespace,
        prune: true,
        // Wait for every applied object to become ready: health is checked on all of them.
        wait: true,
        interval: args.interval,
        retryInterval: args.retryInterval,
        timeout: args.timeout,
        ...(args.retired ? { suspend: true, deletionPolicy: "Orphan" } : {}),
    };
}

export interface ImageRepositorySpecArgs {
    readonly image: string;
    readonly interval: string;
    /** Secret of type kubernetes.io/dockerconfigjson for the registry; undefined for a public image. */
    readonly secretName?: string;
    readonly exclusionList?: readonly string[];
}

export function imageRepositorySpec(args: ImageRepositorySpecArgs): object {
    return {
        image: args.image,
        interval: args.interval,
        // generic: credentials come from secretRef, not from a cloud provider's identity.
        provider: "generic",
        // A public image is scanned anonymously: no credential is offered to its registry.
        ...(args.secretName !== undefined ? { secretRef: { name: args.secretName } } : {}),
        exclusionList: [...(args.exclusionList ?? DEFAULT_EXCLUSION_LIST)],
    };
}

export interface ImagePolicySpecArgs {
    readonly imageRepositoryName: string;
    readonly policy: "numerical" | "semver" | "alphabetical";
    readonly order: "asc" | "desc";
    readonly semverRange: string;
    readonly tagPattern?: string;
    readonly tagExtract?: string;
}

export function imagePolicySpec(args: ImagePolicySpecArgs): object {
    const policy =
        args.policy === "semver" ? { semver: { range: args.semverRange } } : { [args.policy]: { order: args.order } };
    return {
        imageRepositoryRef: { name: args.imageRepositoryName },
        ...(args.tagPattern !== undefined
            ? { filterTags: { pattern: args.tagPattern, ...(args.tagExtract ? { extract: args.tagExtract } : {}) } }
            : {}),
        policy,
    };
}

/**
 * Commit message of image updates: the files and images that changed (the `.Changed` data of
 * image-automation-controller v1; `.Updated` was removed), ending in `[skip ci]` so CI does not
 * rebuild the image it was just told about.
 */
export const COMMIT_MESSAGE_TEMPLATE = `chore(images): update images of {{ .AutomationObject.Name }}

Files:
{{ range $filename, $_ := .Changed.FileChanges -}}
- {{ $filename }}
{{ end -}}

Images:
{{ range $_, $change := .Changed.Changes -}}
- {{ $change.OldValue }} -> {{ $change.NewValue }}
{{ end -}}

[skip ci]
`;

export interface ImageUpdateAutomationSpecArgs {
    readonly gitRepositoryName: string;
    readonly branch: string;
    readonly pushBranch: string;
    readonly interval: string;
    readonly authorName: string;
    readonly authorEmail: string;
    /** Secret with `git.asc` (and `passphrase`). */
    readonly signingSecretName: string;
    /** Directory whose setter markers are updated. */
    readonly path: string;
}

export function imageUpdateAutomationSpec(args: ImageUpdateAutomationSpecArgs): object {
    return {
        sourceRef: { kind: "GitRepository", name: args.gitRepositoryName },
        interval: args.interval,
        git: {
            checkout: { ref: { branch: args.branch } },
            commit: {
                author: { name: args.authorName, email: args.authorEmail },
                signingKey: { secretRef: { name: args.signingSecretName } },
                messageTemplate: COMMIT_MESSAGE_TEMPLATE,
            },
            push: { branch: args.pushBranch },
        },
        update: { path: args.path, strategy: "Setters" },
    };
}

export function receiverSpec(args: { gitRepositoryName: string; secretName: string }): object {
    return {
        type: "github",
        events: [...RECEIVER_EVENTS],
        secretRef: { name: args.secretName },
        resources: [{ apiVersion: SOURCE_API, kind: "GitRepository", name: args.gitRepositoryName }],
    };
}

/** Receiver types (fluxcd/notification-controller v1.9.3, api/v1/receiver_types.go, the `type` enum). */
export type ReceiverType =
    | "generic"
    | "generic-hmac"
    | "github"
    | "gitlab"
    | "bitbucket"
    | "harbor"
    | "dockerhub"
    | "quay"
    | "gcr"
    | "nexus"
    | "acr"
    | "cdevents";

/**
 * Receiver types whose handler checks the request's event against `spec.events` (an empty list
 * accepts every event). The others ignore `spec.events`: any request that passes the type's check
 * triggers the reconcile (internal/server/receiver_handlers.go @v1.9.3, `validate`).
 */
export const EVENT_FILTERING_RECEIVERS: readonly ReceiverType[] = ["github", "gitlab", "bitbucket", "cdevents"];

/**
 * The event a registry sends when an image is pushed, for the receiver types that filter on it.
 * GitHub: `package` ("A package was published to a registry"; GitHub recommends it over the older
 * `registry_package`, which fires for the same pushes:
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#package). Only `package` is
 * subscribed: subscribing both would make every push reconcile the ImageRepository twice.
 */
export const REGISTRY_PUSH_EVENTS: Partial<Record<ReceiverType, string>> = { github: "package" };

/**
 * The Receiver type that understands a registry's push notifications: GitHub's webhook for
 * ghcr.io, Docker Hub's, Quay's, ACR's; any other registry (a Harbor, a self-hosted one) gets a
 * `generic-hmac` Receiver that a CI job or the registry signs with the token (`X-Signature`).
 */
export function imageReceiverType(registryHost: string): ReceiverType {
    if (registryHost === "ghcr.io") return "github";
    if (registryHost === "docker.io") return "dockerhub";
    if (registryHost === "quay.io") return "quay";
    if (registryHost.endsWith(".azurecr.io")) return "acr";
    return "generic-hmac";
}

/** Events the image Receiver acts on: `ping` (sent when the webhook is created) and the push event. */
export function imageReceiverEvents(type: ReceiverType): string[] {
    const push = REGISTRY_PUSH_EVENTS[type];
    return push !== undefined ? ["ping", push] : [];
}

/** The Receiver that reconciles the ImageRepository when the registry says an image was pushed. */
export function imageReceiverSpec(args: { type: ReceiverType; imageRepositoryName: string; secretName: string }): object {
    const events = imageReceiverEvents(args.type);
    return {
        type: args.type,
        // Only the types that filter on events get a list; the others ignore it.
        ...(events.length > 0 ? { events } : {}),
        secretRef: { name: args.secretName },
        resources: [{ apiVersion: IMAGE_API, kind: "ImageRepository", name: args.imageRepositoryName }],
    };
}

/**
 * The path notification-controller serves a Receiver on: `/hook/` + hex sha256 of token, name
 * and namespace concatenated (fluxcd/notification-controller, `Receiver.GetWebhookPath`).
 */
export function receiverWebhookPath(token: string, receiver: ObjectRef): string {
    const digest = createHash("sha256").update(token + receiver.name + receiver.namespace).digest("hex");
    return `/hook/${digest}`;
}

/** The setter marker image automation looks for: `{"$imagepolicy": "<namespace>:<name>:tag"}`. */
export function imagePolicySetter(policy: ObjectRef, field: "tag" | "name" | "digest" | "" = "tag"): string {
    return JSON.stringify({ $imagepolicy: `${policy.namespace}:${policy.name}${field ? `:${field}` : ""}` }).replace(
        ":",
        ": ",
    );
}
