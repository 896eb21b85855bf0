/**
 * Adopting what the recipe already left: the adoption transformation.
 */
import { strict as assert } from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { adoptionTransform } from "../../components/adoption";
import { one, record } from "../helpers/record";

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
        // Left exactly as it was: the transformation hands back nothing for it.
        const [transform] = transformations;
        for (const props of [{ metadata: { name: "echo-server" } }, {}]) {
            assert.equal(transform({ resource: {} as pulumi.Resource, type: "kubernetes:core/v1:Namespace", name: "app", props, opts: {} }), undefined);
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
