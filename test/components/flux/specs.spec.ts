import { strict as assert } from "node:assert";
import {
    DEFAULT_EXCLUSION_LIST,
    EVENT_FILTERING_RECEIVERS,
    githubSshUrl,
    imagePolicySetter,
    imagePolicySpec,
    imageRepositorySpec,
    RECEIVER_EVENTS,
} from "../../../components/flux/specs";

describe("Flux object specs, built without resources (components/flux/specs.ts)", () => {
    it("scans a public image anonymously: no secretRef at all", () => {
        assert.deepEqual(
            imageRepositorySpec({ image: "docker.io/library/nginx", interval: "5m" }),
            {
                image: "docker.io/library/nginx",
                interval: "5m",
                provider: "generic",
                exclusionList: ["^.*\\.sig$"],
            },
        );
    });

    it("takes an exclusion list in place of Flux's default, and copies it", () => {
        const exclusionList = ["^.*\\.sig$", "^.*\\.att$"];
        const spec = imageRepositorySpec({
            image: "ghcr.io/o/a",
            interval: "1m",
            secretName: "s",
            exclusionList,
        }) as {
            exclusionList: string[];
            secretRef: unknown;
        };
        assert.deepEqual(spec.exclusionList, ["^.*\\.sig$", "^.*\\.att$"]);
        assert.notEqual(spec.exclusionList, exclusionList);
        assert.deepEqual(spec.secretRef, { name: "s" });
        // image-reflector-controller's default when the field is unset (ImageRepositorySpec.ExclusionList).
        assert.deepEqual(DEFAULT_EXCLUSION_LIST, ["^.*\\.sig$"]);
    });

    it("writes a semver policy with its range, and no filterTags without a pattern", () => {
        assert.deepEqual(
            imagePolicySpec({
                imageRepositoryName: "app",
                policy: "semver",
                order: "desc",
                semverRange: ">=1.0.0",
            }),
            { imageRepositoryRef: { name: "app" }, policy: { semver: { range: ">=1.0.0" } } },
        );
        assert.deepEqual(
            imagePolicySpec({
                imageRepositoryName: "app",
                policy: "alphabetical",
                order: "desc",
                semverRange: "",
                tagPattern: "^v",
            }),
            {
                imageRepositoryRef: { name: "app" },
                filterTags: { pattern: "^v" },
                policy: { alphabetical: { order: "desc" } },
            },
        );
    });

    it("writes each setter marker image-automation-controller knows, with a space after the key", () => {
        // Flux's image update guide (fluxcd.io/flux/guides/image-update, markers): "<namespace>:<name>"
        // for the whole image, :tag and :name for its parts; :digest reads the policy's
        // status.latestRef digest (fluxcd/image-reflector-controller#368).
        const policy = { name: "app", namespace: "flux-system" };
        assert.equal(imagePolicySetter(policy, ""), '{"$imagepolicy": "flux-system:app"}');
        assert.equal(imagePolicySetter(policy, "name"), '{"$imagepolicy": "flux-system:app:name"}');
        assert.equal(
            imagePolicySetter(policy, "digest"),
            '{"$imagepolicy": "flux-system:app:digest"}',
        );
    });

    it("builds the ssh URL Flux's GitRepository expects and subscribes the webhook to ping and push", () => {
        assert.equal(githubSshUrl("acme", "shop"), "ssh://git@github.com/acme/shop");
        assert.deepEqual(RECEIVER_EVENTS, ["ping", "push"]);
    });

    it("knows which Receiver types filter on spec.events: github, gitlab, bitbucket and cdevents", () => {
        // notification-controller internal/server/receiver_handlers.go @v1.9.3 (`validate`): only
        // these handlers compare the request's event with spec.events; the others ignore it.
        assert.deepEqual(EVENT_FILTERING_RECEIVERS, ["github", "gitlab", "bitbucket", "cdevents"]);
    });
});
