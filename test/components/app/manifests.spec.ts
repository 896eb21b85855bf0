import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { appManifestFiles, baseDirectory } from "../../../components/app/manifests";
import { ECHO_SERVER_MANIFESTS } from "../../helpers/app-manifests";

const spec = ECHO_SERVER_MANIFESTS;

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

    // The overlay's build (kinds, image, one port from ConfigMap to Service, selectors, strict
    // decoding; another port for another application) is judged by kustomize's own krusty in
    // conformance/flux seeded_test.go, on every rendered variant: no kubectl needed.
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

    // Built with kustomize's krusty and checked against the pull Secret the stack syncs into the
    // application's namespace: conformance/flux seeded_test.go, on every rendered variant.
});
