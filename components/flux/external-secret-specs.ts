/**
 * Pure builders of the External Secrets (`external-secrets.io/v1`) that bring the SSM values
 * into the cluster as the Secrets Flux reads.
 */

import { WAIT_FOR_READY } from "../custom-resource";

export const EXTERNAL_SECRETS_API = "external-secrets.io/v1";

/** One key of the target Secret read from one SSM parameter. */
export interface RemoteValue {
    /** Key in the ExternalSecret's data (and, without a template, in the Secret). */
    readonly secretKey: string;
    /** SSM parameter name. */
    readonly parameterName: string;
}

/**
 * The store an ExternalSecret reads through: a tenant's SecretStore of its own namespace, or the
 * platform's ClusterSecretStore (apis/externalsecrets/v1/externalsecret_types.go @v2.9.0
 * `SecretStoreRef`: kind SecretStore or ClusterSecretStore, a SecretStore always of the
 * ExternalSecret's namespace).
 */
export interface SecretStoreRef {
    readonly kind: "SecretStore" | "ClusterSecretStore";
    readonly name: string;
}

export interface ExternalSecretSpecArgs {
    /** The store backed by AWS Parameter Store. */
    readonly store: SecretStoreRef;
    readonly refreshInterval: string;
    /** Name of the Secret External Secrets creates and owns. */
    readonly targetName: string;
    readonly values: readonly RemoteValue[];
    /** Secret type (default Opaque). */
    readonly type?: string;
    /**
     * Templated data of the target Secret (ESO template engine v2). Without it, the Secret has
     * exactly the remote values under their secretKey.
     */
    readonly templateData?: Readonly<Record<string, string>>;
    /** Labels of the target Secret (`spec.target.template.metadata.labels`). */
    readonly secretLabels?: Readonly<Record<string, string>>;
}

export function externalSecretSpec(args: ExternalSecretSpecArgs): object {
    const template =
        args.templateData || args.type || args.secretLabels
            ? {
                  template: {
                      engineVersion: "v2",
                      ...(args.type ? { type: args.type } : {}),
                      // Labels only, without data: ESO still copies every remote value into the
                      // Secret (ApplyTemplate, pkg/controllers/externalsecret/
                      // externalsecret_controller_template.go @v2.9.0, `noTemplate`).
                      ...(args.secretLabels ? { metadata: { labels: { ...args.secretLabels } } } : {}),
                      ...(args.templateData ? { data: { ...args.templateData } } : {}),
                  },
              }
            : {};
    return {
        refreshInterval: args.refreshInterval,
        secretStoreRef: { kind: args.store.kind, name: args.store.name },
        target: { name: args.targetName, creationPolicy: "Owner", deletionPolicy: "Retain", ...template },
        data: args.values.map((v) => ({ secretKey: v.secretKey, remoteRef: { key: v.parameterName } })),
    };
}

/**
 * The `auths` key of Docker Hub. image-reflector-controller looks the image's registry up in the
 * pull Secret with go-containerregistry's Kubernetes keychain (internal/registry/options.go
 * `kauth.NewFromPullSecrets` @v1.2.0; pkg/authn/kubernetes keychain.go `Resolve`, `urlsMatch`),
 * which names Docker Hub `index.docker.io` and matches a key only with as many host labels: a
 * `docker.io` key never matches. This is the key Docker itself writes for Docker Hub.
 */
export const DOCKER_HUB_AUTHS_KEY = "https://index.docker.io/v1/";

/** The `auths` key for a registry host of an image reference. */
export function dockerConfigAuthsKey(registry: string): string {
    // go-containerregistry pkg/name/registry.go rewrites docker.io to index.docker.io.
    return registry === "docker.io" || registry === "index.docker.io" ? DOCKER_HUB_AUTHS_KEY : registry;
}

/**
 * `.dockerconfigjson` template for a registry: the bot as user, the token from SSM. Rendered by
 * External Secrets, so the token never passes through Pulumi's Kubernetes objects. The token is
 * written with sprig's `toJson` (a JSON string, quotes and backslashes escaped), so any token
 * keeps the Secret valid JSON.
 */
export function dockerConfigJsonTemplate(registry: string, username: string, tokenKey: string): string {
    const auth = `{{ printf "%s:%s" ${JSON.stringify(username)} .${tokenKey} | b64enc }}`;
    return `{"auths":{${JSON.stringify(dockerConfigAuthsKey(registry))}:{"username":${JSON.stringify(username)},"password":{{ .${tokenKey} | toJson }},"auth":"${auth}"}}}`;
}

/**
 * The label notification-controller selects the Secrets it watches by (`--watch-configs-label-selector`,
 * default `reconcile.fluxcd.io/watch=Enabled`: fluxcd/notification-controller main.go @v1.9.3). A
 * labelled Receiver token Secret re-reconciles its Receiver as soon as it changes
 * (internal/controller/receiver_controller.go @v1.9.3), so a rotated token takes effect at once
 * instead of at the Receiver's interval.
 */
export const FLUX_WATCH_LABELS: Readonly<Record<string, string>> = { "reconcile.fluxcd.io/watch": "Enabled" };

/** Annotation that carries the versions of the SSM parameters an ExternalSecret reads. */
export const PARAMETER_VERSIONS_ANNOTATION = "flux-gitops.io/parameter-versions";

// External Secrets sets `Ready=True` once the Secret is written (apis/externalsecrets/v1/
// externalsecret_types.go `ExternalSecretReady = "Ready"`, `markAsDone` in
// externalsecret_controller.go @v2.9.0), which WAIT_FOR_READY waits for.
export { WAIT_FOR_ANNOTATION } from "../custom-resource";
export const TIMEOUT_SECONDS_ANNOTATION = "pulumi.com/timeoutSeconds";

/**
 * How long `pulumi up` waits for an ExternalSecret to become Ready. A sync takes seconds; five
 * minutes instead of the provider's default ten fails sooner when the store cannot read SSM.
 */
export const EXTERNAL_SECRET_READY_TIMEOUT_SECONDS = 300;

/** An SSM parameter an ExternalSecret reads, with the version it has now. */
export interface ParameterVersion {
    readonly parameterName: string;
    /** The parameter's version (`aws.ssm.Parameter.version`: AWS adds one on every write). */
    readonly version: number;
}

/**
 * `name=version` of each parameter, sorted by name, comma-separated: a value that changes exactly
 * when one of the parameters is written again.
 */
export function parameterVersions(parameters: readonly ParameterVersion[]): string {
    const byName = new Map<string, number>();
    for (const p of parameters) {
        if (!Number.isInteger(p.version) || p.version < 1) {
            throw new Error(`SSM parameter ${p.parameterName} has no version (got ${String(p.version)})`);
        }
        const known = byName.get(p.parameterName);
        if (known !== undefined && known !== p.version) {
            throw new Error(`SSM parameter ${p.parameterName} has two versions: ${known} and ${p.version}`);
        }
        byName.set(p.parameterName, p.version);
    }
    // SSM names hold no "=", so sorting the pairs sorts by name.
    return [...byName.entries()]
        .map(([name, version]) => `${name}=${version}`)
        .sort()
        .join(",");
}

/**
 * The annotations of an ExternalSecret that reads these parameters.
 *
 * - The parameter versions. External Secrets re-reads its store only every `refreshInterval`,
 *   unless the ExternalSecret's generation, labels or annotations changed since its last sync:
 *   `shouldRefreshPeriodic` compares `status.syncedResourceVersion` with `GetResourceVersion`
 *   = generation + hash of labels and annotations (pkg/controllers/externalsecret/
 *   externalsecret_controller.go and pkg/controllers/util/util.go @v2.9.0), and an annotation
 *   change enqueues the object (`shouldEnqueueExternalSecretUpdate`). A new value in SSM thus
 *   reaches the Secret in the same `pulumi up`, not hours later.
 * - `pulumi.com/waitFor: condition=Ready` and a timeout, so what reads the Secret is created only
 *   once the Secret exists.
 */
export function externalSecretAnnotations(parameters: readonly ParameterVersion[]): Record<string, string> {
    return {
        ...WAIT_FOR_READY,
        [TIMEOUT_SECONDS_ANNOTATION]: String(EXTERNAL_SECRET_READY_TIMEOUT_SECONDS),
        [PARAMETER_VERSIONS_ANNOTATION]: parameterVersions(parameters),
    };
}
