/** Installs: a Helm release, Pulumi's or Flux's, pins one exact chart version. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { HELM_RELEASE, isKind, objectName, type Props, record, resourcePolicy } from "./common";

/** A chart version that names exactly one release: `1.2.3`, `v1.2.3`, `1.2.3-rc.1`. No ranges. */
export function isExactVersion(version: unknown): boolean {
    return (
        typeof version === "string" &&
        /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(version)
    );
}

export function helmChartPinnedViolations(type: string, name: string, props: Props): string[] {
    let chart: unknown;
    let version: unknown;
    if (type === HELM_RELEASE) {
        chart = props.chart;
        version = props.version;
    } else if (isKind(type, "helm.toolkit.fluxcd.io", "HelmRelease")) {
        const chartSpec = record(record(record(props.spec).chart).spec);
        if (!("chart" in chartSpec)) return []; // spec.chartRef: the version is the source's concern
        chart = chartSpec.chart;
        version = chartSpec.version;
        name = objectName(props, name);
    } else {
        return [];
    }
    if (isExactVersion(version)) return [];
    const what =
        version === undefined || version === ""
            ? "without a version"
            : `at version ${JSON.stringify(version)}`;
    return [
        `Helm release "${name}" installs chart "${String(chart)}" ${what}: pin an exact version such as 1.2.3.`,
    ];
}

export function helmChartPinned(): ResourceValidationPolicy {
    return resourcePolicy(
        {
            name: "helm-chart-pinned",
            description: "A Helm release pins an exact chart version, not a range or none.",
            remediationSteps:
                "Set the release's chart version to one exact release (e.g. 82.8.0) and upgrade it deliberately.",
            severity: "medium",
        },
        (args) => helmChartPinnedViolations(args.type, args.name, args.props),
    );
}
