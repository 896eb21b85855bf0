import { strict as assert } from "node:assert";
import { kubernetesObjects } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { BUILT_IN_GROUPS, loadCrdSchemas, requireSharedCrds, validateWithCrd, validateWithModel } from "../helpers/schema";

describe("every Kubernetes object the dev stack emits", () => {
    let objects: Record<string, unknown>[];
    before(async () => {
        objects = kubernetesObjects(await evaluateStack("dev"));
    });

    it("validates against the @kubernetes-models schema of its served API version", async () => {
        assert.ok(objects.length > 0);
        // The Flux Operator's FluxInstance has no @kubernetes-models package: the CRD check covers it.
        for (const object of objects.filter((o) => o.apiVersion !== "fluxcd.controlplane.io/v1")) {
            await validateWithModel(object).catch((e: Error) => {
                throw new Error(`${String(object.kind)} ${JSON.stringify(object.metadata)}: ${e.message}`);
            });
        }
    });

    it("validates against the reference CRDs' served versions, unknown fields rejected", function () {
        requireSharedCrds("the CRD check");
        const schemas = loadCrdSchemas();
        const group = (o: Record<string, unknown>) => (String(o.apiVersion).includes("/") ? String(o.apiVersion).split("/")[0] : "");
        for (const object of objects.filter((o) => !BUILT_IN_GROUPS.includes(group(o)))) {
            assert.deepEqual(validateWithCrd(object, schemas), [], `${String(object.kind)} ${JSON.stringify(object.metadata)}`);
        }
    });

    it("would catch an invalid object: a misspelled field, an unserved version, a bad enum", async function () {
        await assert.rejects(
            validateWithModel({ apiVersion: "image.toolkit.fluxcd.io/v1", kind: "ImagePolicy", metadata: { name: "x" }, spec: { imageRepositoryRef: { name: "x" }, policy: { numerical: { order: "up" } } } }),
            /must be equal to one of the allowed values/,
        );
        requireSharedCrds("the CRD check");
        const schemas = loadCrdSchemas();
        assert.match(
            validateWithCrd({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: { name: "x" }, spec: { interval: "1m", prune: true, sourceRef: { kind: "GitRepository", name: "x" }, targetNamspace: "typo" } }, schemas).join("\n"),
            /must NOT have additional properties.*targetNamspace/,
        );
        assert.deepEqual(
            validateWithCrd({ apiVersion: "image.toolkit.fluxcd.io/v1beta2", kind: "ImagePolicy", metadata: { name: "x" } }, schemas),
            ["no served CRD version for image.toolkit.fluxcd.io/v1beta2 ImagePolicy"],
        );
    });
});
