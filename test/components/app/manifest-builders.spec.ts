/**
 * The application's base manifests and overlay paths, as the pure builders write them: exact
 * objects, so that any change to what they generate is noticed.
 */
import { strict as assert } from "node:assert";
import * as YAML from "yaml";
import { appManifestFiles, baseDirectory } from "../../../components/app/manifests";
import { ECHO_SERVER_MANIFESTS } from "../../helpers/app-manifests";

const spec = ECHO_SERVER_MANIFESTS;

describe("the application's base manifests, as written", () => {
    const files = appManifestFiles(spec);

    it("declares a Kustomization that labels selectors and wires PORT into the container and the Service", () => {
        assert.deepEqual(YAML.parse(files["kustomize/base/kustomization.yaml"]), {
            apiVersion: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources: ["deployment.yaml", "service.yaml"],
            labels: [
                { pairs: { "app.kubernetes.io/name": "echo-server" }, includeSelectors: true },
            ],
            configMapGenerator: [{ name: "echo-server", literals: ["PORT=8080"] }],
            replacements: [
                {
                    source: { kind: "ConfigMap", name: "echo-server", fieldPath: "data.PORT" },
                    targets: [
                        {
                            select: { kind: "Deployment", name: "echo-server" },
                            fieldPaths: [
                                "spec.template.spec.containers.[name=echo-server].ports.[name=http].containerPort",
                            ],
                        },
                        {
                            select: { kind: "Service", name: "echo-server" },
                            fieldPaths: [
                                "spec.ports.[name=http].port",
                                "spec.ports.[name=http].targetPort",
                            ],
                        },
                    ],
                },
            ],
        });
    });

    it("runs one small, unprivileged replica that is ready once its http port accepts connections", () => {
        assert.deepEqual(YAML.parse(files["kustomize/base/deployment.yaml"]), {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "echo-server" },
            spec: {
                replicas: 1,
                // Left empty for the labels transformer (includeSelectors) to fill.
                selector: { matchLabels: {} },
                template: {
                    spec: {
                        containers: [
                            {
                                name: "echo-server",
                                image: "ghcr.io/developer-friendly/echo-server",
                                envFrom: [{ configMapRef: { name: "echo-server" } }],
                                ports: [{ name: "http", containerPort: 8080 }],
                                readinessProbe: { tcpSocket: { port: "http" } },
                                resources: {
                                    requests: { cpu: "10m", memory: "32Mi" },
                                    limits: { memory: "128Mi" },
                                },
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    readOnlyRootFilesystem: true,
                                },
                            },
                        ],
                    },
                },
            },
        });
    });

    it("serves the http port under the application's name, selected by the labels transformer", () => {
        // No selector written: includeSelectors adds app.kubernetes.io/name to it, as to the Deployment's.
        assert.deepEqual(YAML.parse(files["kustomize/base/service.yaml"]), {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "echo-server" },
            spec: { ports: [{ name: "http", port: 8080, targetPort: 8080 }] },
        });
    });
});

describe("where the application's manifests go", () => {
    it("reads an overlay path with a trailing slash as the same directory", () => {
        const files = appManifestFiles({ ...spec, overlayPath: "kustomize/overlays/dev/" });
        assert.deepEqual(Object.keys(files), [
            "kustomize/base/kustomization.yaml",
            "kustomize/base/deployment.yaml",
            "kustomize/base/service.yaml",
            "kustomize/overlays/dev/kustomization.yaml",
        ]);
        assert.deepEqual(YAML.parse(files["kustomize/overlays/dev/kustomization.yaml"]).resources, [
            "../../base",
        ]);
    });

    it("reads a leading slash as the repository root, so /dev is one level and has no base", () => {
        assert.equal(baseDirectory("/kustomize/overlays/dev"), "kustomize/base");
        assert.equal(baseDirectory("/dev"), undefined);
        assert.deepEqual(Object.keys(appManifestFiles({ ...spec, overlayPath: "/kustomize/overlays/dev" })), [
            "kustomize/base/kustomization.yaml",
            "kustomize/base/deployment.yaml",
            "kustomize/base/service.yaml",
            "kustomize/overlays/dev/kustomization.yaml",
        ]);
    });

    it("refuses an overlay path with no room for the base two levels up, naming the path as given", () => {
        assert.throws(() => appManifestFiles({ ...spec, overlayPath: "./dev" }), {
            name: "Error",
            message: 'overlay path "./dev" needs at least two levels',
        });
        assert.throws(() => appManifestFiles({ ...spec, overlayPath: "../outside/dev" }), {
            name: "Error",
            message: 'overlay path "../outside/dev" needs at least two levels',
        });
    });
});
