/** `metadata.name`s of one application's Flux objects and Secrets (all in the Flux namespace). */
export interface FluxObjectNames {
    readonly gitRepository: string;
    readonly kustomization: string;
    readonly imageRepository: string;
    readonly imagePolicy: string;
    readonly imageUpdateAutomation: string;
    readonly receiver: string;
    /** Secret with `identity` and `known_hosts` for the GitRepository. */
    readonly gitSecret: string;
    /** Secret of type kubernetes.io/dockerconfigjson for the ImageRepository. */
    readonly registrySecret: string;
    /** Secret with `git.asc` (and `passphrase`) for the ImageUpdateAutomation. */
    readonly signingSecret: string;
    /** Secret with `token` for the Receiver. */
    readonly receiverSecret: string;
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
        gitSecret: `${app}-git-ssh`,
        registrySecret: `${app}-registry`,
        signingSecret: `${app}-gpg-signing`,
        receiverSecret: `${app}-receiver-token`,
    };
}
