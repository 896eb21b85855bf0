/**
 * The pack as the Pulumi CLI runs it: `policy/index.ts` started in its own directory (its own
 * package.json and tsconfig.json), then spoken to over the analyzer gRPC protocol the engine uses.
 * This is the closest this machine gets to `pulumi preview --policy-pack policy` without the CLI.
 */
import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

// The generated gRPC stubs are CommonJS; the tests use them untyped.
const grpc = require("@grpc/grpc-js");
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

import { policies } from "../policies";

const POLICY_DIR = path.resolve(__dirname, "..");
// How the engine marks a secret on the wire.
const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
// How the engine sends a value a preview cannot know yet (@pulumi/pulumi runtime/rpc.js unknownValue).
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function unary<T>(client: any, method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

/** Fills what the engine sends for every resource: type, name, URN, properties and options. */
function withResource<T extends { setType(t: string): void; setName(n: string): void; setUrn(u: string): void; setProperties(p: unknown): void; setOptions(o: unknown): void }>(
    message: T,
    type: string,
    name: string,
    properties: Record<string, unknown>,
): T {
    message.setType(type);
    message.setName(name);
    message.setUrn(`urn:pulumi:dev::flux-gitops::${type}::${name}`);
    message.setProperties(Struct.fromJavaScript(properties));
    message.setOptions(new analyzerProto.AnalyzerResourceOptions());
    return message;
}

function analyzeRequest(type: string, name: string, properties: Record<string, unknown>): unknown {
    return withResource(new analyzerProto.AnalyzeRequest(), type, name, properties);
}

function messages(response: any): string[] {
    return response.getDiagnosticsList().map((d: any) => `${d.getPolicyname()}: ${d.getMessage()}`);
}

/** What the CLI shows for a violation: the policy's description, then the message. */
function diagnostic(policyName: string, message: string): string {
    const policy = policies().find((p) => p.name === policyName)!;
    return `${policyName}: ${policy.description}\n${message}`;
}

describe("the policy pack served over the analyzer protocol", function () {
    this.timeout(120000);
    let pack: ChildProcess;
    let client: any;

    before(async () => {
        pack = spawn(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), "index.ts"], {
            cwd: POLICY_DIR,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        pack.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            pack.stdout!.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
            pack.once("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
        });
        assert.ok(port > 0, "the pack prints the port it serves on, as the CLI expects");
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        pack?.kill();
    });

    it("describes itself: name, version from its package.json, the twenty-one policies with their levels", async () => {
        const info: any = await unary(client, "getAnalyzerInfo", new Empty());
        assert.equal(info.getName(), "flux-gitops");
        assert.equal(info.getVersion(), "0.1.0");
        const levels = Object.fromEntries(Object.entries(analyzerProto.EnforcementLevel).map(([k, v]) => [v, k]));
        const policies = info.getPoliciesList().map((p: any) => [p.getName(), levels[p.getEnforcementlevel()]]);
        assert.equal(policies.length, 21);
        assert.deepEqual(policies.slice(13), [
            ["github-app-no-token", "MANDATORY"],
            ["github-app-no-deploy-key", "MANDATORY"],
            ["github-app-https-git", "MANDATORY"],
            ["tenant-kustomization-service-account", "MANDATORY"],
            ["tenant-no-cluster-role-binding", "MANDATORY"],
            ["cluster-secret-store-conditions", "MANDATORY"],
            ["tenant-parameters-isolated", "MANDATORY"],
            ["tenant-no-cross-namespace-refs", "MANDATORY"],
        ]);
        assert.deepEqual(policies.slice(0, 4), [
            ["ssm-secure-string", "MANDATORY"],
            ["github-webhook-tls", "MANDATORY"],
            ["github-webhook-events", "ADVISORY"],
            ["deploy-key-least-privilege", "MANDATORY"],
        ]);
        const keyStrength = info.getPoliciesList().find((p: any) => p.getName() === "key-strength");
        const schema = keyStrength.getConfigschema().getProperties().toJavaScript();
        assert.equal(schema.minimumRsaBits.default, 3072);
        assert.match(keyStrength.getRemediationSteps(), /ED25519/);
    });

    it("stops a webhook with insecure_ssl and no secret, and passes the stack's own webhook (secret unwrapped)", async () => {
        const bad = await unary(
            client,
            "analyze",
            analyzeRequest("github:index/repositoryWebhook:RepositoryWebhook", "hook", {
                events: ["push", "ping"],
                configuration: { url: secret("https://r.example.com/hook/abc"), contentType: "json", insecureSsl: true },
            }),
        );
        assert.deepEqual(messages(bad), [
            diagnostic("github-webhook-tls", "GitHub webhook \"hook\" sets insecure_ssl: GitHub would not verify the receiver's certificate."),
            diagnostic("github-webhook-tls", 'GitHub webhook "hook" has no secret: GitHub cannot sign its payloads, so the receiver cannot verify them.'),
        ]);
        const good = await unary(
            client,
            "analyze",
            analyzeRequest("github:index/repositoryWebhook:RepositoryWebhook", "hook", {
                events: ["push", "ping"],
                configuration: {
                    url: secret("https://r.example.com/hook/abc"),
                    contentType: "json",
                    insecureSsl: false,
                    secret: secret("token"),
                },
            }),
        );
        assert.deepEqual(messages(good), []);
    });

    it("stops an unserved Flux API version", async () => {
        const response = await unary(
            client,
            "analyze",
            analyzeRequest("kubernetes:image.toolkit.fluxcd.io/v1beta2:ImagePolicy", "echo-server", {
                apiVersion: "image.toolkit.fluxcd.io/v1beta2",
                kind: "ImagePolicy",
                metadata: { name: "echo-server", namespace: "flux-system" },
                spec: { policy: { semver: { range: "1.x" } } },
            }),
        );
        assert.deepEqual(messages(response), [
            diagnostic("flux-api-current", "ImagePolicy uses image.toolkit.fluxcd.io/v1beta2, which current releases no longer serve: use image.toolkit.fluxcd.io/v1."),
        ]);
    });

    it("runs the stack policies over the stack's resources", async () => {
        const resource = (type: string, name: string, properties: Record<string, unknown>) =>
            withResource(new analyzerProto.AnalyzerResource(), type, name, properties);
        const req = new analyzerProto.AnalyzeStackRequest();
        req.setResourcesList([
            resource("pulumi:pulumi:Stack", "flux-gitops-dev", { webhookUrl: secret("https://r.example.com/hook/abc"), botToken: "x" }),
            resource("github:index/repositoryDeployKey:RepositoryDeployKey", "echo-server-deploy-key", {
                repository: "echo-server",
                readOnly: false,
            }),
        ]);
        const response = await unary(client, "analyzeStack", req);
        assert.deepEqual(messages(response), [
            diagnostic("deploy-key-least-privilege", 'Deploy key "echo-server-deploy-key" can write to repository "echo-server", but no ImageUpdateAutomation in the stack pushes to it: make it read-only.'),
            diagnostic("no-plaintext-secret-outputs", 'Stack output "botToken" is named like a key, token or password but is not one of the secret outputs: export it with pulumi.secret() and add it to secretOutputs.'),
        ]);
    });

    it("during a preview, judges the tenancy policies on what is known and reports nothing for what is not", async () => {
        const resource = (type: string, name: string, properties: Record<string, unknown>) =>
            withResource(new analyzerProto.AnalyzerResource(), type, name, properties);
        const tenantNamespace = (name: string) =>
            resource("kubernetes:core/v1:Namespace", name, { metadata: { name, labels: { "toolkit.fluxcd.io/tenant": name } } });
        const kustomization = (namespace: string, spec: Record<string, unknown>) =>
            resource("kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", namespace, { metadata: { name: namespace, namespace }, spec: { prune: true, ...spec } });
        const parameter = (tenant: string) =>
            resource("aws:ssm/parameter:Parameter", `${tenant}-deploy-key`, { name: `/github/${tenant}/deploy-key`, type: "SecureString", arn: UNKNOWN, tags: { "flux-gitops:tenant": tenant } });
        const rolePolicy = (name: string, policy: string) => resource("aws:iam/rolePolicy:RolePolicy", name, { role: name, policy });
        const wide = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }] });
        const req = new analyzerProto.AnalyzeStackRequest();
        req.setResourcesList([
            tenantNamespace("billing"),
            tenantNamespace("search"),
            kustomization("billing", { serviceAccountName: UNKNOWN, sourceRef: { kind: "GitRepository", name: "billing", namespace: UNKNOWN } }),
            kustomization("search", { sourceRef: { kind: "GitRepository", name: "search" } }),
            parameter("billing"),
            parameter("search"),
            rolePolicy("pending", UNKNOWN),
            rolePolicy("wide", wide),
            resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "later", {
                metadata: { name: "later" },
                subjects: [{ kind: "ServiceAccount", name: "flux-reconciler", namespace: UNKNOWN }],
            }),
        ]);
        const response = await unary(client, "analyzeStack", req);
        // No "can't run … during preview" advisory: each unknown value is skipped, the rest judged,
        // and the parameters' unknown ARNs fall back to their names.
        assert.deepEqual(messages(response), [
            diagnostic("tenant-kustomization-service-account", 'Kustomization "search/search" belongs to a tenant but names no spec.serviceAccountName: it would apply as kustomize-controller, with cluster-admin rights. Set it to the tenant\'s own service account.'),
            diagnostic("tenant-parameters-isolated", 'IAM role policy "wide" may read the SSM parameters of 2 tenants ("billing", "search"): a tenant\'s role reads only its own parameters and the shared ones. List exact parameter ARNs, without wildcards that reach other tenants.'),
        ]);
        const pendingStore = analyzeRequest("kubernetes:external-secrets.io/v1:ClusterSecretStore", "store", { metadata: { name: "store" }, spec: { conditions: UNKNOWN } });
        assert.deepEqual(messages(await unary(client, "analyze", pendingStore)), []);
    });

    it("applies pack config as --policy-pack-config passes it: a larger RSA minimum", async () => {
        const rsa3072 = analyzeRequest("tls:index/privateKey:PrivateKey", "deploy-key", { algorithm: "RSA", rsaBits: 3072 });
        assert.deepEqual(messages(await unary(client, "analyze", rsa3072)), []);

        const request = new analyzerProto.ConfigureAnalyzerRequest();
        const keyStrength = new analyzerProto.PolicyConfig();
        keyStrength.setEnforcementlevel(analyzerProto.EnforcementLevel.MANDATORY);
        keyStrength.setProperties(Struct.fromJavaScript({ minimumRsaBits: 4096 }));
        request.getPolicyconfigMap().set("key-strength", keyStrength);
        await unary(client, "configure", request);

        assert.deepEqual(messages(await unary(client, "analyze", rsa3072)), [
            diagnostic("key-strength", 'SSH key "deploy-key" is RSA 3072: use ED25519 or RSA of at least 4096 bits.'),
        ]);
    });
});
