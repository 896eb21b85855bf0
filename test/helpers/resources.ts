import { strict as assert } from "node:assert";
import { Evaluation, RecordedResource } from "../../scripts/offline";

/** All recorded resources of a type. */
export function ofType(evaluation: Evaluation, type: string): RecordedResource[] {
    return evaluation.resources.filter((r) => r.type === type);
}

/** The one resource with this type and logical name. */
export function one(evaluation: Evaluation, type: string, name: string): RecordedResource {
    const found = evaluation.resources.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
}

/** The provider resource a custom resource was registered with. */
export function providerOf(evaluation: Evaluation, resource: RecordedResource): RecordedResource {
    assert.ok(resource.provider, `${resource.type} ${resource.name} has no explicit provider`);
    const urn = resource.provider.split("::").slice(0, -1).join("::");
    const found = evaluation.resources.find((r) => r.urn === urn);
    assert.ok(found, `provider ${urn} of ${resource.name} was not registered`);
    return found;
}

/** The parent resource of a resource. */
export function parentOf(evaluation: Evaluation, resource: RecordedResource): RecordedResource | undefined {
    return evaluation.resources.find((r) => r.urn === resource.parent);
}

/** Kubernetes custom resources of a kind. */
export function objectsOfKind(evaluation: Evaluation, kind: string): RecordedResource[] {
    return evaluation.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind);
}

/** The one Kubernetes object of a kind with this metadata.name (and namespace, if given). */
export function object(evaluation: Evaluation, kind: string, name: string, namespace?: string): Record<string, any> {
    const found = objectsOfKind(evaluation, kind).filter((r) => {
        const metadata = r.inputs.metadata as { name?: string; namespace?: string } | undefined;
        return metadata?.name === name && (namespace === undefined || metadata.namespace === namespace);
    });
    assert.equal(found.length, 1, `expected one ${kind} named ${name}, found ${found.length}`);
    return found[0].inputs;
}

/** Every URN `from` waits for, directly or through what it waits for (a component: its children). */
export function waitsFor(evaluation: Evaluation, from: RecordedResource): Set<string> {
    const byUrn = new Map(evaluation.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const queue = [...from.options.dependencies];
    while (queue.length > 0) {
        const urn = queue.pop()!;
        if (seen.has(urn)) continue;
        seen.add(urn);
        const r = byUrn.get(urn);
        if (!r) continue;
        queue.push(...r.options.dependencies);
        // Waiting for a component means waiting for everything under it.
        if (!r.custom) queue.push(...evaluation.resources.filter((c) => c.parent === urn).map((c) => c.urn));
    }
    return seen;
}

/** Asserts that `from` waits for `to` on the dependency graph (directly or through what it waits for). */
export function assertWaits(evaluation: Evaluation, from: RecordedResource, to: RecordedResource): void {
    assert.ok(waitsFor(evaluation, from).has(to.urn), `${from.name} (${from.type}) does not wait for ${to.name} (${to.type})`);
}

/** Asserts that `from` does not wait for `to`. */
export function assertDoesNotWait(evaluation: Evaluation, from: RecordedResource, to: RecordedResource): void {
    assert.ok(!waitsFor(evaluation, from).has(to.urn), `${from.name} (${from.type}) waits for ${to.name} (${to.type})`);
}
