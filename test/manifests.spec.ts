import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { appManifestFiles, baseDirectory } from "../components/app/manifests";
import { validateWithModel } from "./schema";

const spec = {
    appName: "echo-server",
    image: "ghcr.io/developer-friendly/echo-server",
    port: 8080,
    overlayPath: "./kustomize/overlays/dev",
    imagePolicy: { name: "echo-server", namespace: "flux-system" },
};

describe("the application's kustomize manifests", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-manifests-"));
        for (const [file, content] of Object.entries(appManifestFiles(spec))) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), content);
        }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("places the base two levels above the overlay", () => {
        assert.equal(baseDirectory("./kustomize/overlays/dev"), "kustomize/base");
        assert.equal(baseDirectory("deploy/prod"), "base");
        assert.equal(baseDirectory("./dev"), undefined);
        assert.equal(baseDirectory("../outside/dev"), undefined);
        assert.deepEqual(Object.keys(appManifestFiles(spec)), [
            "kustomize/base/kustomization.yaml",
            "kustomize/base/deployment.yaml",
            "kustomize/base/service.yaml",
            "kustomize/overlays/dev/kustomization.yaml",
        ]);
    });

    it("writes the overlay with the setter marker on the newTag line", () => {
        const overlay = fs.readFileSync(path.join(dir, "kustomize/overlays/dev/kustomization.yaml"), "utf8");
        assert.equal(
            overlay,
            [
                "apiVersion: kustomize.config.k8s.io/v1beta1",
                "kind: Kustomization",
                "resources:",
                "  - ../../base",
                "images:",
                "  - name: ghcr.io/developer-friendly/echo-server",
                '    newTag: latest # {"$imagepolicy": "flux-system:echo-server:tag"}',
                "",
            ].join("\n"),
        );
        assert.deepEqual(YAML.parse(overlay).images, [{ name: "ghcr.io/developer-friendly/echo-server", newTag: "latest" }]);
    });

    it("builds with kubectl kustomize into a valid Deployment, Service and ConfigMap wired to one port", async function () {
        if (spawnSync("kubectl", ["version", "--client"]).status !== 0) {
            console.log("    kubectl not found on PATH: skipping the kustomize build");
            this.skip();
        }
        const result = spawnSync("kubectl", ["kustomize", path.join(dir, "kustomize/overlays/dev")], { encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        const objects = YAML.parseAllDocuments(result.stdout).map((d) => d.toJSON() as Record<string, any>);
        assert.deepEqual(objects.map((o) => o.kind).sort(), ["ConfigMap", "Deployment", "Service"]);
        const byKind = Object.fromEntries(objects.map((o) => [o.kind, o]));
        const container = byKind.Deployment.spec.template.spec.containers[0];
        assert.equal(container.image, "ghcr.io/developer-friendly/echo-server:latest");
        assert.deepEqual(container.ports, [{ name: "http", containerPort: 8080 }]);
        assert.equal(container.envFrom[0].configMapRef.name, byKind.ConfigMap.metadata.name);
        assert.deepEqual(byKind.ConfigMap.data, { PORT: "8080" });
        assert.deepEqual(byKind.Service.spec.ports, [{ name: "http", port: 8080, targetPort: 8080 }]);
        const labels = { "app.kubernetes.io/name": "echo-server" };
        assert.deepEqual(byKind.Service.spec.selector, labels);
        assert.deepEqual(byKind.Deployment.spec.selector.matchLabels, labels);
        assert.deepEqual(byKind.Deployment.spec.template.metadata.labels, labels);
        for (const object of objects) await validateWithModel(object);
    });

    it("moves the port everywhere when PORT changes", function () {
        if (spawnSync("kubectl", ["version", "--client"]).status !== 0) this.skip();
        const other = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-port-"));
        try {
            for (const [file, content] of Object.entries(appManifestFiles({ ...spec, port: 3000 }))) {
                fs.mkdirSync(path.dirname(path.join(other, file)), { recursive: true });
                fs.writeFileSync(path.join(other, file), content);
            }
            const out = spawnSync("kubectl", ["kustomize", path.join(other, "kustomize/overlays/dev")], { encoding: "utf8" });
            assert.equal(out.status, 0, out.stderr);
            assert.match(out.stdout, /containerPort: 3000/);
            assert.match(out.stdout, /port: 3000\n\s+targetPort: 3000/);
        } finally {
            fs.rmSync(other, { recursive: true, force: true });
        }
    });
});

describe("a private image's pull Secret in the seeded manifests", () => {
    const privateSpec = { ...spec, imagePullSecret: "echo-server-registry" };

    it("names the pull Secret in the Deployment's pod template only for a private image", () => {
        const deployment = (s: typeof spec) => YAML.parse(appManifestFiles(s)["kustomize/base/deployment.yaml"]) as Record<string, any>;
        assert.deepEqual(deployment(privateSpec).spec.template.spec.imagePullSecrets, [{ name: "echo-server-registry" }]);
        assert.equal("imagePullSecrets" in deployment(spec).spec.template.spec, false);
        // Nothing else changes: the overlay and the other base files are the public image's.
        const [withSecret, without] = [appManifestFiles(privateSpec), appManifestFiles(spec)];
        for (const file of Object.keys(without).filter((f) => !f.endsWith("deployment.yaml"))) assert.equal(withSecret[file], without[file], file);
    });

    it("builds with kubectl kustomize into a Deployment whose pods pull with that Secret", async () => {
        // kubectl's embedded kustomize is what `kubectl kustomize` runs; kustomize-controller builds
        // the same overlay with the krusty API (fluxcd/pkg/kustomize).
        const version = spawnSync("kubectl", ["version", "--client"]);
        assert.equal(version.status, 0, "kubectl is needed on PATH to build the seeded overlay (`kubectl kustomize`)");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-pull-"));
        try {
            for (const [file, content] of Object.entries(appManifestFiles(privateSpec))) {
                fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
                fs.writeFileSync(path.join(dir, file), content);
            }
            const result = spawnSync("kubectl", ["kustomize", path.join(dir, "kustomize/overlays/dev")], { encoding: "utf8" });
            assert.equal(result.status, 0, result.stderr);
            const objects = YAML.parseAllDocuments(result.stdout).map((d) => d.toJSON() as Record<string, any>);
            const deployment = objects.find((o) => o.kind === "Deployment")!;
            assert.deepEqual(deployment.spec.template.spec.imagePullSecrets, [{ name: "echo-server-registry" }]);
            assert.equal(deployment.spec.template.spec.containers[0].image, "ghcr.io/developer-friendly/echo-server:latest");
            await validateWithModel(deployment);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
