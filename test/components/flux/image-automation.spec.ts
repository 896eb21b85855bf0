/**
 * The image automation trio on its own (built under Pulumi's mocks, without the composition root):
 * with nothing passed to wait for, each object waits only for the one before it.
 */
import { strict as assert } from "node:assert";
import { ImageAutomation, ImageAutomationArgs } from "../../../components/flux/image-automation";
import { fluxObjectNames } from "../../../components/flux/names";
import { one, record, waitsFor } from "../../helpers/record";
import { IMAGE_POLICY, IMAGE_REPOSITORY, IMAGE_UPDATE } from "../../helpers/types";

describe("the image automation on its own", () => {
    describe("ImageAutomation", () => {
        const imageArgs: ImageAutomationArgs = {
            fluxNamespace: "flux-system",
            names: fluxObjectNames("echo"),
            image: "ghcr.io/developer-friendly/echo",
            registryCredentials: false,
            policy: { policy: "semver", order: "asc", semverRange: ">=0.1.0" },
            branch: "main",
            pushBranch: "main",
            updatePath: "./kustomize/overlays/dev",
            authorName: "Bot",
            authorEmail: "bot@example.com",
            intervals: { scan: "5m", update: "5m" },
        };

        it("with nothing to wait for: the policy follows the repository, the automation the policy, nothing else", async () => {
            const registered = await record(() => new ImageAutomation("echo-images", imageArgs));
            assert.deepEqual(waitsFor(one(registered, IMAGE_REPOSITORY, "echo-images-repository")), []);
            assert.deepEqual(waitsFor(one(registered, IMAGE_POLICY, "echo-images-policy")), ["echo-images-repository"]);
            assert.deepEqual(waitsFor(one(registered, IMAGE_UPDATE, "echo-images-update")), ["echo-images-policy"]);
        });
    });
});
