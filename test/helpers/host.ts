/**
 * Runs a program through the real Pulumi nodejs host (@pulumi/pulumi cmd/run), the process
 * `pulumi up` starts, against a minimal engine: a gRPC server that answers the ResourceMonitor
 * and Engine calls the host makes and records every Log request, i.e. what the CLI would print.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PROJECT_ROOT } from "../../scripts/offline";

/** The host's entry point, as the language host starts it (`node <runPath> --monitor … .`). */
export const HOST = path.join(PROJECT_ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run");

/** One Log request the host sent to the engine. */
export interface LogEntry {
    /** DEBUG, INFO, WARNING or ERROR (proto/engine.proto `LogSeverity`). */
    readonly severity: string;
    readonly message: string;
}

/** What one run of the host did. */
export interface HostRun {
    readonly exitCode: number | null;
    /** Every Log request, in order. */
    readonly logs: LogEntry[];
    /** `type::name` of every RegisterResource request, in order. */
    readonly registered: string[];
    readonly stdout: string;
    readonly stderr: string;
}

const SEVERITY = Object.fromEntries(
    Object.entries(engproto.LogSeverity).map(([name, n]) => [n, name]),
);

/**
 * The engine side of a deployment, reduced to what the host calls while a program starts and fails:
 * GetDeploymentInfo/SupportsFeature (runtime/settings.js `awaitFeatureSupport`), RegisterResource of
 * the root Stack (runtime/stack.js), SetRootResource, Log (log/index.js) and SignalAndWaitForShutdown.
 * Calls it does not implement answer UNIMPLEMENTED, which the SDK treats as an older engine.
 */
export class FakeEngine {
    private readonly server = new grpc.Server();
    private logs: LogEntry[] = [];
    private registered: string[] = [];
    private child?: ChildProcess;
    address = "";

    private constructor(
        readonly project: string,
        readonly stack: string,
    ) {
        this.server.addService(resrpc.ResourceMonitorService, {
            // No optional monitor features: the host takes its oldest, simplest code paths.
            getDeploymentInfo: (_call, cb) => cb(null, new resproto.DeploymentInfo()),
            supportsFeature: (_call, cb) =>
                cb(null, new resproto.SupportsFeatureResponse().setHassupport(false)),
            registerResource: (call, cb) => {
                const req = call.request;
                this.registered.push(`${req.getType()}::${req.getName()}`);
                const res = new resproto.RegisterResourceResponse();
                res.setUrn(
                    `urn:pulumi:${this.stack}::${this.project}::${req.getType()}::${req.getName()}`,
                );
                res.setObject(new Struct());
                cb(null, res);
            },
            registerResourceOutputs: (_call, cb) => cb(null, new Empty()),
            signalAndWaitForShutdown: (_call, cb) => cb(null, new Empty()),
        } satisfies Partial<resrpc.IResourceMonitorServer>);
        this.server.addService(engrpc.EngineService, {
            log: (call, cb) => {
                this.logs.push({
                    severity: SEVERITY[call.request.getSeverity()],
                    message: call.request.getMessage(),
                });
                cb(null, new Empty());
            },
            getRootResource: (_call, cb) => cb(null, new engproto.GetRootResourceResponse()),
            setRootResource: (_call, cb) => cb(null, new engproto.SetRootResourceResponse()),
        } satisfies Partial<engrpc.IEngineServer>);
    }

    /** Starts the engine on a free port of 127.0.0.1. */
    static async start(project: string, stack: string): Promise<FakeEngine> {
        const engine = new FakeEngine(project, stack);
        const port = await new Promise<number>((resolve, reject) =>
            engine.server.bindAsync(
                "127.0.0.1:0",
                grpc.ServerCredentials.createInsecure(),
                (err, p) => (err ? reject(err) : resolve(p)),
            ),
        );
        engine.address = `127.0.0.1:${port}`;
        return engine;
    }

    /**
     * Runs `program` in the host as the language host would (argv of pulumi-language-nodejs
     * `constructArguments`), with the config in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS
     * (runtime/config.js), and resolves when the process exits.
     */
    run(options: {
        readonly pwd: string;
        readonly program: string;
        readonly config?: Readonly<Record<string, string>>;
        readonly secretKeys?: readonly string[];
        readonly env?: Readonly<Record<string, string>>;
        readonly timeoutMs?: number;
    }): Promise<HostRun> {
        this.logs = [];
        this.registered = [];
        const args = [
            HOST,
            "--monitor",
            this.address,
            "--engine",
            this.address,
            "--project",
            this.project,
            "--stack",
            this.stack,
        ];
        args.push("--pwd", options.pwd, options.program);
        const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
        env.PULUMI_CONFIG = JSON.stringify(options.config ?? {});
        env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(options.secretKeys ?? []);
        const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
        this.child = child;
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                child.kill("SIGKILL");
                reject(
                    new Error(
                        `the host did not exit within ${options.timeoutMs ?? 15000} ms\n${stderr}\n${stdout}`,
                    ),
                );
            }, options.timeoutMs ?? 15000);
            child.on("error", reject);
            child.on("close", (exitCode) => {
                clearTimeout(timer);
                this.child = undefined;
                resolve({
                    exitCode,
                    logs: [...this.logs],
                    registered: [...this.registered],
                    stdout,
                    stderr,
                });
            });
        });
    }

    /** Kills a host still running and stops the server. */
    async close(): Promise<void> {
        if (this.child && this.child.exitCode === null) this.child.kill("SIGKILL");
        await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    }
}
