/** `metadata.name`s of one application's Flux objects and Secrets (all in the Flux namespace). */
export interface FluxObjectNames {
    readonly gitRepository: string;
    readonly kustomization: string;
    readonly imageRepository: string;
    readonly imagePolicy: string;
    readonly imageUpdateAutomation: string;
    readonly receiver: string;
    /** Receiver that the registry's push event triggers (it reconciles the ImageRepository). */
    readonly imageReceiver: string;
    /** Provider and Alert that post the Kustomization's outcome as a GitHub commit status. */
    readonly commitStatus: string;
    /** Secret with `identity` and `known_hosts` for the GitRepository. */
    readonly gitSecret: string;
    /** Secret of type kubernetes.io/dockerconfigjson for the ImageRepository. */
    readonly registrySecret: string;
    /** Secret with `git.asc` (and `passphrase`) for the ImageUpdateAutomation. */
    readonly signingSecret: string;
    /** Secret with `token` for the Receiver. */
    readonly receiverSecret: string;
    /** Secret with `token` for the image Receiver (a token of its own). */
    readonly imageReceiverSecret: string;
    /** Secret with `token`: the bot's GitHub token the commit-status Provider posts with. */
    readonly commitStatusSecret: string;
    /**
     * GitHub App mode: Secret with `githubAppID`, `githubAppInstallationID` and `githubAppPrivateKey`,
     * which the GitRepository and the commit-status Provider both read (instead of gitSecret and
     * commitStatusSecret).
     */
    readonly githubAppSecret: string;
}

/**
 * The names of an application's Flux objects: the Flux objects carry the application's name,
 * as in Flux's guides; each Secret says what it holds.
 */
export function fluxObjectNames(app: string): FluxObjectNames {
    return {
        gitRepository: app,
        kustomization: app,
        imageRepository: app,
        imagePolicy: app,
        imageUpdateAutomation: app,
        receiver: app,
        imageReceiver: `${app}-image`,
        commitStatus: `${app}-commit-status`,
        gitSecret: `${app}-git-ssh`,
        registrySecret: `${app}-registry`,
        signingSecret: `${app}-gpg-signing`,
        receiverSecret: `${app}-receiver-token`,
        imageReceiverSecret: `${app}-image-receiver-token`,
        commitStatusSecret: `${app}-github-status-token`,
        githubAppSecret: `${app}-github-app`,
    };
}

/**
 * The `kubernetes.io/dockerconfigjson` Secret in the application's own namespace that its pods
 * pull a private image with (`imagePullSecrets` of the seeded Deployment): the same name in every
 * stack, since stacks share the base.
 */
export function appPullSecretName(app: string): string {
    return `${app}-registry`;
}
