/** The install policy (policy/install.ts): every Helm release pins one exact chart version. */
import { strict as assert } from "node:assert";
import { helmChartPinned, helmChartPinnedViolations, isExactVersion } from "../install";
import { FakeResource, k8s, runResourcePolicy } from "./harness";

describe("helm-chart-pinned: a Helm release, Pulumi's or Flux's, pins one exact chart version", () => {
    const policy = helmChartPinned();
    const release = (version?: string): FakeResource => ({
        type: "kubernetes:helm.sh/v3:Release",
        name: "monitoring",
        props: { chart: "kube-prometheus-stack", ...(version === undefined ? {} : { version }) },
    });

    it("accepts an exact version", async () => {
        assert.deepEqual(await runResourcePolicy(policy, release("82.8.0")), []);
        assert.ok(isExactVersion("v1.2.3-rc.1+build.5"));
    });

    it("rejects ranges and a missing version", async () => {
        assert.deepEqual(await runResourcePolicy(policy, release("^82.0.0")), [
            'Helm release "monitoring" installs chart "kube-prometheus-stack" at version "^82.0.0": pin an exact version such as 1.2.3.',
        ]);
        assert.deepEqual(await runResourcePolicy(policy, release()), [
            'Helm release "monitoring" installs chart "kube-prometheus-stack" without a version: pin an exact version such as 1.2.3.',
        ]);
        for (const range of ["82.x", "*", ">=82.0.0", "~82.8", "82.8"])
            assert.equal(isExactVersion(range), false, range);
    });

    it("checks a Flux HelmRelease's chart version too", async () => {
        const helmRelease = (version: string) =>
            k8s("helm.toolkit.fluxcd.io/v2", "HelmRelease", "podinfo", {
                chart: { spec: { chart: "podinfo", version } },
            });
        assert.deepEqual(await runResourcePolicy(policy, helmRelease("6.x")), [
            'Helm release "podinfo" installs chart "podinfo" at version "6.x": pin an exact version such as 1.2.3.',
        ]);
        assert.deepEqual(await runResourcePolicy(policy, helmRelease("6.7.1")), []);
    });

    describe("what an exact version is", () => {
        const policy = helmChartPinned();
        const release = (version: unknown): FakeResource => ({
            type: "kubernetes:helm.sh/v3:Release",
            name: "monitoring",
            props: { chart: "kube-prometheus-stack", version },
        });

        for (const version of ["82.8.10", "10.20.30", "v1.2.30", "1.2.3-rc.1"]) {
            it(`accepts ${version}`, () => {
                assert.equal(isExactVersion(version), true);
            });
        }

        // Helm constraints (Masterminds/semver) take hyphen ranges and || alternatives.
        for (const version of ["1.2.3 - 2.0.0", "1.2.3 || 1.3.0", " 1.2.3", "1.2.3x"]) {
            it(`rejects ${JSON.stringify(version)}`, () => {
                assert.equal(isExactVersion(version), false);
            });
        }

        it("rejects a version that is not a string, even one that prints like a pinned version", async () => {
            assert.deepEqual(await runResourcePolicy(policy, release(["82.8.0"])), [
                'Helm release "monitoring" installs chart "kube-prometheus-stack" at version ["82.8.0"]: pin an exact version such as 1.2.3.',
            ]);
        });

        it("reports an empty version as no version", async () => {
            assert.deepEqual(await runResourcePolicy(policy, release("")), [
                'Helm release "monitoring" installs chart "kube-prometheus-stack" without a version: pin an exact version such as 1.2.3.',
            ]);
        });

        it("leaves a Flux HelmRelease with spec.chartRef to its source", async () => {
            const helmRelease = k8s("helm.toolkit.fluxcd.io/v2", "HelmRelease", "podinfo", {
                chartRef: { kind: "OCIRepository", name: "podinfo" },
            });
            assert.deepEqual(await runResourcePolicy(policy, helmRelease), []);
        });

        it("checks the Flux HelmRelease only, not a kind of the same name in another group", () => {
            const spec = { spec: { chart: { spec: { chart: "podinfo", version: "6.x" } } } };
            assert.deepEqual(
                helmChartPinnedViolations("kubernetes:example.com/v1:HelmRelease", "podinfo", spec),
                [],
            );
        });
    });
});
