/**
 * The owner labels every Kubernetes object of the stack carries.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ownerLabelsTransform } from "../../components/labels";
import { valueOf } from "../helpers/record";

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
