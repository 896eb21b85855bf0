/** The readers every policy shares (policy/common.ts): type tokens, object names, missing lists. */
import { strict as assert } from "node:assert";
import { kubernetesType } from "../common";
import { imagePolicyFiltered, kustomizationPruneViolations } from "../flux";
import { webhookEventsViolations } from "../webhooks";
import { runResourcePolicy } from "./harness";

describe("how the policies read a resource", () => {
    // pulumi-kubernetes type tokens are kubernetes:<group>/<version>:<Kind>, core objects in the
    // group `core`, as every object of the render shows (`kubernetes:core/v1:Secret`).
    it("splits a Kubernetes type token into group, version and kind", () => {
        assert.deepEqual(kubernetesType("kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy"), {
            group: "image.toolkit.fluxcd.io",
            version: "v1",
            kind: "ImagePolicy",
        });
        assert.deepEqual(kubernetesType("kubernetes:core/v1:Secret"), {
            group: "core",
            version: "v1",
            kind: "Secret",
        });
    });

    for (const type of [
        "kubernetes:v1:Secret",
        "xkubernetes:core/v1:Secret",
        "kubernetes:core/v1:Secret:x",
        "aws:ssm/parameter:Parameter",
    ]) {
        it(`does not take ${type} for a Kubernetes type`, () => {
            assert.equal(kubernetesType(type), undefined);
        });
    }

    it("matches the kind in its own API group only", async () => {
        const policy = { spec: { policy: { semver: { range: ">=1.0.0" } } } };
        const ours = {
            type: "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy",
            name: "p",
            props: policy,
        };
        assert.equal(
            (await runResourcePolicy(imagePolicyFiltered(), ours)).length,
            0,
            "semver needs no pattern",
        );
        const numerical = { spec: { policy: { numerical: { order: "asc" } } } };
        assert.equal(
            (await runResourcePolicy(imagePolicyFiltered(), { ...ours, props: numerical })).length,
            1,
        );
        const other = {
            type: "kubernetes:example.com/v1:ImagePolicy",
            name: "p",
            props: numerical,
        };
        assert.deepEqual(await runResourcePolicy(imagePolicyFiltered(), other), []);
    });

    it("names an object by metadata.name, else by its Pulumi name", () => {
        const message = (name: string) => [
            `Kustomization "${name}" does not prune: objects removed from git would stay in the cluster.`,
        ];
        assert.deepEqual(
            kustomizationPruneViolations("pulumi-name", { metadata: { name: "apps" } }),
            message("apps"),
        );
        for (const metadata of [{ name: "" }, { name: 42 }, {}, null, ["apps"], undefined]) {
            assert.deepEqual(
                kustomizationPruneViolations("pulumi-name", { metadata }),
                message("pulumi-name"),
                JSON.stringify(metadata),
            );
        }
    });

    it("reads a missing list as empty", () => {
        assert.deepEqual(webhookEventsViolations("hook", {}), []);
        assert.deepEqual(webhookEventsViolations("hook", { events: "push" }), []);
    });
});
