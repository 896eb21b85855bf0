/**
 * The pure builders behind the components, read directly: the application's base manifests and
 * overlay paths, the adoption transformation, custom resources' metadata, the Gateway API
 * HTTPRoute spec, the owner labels and the providers handed to a component's children. Exact
 * objects, so that any change to what they generate is noticed.
 */
import { strict as assert } from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { adoptionTransform } from "../../components/adoption";
import { appManifestFiles, baseDirectory } from "../../components/app/manifests";
import { customResource } from "../../components/custom-resource";
import { httpRouteSpec } from "../../components/gateway/http-route";
import { ownerLabelsTransform } from "../../components/labels";
import { Providers, withProviders } from "../../components/providers";
import { ECHO_SERVER_MANIFESTS } from "../helpers/app-manifests";
import { one, record, valueOf } from "../helpers/record";

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

describe("adopting what the recipe already left (adoptionTransform)", () => {
    const transformations = [adoptionTransform({ namespaces: ["monitoring"] })];
    it("imports a listed Namespace by name, with its inputs as given (the engine updates what differs)", async () => {
        const registered = await record(
            () =>
                new k8s.core.v1.Namespace(
                    "monitoring",
                    { metadata: { name: "monitoring" } },
                    { transformations },
                ),
        );
        const namespace = one(registered, "kubernetes:core/v1:Namespace", "monitoring");
        assert.equal(namespace.options.importId, "monitoring");
        assert.deepEqual(namespace.options.ignoreChanges, []);
        assert.deepEqual(namespace.inputs, { apiVersion: "v1", kind: "Namespace", metadata: { name: "monitoring" } });
    });

    it("creates a Namespace it does not list, and one with no name of its own", async () => {
        const registered = await record(() => [
            new k8s.core.v1.Namespace(
                "app",
                { metadata: { name: "echo-server" } },
                { transformations },
            ),
            new k8s.core.v1.Namespace("unnamed", {}, { transformations }),
        ]);
        for (const name of ["app", "unnamed"]) {
            const namespace = one(registered, "kubernetes:core/v1:Namespace", name);
            assert.equal(namespace.options.importId, "", name);
            assert.deepEqual(namespace.options.ignoreChanges, [], name);
        }
    });

    it("imports only Namespaces: another object of a listed name is created", async () => {
        const registered = await record(
            () =>
                new k8s.core.v1.ConfigMap(
                    "monitoring",
                    { metadata: { name: "monitoring", namespace: "monitoring" }, data: {} },
                    { transformations },
                ),
        );
        const configMap = one(registered, "kubernetes:core/v1:ConfigMap", "monitoring");
        assert.equal(configMap.options.importId, "");
        assert.deepEqual(configMap.options.ignoreChanges, []);
    });
});

describe("a namespaced custom resource (customResource)", () => {
    it("carries the labels it is given in its metadata", async () => {
        const registered = await record(() =>
            customResource(
                "widget",
                {
                    apiVersion: "example.com/v1",
                    kind: "Widget",
                    name: "echo-server",
                    namespace: "flux-system",
                    labels: { "app.kubernetes.io/name": "echo-server" },
                    spec: { size: 1 },
                },
                {},
            ),
        );
        assert.equal(registered.length, 1);
        assert.deepEqual(registered[0].inputs, {
            apiVersion: "example.com/v1",
            kind: "Widget",
            metadata: {
                name: "echo-server",
                namespace: "flux-system",
                labels: { "app.kubernetes.io/name": "echo-server" },
            },
            spec: { size: 1 },
        });
    });
});

describe("an HTTPRoute spec (httpRouteSpec)", () => {
    it("routes every path (prefix /) when no prefix is given, to the Service with HSTS", () => {
        assert.deepEqual(
            httpRouteSpec({
                gateway: { name: "gateway", namespace: "gateway" },
                hostname: "echo-server.dev.example.com",
                serviceName: "echo-server",
                servicePort: 8080,
            }),
            {
                parentRefs: [
                    {
                        group: "gateway.networking.k8s.io",
                        kind: "Gateway",
                        name: "gateway",
                        namespace: "gateway",
                    },
                ],
                hostnames: ["echo-server.dev.example.com"],
                rules: [
                    {
                        matches: [{ path: { type: "PathPrefix", value: "/" } }],
                        filters: [
                            {
                                type: "ResponseHeaderModifier",
                                responseHeaderModifier: {
                                    set: [
                                        {
                                            name: "Strict-Transport-Security",
                                            value: "max-age=31536000; includeSubDomains",
                                        },
                                    ],
                                },
                            },
                        ],
                        backendRefs: [{ name: "echo-server", port: 8080 }],
                    },
                ],
            },
        );
    });
});

describe("owner labels transformation", () => {
    const transform = ownerLabelsTransform("flux-gitops", "dev");
    // The transformation reads only the type and the props of the resource.
    const transformed = (type: string, props: Record<string, unknown>) =>
        transform({ type, name: "n", props, opts: {}, resource: {} as pulumi.Resource });

    it("adds the owner labels to a Kubernetes object and keeps the labels it sets, which win", async () => {
        const result = transformed("kubernetes:core/v1:ConfigMap", {
            metadata: {
                name: "echo-server",
                labels: { "app.kubernetes.io/name": "echo-server", "app.kubernetes.io/managed-by": "flux" },
            },
            data: { key: "value" },
        });
        assert.ok(result);
        assert.deepEqual(result.props.data, { key: "value" });
        assert.deepEqual(await valueOf(result.props.metadata as pulumi.Input<Record<string, unknown>>), {
            name: "echo-server",
            labels: {
                "app.kubernetes.io/managed-by": "flux",
                "app.kubernetes.io/name": "echo-server",
                "pulumi.com/project": "flux-gitops",
                "pulumi.com/stack": "dev",
            },
        });
    });

    it("leaves Helm resources to their chart, even with a metadata input", () => {
        assert.equal(transformed("kubernetes:helm.sh/v3:Release", { metadata: { name: "flux" }, chart: "flux-operator" }), undefined);
    });

    it("leaves the resources of other providers alone, even with a metadata input", () => {
        assert.equal(transformed("example:index:Widget", { metadata: { name: "w" } }), undefined);
    });

    it("leaves a Kubernetes resource without metadata as it is", () => {
        assert.equal(transformed("kubernetes:yaml/v2:ConfigGroup", { files: ["manifests.yaml"] }), undefined);
    });
});

describe("the providers a component's children get (withProviders)", () => {
    // Stand-ins: withProviders only picks from the record.
    const providers = { aws: { name: "aws" }, kubernetes: { name: "kubernetes" }, tls: { name: "tls" } } as unknown as Providers;

    it("hands the named providers, in the order named", () => {
        assert.deepEqual(withProviders(providers, "kubernetes", "aws"), { providers: [providers.kubernetes, providers.aws] });
    });

    it("leaves out a provider the stack does not have (Pulumi Cloud without push-to-deploy), which Pulumi would fail to read", () => {
        // A ComponentResource reads each entry's package (`provider.getPackage()`, sdk/nodejs/resource.ts
        // convertToProvidersMap): an undefined entry would throw a TypeError there.
        assert.deepEqual(withProviders(providers, "aws", "pulumiService"), { providers: [providers.aws] });
    });
});
