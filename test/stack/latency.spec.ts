import { strict as assert } from "node:assert";
import { Evaluation, kubernetesObjects } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { FluxObject, formatSeconds, latencyBudgets, recipeObjects } from "../../scripts/latency";

/** The rendered Kubernetes objects, as the budget reads them. */
const objectsOf = (evaluation: Evaluation): FluxObject[] => kubernetesObjects(evaluation);

/** The objects without the Receivers that reconcile an ImageRepository. */
function withoutImageReceivers(objects: FluxObject[]): FluxObject[] {
    return objects.filter((o) => !(o.kind === "Receiver" && o.spec.resources.some((r: FluxObject) => r.kind === "ImageRepository")));
}

describe("latency budget from image push to rollout", () => {
    const stacks: Record<string, { evaluation?: Evaluation; imageInterval: number }> = {
        dev: { imageInterval: 600 },
        prod: { imageInterval: 1800 },
    };
    before(async () => {
        for (const stack of Object.keys(stacks)) stacks[stack].evaluation = await evaluateStack(stack);
    });

    for (const stack of ["dev", "prod"]) {
        it(`polls nowhere on ${stack}'s defaults: every step from push to rollout starts on an event`, () => {
            const [budget, ...others] = latencyBudgets(objectsOf(stacks[stack].evaluation!));
            assert.equal(others.length, 0);
            assert.deepEqual(
                budget.steps.map((s) => [s.object, s.trigger]),
                [
                    ["ImageRepository/echo-server", "event"],
                    ["ImagePolicy/echo-server", "event"],
                    ["ImageUpdateAutomation/echo-server", "event"],
                    ["GitRepository/echo-server", "event"],
                    ["Kustomization/echo-server", "event"],
                ],
            );
            assert.equal(budget.steps[0].via, "Receiver/echo-server-image (github: package webhook)");
            assert.equal(budget.pollingSeconds, 0);
        });

        it(`brings back ${stack}'s scan interval as the worst case when the image Receiver is removed`, () => {
            const [budget] = latencyBudgets(withoutImageReceivers(objectsOf(stacks[stack].evaluation!)));
            assert.equal(budget.steps[0].trigger, "poll");
            assert.equal(budget.steps[0].worstCaseSeconds, stacks[stack].imageInterval);
            assert.equal(budget.pollingSeconds, stacks[stack].imageInterval);
        });
    }

    it("keeps the scan as a fallback: its interval is 10m in dev and 30m in prod", () => {
        for (const stack of ["dev", "prod"]) {
            const [budget] = latencyBudgets(objectsOf(stacks[stack].evaluation!));
            assert.equal(budget.steps[0].intervalSeconds, stacks[stack].imageInterval);
        }
    });

    it("counts a github Receiver only when its events include the registry's push event (or are empty: all events)", () => {
        const objects = objectsOf(stacks.dev.evaluation!);
        const withEvents = (events: string[] | undefined) =>
            objects.map((o) =>
                o.kind === "Receiver" && o.metadata.name === "echo-server-image" ? { ...o, spec: { ...o.spec, events } } : o,
            );
        // receiver_handlers.go @v1.9.3: the X-GitHub-Event must match spec.events (EqualFold); empty accepts all.
        assert.equal(latencyBudgets(withEvents(["ping", "push"]))[0].steps[0].trigger, "poll");
        assert.equal(latencyBudgets(withEvents(["PACKAGE"]))[0].steps[0].trigger, "event");
        assert.equal(latencyBudgets(withEvents(undefined))[0].steps[0].trigger, "event");
    });

    it("counts a Receiver whose type ignores spec.events (dockerhub) whatever its events", () => {
        const objects = objectsOf(stacks.dev.evaluation!).map((o) =>
            o.kind === "Receiver" && o.metadata.name === "echo-server-image" ? { ...o, spec: { ...o.spec, type: "dockerhub", events: ["push"] } } : o,
        );
        const [budget] = latencyBudgets(objects);
        assert.equal(budget.steps[0].trigger, "event");
        assert.equal(budget.steps[0].via, "Receiver/echo-server-image (dockerhub: URL registered in the registry)");
    });

    it("brings back the git fetch interval when the push Receiver is removed", () => {
        const objects = objectsOf(stacks.dev.evaluation!).filter((o) => !(o.kind === "Receiver" && o.metadata.name === "echo-server"));
        const [budget] = latencyBudgets(objects);
        const git = budget.steps.find((s) => s.object === "GitRepository/echo-server");
        assert.equal(git?.trigger, "poll");
        assert.equal(budget.pollingSeconds, 60);
    });

    it("computes the recipe this project replaces at 1m of polling: its registry scan", () => {
        const [recipe] = latencyBudgets(recipeObjects());
        assert.deepEqual(
            recipe.steps.filter((s) => s.trigger === "poll").map((s) => [s.object, s.worstCaseSeconds]),
            [["ImageRepository/app", 60]],
        );
        assert.equal(recipe.pollingSeconds, 60);
    });

    it("has one budget per application, each from its own image and through its own tenant's objects only", async () => {
        const two = await evaluateStack("dev", {
            additionalApps: JSON.stringify([{ repository: "other", image: "docker.io/library/nginx", imagePublic: true }]),
        });
        const budgets = latencyBudgets(objectsOf(two));
        // Each tenant's automation applies only its own namespace's ImagePolicies: no step of one
        // application's chain is another's.
        for (const budget of budgets) {
            assert.deepEqual(
                budget.steps.map((s) => s.object.split("/")[1]),
                budget.steps.map(() => budget.imageRepository),
            );
        }
        assert.deepEqual(
            budgets.map((b) => [b.imageRepository, b.pollingSeconds, b.steps[0].via]),
            [
                ["echo-server", 0, "Receiver/echo-server-image (github: package webhook)"],
                ["other", 0, "Receiver/other-image (dockerhub: URL registered in the registry)"],
            ],
        );
    });

    it("formats durations as Flux writes them", () => {
        assert.equal(formatSeconds(0), "0s");
        assert.equal(formatSeconds(90), "1m30s");
        assert.equal(formatSeconds(1800), "30m");
    });
});
