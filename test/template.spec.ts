import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import * as YAML from "yaml";
import { SECRET_KEYS, UNDECLARED_SECRET_KEYS } from "../config";
import { configDeclarations, OPTIONAL_SECRETS, PROJECT_ROOT } from "../scripts/offline";

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
        assert.deepEqual(required.sort(), ["baseDomain", "botGithubToken"]);
        for (const key of required) assert.ok(key in templateConfig, `template asks for ${key}`);
    });

    it("neither declares nor asks for an optional secret: a declared secret is required, one with a default refused", () => {
        // pulumi/pulumi pkg/workspace/config.go @v3.274.0: a declared key without a default that the
        // stack does not set is "missing"; a default is merged in as plaintext, which
        // validateStackConfigValue refuses for a secret ("must be encrypted as it's secret").
        for (const key of UNDECLARED_SECRET_KEYS) {
            assert.ok((SECRET_KEYS as readonly string[]).includes(key), `${key} is a secret the program reads`);
            assert.equal(declarations[key], undefined, `${key} is not declared`);
            assert.ok(!(key in templateConfig), `${key} is not asked for`);
        }
        // What the offline render stands in as if set are optional secrets of the program.
        for (const key of OPTIONAL_SECRETS) assert.ok((UNDECLARED_SECRET_KEYS as readonly string[]).includes(key), key);
    });

    it("asks for what makes the stack the new user's: owner, bot, repository, image, domain, cluster and region", () => {
        for (const key of ["owner", "botUser", "botEmail", "repository", "image", "baseDomain", "kubeContext", "aws:region"]) {
            assert.ok(key in templateConfig, `template asks for ${key}`);
        }
        // No default that would quietly deploy against the recipe's own organisation.
        for (const key of ["owner", "botUser", "botEmail", "repository", "image"]) assert.equal(templateConfig[key].default, undefined, key);
    });

    it("describes every value it asks for, and asks for the secrets as secrets", () => {
        assert.ok(project.template.description.length > 0);
        for (const [key, value] of Object.entries(templateConfig)) {
            assert.ok(value.description && value.description.length > 10, `${key} has a description`);
            // Bare keys belong to the project (pkg/cmd/pulumi/project/newcmd/config.go), so each names a declared key.
            assert.ok(key in declarations, `${key} is declared in config`);
            assert.equal(value.secret === true, declarations[key].secret === true, `${key} secret as declared`);
        }
    });

    it("disables default providers for every package", () => {
        assert.deepEqual(project.config["pulumi:disable-default-providers"], ["*"]);
    });
});
