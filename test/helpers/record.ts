/**
 * Runs a component under Pulumi's mocks and records what it registers, with the resource options
 * read from the registration request (the same reading as scripts/offline.ts). For components the
 * stack config cannot reach (a plain "" passphrase, files that already exist in a repository).
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { failingOnUnhandledRejection, RegisterRequest, RecordedOptions, requestOptions, unwrapSecrets } from "../../scripts/offline";

/** One registered resource: type, name, inputs (secret markers removed) and options. */
export interface Registered {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly options: RecordedOptions;
}

interface MonitorPrototype {
    registerResource(req: unknown, cb: unknown): unknown;
}

/** What the mocks answer beyond echoing: the providers' side of a recording. */
export interface Answers {
    /** Answers invokes (default: echo the args). */
    readonly call?: (token: string, args: Record<string, unknown>, provider?: string) => Record<string, unknown>;
    /** The outputs a provider adds to a resource's inputs (default: none), e.g. an ARN. */
    readonly computed?: (type: string, inputs: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * Registers what `build` creates under mocks, answered as `answers` says. Resolves once every
 * registration has been sent; rejects when one failed.
 */
export async function record(build: () => unknown, answers: Answers = {}): Promise<Registered[]> {
    const { call = (_t, args) => args, computed = () => ({}) } = answers;
    const options = new Map<string, RecordedOptions>();
    const registered: Registered[] = [];
    const proto = (require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: MonitorPrototype } }).MockMonitor
        .prototype;
    // Called below with the monitor instance as `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = proto.registerResource;
    proto.registerResource = function (this: MonitorPrototype, req: unknown, cb: unknown) {
        const r = req as RegisterRequest;
        options.set(`${r.getType()}::${r.getName()}`, requestOptions(r));
        return original.call(this, req, cb);
    };
    try {
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    const inputs = unwrapSecrets(args.inputs, []) as Record<string, unknown>;
                    registered.push({ type: args.type, name: args.name, inputs, options: options.get(`${args.type}::${args.name}`)! });
                    return { id: args.id ?? `${args.name}-id`, state: { ...inputs, ...computed(args.type, inputs) } };
                },
                call(args) {
                    return call(args.token, args.inputs as Record<string, unknown>, args.provider);
                },
            },
            "flux-gitops",
            "test",
            false,
        );
        // A registration that fails after its constructor returned fails here, as under the engine.
        await failingOnUnhandledRejection(async () => {
            await build();
            const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
            await settings.waitForRPCs();
        });
    } finally {
        proto.registerResource = original;
    }
    return registered;
}

/** The one registration with this type and name. */
export function one(registered: Registered[], type: string, name: string): Registered {
    const found = registered.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
}

/** The logical names of what a registration waits for, sorted. */
export const waitsFor = (r: Registered): string[] => r.options.dependencies.map((urn) => urn.slice(urn.lastIndexOf("::") + 2)).sort();

/** What a constructor throws, and the types registered before it threw. */
export async function refusal(build: () => unknown): Promise<{ error: unknown; registered: string[] }> {
    const caught: { error?: unknown } = {};
    const registered = await record(() => {
        try {
            build();
        } catch (e) {
            caught.error = e;
        }
    });
    assert.ok(caught.error !== undefined, "nothing was thrown");
    return { error: caught.error, registered: registered.map((r) => r.type) };
}

/** `type::name` of an URN, the type without its parents' types. */
export function shortUrn(urn: string): string {
    const parts = urn.split("::");
    return `${parts[2].split("$").pop()!}::${parts[3]}`;
}

interface ResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
}
interface OutputsRequest {
    getUrn(): string;
    getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface StateMonitorPrototype {
    registerResource(req: ResourceRequest, cb: unknown): unknown;
    registerResourceOutputs(req: OutputsRequest, cb: unknown): unknown;
}

/**
 * What `build` registers (as `record`), plus each registration's parent (`type::name`, "" for the
 * stack) and the outputs each component records in the state (its RegisterResourceOutputsRequest,
 * secrets still marked), by `type::name`. `answers` as for `record`.
 */
export async function recordState(
    build: () => unknown,
    answers: Answers = {},
): Promise<{
    registered: Registered[];
    parents: Map<string, string>;
    outputs: Map<string, Record<string, unknown>>;
}> {
    const proto = (require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: StateMonitorPrototype } }).MockMonitor
        .prototype;
    // Both are called below with the monitor instance as `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const { registerResource, registerResourceOutputs } = proto;
    const parents = new Map<string, string>();
    const outputs = new Map<string, Record<string, unknown>>();
    proto.registerResource = function (this: StateMonitorPrototype, req: ResourceRequest, cb: unknown) {
        parents.set(`${req.getType()}::${req.getName()}`, req.getParent() === "" ? "" : shortUrn(req.getParent()));
        return registerResource.call(this, req, cb);
    };
    proto.registerResourceOutputs = function (this: StateMonitorPrototype, req: OutputsRequest, cb: unknown) {
        outputs.set(shortUrn(req.getUrn()), req.getOutputs()?.toJavaScript() ?? {});
        return registerResourceOutputs.call(this, req, cb);
    };
    try {
        const registered = await record(build, answers);
        return { registered, parents, outputs };
    } finally {
        proto.registerResource = registerResource;
        proto.registerResourceOutputs = registerResourceOutputs;
    }
}

/** The value an output (or plain input) resolves to, once Pulumi's mocks have resolved it. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** An unrelated resource standing for what a caller makes a component wait for. */
class Marker extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:Marker", name, {});
    }
}
export const marker = (name: string): pulumi.CustomResource => new Marker(name);

/** How the engine marks a secret value in a serialized Struct (sdk/nodejs/runtime/rpc.ts). */
export const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };

/** `value` as a component's recorded outputs hold a secret. */
export const secret = (value: unknown): Record<string, unknown> => ({ [SECRET_SIG.key]: SECRET_SIG.value, value });
