/**
 * FluxSecrets on its own (under Pulumi's mocks): which ExternalSecrets it makes for each way Flux
 * authenticates to GitHub and with a private registry, named for the Secret each creates.
 */
import { strict as assert } from "node:assert";
import { FluxSecrets, FluxSecretsArgs } from "../../../components/flux/flux-secrets";
import { fluxObjectNames } from "../../../components/flux/names";
import { record } from "../../helpers/record";
import { EXTERNAL_SECRET } from "../../helpers/types";

const names = fluxObjectNames("echo");
const ref = (name: string) => ({ name, version: 3 });
const args = (git: FluxSecretsArgs["git"], extra: Partial<FluxSecretsArgs>): FluxSecretsArgs => ({
    namespace: "echo",
    names,
    store: { kind: "SecretStore", name: "parameters" },
    refreshInterval: "1h",
    git,
    webhookTokenParameter: ref("/github/echo/receiver-token"),
    ...extra,
});
const DEPLOY_KEY = { deployKeyParameter: ref("/github/echo/deploy-key"), knownHosts: "github.com ssh-ed25519 AAAA" };
const BOT_TOKEN = { commitStatusTokenParameter: ref("/github/bot-tokens/bot") };

/** The Secrets the component says it makes, and the Pulumi names of the ExternalSecrets it registers. */
async function build(git: FluxSecretsArgs["git"], extra: Partial<FluxSecretsArgs> = BOT_TOKEN): Promise<{ secrets: string[]; resources: string[] }> {
    const built: { secrets?: FluxSecrets } = {};
    const registered = await record(() => {
        built.secrets = new FluxSecrets("echo-secrets", args(git, extra));
    });
    return {
        secrets: Object.keys(built.secrets!.externalSecrets).sort(),
        resources: registered.filter((r) => r.type === EXTERNAL_SECRET).map((r) => r.name).sort(),
    };
}

describe("FluxSecrets: the Secrets Flux reads, by how it authenticates to GitHub", () => {
    it("with the deploy key: the SSH Secret, and the bot token's Secret for commit statuses", async () => {
        const built = await build(DEPLOY_KEY);
        assert.deepEqual(built.secrets, [names.commitStatusSecret, names.gitSecret, names.receiverSecret].sort());
        assert.deepEqual(built.resources, ["echo-secrets-git-ssh", "echo-secrets-github-status-token", "echo-secrets-receiver-token"]);
    });

    it("with the deploy key and no bot token: no commit-status Secret", async () => {
        const built = await build(DEPLOY_KEY, {});
        assert.deepEqual(built.secrets, [names.gitSecret, names.receiverSecret].sort());
        assert.deepEqual(built.resources, ["echo-secrets-git-ssh", "echo-secrets-receiver-token"]);
    });

    it("with a private registry: Flux's registry Secret beside the others", async () => {
        const built = await build(DEPLOY_KEY, { registry: { host: "ghcr.io", username: "bot", tokenParameter: ref("/github/bot-tokens/ghcr") } });
        assert.deepEqual(built.secrets, [names.gitSecret, names.receiverSecret, names.registrySecret].sort());
        assert.deepEqual(built.resources, ["echo-secrets-git-ssh", "echo-secrets-receiver-token", "echo-secrets-registry"]);
    });

    it("as a GitHub App: the App's Secret serves both, so no token Secret even when a token is given", async () => {
        const built = await build({ githubApp: { id: "123456", installationId: "7890123", privateKeyParameter: ref("/flux-gitops/dev/github-app-private-key") } });
        assert.deepEqual(built.secrets, [names.githubAppSecret, names.receiverSecret].sort());
        assert.deepEqual(built.resources, ["echo-secrets-github-app", "echo-secrets-receiver-token"]);
    });
});
