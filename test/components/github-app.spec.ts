import { strict as assert } from "node:assert";
import { Evaluation, secretPlaceholder } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { APP_MODE, APP_PRIVATE_KEY } from "../helpers/github-app";
import { one } from "../helpers/resources";

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
});
