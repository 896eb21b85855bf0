/**
 * The application's kustomize manifests, as files: a base (Deployment, Service, a ConfigMap
 * generator with PORT, common labels, replacements wiring the port) and one environment overlay
 * whose image tag carries the setter marker of the ImagePolicy that image automation follows.
 */
import * as path from "node:path";
import * as YAML from "yaml";
import { imagePolicySetter, ObjectRef } from "../flux/specs";

/** Tag of the image before image automation has picked one. */
export const INITIAL_TAG = "latest";

export interface AppManifestsSpec {
    /** Name of the Deployment, Service, ConfigMap and container. */
    readonly appName: string;
    /** Image repository without tag. */
    readonly image: string;
    readonly port: number;
    /** Overlay directory in the repository (e.g. `./kustomize/overlays/dev`). */
    readonly overlayPath: string;
    /** The ImagePolicy whose tag the overlay's `newTag` follows. */
    readonly imagePolicy: ObjectRef;
    /**
     * The Secret in the application's namespace the pods pull a private image with
     * (`imagePullSecrets`); undefined for a public image.
     */
    readonly imagePullSecret?: string;
}

/**
 * Repository path of a directory given as `./a/b`, `a/b` or `/a/b` (normalize drops a leading `./`
 * and collapses runs of slashes, leading ones too).
 */
function repoPath(dir: string): string {
    return path.posix.normalize(dir).replace(/^\//, "").replace(/\/$/, "");
}

/**
 * The base directory of an overlay: two levels up, then `base` (kustomize/overlays/dev →
 * kustomize/base). Undefined when the overlay path has fewer than two levels.
 */
export function baseDirectory(overlayPath: string): string | undefined {
    const overlay = repoPath(overlayPath);
    if (overlay.split("/").length < 2 || overlay.split("/").includes("..")) return undefined;
    return path.posix.join(overlay, "..", "..", "base");
}

// Stryker disable next-line ObjectLiteral: YAML folds a line only at a space, and no value written here has one; kept so a future one stays on one line
const yaml = (object: unknown) => YAML.stringify(object, { lineWidth: 0 });

/** The files to seed, by repository path. */
export function appManifestFiles(spec: AppManifestsSpec): Record<string, string> {
    const overlay = repoPath(spec.overlayPath);
    const base = baseDirectory(spec.overlayPath);
    if (base === undefined) throw new Error(`overlay path "${spec.overlayPath}" needs at least two levels`);
    const name = spec.appName;

    const kustomization = {
        apiVersion: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources: ["deployment.yaml", "service.yaml"],
        labels: [{ pairs: { "app.kubernetes.io/name": name }, includeSelectors: true }],
        configMapGenerator: [{ name, literals: [`PORT=${spec.port}`] }],
        // PORT is the single source of the port: the container, the Service and the app's env.
        replacements: [
            {
                source: { kind: "ConfigMap", name, fieldPath: "data.PORT" },
                targets: [
                    {
                        select: { kind: "Deployment", name },
                        fieldPaths: [`spec.template.spec.containers.[name=${name}].ports.[name=http].containerPort`],
                    },
                    {
                        select: { kind: "Service", name },
                        fieldPaths: ["spec.ports.[name=http].port", "spec.ports.[name=http].targetPort"],
                    },
                ],
            },
        ],
    };
    const deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name },
        spec: {
            replicas: 1,
            // Filled by the labels transformer (includeSelectors).
            selector: { matchLabels: {} },
            template: {
                spec: {
                    // The kubelet pulls with these credentials (a Deployment's pods may name Secrets
                    // of their own namespace only: core/v1 PodSpec.imagePullSecrets).
                    ...(spec.imagePullSecret ? { imagePullSecrets: [{ name: spec.imagePullSecret }] } : {}),
                    containers: [
                        {
                            name,
                            image: spec.image,
                            envFrom: [{ configMapRef: { name } }],
                            ports: [{ name: "http", containerPort: spec.port }],
                            readinessProbe: { tcpSocket: { port: "http" } },
                            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
                        },
                    ],
                },
            },
        },
    };
    const service = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name },
        spec: { ports: [{ name: "http", port: spec.port, targetPort: spec.port }] },
    };
    // Written as text: the setter marker is a YAML comment on the newTag line.
    const overlayKustomization = [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources:",
        `  - ${path.posix.relative(overlay, base)}`,
        "images:",
        `  - name: ${spec.image}`,
        `    newTag: ${INITIAL_TAG} # ${imagePolicySetter(spec.imagePolicy)}`,
        "",
    ].join("\n");

    return {
        [`${base}/kustomization.yaml`]: yaml(kustomization),
        [`${base}/deployment.yaml`]: yaml(deployment),
        [`${base}/service.yaml`]: yaml(service),
        [`${overlay}/kustomization.yaml`]: overlayKustomization,
    };
}
