/**
 * The Flux object policies (policy/flux.ts): API versions, image policies and automations,
 * Kustomizations.
 */
import { strict as assert } from "node:assert";
import {
    fluxApiCurrent,
    fluxApiViolations,
    imageAutomationSigned,
    imagePolicyFiltered,
    kustomizationPrune,
    REMOVED_VERSIONS,
    SERVED_VERSIONS,
} from "../flux";
import { loadCrdSchemas, requireSharedCrds, SHARED_CRDS } from "../../test/helpers/schema";
import { k8s, runResourcePolicy } from "./harness";

describe("flux-api-current: Flux, External Secrets and Gateway API objects use versions that current releases serve", () => {
    const policy = fluxApiCurrent();
    const check = (type: string) => runResourcePolicy(policy, { type, name: "x", props: {} });

    it("accepts the versions current releases serve", async () => {
        for (const type of [
            "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository",
            "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization",
            "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy",
            "kubernetes:image.toolkit.fluxcd.io/v1:ImageRepository",
            "kubernetes:image.toolkit.fluxcd.io/v1:ImageUpdateAutomation",
            "kubernetes:notification.toolkit.fluxcd.io/v1:Receiver",
            "kubernetes:notification.toolkit.fluxcd.io/v1beta3:Provider",
            "kubernetes:notification.toolkit.fluxcd.io/v1beta3:Alert",
            "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease",
            "kubernetes:external-secrets.io/v1:ExternalSecret",
            "kubernetes:external-secrets.io/v1:SecretStore",
            "kubernetes:external-secrets.io/v1:ClusterSecretStore",
            "kubernetes:external-secrets.io/v1:ClusterExternalSecret",
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            "kubernetes:gateway.networking.k8s.io/v1beta1:HTTPRoute",
            "kubernetes:gateway.networking.k8s.io/v1:Gateway",
            "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway",
            "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
            "kubernetes:gateway.networking.k8s.io/v1beta1:GatewayClass",
            "kubernetes:gateway.networking.k8s.io/v1:GRPCRoute",
            "kubernetes:core/v1:Secret",
            "kubernetes:helm.sh/v3:Release",
        ]) {
            assert.deepEqual(await check(type), [], type);
        }
    });

    it("refuses every version each group has removed, for a kind the table does not list", async () => {
        // Earlier API versions of each project, none served by the releases above (the reference
        // CRDs list only the served versions, or list v1beta1 with served: false for External Secrets).
        const removed: [string, string[]][] = [
            ["source.toolkit.fluxcd.io", ["v1beta1", "v1beta2"]],
            ["kustomize.toolkit.fluxcd.io", ["v1beta1", "v1beta2"]],
            ["helm.toolkit.fluxcd.io", ["v2beta1", "v2beta2"]],
            ["notification.toolkit.fluxcd.io", ["v1beta1", "v1beta2"]],
            ["image.toolkit.fluxcd.io", ["v1alpha1", "v1alpha2", "v1beta1", "v1beta2"]],
            ["external-secrets.io", ["v1alpha1", "v1beta1"]],
            ["gateway.networking.k8s.io", ["v1alpha1", "v1alpha2"]],
        ];
        for (const [group, versions] of removed) {
            for (const version of versions) {
                assert.deepEqual(await check(`kubernetes:${group}/${version}:Future`), [
                    `Future uses ${group}/${version}, which current releases no longer serve: use the group's current version.`,
                ]);
            }
            assert.deepEqual(await check(`kubernetes:${group}/v1:Future`), [], `${group}/v1`);
        }
    });

    it("lists exactly the versions each kind's upstream CRD serves, and never calls a served version removed", function () {
        // The reference CRDs beside the project (../shared/crds/SOURCES.md names each release): a
        // version is served when its `served` is true. Gateway API v1.6.1 serves v1beta1 next to v1
        // for Gateway, GatewayClass and HTTPRoute (config/crd/standard/*.yaml at tag v1.6.1).
        requireSharedCrds("the served-versions check");
        const served = new Map<string, string[]>();
        for (const key of loadCrdSchemas().keys()) {
            const [apiVersion, kind] = key.split(" ");
            const [group, version] = apiVersion.split("/");
            if (!(group in SERVED_VERSIONS)) continue; // e.g. monitoring.coreos.com: not judged by the policy
            served.set(`${group} ${kind}`, [...(served.get(`${group} ${kind}`) ?? []), version]);
        }
        assert.ok(served.size >= 15, `only ${served.size} kinds found in ${SHARED_CRDS}`);
        for (const [groupKind, versions] of served) {
            const [group, kind] = groupKind.split(" ");
            assert.deepEqual(
                [...(SERVED_VERSIONS[group][kind] ?? [])].sort(),
                versions.sort(),
                groupKind,
            );
            for (const version of versions)
                assert.ok(!REMOVED_VERSIONS[group].includes(version), `${groupKind} ${version}`);
        }
    });

    it("rejects the versions that are no longer served, naming the one to use", async () => {
        assert.deepEqual(await check("kubernetes:image.toolkit.fluxcd.io/v1beta2:ImagePolicy"), [
            "ImagePolicy uses image.toolkit.fluxcd.io/v1beta2, which current releases no longer serve: use image.toolkit.fluxcd.io/v1.",
        ]);
        assert.deepEqual(await check("kubernetes:external-secrets.io/v1beta1:ExternalSecret"), [
            "ExternalSecret uses external-secrets.io/v1beta1, which current releases no longer serve: use external-secrets.io/v1.",
        ]);
        assert.deepEqual(await check("kubernetes:helm.toolkit.fluxcd.io/v2beta2:HelmRelease"), [
            "HelmRelease uses helm.toolkit.fluxcd.io/v2beta2, which current releases no longer serve: use helm.toolkit.fluxcd.io/v2.",
        ]);
        assert.deepEqual(await check("kubernetes:notification.toolkit.fluxcd.io/v1beta2:Alert"), [
            "Alert uses notification.toolkit.fluxcd.io/v1beta2, which current releases no longer serve: use notification.toolkit.fluxcd.io/v1beta3.",
        ]);
        assert.equal(
            (await check("kubernetes:image.toolkit.fluxcd.io/v1beta1:ImageRepository")).length,
            1,
        );
        assert.equal(
            (await check("kubernetes:image.toolkit.fluxcd.io/v1beta1:ImageUpdateAutomation"))
                .length,
            1,
        );
        assert.equal(
            (await check("kubernetes:notification.toolkit.fluxcd.io/v1beta1:Receiver")).length,
            1,
        );
        // Gateway API v1.6.1 (config/crd/standard): GRPCRoute serves v1 only, Gateway v1 and v1beta1.
        assert.deepEqual(await check("kubernetes:gateway.networking.k8s.io/v1alpha2:GRPCRoute"), [
            "GRPCRoute uses gateway.networking.k8s.io/v1alpha2, which current releases no longer serve: use gateway.networking.k8s.io/v1.",
        ]);
        assert.deepEqual(await check("kubernetes:gateway.networking.k8s.io/v1alpha2:Gateway"), [
            "Gateway uses gateway.networking.k8s.io/v1alpha2, which current releases no longer serve: use gateway.networking.k8s.io/v1 or gateway.networking.k8s.io/v1beta1.",
        ]);
        // A kind the table does not list is judged by its group's removed versions.
        assert.deepEqual(await check("kubernetes:external-secrets.io/v1beta1:PushSecret"), [
            "PushSecret uses external-secrets.io/v1beta1, which current releases no longer serve: use the group's current version.",
        ]);
        assert.deepEqual(await check("kubernetes:external-secrets.io/v1alpha2:PushSecret"), []);
    });

    describe("the replacement it names", () => {
        it("names every served version, joined with or", () => {
            // No kind in the table is served at two versions today; a migration window would be.
            SERVED_VERSIONS["example.com"] = { Widget: ["v1", "v2"] };
            try {
                assert.deepEqual(fluxApiViolations("kubernetes:example.com/v1beta1:Widget"), [
                    "Widget uses example.com/v1beta1, which current releases no longer serve: use example.com/v1 or example.com/v2.",
                ]);
            } finally {
                delete SERVED_VERSIONS["example.com"];
            }
        });
    });
});

describe("image-policy-filtered: an ImagePolicy that orders tags numerically or alphabetically filters them first", () => {
    const policy = imagePolicyFiltered();
    const imagePolicy = (spec: Record<string, unknown>) =>
        k8s("image.toolkit.fluxcd.io/v1", "ImagePolicy", "echo-server", spec);

    it("accepts ordered policies with a pattern, and semver without one", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                imagePolicy({
                    policy: { numerical: { order: "asc" } },
                    filterTags: { pattern: "^[0-9]+$" },
                }),
            ),
            [],
        );
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                imagePolicy({ policy: { semver: { range: ">=1.0.0" } } }),
            ),
            [],
        );
    });

    it("rejects numerical or alphabetical order without filterTags", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                imagePolicy({ policy: { numerical: { order: "asc" } } }),
            ),
            [
                'ImagePolicy "echo-server" orders tags numerically without a filterTags pattern: tags such as "latest" or short commit SHAs would be ordered too.',
            ],
        );
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                imagePolicy({ policy: { alphabetical: {} }, filterTags: { pattern: "" } }),
            ),
            [
                'ImagePolicy "echo-server" orders tags alphabetically without a filterTags pattern: tags such as "latest" or short commit SHAs would be ordered too.',
            ],
        );
    });
});

describe("image-automation-signed: an ImageUpdateAutomation signs the commits it pushes", () => {
    const policy = imageAutomationSigned();
    const automation = (commit: Record<string, unknown>) =>
        k8s("image.toolkit.fluxcd.io/v1", "ImageUpdateAutomation", "echo-server", {
            git: { commit },
        });

    it("accepts an automation with a signing key", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                automation({ signingKey: { secretRef: { name: "echo-server-gpg" } } }),
            ),
            [],
        );
    });

    it("rejects one without", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                automation({ author: { name: "bot", email: "bot@example.com" } }),
            ),
            [
                'ImageUpdateAutomation "echo-server" pushes unsigned commits: set spec.git.commit.signingKey.secretRef to the Secret with the GPG key.',
            ],
        );
    });

    describe("an empty secretRef name", () => {
        it("reports a signingKey whose secretRef name is empty", async () => {
            const automation = k8s(
                "image.toolkit.fluxcd.io/v1",
                "ImageUpdateAutomation",
                "echo-server",
                {
                    git: { commit: { signingKey: { secretRef: { name: "" } } } },
                },
            );
            assert.deepEqual(await runResourcePolicy(imageAutomationSigned(), automation), [
                'ImageUpdateAutomation "echo-server" pushes unsigned commits: set spec.git.commit.signingKey.secretRef to the Secret with the GPG key.',
            ]);
        });
    });
});

describe("kustomization-prune: a Kustomization prunes what was removed from git", () => {
    const policy = kustomizationPrune();
    const kustomization = (prune?: boolean) =>
        k8s(
            "kustomize.toolkit.fluxcd.io/v1",
            "Kustomization",
            "echo-server",
            prune === undefined ? {} : { prune },
        );

    it("accepts a pruning Kustomization", async () => {
        assert.deepEqual(await runResourcePolicy(policy, kustomization(true)), []);
    });

    it("rejects one that does not prune", async () => {
        const message =
            'Kustomization "echo-server" does not prune: objects removed from git would stay in the cluster.';
        assert.deepEqual(await runResourcePolicy(policy, kustomization(false)), [message]);
        assert.deepEqual(await runResourcePolicy(policy, kustomization()), [message]);
    });

    it("leaves Pulumi's own kustomize Directory alone", async () => {
        assert.deepEqual(
            await runResourcePolicy(policy, {
                type: "kubernetes:kustomize:Directory",
                name: "d",
                props: {},
            }),
            [],
        );
    });
});
