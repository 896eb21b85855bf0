import { strict as assert } from "node:assert";
import { Evaluation, kubernetesObjects, mockParameterArn, secretPlaceholder } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { APP_MODE, APP_PRIVATE_KEY, rsaPrivateKeyPem } from "../helpers/github-app";
import { assertWaits, object, one, ofType } from "../helpers/resources";
import { PARAMETER_VERSIONS_ANNOTATION } from "../../components/flux/external-secret-specs";
import { PARAMETER } from "../helpers/types";

const APP_KEY_PARAMETER = "/flux-gitops/dev/github-app-private-key";

/** Evaluates with GITHUB_TOKEN exported, as a CI job or a developer's shell may have it. */
async function withGithubToken(evaluate: () => Promise<Evaluation>): Promise<Evaluation> {
    const saved = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = "ghp_from_the_environment";
    try {
        return await evaluate();
    } finally {
        if (saved === undefined) delete process.env.GITHUB_TOKEN;
        else process.env.GITHUB_TOKEN = saved;
    }
}

describe("the dev stack in GitHub App mode", () => {
    let app: Evaluation;
    before(async () => {
        app = await withGithubToken(() => evaluateStack("dev", APP_MODE));
    });

    it("authenticates the organisation provider as the App, the PEM secret, and no token even with GITHUB_TOKEN exported", () => {
        const org = one(app, "pulumi:providers:github", "github-org");
        // @pulumi/github 6.15.0 provider.js serialises appAuth with JSON.stringify and would fill
        // `token` from GITHUB_TOKEN when none is given.
        assert.equal(org.inputs.owner, "developer-friendly");
        assert.deepEqual(JSON.parse(String(org.inputs.appAuth)), { id: "123456", installationId: "7890123", pemFile: APP_PRIVATE_KEY });
        assert.ok(!("token" in org.inputs), `the org provider has a token input: ${JSON.stringify(Object.keys(org.inputs))}`);
        assert.deepEqual(org.secretPaths, ["appAuth"], "the PEM makes appAuth secret");
    });

    it("keeps the bot's provider a token provider", () => {
        const bot = one(app, "pulumi:providers:github", "github-bot");
        assert.equal(bot.inputs.owner, "developer-friendly-bot");
        assert.equal(bot.inputs.token, secretPlaceholder("flux-gitops:botGithubToken"));
        assert.equal(bot.inputs.appAuth, undefined);
        assert.deepEqual(bot.secretPaths, ["token"]);
    });

    it("makes no deploy key, no tls key and no deploy-key parameter, and stores no bot token for Flux", () => {
        assert.deepEqual(ofType(app, "github:index/repositoryDeployKey:RepositoryDeployKey"), []);
        assert.deepEqual(ofType(app, "tls:index/privateKey:PrivateKey"), []);
        const names = ofType(app, PARAMETER).map((p) => String(p.inputs.name));
        assert.ok(!names.includes("/github/echo-server/deploy-key"), names.join(", "));
        assert.ok(!names.includes("/github/bot-tokens/developer-friendly-bot"), "commit statuses are posted as the App");
        // The bot's own provider still registers its GPG key: an App cannot (github/docs
        // server-to-server-permissions.json, gpg_keys: "server-to-server": false).
        assert.equal(ofType(app, "github:index/userGpgKey:UserGpgKey").length, 1);
    });

    it("stores the App's private key in SSM as a SecureString, secret in the state", () => {
        const parameter = one(app, PARAMETER, "github-app-private-key");
        assert.deepEqual(parameter.inputs, {
            name: APP_KEY_PARAMETER,
            type: "SecureString",
            value: APP_PRIVATE_KEY,
            description: "Private key of GitHub App 123456: Flux reads and pushes as the App",
            tier: "Standard",
        });
        assert.deepEqual(parameter.secretPaths, ["value"]);
        // Nowhere else: no Kubernetes object and no other resource input holds the key.
        const line = APP_PRIVATE_KEY.split("\n")[2];
        const holders = app.resources.filter((r) => JSON.stringify(r.inputs).includes(line)).map((r) => `${r.type} ${r.name}`);
        assert.deepEqual(holders.sort(), ["aws:ssm/parameter:Parameter github-app-private-key", "pulumi:providers:github github-org"]);
    });

    it("follows the repository over https as the App, with a Secret of exactly the App's keys", () => {
        // source-controller v1.9.1 internal/controller/gitrepository_controller.go getAuthOpts:
        // provider github reads the App from secretRef; no serviceAccountName (the CRD's CEL rule).
        assert.deepEqual(object(app, "GitRepository", "echo-server", "echo-server").spec, {
            url: "https://github.com/developer-friendly/echo-server",
            provider: "github",
            ref: { branch: "main" },
            interval: "1m",
            timeout: "60s",
            secretRef: { name: "echo-server-github-app" },
        });
        // In the tenant's namespace, through its own SecretStore: the only way the key enters the cluster.
        const es = object(app, "ExternalSecret", "echo-server-github-app", "echo-server").spec;
        assert.deepEqual(es.secretStoreRef, { kind: "SecretStore", name: "parameters" });
        assert.deepEqual(es.data, [{ secretKey: "githubAppPrivateKey", remoteRef: { key: APP_KEY_PARAMETER } }]);
        // fluxcd/pkg runtime/v0.110.1 secrets/converter.go GitHubAppDataFromSecret: the ID, the key
        // and exactly one installation key; no token/password/address, which notification-controller
        // v1.9.3 would prefer to the App (github_helpers.go NewGitHubClient, event_handlers.go).
        assert.deepEqual(es.target.template.data, {
            githubAppID: "123456",
            githubAppInstallationID: "7890123",
            githubAppPrivateKey: "{{ .githubAppPrivateKey }}",
        });
        assert.equal(es.target.template.engineVersion, "v2");
    });

    it("pushes image updates through the same GitRepository and posts commit statuses as the App", () => {
        assert.deepEqual(object(app, "ImageUpdateAutomation", "echo-server", "echo-server").spec.sourceRef, { kind: "GitRepository", name: "echo-server" });
        const provider = object(app, "Provider", "echo-server-commit-status", "echo-server").spec;
        assert.equal(provider.type, "github");
        assert.equal(provider.address, "https://github.com/developer-friendly/echo-server");
        assert.deepEqual(provider.secretRef, { name: "echo-server-github-app" });
    });

    it("brings no deploy key, known_hosts or bot token into the cluster", () => {
        const secrets = kubernetesObjects(app)
            .filter((o) => o.kind === "ExternalSecret")
            .map((o) => (o.metadata as { name: string }).name)
            .sort();
        assert.deepEqual(secrets, [
            "echo-server-github-app",
            "echo-server-gpg-signing",
            "echo-server-image-receiver-token",
            "echo-server-receiver-token",
            "echo-server-registry",
            "flux",
        ]);
        assert.ok(!JSON.stringify(kubernetesObjects(app)).includes("known_hosts"));
    });

    it("grants the tenant's role the App key's parameter instead of the deploy key's, and the platform's none of them", () => {
        const arn = (name: string) => mockParameterArn(name, "eu-central-1");
        const grants = new Map(
            ofType(app, "aws:iam/rolePolicy:RolePolicy").map((r) => [r.name, JSON.parse(r.inputs.policy as string) as { Statement: { Resource: string[] }[] }]),
        );
        assert.deepEqual(grants.get("echo-server-tenant-secrets-access")?.Statement[0].Resource, [
            arn(APP_KEY_PARAMETER),
            arn("/github/echo-server/ghcr-token"),
            arn("/github/echo-server/image-receiver-token"),
            arn("/github/echo-server/receiver-token"),
            arn("/github/gpg-keys/developer-friendly-bot"),
        ]);
        // The platform reads the alert channels; with no platform application, nothing of the App.
        assert.deepEqual(grants.get("external-secrets-access")?.Statement[0].Resource, [
            arn("/flux-gitops/dev/discord-webhook-url"),
            arn("/flux-gitops/dev/slack-webhook-url"),
        ]);
        assert.deepEqual([...grants.keys()].sort(), ["echo-server-tenant-secrets-access", "external-secrets-access"]);
    });

    it("brings the App's key into each tenant's namespace through that tenant's own store, and into no other", async () => {
        const two = await evaluateStack("dev", { ...APP_MODE, additionalApps: JSON.stringify([{ repository: "billing", image: "ghcr.io/developer-friendly/billing" }]) });
        const appSecrets = ofType(two, "kubernetes:external-secrets.io/v1:ExternalSecret")
            .filter((r) => (r.inputs.spec as { data: { remoteRef: { key: string } }[] }).data.some((d) => d.remoteRef.key === APP_KEY_PARAMETER))
            .map((r) => {
                const metadata = r.inputs.metadata as { name: string; namespace: string };
                return [`${metadata.namespace}/${metadata.name}`, (r.inputs.spec as { secretStoreRef: unknown }).secretStoreRef];
            });
        assert.deepEqual(appSecrets.sort(), [
            ["billing/billing-github-app", { kind: "SecretStore", name: "parameters" }],
            ["echo-server/echo-server-github-app", { kind: "SecretStore", name: "parameters" }],
        ]);
    });

    describe("rotating the App's private key", () => {
        let original: Evaluation;
        let rotated: Evaluation;
        before(async () => {
            const two = { ...APP_MODE, additionalApps: JSON.stringify([{ repository: "billing", image: "ghcr.io/developer-friendly/billing" }]) };
            original = await evaluateStack("dev", two);
            rotated = await evaluateStack("dev", { ...two, githubAppPrivateKey: { secret: rsaPrivateKeyPem("pkcs1") } });
        });

        it("changes the inputs of exactly the key's parameter and the organisation's provider, the same resources otherwise", () => {
            const inputsByUrn = (e: Evaluation) => new Map(e.resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
            const before = inputsByUrn(original);
            const after = inputsByUrn(rotated);
            assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
            const changed = [...after].filter(([urn, inputs]) => before.get(urn) !== inputs).map(([urn]) => urn.split("::").slice(2).join("::"));
            assert.deepEqual(changed.sort(), [
                "flux-gitops:keys:StoredSecret$aws:ssm/parameter:Parameter::github-app-private-key",
                "pulumi:providers:github::github-org",
            ]);
        });

        it("updates both in place: neither a parameter's value nor a provider's PEM forces a replacement", () => {
            // terraform-provider-aws internal/service/ssm/parameter.go resourceParameter: only `name`
            // and `data_type` are ForceNew; a new value is a PutParameter with Overwrite, and
            // CustomizeDiff makes `version` unknown whenever `value` changes. pulumi-terraform-bridge
            // v3.137.0 (pulumi-github v6.15.0 provider/go.mod) pkg/tfbridge/provider.go configDiffer.DiffConfig
            // replaces a provider only for a config key marked ForcesProviderReplace, and
            // pulumi-github v6.15.0 provider/resources.go marks none.
            for (const e of [original, rotated]) {
                const parameter = one(e, "aws:ssm/parameter:Parameter", "github-app-private-key");
                const provider = one(e, "pulumi:providers:github", "github-org");
                for (const r of [parameter, provider]) assert.deepEqual(r.options.replaceOnChanges, [], r.name);
                assert.equal(parameter.options.replacementTrigger, undefined);
            }
        });

        it("re-syncs every tenant's App Secret in the same update: each pins the parameter's version output and waits for it", () => {
            const parameter = one(rotated, "aws:ssm/parameter:Parameter", "github-app-private-key");
            const readers = ofType(rotated, "kubernetes:external-secrets.io/v1:ExternalSecret").filter((r) =>
                (r.inputs.spec as { data: { remoteRef: { key: string } }[] }).data.some((d) => d.remoteRef.key === APP_KEY_PARAMETER),
            );
            assert.deepEqual(readers.map((r) => (r.inputs.metadata as { namespace: string }).namespace).sort(), ["billing", "echo-server"]);
            for (const reader of readers) {
                assertWaits(rotated, reader, parameter);
                // The version in the annotation is the parameter's output: a new version is a change
                // of the ExternalSecret, which External Secrets answers with a sync (see rotation.spec.ts).
                assert.match(String((reader.inputs.metadata as { annotations: Record<string, string> }).annotations[PARAMETER_VERSIONS_ANNOTATION]), new RegExp(`^${APP_KEY_PARAMETER}=[0-9]+$`));
            }
        });
    });
});
