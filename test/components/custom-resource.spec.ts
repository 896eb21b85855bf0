/**
 * A namespaced custom resource's metadata (customResource).
 */
import { strict as assert } from "node:assert";
import { customResource } from "../../components/custom-resource";
import { record } from "../helpers/record";

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
