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
    /** ssh URL of the repository, e.g. ssh://git@github.com/org/repo. */
    readonly url: string;
    readonly branch: string;
    readonly interval: string;
    readonly timeout: string;
    /** Secret with `identity` and `known_hosts`. */
    readonly secretName: string;
}

/** `ssh://git@github.com/<owner>/<repo>`: the form Flux's GitRepository expects for ssh. */
export function githubSshUrl(owner: string, repository: string): string {
    return `ssh://git@github.com/${owner}/${repository}`;
}

export function gitRepositorySpec(args: GitRepositorySpecArgs): object {
    return {
        url: args.url,
        ref: { branch: args.branch },
        interval: args.interval,
        timeout: args.timeout,
        secretRef: { name: args.secretName },
    };
}

export interface KustomizationSpecArgs {
    readonly gitRepositoryName: string;
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
        path: args.path,
        targetNamespace: args.targetNamespace,
        prune: true,
        // Wait for every applied object to become ready: health is checked on all of them.
        wait: true,
        interval: args.interval,
        retryInterval: args.retryInterval,
        timeout: args.timeout,
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
