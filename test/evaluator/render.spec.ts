import { SEEDED_FILE_IGNORE_CHANGES } from "../../components/app/app-manifests";
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { Evaluation, PROJECT_ROOT, RecordedResource, readStackConfig, StackConfigError, withDeadline } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import {
    objectFileName,
    placeholderNote,
    REDACTED,
    resourceListFile,
    resourceTree,
    shownObject,
    stackFreeUrn,
    writeRender,
    RENDER_VARIANTS,
    renderVariants,
} from "../../scripts/render";

interface ListedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    provider?: string;
    protect: boolean;
    options: { retainOnDelete: boolean; ignoreChanges: string[]; dependencies: string[] };
    inputs: Record<string, unknown>;
    secretInputs?: string[];
}

const readList = (dir: string) =>
    JSON.parse(fs.readFileSync(resourceListFile(dir), "utf8")) as {
        stack: string;
        placeholders: string[];
        optionalPlaceholders: string[];
        resources: ListedResource[];
        outputs: Record<string, unknown>;
    };

describe("the offline render", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    let root: string;
    let dir: string;
    let prodDir: string;
    let files: string[];
    before(async () => {
        dev = await evaluateStack("dev");
        prod = await evaluateStack("prod");
        root = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-render-"));
        dir = path.join(root, "dev");
        prodDir = path.join(root, "prod");
        files = writeRender(dev, dir);
        writeRender(prod, prodDir);
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("writes only Kubernetes manifests into out/<stack>/, one file per object, named by kind, namespace and name", () => {
        assert.deepEqual(fs.readdirSync(dir).sort(), files);
        // A tenant's Flux objects in its namespace; the Receivers' route stays in Flux's.
        assert.ok(files.includes("gitrepository.echo-server.echo-server.yaml"));
        assert.ok(!files.includes("gitrepository.flux-system.echo-server.yaml"));
        assert.ok(files.includes("httproute.echo-server.echo-server.yaml"));
        assert.ok(files.includes("httproute.flux-system.echo-server.yaml"));
        assert.ok(files.includes("namespace.cluster.monitoring.yaml"));
        assert.ok(files.every((f) => f.endsWith(".yaml")));
        const k8s = dev.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.includes("helm.sh"));
        assert.equal(files.length, k8s.length);
        const policy = YAML.parse(fs.readFileSync(path.join(dir, "imagepolicy.echo-server.echo-server.yaml"), "utf8"));
        assert.equal(policy.apiVersion, "image.toolkit.fluxcd.io/v1");
        assert.equal(objectFileName(policy), "imagepolicy.echo-server.echo-server.yaml");
    });

    it("writes each manifest as one valid object, a redacted Secret still a Secret", () => {
        for (const file of files) {
            const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"));
            assert.equal(docs.length, 1, file);
            const object = docs[0].toJS() as { apiVersion: unknown; kind: unknown; metadata: { name: unknown } };
            assert.equal(typeof object.apiVersion, "string", file);
            assert.equal(typeof object.kind, "string", file);
            assert.equal(typeof object.metadata.name, "string", file);
        }
        // core/v1 Secret: stringData is a map of strings (its whole value is secret here, so each leaf is redacted).
        const secret = YAML.parse(fs.readFileSync(path.join(dir, "secret.flux-system.alertmanager-address.yaml"), "utf8"));
        assert.deepEqual(secret.stringData, { address: REDACTED });
    });

    it("keeps a redacted Secret's data valid base64 (core/v1 Secret data values are base64)", () => {
        const secret: RecordedResource = {
            ...dev.resources[0],
            type: "kubernetes:core/v1:Secret",
            inputs: {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "s", namespace: "n" },
                data: { token: "c2VjcmV0", leaked: Buffer.from("x-hidden-value-x").toString("base64"), plain: "cGxhaW4=" },
            },
            secretPaths: ["data.token"],
        };
        const shown = shownObject(secret, ["hidden-value"]) as { data: Record<string, string> };
        const base64 = Buffer.from(REDACTED).toString("base64");
        assert.deepEqual(shown.data, { token: base64, leaked: base64, plain: "cGxhaW4=" });
        assert.equal(Buffer.from(shown.data.token, "base64").toString(), REDACTED);
    });

    it("lists every resource with its options in <stack>.resources.json beside the folder, sorted by URN", () => {
        assert.equal(resourceListFile(dir), `${dir}.resources.json`);
        const written = readList(dir);
        assert.equal(written.stack, "dev");
        assert.equal(written.resources.length, dev.resources.length);
        const urns = written.resources.map((r) => r.urn);
        assert.deepEqual(urns, [...urns].sort());
        assert.ok(urns.every((u) => !u.includes("urn:pulumi:")), "URNs without stack and project");
        const deployKey = written.resources.find((r) => r.type === "github:index/repositoryDeployKey:RepositoryDeployKey")!;
        assert.equal(deployKey.name, "echo-server-deploy-key");
        assert.equal(deployKey.parent, "flux-gitops:app:FluxApplication$flux-gitops:keys:DeployKey::echo-server-deploy-key");
        assert.equal(deployKey.provider, "pulumi:providers:github::github-org");
        assert.equal(deployKey.inputs.readOnly, false);
        const manifests = written.resources.find((r) => r.name === "echo-server-manifests-kustomize-overlays-dev-kustomization-yaml")!;
        assert.deepEqual(manifests.options.ignoreChanges, SEEDED_FILE_IGNORE_CHANGES);
        assert.equal(written.outputs.webhookUrl, REDACTED);
        assert.deepEqual(written.placeholders, ["botGithubToken"]);
        assert.deepEqual(written.optionalPlaceholders, ["discordWebhookUrl", "registryToken", "slackWebhookUrl"]);
    });

    it("shows prod's protection when the two stacks' lists are compared", () => {
        const protectedUrns = (d: string) => readList(d).resources.filter((r) => r.protect).map((r) => r.urn);
        assert.deepEqual(protectedUrns(dir), []);
        assert.ok(protectedUrns(prodDir).includes("flux-gitops:app:FluxApplication$flux-gitops:keys:DeployKey$tls:index/privateKey:PrivateKey::echo-server-deploy-key-key"));
        // Same program, so the same resources line up, entry by entry (the overlay file is named after the stack).
        const names = (d: string) => readList(d).resources.map((r) => r.urn.replace(/-(dev|prod)-/, "-<stack>-"));
        assert.deepEqual(names(prodDir), names(dir));
    });

    it("redacts every secret value in what it writes", () => {
        const everything = [...fs.readdirSync(dir).map((f) => path.join(dir, f)), resourceListFile(dir)]
            .map((f) => fs.readFileSync(f, "utf8"))
            .join("\n");
        for (const secret of dev.secretValues) assert.ok(!everything.includes(secret), `render contains ${secret}`);
        const token = readList(dir).resources.find((r) => r.type === "aws:ssm/parameter:Parameter" && r.name === "echo-server-receiver-token-ssm")!;
        assert.equal(token.inputs.value, REDACTED);
        assert.deepEqual(token.secretInputs, ["value"]);
    });

    it("prints a tree with components above their children, drawn without - or + bullets", () => {
        const tree = resourceTree(dev.resources).split("\n");
        const application = tree.findIndex((l) => /^[├└]─ flux-gitops:app:FluxApplication echo-server$/.test(l));
        const component = tree.indexOf("│  ├─ flux-gitops:keys:DeployKey echo-server-deploy-key");
        assert.ok(application >= 0 && component > application, "the deploy key is part of its application's subtree");
        assert.deepEqual(tree.slice(component + 1, component + 5), [
            "│  │  ├─ flux-gitops:keys:StoredSecret echo-server-deploy-key-ssm",
            "│  │  │  └─ aws:ssm/parameter:Parameter echo-server-deploy-key-ssm",
            "│  │  ├─ github:index/repositoryDeployKey:RepositoryDeployKey echo-server-deploy-key",
            "│  │  └─ tls:index/privateKey:PrivateKey echo-server-deploy-key-key",
        ]);
        assert.ok(tree.every((l) => !/^[\s│]*[-+] /.test(l)), "no line is bulleted with - or +");
    });

    it("closes with the secrets the stack file does not set yet, which `pulumi up` needs", () => {
        assert.equal(
            placeholderNote(dev),
            "Rendered with placeholders: botGithubToken.\n" +
                "`pulumi up -s dev` stops until each is set:\n" +
                "  pulumi config set --secret botGithubToken -s dev\n" +
                "Rendered as if set (optional; unset, what needs it is left out): discordWebhookUrl, registryToken, slackWebhookUrl.",
        );
        assert.equal(stackFreeUrn("urn:pulumi:dev::flux-gitops::a:b:C$d:e:F::n"), "a:b:C$d:e:F::n");
    });
});

describe("the offline stack config, refused as the Pulumi CLI refuses it", () => {
    // Messages from pulumi/pulumi pkg/workspace/config.go (validateStackConfigValue,
    // missingStackConfigurationKeysError); type rules from ValidateConfigValue in
    // sdk/go/common/workspace/project.go: stack values reach it as strings, objects as JSON.
    let root: string;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-config-"));
        fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
    const withStackFile = (lines: string) => {
        const dev = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8");
        fs.writeFileSync(path.join(root, "Pulumi.t.yaml"), `${dev.trimEnd()}\n${lines}`);
    };
    const problems = () => {
        try {
            readStackConfig("t", root);
        } catch (e) {
            assert.ok(e instanceof StackConfigError, String(e));
            return e.problems;
        }
        return [];
    };

    it("refuses an object for a string key, and words other than true/false or digits for boolean/integer keys", () => {
        withStackFile(
            "  flux-gitops:gatewayName:\n    name: gateway\n  flux-gitops:imageAutomation: yes\n  flux-gitops:appPort: 80.5\n",
        );
        assert.deepEqual(problems(), [
            "Stack 't' with configuration key 'appPort' must be of type 'integer'",
            "Stack 't' with configuration key 'gatewayName' must be of type 'string'",
            "Stack 't' with configuration key 'imageAutomation' must be of type 'boolean'",
        ]);
    });

    it("accepts what the CLI accepts: scalars for strings, digits for integers, true/false for booleans", () => {
        withStackFile("  flux-gitops:gatewayName: 1234\n  flux-gitops:appPort: \"9090\"\n  flux-gitops:imageAutomation: \"false\"\n");
        assert.deepEqual(problems(), []);
        const { values } = readStackConfig("t", root);
        assert.equal(values["flux-gitops:gatewayName"], "1234");
        assert.equal(values["flux-gitops:appPort"], "9090");
    });

    it("refuses a plaintext value for a declared secret and says how to set it", () => {
        withStackFile("  flux-gitops:botGithubToken: ghp_plaintext\n");
        assert.deepEqual(problems(), [
            "Stack 't' with configuration key 'botGithubToken' must be encrypted as it's secret " +
                "(remove the plaintext value from Pulumi.t.yaml and run: pulumi config set --secret botGithubToken -s t)",
        ]);
    });

    it("takes an encrypted value for a secret and does not list it as a placeholder", () => {
        withStackFile("  flux-gitops:botGithubToken:\n    secure: AAABAMfakeciphertext\n  flux-gitops:registryToken:\n    secure: AAABAMfakeciphertext\n");
        const config = readStackConfig("t", root);
        assert.deepEqual(config.placeholders, []);
        // An optional secret the file sets is not rendered "as if set": it is set.
        assert.deepEqual(config.optionalPlaceholders, ["flux-gitops:discordWebhookUrl", "flux-gitops:slackWebhookUrl"]);
        assert.ok(config.secretKeys.includes("flux-gitops:registryToken"));
        assert.ok(config.secretKeys.includes("flux-gitops:botGithubToken"));
    });

    it("refuses a stack file without the required keys, naming each as the CLI does", () => {
        fs.writeFileSync(path.join(root, "Pulumi.t.yaml"), "config:\n  flux-gitops:branch: main\n");
        assert.deepEqual(problems(), [
            "Stack 't' is missing configuration values 'baseDomain', 'botEmail', 'botUser', 'image', 'owner' and 'repository'",
        ]);
    });

    it("names the one missing key in the singular", () => {
        withStackFile("");
        fs.writeFileSync(path.join(root, "Pulumi.t.yaml"), fs.readFileSync(path.join(root, "Pulumi.t.yaml"), "utf8").replace(/^ {2}flux-gitops:owner: .*\n/m, ""));
        assert.deepEqual(problems(), ["Stack 't' is missing configuration value 'owner'"]);
    });
});

describe("npm run render as a command", () => {
    const stackFile = path.join(PROJECT_ROOT, `Pulumi.render-test-${process.pid}.yaml`);
    let out: string;
    beforeEach(() => {
        out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-cmd-")), "stack");
        // A previous render that must not survive a failed one.
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, "namespace.cluster.old.yaml"), "stale");
        fs.writeFileSync(resourceListFile(out), "stale");
    });
    afterEach(() => {
        fs.rmSync(stackFile, { force: true });
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
    });
    const render = (...args: string[]) =>
        spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "scripts/render.ts", ...args], {
            cwd: PROJECT_ROOT,
            encoding: "utf8",
        });
    const dev = () => fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8").trimEnd();

    it("exits non-zero with the program's config error and leaves no stale render", () => {
        fs.writeFileSync(stackFile, dev().replace(/^( {2}flux-gitops:botEmail:) .*$/m, "$1 not-an-email"));
        const result = render("--stack", `render-test-${process.pid}`, "--out", out);
        assert.equal(result.status, 1);
        assert.match(result.stderr, /Invalid configuration for stack "render-test-\d+" \(1 problem\):\n {2}- flux-gitops:botEmail is not an e-mail address \(got "not-an-email"\)/);
        assert.equal(fs.existsSync(out), false, "the old manifests are gone");
        assert.equal(fs.existsSync(resourceListFile(out)), false, "the old resource list is gone");
    });

    it("exits non-zero with the CLI's message for a value the CLI refuses", () => {
        fs.writeFileSync(stackFile, `${dev()}\n  flux-gitops:protectKeys: "no"\n`);
        const result = render("--stack", `render-test-${process.pid}`, "--out", out);
        assert.equal(result.status, 1);
        assert.equal(result.stderr.trim(), `Stack 'render-test-${process.pid}' with configuration key 'protectKeys' must be of type 'boolean'`);
        assert.deepEqual(fs.readdirSync(path.dirname(out)), []);
    });

    it("exits non-zero for a stack without a stack file", () => {
        const result = render("--stack", "no-such-stack", "--out", out);
        assert.equal(result.status, 1);
        assert.match(result.stderr, /no stack file Pulumi\.no-such-stack\.yaml/);
        assert.equal(fs.existsSync(out), false);
    });

    it("replaces the previous render and ends with the secrets still to set", () => {
        const result = render("--stack", "dev", "--out", out);
        assert.equal(result.status, 0, result.stderr);
        assert.equal(fs.existsSync(path.join(out, "namespace.cluster.old.yaml")), false);
        assert.ok(fs.existsSync(path.join(out, "namespace.cluster.monitoring.yaml")));
        assert.equal(readList(out).stack, "dev");
        assert.deepEqual(fs.readdirSync(path.dirname(out)).sort(), ["stack", "stack.resources.json"]);
        assert.match(
            result.stdout,
            /Rendered with placeholders: botGithubToken\.\n`pulumi up -s dev` stops until each is set:\n {2}pulumi config set --secret botGithubToken -s dev\nRendered as if set \(optional; unset, what needs it is left out\): discordWebhookUrl, registryToken, slackWebhookUrl\.\n$/,
        );
    });
});

describe("an evaluation that never finishes", () => {
    it("is reported once its deadline passes, not waited on forever", async () => {
        // A program whose Output never resolves hangs `pulumi up`; the evaluator says so instead.
        const never = new Promise<never>(() => undefined);
        await assert.rejects(withDeadline(never, 20, "the program did not finish"), /^Error: the program did not finish$/);
    });

    it("passes on the evaluation's own result or error when it settles in time", async () => {
        assert.equal(await withDeadline(Promise.resolve("done"), 1000, "late"), "done");
        await assert.rejects(withDeadline(Promise.reject(new Error("config error")), 1000, "late"), /config error/);
    });
});

describe("npm run render:conformance", () => {
    it("writes each variant the Go suites judge, and variants.json listing them with their stack files", async function () {
        this.timeout(60_000);
        assert.deepEqual(
            RENDER_VARIANTS.map((v) => v.name),
            ["dev", "prod", "dev-apps", "dev-upgrade", "dev-off", "dev-app", "dev-slack", "dev-discord"],
        );
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-variants-"));
        try {
            await renderVariants(out);
            const listed = JSON.parse(fs.readFileSync(path.join(out, "variants.json"), "utf8")) as { name: string; stack: string }[];
            assert.deepEqual(
                listed.map((v) => [v.name, v.stack]),
                RENDER_VARIANTS.map((v) => [v.name, v.stack]),
            );
            const kinds = (variant: string) => fs.readdirSync(path.join(out, variant)).map((f) => f.split(".")[0]);
            // Four applications: one Kustomization and one ImagePolicy each, one policy of each kind.
            assert.equal(kinds("dev-apps").filter((k) => k === "imagepolicy").length, 4);
            const policies = fs
                .readdirSync(path.join(out, "dev-apps"))
                .filter((f) => f.startsWith("imagepolicy."))
                .map((f) => Object.keys((YAML.parse(fs.readFileSync(path.join(out, "dev-apps", f), "utf8")) as { spec: { policy: object } }).spec.policy)[0])
                .sort();
            assert.deepEqual(policies, ["alphabetical", "numerical", "numerical", "semver"]);
            // Three tenants, each with its objects and SecretStore in its namespace; docs, the
            // platform application, in flux-system and served by the ClusterSecretStore.
            const named = (variant: string, prefix: string) =>
                fs.readdirSync(path.join(out, variant)).filter((f) => f.startsWith(`${prefix}.`)).sort();
            assert.deepEqual(named("dev-apps", "kustomization"), [
                "kustomization.billing.billing.yaml",
                "kustomization.echo-server.echo-server.yaml",
                "kustomization.flux-system.docs.yaml",
                "kustomization.search.search.yaml",
            ]);
            assert.deepEqual(named("dev-apps", "secretstore"), [
                "secretstore.billing.parameters.yaml",
                "secretstore.echo-server.parameters.yaml",
                "secretstore.search.parameters.yaml",
            ]);
            const store = YAML.parse(fs.readFileSync(path.join(out, "dev-apps", "clustersecretstore.cluster.aws-parameter-store.yaml"), "utf8"));
            assert.deepEqual(store.spec.conditions, [{ namespaces: ["docs", "flux-system", "monitoring"] }]);
            // The first `up` after tenancy keeps the earlier Kustomization, suspended and orphaning.
            assert.deepEqual(named("dev-upgrade", "kustomization"), ["kustomization.echo-server.echo-server.yaml", "kustomization.flux-system.echo-server.yaml"]);
            assert.deepEqual(named("dev", "kustomization"), ["kustomization.echo-server.echo-server.yaml"]);
            const legacy = YAML.parse(fs.readFileSync(path.join(out, "dev-upgrade", "kustomization.flux-system.echo-server.yaml"), "utf8"));
            assert.deepEqual([legacy.spec.suspend, legacy.spec.deletionPolicy], [true, "Orphan"]);
            // The switches off: no FluxInstance, no ClusterSecretStore, no image automation, nothing seeded.
            for (const kind of ["fluxinstance", "clustersecretstore", "imagepolicy", "imagerepository", "imageupdateautomation"]) {
                assert.ok(!kinds("dev-off").includes(kind), kind);
                assert.ok(kinds("dev").includes(kind), kind);
            }
            const list = JSON.parse(fs.readFileSync(path.join(out, "dev-off.resources.json"), "utf8")) as { resources: { type: string }[] };
            assert.equal(list.resources.filter((r) => r.type === "github:index/repositoryFile:RepositoryFile").length, 0);
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});
