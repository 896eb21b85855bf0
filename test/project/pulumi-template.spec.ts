import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import * as YAML from "yaml";
import * as os from "node:os";
import { ConfigError, SECRET_KEYS, UNDECLARED_SECRET_KEYS } from "../../config";
import {
    configDeclarations,
    Evaluation,
    evaluateProgram,
    OPTIONAL_SECRETS,
    PROJECT_ROOT,
    readStackConfig,
    StackConfigValues,
} from "../../scripts/offline";

interface TemplateValue {
    description?: string;
    default?: unknown;
    secret?: boolean;
}
const project = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
    config: Record<string, unknown>;
    template: { description: string; config: Record<string, TemplateValue> };
};
const declarations = configDeclarations(project);
const templateConfig = project.template.config;

/**
 * The parts of the schema the CLI validates Pulumi.yaml with that this file uses: `template`
 * (ProjectTemplate) and the config declarations (ConfigTypeDeclaration), restated from
 * pulumi/pulumi sdk/go/common/workspace/project.json, last changed in pkg/v3.255.0 (280839534c).
 */
const PROJECT_SCHEMA = {
    type: "object",
    required: ["name", "runtime"],
    properties: {
        name: { type: "string", minLength: 1 },
        template: {
            type: ["object", "null"],
            additionalProperties: false,
            properties: {
                displayName: { type: ["string", "null"] },
                description: { type: ["string", "null"] },
                quickstart: { type: ["string", "null"] },
                important: { type: ["boolean", "null"] },
                metadata: { type: ["object", "null"], additionalProperties: { type: "string" } },
                config: {
                    type: ["object", "null"],
                    additionalProperties: {
                        properties: { description: { type: ["string", "null"] }, default: {}, secret: { type: ["boolean", "null"] } },
                    },
                },
            },
        },
        config: {
            type: "object",
            additionalProperties: {
                // A bare value (a default), or a declaration.
                oneOf: [
                    { not: { type: "object" } },
                    {
                        type: "object",
                        additionalProperties: false,
                        properties: {
                            type: { enum: ["string", "integer", "boolean", "array", "object"] },
                            items: { type: "object" },
                            description: { type: "string" },
                            secret: { type: "boolean" },
                            default: {},
                            value: {},
                        },
                    },
                ],
            },
        },
    },
} as const;

describe("Pulumi.yaml as a `pulumi new` template", () => {
    it("is a valid Pulumi project file", () => {
        const validate = new Ajv2020({ strict: false, allErrors: true }).compile(PROJECT_SCHEMA);
        assert.ok(validate(project), JSON.stringify(validate.errors, null, 2));
        assert.ok(!validate({ ...project, template: { ...project.template, prompt: "x" } }), "an unknown template field is refused");
    });

    it("asks for every key a stack must set: each declared key without a default", () => {
        const required = Object.entries(declarations)
            .filter(([, d]) => d.type !== undefined && d.default === undefined)
            .map(([k]) => k);
        assert.deepEqual(required.sort(), ["baseDomain", "botEmail", "botGithubToken", "botUser", "image", "owner", "repository"]);
        for (const key of required) assert.ok(key in templateConfig, `template asks for ${key}`);
    });

    it("declares no optional secret, and asks only for the one the default stack needs (registryToken, for a private ghcr.io image)", () => {
        // pulumi/pulumi pkg/workspace/config.go @v3.274.0: a declared key without a default that the
        // stack does not set is "missing"; a default is merged in as plaintext, which
        // validateStackConfigValue refuses for a secret ("must be encrypted as it's secret").
        // A prompt needs no declaration: newcmd's resolveTemplateConfig (pkg/cmd/pulumi/project/newcmd/config.go)
        // stores each answer under the project's name, encrypted when the prompt says secret.
        for (const key of UNDECLARED_SECRET_KEYS) {
            assert.ok(SECRET_KEYS.includes(key), `${key} is a secret the program reads`);
            assert.equal(declarations[key], undefined, `${key} is not declared`);
            assert.equal(key in templateConfig, key === "registryToken", `${key} is asked for only if the default stack needs it`);
        }
        assert.equal(templateConfig.registryToken.secret, true);
        // What the offline render stands in as if set are optional secrets of the program.
        for (const key of OPTIONAL_SECRETS) assert.ok(UNDECLARED_SECRET_KEYS.includes(key), key);
    });

    it("asks for what makes the stack the new user's: owner, bot, repository, image, domain, cluster, its OIDC provider and region", () => {
        for (const key of ["owner", "botUser", "botEmail", "repository", "image", "baseDomain", "kubeContext", "eksOidcProviderArn", "aws:region"]) {
            assert.ok(key in templateConfig, `template asks for ${key}`);
        }
        // IRSA is the default (each tenant reads through a role of its own): the cluster's name,
        // which only Pod Identity needs, is not asked for.
        assert.equal(declarations.externalSecretsAuth.default, "irsa");
        assert.ok(!("eksClusterName" in templateConfig), "the template does not ask for eksClusterName");
        // No default that would quietly deploy against the recipe's own organisation.
        for (const key of ["owner", "botUser", "botEmail", "repository", "image"]) assert.equal(templateConfig[key].default, undefined, key);
    });

    it("describes every value it asks for, and asks for the secrets as secrets", () => {
        assert.ok(project.template.description.length > 0);
        for (const [key, value] of Object.entries(templateConfig)) {
            assert.ok(value.description && value.description.length > 10, `${key} has a description`);
            // Bare keys belong to the project (pkg/cmd/pulumi/project/newcmd/config.go), so each names a
            // declared key, or a secret the program reads undeclared (then asked for as a secret).
            if (key in declarations) assert.equal(value.secret === true, declarations[key].secret === true, `${key} secret as declared`);
            else assert.ok(UNDECLARED_SECRET_KEYS.includes(key) && value.secret === true, `${key} is read by the program`);
        }
    });

    it("disables the default provider of every provider package by name (test/evaluator/engine-rules.spec.ts holds the list)", () => {
        assert.deepEqual(project.config["pulumi:disable-default-providers"], ["aws", "github", "kubernetes", "pulumiservice", "random", "tls"]);
    });
});

/**
 * What a new user answers to each prompt of `pulumi new`: none of it the recipe's. A prompt added
 * to the template without an answer here fails the test below, naming it.
 */
const ANSWERS: Record<string, string> = {
    owner: "acme",
    repository: "storefront",
    image: "ghcr.io/acme/storefront",
    botUser: "acme-release-bot",
    botEmail: "release-bot@acme.example",
    baseDomain: "apps.acme.example",
    kubeContext: "acme-staging",
    eksOidcProviderArn: "arn:aws:iam::210987654321:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9",
    botGithubToken: "ghp_acme_bot",
    registryToken: "ghp_acme_registry",
};

/** What identifies the recipe this project replaces; none of it may reach a new user's stack. */
const RECIPE_IDENTITY = /developer-friendly|echo-server|Developer Friendly/i;

/**
 * A project made by `pulumi new` under the name the user gave, with a stack file holding only the
 * prompts' answers (a prompt's default where it has one), as newcmd writes them: bare keys under the
 * project's name, secrets as `secure:` values (pulumi/pulumi pkg/cmd/pulumi/project/newcmd/config.go).
 */
function newProject(name: string, stack: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-new-"));
    const projectFile = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8").replace(/^name: flux-gitops$/m, `name: ${name}`);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectFile);
    const config: Record<string, unknown> = {};
    for (const [key, prompt] of Object.entries(templateConfig)) {
        const answer = ANSWERS[key] ?? prompt.default;
        assert.ok(answer !== undefined, `the template asks for ${key}, which has no answer in ANSWERS`);
        const full = key.includes(":") ? key : `${name}:${key}`;
        config[full] = prompt.secret ? { secure: `v1:${Buffer.from(String(answer)).toString("base64")}` } : answer;
    }
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify({ config }));
    return dir;
}

/** The config with only what the stack file sets: without the optional secrets the offline render stands in. */
function exactlyTheStackFile(config: StackConfigValues): StackConfigValues {
    const optional = new Set(config.optionalPlaceholders ?? []);
    return {
        ...config,
        values: Object.fromEntries(Object.entries(config.values).filter(([k]) => !optional.has(k))),
        secretKeys: config.secretKeys.filter((k) => !optional.has(k)),
        optionalPlaceholders: [],
    };
}

describe("a stack made by `pulumi new` from the prompts alone", () => {
    let dir: string;
    let evaluation: Evaluation;
    before(async () => {
        dir = newProject("acme-delivery", "staging");
        evaluation = await evaluateProgram("staging", exactlyTheStackFile(readStackConfig("staging", dir)));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("evaluates: every key a stack must set is a prompt", () => {
        assert.ok(evaluation.resources.length > 50);
        assert.ok(evaluation.resources.every((r) => r.urn.startsWith("urn:pulumi:staging::acme-delivery::")));
    });

    it("reads its keys under the project's own name", () => {
        const repo = evaluation.resources.find((r) => r.type === "github:index/repositoryDeployKey:RepositoryDeployKey");
        assert.equal(repo?.inputs.repository, "storefront");
        const gpg = evaluation.resources.find((r) => r.type === "pulumi-nodejs:dynamic:Resource");
        assert.deepEqual([gpg?.inputs.name, gpg?.inputs.email], ["acme-release-bot", "release-bot@acme.example"], "botName defaults to botUser");
    });

    it("holds nothing of the recipe's identity", () => {
        const found = evaluation.resources.filter((r) => RECIPE_IDENTITY.test(JSON.stringify(r.inputs)));
        assert.deepEqual(found.map((r) => `${r.type} ${r.name}`), []);
        assert.doesNotMatch(JSON.stringify(evaluation.outputs), RECIPE_IDENTITY);
    });

    it("names each missing key under the project's name when a stack lacks them", async () => {
        const config = exactlyTheStackFile(readStackConfig("staging", dir));
        const values = { ...config.values };
        for (const key of ["owner", "repository", "image", "botUser", "botEmail"]) delete values[`acme-delivery:${key}`];
        await assert.rejects(evaluateProgram("staging", { ...config, values }), (e: unknown) => {
            // The evaluation loads the program afresh, so its ConfigError is not this module's class.
            assert.equal((e as Error).name, "ConfigError");
            const { problems } = e as ConfigError;
            assert.deepEqual(
                problems.map((p) => p.split(" ")[0]),
                ["acme-delivery:owner", "acme-delivery:botUser", "acme-delivery:botEmail", "acme-delivery:repository", "acme-delivery:image"],
                (e as Error).message,
            );
            for (const p of problems) assert.match(p, / is required \(.+\); set it with `pulumi config set \w+ <value>`$/);
            return true;
        });
    });
});
