/**
 * The GitHub App mode policies (policy/github.ts): App mode read from the stack, a violating and a
 * passing stack each, exact messages, the bot's GPG-key provider as the one token provider allowed.
 */
import { strict as assert } from "node:assert";
import { githubAppHttpsGit, githubAppNoDeployKey, githubAppNoToken, inGithubAppMode } from "../github";
import { FakeResource, k8s, runStackPolicy, urnOf } from "./harness";

const PROVIDER = "pulumi:providers:github";
const appAuth = JSON.stringify({ id: "1", installationId: "2", pemFile: "-----BEGIN RSA PRIVATE KEY-----" });
const org = (props: Record<string, unknown>): FakeResource => ({ type: PROVIDER, name: "github-org", props: { owner: "org", ...props } });
const bot: FakeResource = { type: PROVIDER, name: "github-bot", props: { owner: "bot", token: "ghp_bot" } };
const gpgKey: FakeResource = { type: "github:index/userGpgKey:UserGpgKey", name: "bot-gpg", props: {}, providerUrn: urnOf(bot) };
const webhook = (provider: FakeResource): FakeResource => ({
    type: "github:index/repositoryWebhook:RepositoryWebhook",
    name: "app-receiver",
    props: {},
    providerUrn: urnOf(provider),
});
const deployKey: FakeResource = { type: "github:index/repositoryDeployKey:RepositoryDeployKey", name: "app-deploy-key", props: { readOnly: true } };
const gitRepository = (url: string) => k8s("source.toolkit.fluxcd.io/v1", "GitRepository", "app", { url, secretRef: { name: "app" } });
const messages = async (policy: ReturnType<typeof githubAppNoToken>, resources: FakeResource[]) =>
    (await runStackPolicy(policy, resources)).map((v) => v.message);

describe("GitHub App mode, as the stack shows it", () => {
    it("is App mode when a GitHub provider has appAuth, as JSON or as an object", () => {
        assert.equal(inGithubAppMode([{ ...org({ appAuth }), urn: "u" }]), true);
        assert.equal(inGithubAppMode([{ ...org({ appAuth: { id: "1" } }), urn: "u" }]), true);
        assert.equal(inGithubAppMode([{ ...org({ token: "ghp_x" }), urn: "u" }]), false);
        assert.equal(inGithubAppMode([{ ...org({ appAuth: "" }), urn: "u" }]), false);
        // Blank or null is unset, as the provider reads it.
        assert.equal(inGithubAppMode([{ ...org({ appAuth: "  " }), urn: "u" }]), false);
        assert.equal(inGithubAppMode([{ ...org({ appAuth: null }), urn: "u" }]), false);
        assert.equal(inGithubAppMode([{ type: "pulumi:providers:aws", name: "aws", urn: "u", props: { appAuth } }]), false);
    });
});

describe("github-app-no-token: in App mode only the bot's GPG-key provider has a token", () => {
    const policy = githubAppNoToken();

    it("refuses the organisation provider with a token beside appAuth (GITHUB_TOKEN filled in by the SDK)", async () => {
        const provider = org({ appAuth, token: "ghp_from_env" });
        assert.deepEqual(await runStackPolicy(policy, [provider, webhook(provider), bot, gpgKey]), [
            {
                message:
                    'GitHub provider "github-org" is configured with a token in GitHub App mode: authenticate it as the App (appAuth) and unset its token (GITHUB_TOKEN included).',
                urn: urnOf(provider),
            },
        ]);
    });

    it("refuses a second provider with a token that manages more than GPG keys, or nothing", async () => {
        const other: FakeResource = { type: PROVIDER, name: "github-other", props: { token: "ghp_x" } };
        const provider = org({ appAuth });
        assert.equal((await messages(policy, [provider, other, webhook(other), bot, gpgKey])).length, 1);
        assert.equal((await messages(policy, [provider, other, bot, gpgKey])).length, 1, "a token provider that manages nothing yet");
        const mixed = { ...gpgKey, name: "other-gpg", providerUrn: urnOf(other) };
        assert.equal((await messages(policy, [provider, other, mixed, webhook(other)])).length, 1);
    });

    it("passes the App provider without a token and the bot's provider that only registers its GPG key", async () => {
        const provider = org({ appAuth });
        assert.deepEqual(await messages(policy, [provider, webhook(provider), bot, gpgKey]), []);
    });

    it("judges providers only: another resource's token input is not a provider's", async () => {
        const provider = org({ appAuth });
        const secret: FakeResource = { type: "kubernetes:core/v1:Secret", name: "app-token", props: { token: "ghp_x" } };
        assert.deepEqual(await messages(policy, [provider, webhook(provider), bot, gpgKey, secret]), []);
    });

    it("judges nothing in PAT mode", async () => {
        const provider = org({ token: "ghp_org" });
        assert.deepEqual(await messages(policy, [provider, webhook(provider), bot, gpgKey]), []);
    });
});

describe("github-app-no-deploy-key: in App mode no deploy key exists", () => {
    const policy = githubAppNoDeployKey();

    it("refuses a deploy key in App mode", async () => {
        assert.deepEqual(await runStackPolicy(policy, [org({ appAuth }), deployKey]), [
            {
                message: 'Deploy key "app-deploy-key" is registered in GitHub App mode: Flux authenticates as the App, so no deploy key should exist.',
                urn: urnOf(deployKey),
            },
        ]);
    });

    it("passes App mode without deploy keys, and PAT mode with one", async () => {
        assert.deepEqual(await messages(policy, [org({ appAuth }), bot, gpgKey]), []);
        assert.deepEqual(await messages(policy, [org({ token: "ghp_org" }), deployKey]), []);
    });
});

describe("github-app-https-git: in App mode no GitRepository reads over SSH", () => {
    const policy = githubAppHttpsGit();

    it("refuses an ssh:// GitRepository in App mode, naming it by metadata.name", async () => {
        const repo = gitRepository("ssh://git@github.com/org/app");
        assert.deepEqual(await runStackPolicy(policy, [org({ appAuth }), repo]), [
            {
                message:
                    'GitRepository "app" reads over SSH in GitHub App mode: use https://github.com/<owner>/<repo> with provider: github and the App\'s Secret.',
                urn: urnOf(repo),
            },
        ]);
        assert.equal((await messages(policy, [org({ appAuth }), gitRepository("SSH://git@github.com/org/app")])).length, 1);
    });

    it("judges GitRepositories only, and one without a spec or a URL as not over SSH", async () => {
        const bucket = k8s("source.toolkit.fluxcd.io/v1", "Bucket", "app", { url: "ssh://git@github.com/org/app" });
        const bare: FakeResource = { type: "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository", name: "bare", props: {} };
        const unknownUrl = k8s("source.toolkit.fluxcd.io/v1", "GitRepository", "later", { secretRef: { name: "app" } });
        assert.deepEqual(await messages(policy, [org({ appAuth }), bucket, bare, unknownUrl]), []);
    });

    it("passes https in App mode, and ssh in PAT mode", async () => {
        assert.deepEqual(await messages(policy, [org({ appAuth }), gitRepository("https://github.com/org/app")]), []);
        assert.deepEqual(await messages(policy, [org({ token: "ghp_org" }), gitRepository("ssh://git@github.com/org/app")]), []);
    });
});
