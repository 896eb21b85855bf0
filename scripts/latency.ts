/**
 * The latency budget from an image push to its rollout, computed from the Flux objects a stack
 * renders: which step a controller starts on an event (a Receiver, a watch) and which waits for
 * an interval (a poll), and the worst case of each poll.
 */
import { fluxDurationMs } from "../components/validation";
import { EVENT_FILTERING_RECEIVERS, REGISTRY_PUSH_EVENTS, ReceiverType } from "../components/flux/specs";
import { evaluateStack, kubernetesObjects } from "./offline";

/** A Kubernetes object as rendered (apiVersion, kind, metadata, spec). */
export type FluxObject = Record<string, any>;

export type Trigger = "event" | "poll";

export interface LatencyStep {
    /** What happens, e.g. "registry push → ImageRepository scan". */
    readonly step: string;
    /** `<Kind>/<name>` of the object that acts. */
    readonly object: string;
    readonly trigger: Trigger;
    /** What starts it: the Receiver or watch, or the interval it polls at. */
    readonly via: string;
    /** The interval the object reconciles at anyway (a poll's worst case; an event's fallback). */
    readonly intervalSeconds: number;
    /** Worst-case wait before the step starts: 0 on an event, the interval on a poll. */
    readonly worstCaseSeconds: number;
}

export interface LatencyBudget {
    /** The ImageRepository the chain starts from. */
    readonly imageRepository: string;
    readonly steps: LatencyStep[];
    /** Sum of the polling steps' worst cases. */
    readonly pollingSeconds: number;
}

const seconds = (duration: string | undefined): number => (fluxDurationMs(duration ?? "") ?? NaN) / 1000;
const nameOf = (o: FluxObject): string => o.metadata?.name;
const namespaceOf = (o: FluxObject): string => o.metadata?.namespace;
const ofKind = (objects: readonly FluxObject[], kind: string) => objects.filter((o) => o.kind === kind);

/**
 * The Receivers that reconcile `target` on `event`: the target is among their resources (by kind
 * and name, in the Receiver's namespace unless the resource names another), and either their type
 * ignores `spec.events` or the list is empty or holds the event, compared case-insensitively
 * (fluxcd/notification-controller v1.9.3, internal/server/receiver_handlers.go L282-304).
 */
export function receiversFor(objects: readonly FluxObject[], target: FluxObject, event: (type: ReceiverType) => string | undefined): FluxObject[] {
    return ofKind(objects, "Receiver").filter((r) => {
        const hit = (r.spec?.resources ?? []).some(
            (res: FluxObject) =>
                res.kind === target.kind &&
                res.name === nameOf(target) &&
                (res.namespace ?? namespaceOf(r)) === namespaceOf(target),
        );
        if (!hit) return false;
        const type = r.spec.type as ReceiverType;
        if (!EVENT_FILTERING_RECEIVERS.includes(type)) return true;
        const events: string[] = r.spec.events ?? [];
        const wanted = event(type);
        return events.length === 0 || (wanted !== undefined && events.some((e) => e.toLowerCase() === wanted.toLowerCase()));
    });
}

function step(step: string, object: FluxObject, on: { via: string } | undefined, pollVia: string): LatencyStep {
    const intervalSeconds = seconds(object.spec?.interval);
    return on
        ? { step, object: `${object.kind}/${nameOf(object)}`, trigger: "event", via: on.via, intervalSeconds, worstCaseSeconds: 0 }
        : { step, object: `${object.kind}/${nameOf(object)}`, trigger: "poll", via: pollVia, intervalSeconds, worstCaseSeconds: intervalSeconds };
}

const receiverVia = (receivers: FluxObject[], what: (type: ReceiverType) => string) =>
    receivers.length > 0 ? { via: receivers.map((r) => `Receiver/${nameOf(r)} (${what(r.spec.type)})`).join(", ") } : undefined;

/**
 * The steps from a push of `imageRepository`'s image to the rollout: scan, policy, automation's
 * commit, the GitRepository's fetch of it, the Kustomization's apply.
 */
export function imageToRollout(objects: readonly FluxObject[], imageRepository: FluxObject): LatencyBudget {
    const ns = namespaceOf(imageRepository);
    const steps: LatencyStep[] = [];
    const scanReceivers = receiversFor(objects, imageRepository, (t) => REGISTRY_PUSH_EVENTS[t]);
    steps.push(
        step(
            "registry push → ImageRepository scan",
            imageRepository,
            receiverVia(scanReceivers, (t) =>
                t === "github" ? `${t}: ${REGISTRY_PUSH_EVENTS[t]} webhook` : `${t}: URL registered in the registry`,
            ),
            `interval ${imageRepository.spec.interval}`,
        ),
    );
    // image-reflector-controller v1.2.0 imagepolicy_controller.go L125-159: ImagePolicy watches the
    // ImageRepository it references (a new lastScanResult.revision enqueues it).
    const policies = ofKind(objects, "ImagePolicy").filter(
        (p) => p.spec?.imageRepositoryRef?.name === nameOf(imageRepository) && (p.spec.imageRepositoryRef.namespace ?? namespaceOf(p)) === ns,
    );
    for (const policy of policies) {
        steps.push({
            step: "scan result → ImagePolicy",
            object: `ImagePolicy/${nameOf(policy)}`,
            trigger: "event",
            via: "watch on its ImageRepository",
            intervalSeconds: 0,
            worstCaseSeconds: 0,
        });
        // image-automation-controller v1.2.1 imageupdateautomation_controller.go L147-203: a new
        // latestRef enqueues every ImageUpdateAutomation in the ImagePolicy's namespace; and an
        // automation applies only the policies of its own namespace (L570, List with Namespace), so
        // one of another namespace (another tenant's) never writes this image.
        for (const automation of ofKind(objects, "ImageUpdateAutomation").filter((a) => namespaceOf(a) === namespaceOf(policy))) {
            steps.push(
                step(
                    "new tag → ImageUpdateAutomation commits and pushes",
                    automation,
                    { via: "watch on ImagePolicies in its namespace" },
                    `interval ${automation.spec.interval}`,
                ),
            );
            const sourceName = automation.spec?.sourceRef?.name;
            const source = ofKind(objects, "GitRepository").find((g) => nameOf(g) === sourceName && namespaceOf(g) === namespaceOf(automation));
            if (!source) continue;
            steps.push(
                step(
                    "git push → GitRepository fetch",
                    source,
                    receiverVia(receiversFor(objects, source, () => "push"), (t) => `${t}: push webhook`),
                    `interval ${source.spec.interval}`,
                ),
            );
            // kustomize-controller (internal/controller/kustomization_controller.go, SetupWithManager):
            // a Kustomization watches its source and reconciles on a new artifact revision.
            for (const k of ofKind(objects, "Kustomization").filter(
                (k) => k.spec?.sourceRef?.kind === "GitRepository" && k.spec.sourceRef.name === nameOf(source) && (k.spec.sourceRef.namespace ?? namespaceOf(k)) === namespaceOf(source),
            )) {
                steps.push(step("new revision → Kustomization applies (rollout)", k, { via: "watch on its GitRepository's artifact" }, ""));
            }
        }
    }
    return {
        imageRepository: nameOf(imageRepository),
        steps,
        pollingSeconds: steps.reduce((sum, s) => sum + s.worstCaseSeconds, 0),
    };
}

/** One budget per ImageRepository the objects hold. */
export function latencyBudgets(objects: readonly FluxObject[]): LatencyBudget[] {
    return ofKind(objects, "ImageRepository").map((ir) => imageToRollout(objects, ir));
}

/**
 * The recipe this project replaces, as objects: a 1m registry scan, a 1m automation interval, a
 * 1m git fetch with a Receiver on git pushes only. Its budget is computed like a stack's, so it
 * reflects what today's controllers do with it (the automation watches the ImagePolicy).
 */
export function recipeObjects(): FluxObject[] {
    const meta = (name: string) => ({ name, namespace: "flux-system" });
    return [
        { apiVersion: "image.toolkit.fluxcd.io/v1", kind: "ImageRepository", metadata: meta("app"), spec: { interval: "1m" } },
        { apiVersion: "image.toolkit.fluxcd.io/v1", kind: "ImagePolicy", metadata: meta("app"), spec: { imageRepositoryRef: { name: "app" } } },
        { apiVersion: "image.toolkit.fluxcd.io/v1", kind: "ImageUpdateAutomation", metadata: meta("app"), spec: { interval: "1m", sourceRef: { kind: "GitRepository", name: "app" } } },
        { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: meta("app"), spec: { interval: "1m" } },
        { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: meta("app"), spec: { interval: "10m", sourceRef: { kind: "GitRepository", name: "app" } } },
        {
            apiVersion: "notification.toolkit.fluxcd.io/v1",
            kind: "Receiver",
            metadata: meta("app"),
            spec: { type: "github", events: ["ping", "push"], resources: [{ kind: "GitRepository", name: "app" }] },
        },
    ];
}

/** `90` → `1m30s`; `0` → `0s`. */
export function formatSeconds(s: number): string {
    if (!Number.isFinite(s)) return "?";
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return m > 0 ? `${m}m${rest ? `${rest}s` : ""}` : `${rest}s`;
}

/** A markdown table of one budget. */
export function budgetTable(budget: LatencyBudget): string {
    const rows = budget.steps.map(
        (s) =>
            `| ${s.step} | ${s.object} | ${s.trigger} | ${s.via} | ${s.intervalSeconds ? formatSeconds(s.intervalSeconds) : "-"} | ${formatSeconds(s.worstCaseSeconds)} |`,
    );
    return [
        "| step | object | trigger | via | interval | worst-case wait |",
        "| --- | --- | --- | --- | ---: | ---: |",
        ...rows,
        `| **total polling** | | | | | **${formatSeconds(budget.pollingSeconds)}** |`,
    ].join("\n");
}

/** The budgets of the stacks' every application, and the recipe's, as markdown. */
export async function latencyReport(stacks: readonly string[] = ["dev", "prod"]): Promise<string> {
    const out: string[] = [];
    for (const stack of stacks) {
        const objects = kubernetesObjects(await evaluateStack(stack));
        for (const budget of latencyBudgets(objects)) {
            out.push(`### ${stack}: ${budget.imageRepository}\n\n${budgetTable(budget)}\n`);
        }
    }
    const [recipe] = latencyBudgets(recipeObjects());
    out.push(`### the recipe this project replaces\n\n${budgetTable(recipe)}\n`);
    return out.join("\n");
}
