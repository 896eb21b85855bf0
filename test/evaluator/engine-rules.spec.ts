import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import {
    DISABLE_DEFAULT_PROVIDERS,
    defaultProviderDenied,
    defaultProviderRefusal,
    duplicateUrnRefusals,
    needsProvider,
    tokenPackage,
} from "../../scripts/engine-rules";
import {
    DYNAMIC_RESOURCE,
    EngineRefusal,
    evaluateStack as evaluateAfresh,
    PROJECT_ROOT,
} from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";

const project = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
    config: Record<string, unknown>;
};
const denyList = project.config[DISABLE_DEFAULT_PROVIDERS] as string[];
const setting = JSON.stringify(denyList);

/** The provider packages among the dependencies: `pulumi.resource: true` in their package.json, by their Pulumi name. */
function providerPackages(): string[] {
    const { dependencies } = JSON.parse(
        fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"),
    ) as {
        dependencies: Record<string, string>;
    };
    return Object.keys(dependencies)
        .map(
            (name) =>
                JSON.parse(
                    fs.readFileSync(
                        path.join(PROJECT_ROOT, "node_modules", name, "package.json"),
                        "utf8",
                    ),
                ) as {
                    pulumi?: { resource?: boolean; name?: string };
                },
        )
        .filter((manifest) => manifest.pulumi?.resource === true)
        .map((manifest) => String(manifest.pulumi?.name))
        .sort();
}

// pulumi/pulumi v3.274.0 pkg/resource/deploy/default_providers.go, shouldDenyRequest.
describe("the engine's default-provider deny list", () => {
    it("always lets the package `pulumi` through, and denies nothing when the setting is unset or empty", () => {
        assert.equal(defaultProviderDenied('["*"]', "pulumi"), false);
        assert.equal(defaultProviderDenied(undefined, "aws"), false);
        assert.equal(defaultProviderDenied("", "aws"), false);
        assert.equal(defaultProviderDenied("[]", "aws"), false);
    });

    it('denies every other package with "*": the dynamic resources\' `pulumi-nodejs` too', () => {
        assert.equal(defaultProviderDenied('["*"]', "aws"), true);
        assert.equal(defaultProviderDenied('["*"]', "pulumi-nodejs"), true);
    });

    it("denies a listed package by its name, its entry trimmed, and no other", () => {
        assert.equal(defaultProviderDenied('[" aws "]', "aws"), true);
        assert.equal(defaultProviderDenied('["aws"]', "github"), false);
        assert.equal(defaultProviderDenied('["aws"]', "aws-native"), false);
    });

    it("fails the deployment on a setting it cannot read", () => {
        assert.throws(
            () => defaultProviderDenied('["aws"', "aws"),
            /^Error: Failed to parse \["aws"/,
        );
        assert.throws(
            () => defaultProviderDenied('["aws", 1]', "github"),
            /^Error: pulumi:disable-default-providers\[1\] must be a string$/,
        );
    });

    it("refuses in the engine's words (diag 2015), naming the URN or the invoke's token", () => {
        assert.equal(
            defaultProviderRefusal(
                '["*"]',
                DYNAMIC_RESOURCE,
                "urn:pulumi:dev::p::pulumi-nodejs:dynamic:Resource::k",
            ),
            "Default provider for 'pulumi-nodejs' disabled. 'urn:pulumi:dev::p::pulumi-nodejs:dynamic:Resource::k' must use an explicit provider.",
        );
        assert.equal(
            defaultProviderRefusal(
                '["github"]',
                "github:index/getSshKeys:getSshKeys",
                "github:index/getSshKeys:getSshKeys",
            ),
            "Default provider for 'github' disabled. 'github:index/getSshKeys:getSshKeys' must use an explicit provider.",
        );
        assert.equal(
            defaultProviderRefusal('["github"]', "aws:ssm/parameter:Parameter", "urn"),
            undefined,
        );
    });

    it("asks a provider only of custom resources that are not providers themselves", () => {
        assert.equal(needsProvider("aws:ssm/parameter:Parameter", true), true);
        assert.equal(needsProvider("pulumi:providers:aws", true), false);
        assert.equal(needsProvider("flux-gitops:keys:DeployKey", false), false);
        assert.equal(tokenPackage("kubernetes:helm.sh/v3:Release"), "kubernetes");
    });
});

describe("Pulumi.yaml's deny list", () => {
    it("names exactly the provider packages of package.json, so none can fall back to ambient credentials", () => {
        assert.deepEqual([...denyList].sort(), providerPackages());
        assert.deepEqual(providerPackages(), [
            "aws",
            "github",
            "kubernetes",
            "pulumiservice",
            "random",
            "tls",
        ]);
    });

    it("leaves the dynamic resources' package allowed: a dynamic resource cannot name a provider", () => {
        assert.equal(defaultProviderDenied(setting, tokenPackage(DYNAMIC_RESOURCE)), false);
    });

    for (const stack of ["dev", "prod"]) {
        it(`lets every registration and invoke of ${stack} through: each names its provider, or is a dynamic resource`, async () => {
            const evaluation = await evaluateStack(stack);
            const withoutProvider = evaluation.resources.filter(
                (r) => needsProvider(r.type, r.custom) && !r.provider,
            );
            assert.deepEqual([...new Set(withoutProvider.map((r) => r.type))], [DYNAMIC_RESOURCE]);
            assert.ok(evaluation.invokes.length > 0);
            for (const invoke of evaluation.invokes)
                assert.notEqual(invoke.provider, "", `${invoke.token} names its provider`);
        });
    }
});

describe("the offline evaluator applies the deny list as the engine does", () => {
    it('refuses the program under the old `["*"]`: the GPG key, a dynamic resource, has no provider to name', async () => {
        await assert.rejects(
            evaluateAfresh("dev", { [DISABLE_DEFAULT_PROVIDERS]: '["*"]' }),
            (e: unknown) => {
                assert.ok(e instanceof EngineRefusal);
                assert.deepEqual(e.refusals, [
                    "Default provider for 'pulumi-nodejs' disabled. " +
                        "'urn:pulumi:dev::flux-gitops::flux-gitops:keys:GpgSigningKey$pulumi-nodejs:dynamic:Resource::bot-gpg-key' " +
                        "must use an explicit provider.",
                ]);
                return true;
            },
        );
    });
});

// pulumi/pulumi v3.274.0 pkg/resource/deploy/step_generator.go generateURN; diag 2001.
describe("the engine refuses a second resource with a URN the deployment already has", () => {
    it("refuses each repeat in the engine's words, in order, and lets distinct URNs through", () => {
        const a = "urn:pulumi:dev::flux-gitops::kubernetes:core/v1:Namespace::echo";
        const b = "urn:pulumi:dev::flux-gitops::kubernetes:core/v1:Namespace::shop";
        assert.deepEqual(duplicateUrnRefusals([a, b]), []);
        assert.deepEqual(duplicateUrnRefusals([a, b, a, b, a]), [
            `Duplicate resource URN '${a}'; try giving it a unique name`,
            `Duplicate resource URN '${b}'; try giving it a unique name`,
            `Duplicate resource URN '${a}'; try giving it a unique name`,
        ]);
    });

    it("finds none in the stacks: each evaluation would be refused otherwise", async () => {
        for (const stack of ["dev", "prod"]) {
            const urns = (await evaluateStack(stack)).resources.map((r) => r.urn);
            assert.deepEqual(duplicateUrnRefusals(urns), [], stack);
            assert.ok(urns.length > 0 && urns.every((u) => u.startsWith(`urn:pulumi:${stack}::`)), stack);
        }
    });
});
