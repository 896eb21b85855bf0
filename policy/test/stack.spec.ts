/**
 * The pack against the program: every policy runs over what the real `dev` stack registers
 * (evaluated under mocks), so the pack and the program cannot drift apart. Each policy is also run
 * over a copy of the stack with one real resource broken, which proves it looks at what the program
 * actually emits rather than passing vacuously.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { Evaluation } from "../../scripts/offline";
import { RENDER_VARIANTS } from "../../scripts/render";
import { evaluateStack } from "../../test/helpers/evaluations";
import { APP_MODE } from "../../test/helpers/github-app";
import { matchesPath, outputPaths, plaintextSecretOutputs } from "../keys";
import { readableBy } from "../iam";
import { DEFAULTS, policies } from "../policies";
import { SSM_READ_ACTIONS, tenantParameters } from "../tenancy";
import { FakeResource, isStackPolicy, runResourcePolicy, runStackPolicy } from "./harness";

type Mutable = FakeResource & { props: Record<string, any> };

function stackResources(evaluation: Evaluation): Mutable[] {
    const resources: Mutable[] = evaluation.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: structuredClone(r.inputs) as Record<string, any>,
        // A recorded provider reference is `<provider urn>::<id>`.
        providerUrn: r.provider?.split("::").slice(0, -1).join("::"),
    }));
    // The mocks do not register the root Stack resource; CrossGuard hands its outputs to stack policies.
    resources.push({
        type: "pulumi:pulumi:Stack",
        name: `flux-gitops-${evaluation.stack}`,
        urn: `urn:pulumi:${evaluation.stack}::flux-gitops::pulumi:pulumi:Stack::flux-gitops-${evaluation.stack}`,
        props: structuredClone(evaluation.outputs) as Record<string, any>,
    });
    return resources;
}

async function violations(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    resources: readonly FakeResource[],
    config: Record<string, unknown> = {},
): Promise<string[]> {
    if (isStackPolicy(policy)) return (await runStackPolicy(policy, resources, config)).map((v) => v.message);
    const all: string[] = [];
    for (const r of resources) all.push(...(await runResourcePolicy(policy, r, config)));
    return all;
}

function only(resources: Mutable[], type: string, predicate: (r: Mutable) => boolean = () => true): Mutable {
    const found = resources.filter((r) => r.type === type && predicate(r));
    assert.equal(found.length, 1, `exactly one ${type} expected, found ${found.length}`);
    return found[0];
}

function all(resources: Mutable[], type: string): Mutable[] {
    const found = resources.filter((r) => r.type === type);
    assert.ok(found.length > 0, `the stack has no ${type}`);
    return found;
}

/** The GitHub App mode policies: how to break the dev stack in App mode, and how many violations that must give. */
const APP_BREAKAGES: Record<string, (resources: Mutable[]) => number> = {
    "github-app-no-token": (rs) => {
        // As @pulumi/github's provider.js would leave it with GITHUB_TOKEN exported.
        only(rs, "pulumi:providers:github", (r) => r.name === "github-org").props.token = "ghp_from_the_environment";
        return 1;
    },
    "github-app-no-deploy-key": (rs) => {
        rs.push({ type: "github:index/repositoryDeployKey:RepositoryDeployKey", name: "echo-server-deploy-key", urn: "urn:deploy-key", props: { readOnly: true } });
        return 1;
    },
    "github-app-https-git": (rs) => {
        only(rs, "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository").props.spec.url = "ssh://git@github.com/developer-friendly/echo-server";
        return 1;
    },
};

/** The `dev-apps` render: three tenants (echo-server, billing, search) and one platform application (docs). */
const TENANTS_VARIANT = "dev-apps";

/** Reads, changes and writes back the policy JSON of an aws.iam.RolePolicy. */
function editPolicy(r: Mutable, edit: (statement: { Resource: string[] }) => void): void {
    const document = JSON.parse(r.props.policy as string) as { Statement: { Resource: string[] }[] };
    edit(document.Statement[0]);
    r.props.policy = JSON.stringify(document);
}

/**
 * The tenancy policies: how to break the dev-apps render (several tenants, so that one can reach
 * another) once, and how many violations that must give.
 */
const TENANCY_BREAKAGES: Record<string, (resources: Mutable[]) => number> = {
    "tenant-kustomization-service-account": (rs) => {
        const kustomization = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
        delete only(rs, kustomization, (r) => r.props.metadata.namespace === "billing").props.spec.serviceAccountName;
        // The platform's, in flux-system: with the FluxInstance's lockdown it would run as the default account.
        delete only(rs, kustomization, (r) => r.props.metadata.name === "docs").props.spec.serviceAccountName;
        return 2;
    },
    "tenant-no-cluster-role-binding": (rs) => {
        // billing's reconciler binding, made cluster-wide.
        const binding = only(rs, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", (r) => r.props.metadata.namespace === "billing");
        rs[rs.indexOf(binding)] = {
            ...binding,
            type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            props: { ...binding.props, kind: "ClusterRoleBinding", metadata: { ...binding.props.metadata, namespace: undefined } },
        };
        return 1;
    },
    "cluster-secret-store-conditions": (rs) => {
        delete only(rs, "kubernetes:external-secrets.io/v1:ClusterSecretStore").props.spec.conditions;
        return 1;
    },
    "tenant-parameters-isolated": (rs) => {
        const policyOf = (tenant: string) => only(rs, "aws:iam/rolePolicy:RolePolicy", (r) => r.name === `${tenant}-tenant-secrets-access`);
        // billing's role also lists search's deploy key; echo-server's reads a wildcard over every repository.
        editPolicy(policyOf("billing"), (s) => s.Resource.push(s.Resource.find((arn) => arn.endsWith("/github/billing/deploy-key"))!.replace("/billing/", "/search/")));
        editPolicy(policyOf("echo-server"), (s) => (s.Resource = ["arn:aws:ssm:eu-central-1:123456789012:parameter/github/*"]));
        return 2;
    },
    "tenant-no-cross-namespace-refs": (rs) => {
        only(rs, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", (r) => r.props.metadata.namespace === "billing").props.spec.sourceRef.namespace = "flux-system";
        only(rs, "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy", (r) => r.props.metadata.namespace === "search").props.spec.imageRepositoryRef.namespace = "billing";
        const secret = rs.find((r) => r.type === "kubernetes:external-secrets.io/v1:ExternalSecret" && r.props.metadata.namespace === "echo-server");
        assert.ok(secret, "echo-server has an ExternalSecret");
        secret.props.spec.secretStoreRef = { kind: "ClusterSecretStore", name: "aws-parameter-store" };
        return 3;
    },
};

/** For each policy: how to break the dev stack once, and how many violations that must give. */
const BREAKAGES: Record<string, (resources: Mutable[]) => number> = {
    "ssm-secure-string": (rs) => {
        only(rs, "aws:ssm/parameter:Parameter", (r) => r.props.name === "/github/echo-server/deploy-key").props.type = "String";
        return 1;
    },
    "github-webhook-tls": (rs) => {
        only(rs, "github:index/repositoryWebhook:RepositoryWebhook", (r) => r.name === "echo-server-receiver").props.configuration.insecureSsl = true;
        return 1;
    },
    "github-webhook-events": (rs) => {
        only(rs, "github:index/repositoryWebhook:RepositoryWebhook", (r) => r.name === "echo-server-receiver").props.events.push("pull_request");
        return 1;
    },
    "deploy-key-least-privilege": (rs) => {
        assert.equal(only(rs, "github:index/repositoryDeployKey:RepositoryDeployKey").props.readOnly, false);
        const automation = all(rs, "kubernetes:image.toolkit.fluxcd.io/v1:ImageUpdateAutomation");
        for (const r of automation) rs.splice(rs.indexOf(r), 1);
        return 1;
    },
    "key-strength": (rs) => {
        Object.assign(only(rs, "tls:index/privateKey:PrivateKey").props, { algorithm: "RSA", rsaBits: 2048 });
        only(rs, "pulumi-nodejs:dynamic:Resource").props.algorithm = "rsa2048";
        return 2;
    },
    "flux-api-current": (rs) => {
        const imagePolicy = only(rs, "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy");
        rs[rs.indexOf(imagePolicy)] = { ...imagePolicy, type: "kubernetes:image.toolkit.fluxcd.io/v1beta2:ImagePolicy" };
        const externalSecrets = all(rs, "kubernetes:external-secrets.io/v1:ExternalSecret");
        rs[rs.indexOf(externalSecrets[0])] = { ...externalSecrets[0], type: "kubernetes:external-secrets.io/v1beta1:ExternalSecret" };
        return 2;
    },
    "image-policy-filtered": (rs) => {
        delete only(rs, "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy").props.spec.filterTags;
        return 1;
    },
    "image-automation-signed": (rs) => {
        delete only(rs, "kubernetes:image.toolkit.fluxcd.io/v1:ImageUpdateAutomation").props.spec.git.commit.signingKey;
        return 1;
    },
    "receiver-authenticated": (rs) => {
        delete only(rs, "kubernetes:notification.toolkit.fluxcd.io/v1:Receiver", (r) => r.props.metadata.name === "echo-server").props.spec.secretRef;
        return 1;
    },
    "httproute-hsts": (rs) => {
        const routes = all(rs, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
        for (const route of routes) for (const rule of route.props.spec.rules) rule.filters = [];
        return routes.length;
    },
    "kustomization-prune": (rs) => {
        only(rs, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization").props.spec.prune = false;
        return 1;
    },
    "helm-chart-pinned": (rs) => {
        only(rs, "kubernetes:helm.sh/v3:Release", (r) => r.name === "monitoring").props.version = "^82.0.0";
        return 1;
    },
    "no-plaintext-secret-outputs": (rs) => {
        only(rs, "pulumi:pulumi:Stack").props.botGithubToken = "plain";
        return 1;
    },
};

describe("the policy pack over the dev stack", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });

    for (const stack of ["dev", "prod"]) {
        it(`reports no violation of any policy, mandatory or advisory, on the ${stack} stack`, async () => {
            const resources = stackResources(stack === "dev" ? dev : await evaluateStack(stack));
            const found: Record<string, string[]> = {};
            for (const policy of policies()) found[policy.name] = await violations(policy, resources);
            assert.deepEqual(found, Object.fromEntries(policies().map((p) => [p.name, []])));
        });
    }

    for (const policy of policies().filter((p) => p.name in BREAKAGES)) {
        it(`catches ${policy.name} when one of the stack's own resources is broken`, async () => {
            const resources = stackResources(dev);
            const expected = BREAKAGES[policy.name](resources);
            const found = await violations(policy, resources);
            assert.equal(found.length, expected, found.join("\n"));
        });
    }

    it("covers every policy with a breakage", () => {
        assert.deepEqual(
            [...Object.keys(BREAKAGES), ...Object.keys(APP_BREAKAGES), ...Object.keys(TENANCY_BREAKAGES)].sort(),
            policies().map((p) => p.name).sort(),
        );
    });

    describe("over every render variant (scripts/render.ts RENDER_VARIANTS)", () => {
        for (const variant of RENDER_VARIANTS) {
            it(`reports no violation of any policy on ${variant.name}: ${variant.description}`, async () => {
                const resources = stackResources(await evaluateStack(variant.stack, { ...variant.overrides }));
                const found: Record<string, string[]> = {};
                for (const policy of policies()) found[policy.name] = await violations(policy, resources);
                assert.deepEqual(found, Object.fromEntries(policies().map((p) => [p.name, []])));
            });
        }
    });

    describe(`with several tenants (the ${TENANTS_VARIANT} render)`, () => {
        let tenants: Evaluation;
        before(async () => {
            const variant = RENDER_VARIANTS.find((v) => v.name === TENANTS_VARIANT);
            assert.ok(variant, `scripts/render.ts has no ${TENANTS_VARIANT} variant`);
            tenants = await evaluateStack(variant.stack, { ...variant.overrides });
        });

        it("renders three tenants whose roles each may read exactly their own tagged parameters (iam.ts)", () => {
            const resources = stackResources(tenants);
            const tenantOf = tenantParameters(resources);
            assert.deepEqual([...new Set(tenantOf.values())].sort(), ["billing", "echo-server", "search"]);
            for (const tenant of ["billing", "echo-server", "search"]) {
                const policy = only(resources, "aws:iam/rolePolicy:RolePolicy", (r) => r.name === `${tenant}-tenant-secrets-access`);
                const readable = readableBy(policy.props.policy as string, [...tenantOf.keys()], SSM_READ_ACTIONS);
                assert.deepEqual(
                    readable.sort(),
                    [...tenantOf].filter(([, t]) => t === tenant).map(([arn]) => arn).sort(),
                    tenant,
                );
                assert.ok(readable.length >= 2, `${tenant} reads its deploy key and webhook tokens`);
            }
        });

        for (const policy of policies().filter((p) => p.name in TENANCY_BREAKAGES)) {
            it(`catches ${policy.name} when the render's own resources are broken`, async () => {
                const resources = stackResources(tenants);
                assert.deepEqual(await violations(policy, resources), [], "the render itself passes");
                const expected = TENANCY_BREAKAGES[policy.name](resources);
                const found = await violations(policy, resources);
                assert.equal(found.length, expected, found.join("\n"));
            });
        }
    });

    describe("in GitHub App mode", () => {
        let app: Evaluation;
        before(async () => {
            app = await evaluateStack("dev", APP_MODE);
        });

        it("reports no violation of any policy on the dev stack in App mode", async () => {
            const resources = stackResources(app);
            const found: Record<string, string[]> = {};
            for (const policy of policies()) found[policy.name] = await violations(policy, resources);
            assert.deepEqual(found, Object.fromEntries(policies().map((p) => [p.name, []])));
        });

        for (const policy of policies().filter((p) => p.name in APP_BREAKAGES)) {
            it(`catches ${policy.name} when one of the App-mode stack's own resources is broken`, async () => {
                const resources = stackResources(app);
                const expected = APP_BREAKAGES[policy.name](resources);
                const found = await violations(policy, resources);
                assert.equal(found.length, expected, found.join("\n"));
            });
        }
    });

    it("exports every output named like a key, token or password as a real secret", () => {
        // A path is secret when it is a secret Output or lies inside one.
        const isSecret = (path: string) => dev.secretOutputPaths.some((secretPath) => matchesPath(secretPath, path));
        assert.deepEqual(plaintextSecretOutputs(dev.outputs, isSecret), []);
        // And the pack's declared secret outputs are secret in the program, not only in config.
        const declared = outputPaths(dev.outputs).filter((path) =>
            DEFAULTS["no-plaintext-secret-outputs"].secretOutputs.some((pattern) => matchesPath(pattern, path)),
        );
        assert.deepEqual(declared.sort(), ["apps.echo-server.imageWebhookUrl", "apps.echo-server.webhookUrl", "imageWebhookUrl", "webhookUrl"]);
        for (const path of declared) assert.ok(isSecret(path), `${path} is declared secret but exported in plain text`);
    });
});

/**
 * `policy/config.example.json`, as `pulumi preview --policy-pack policy --policy-pack-config
 * policy/config.example.json` hands it to the pack: each policy's entry applied over its schema's
 * defaults, validated against the schema as `{type: object, properties}` (pulumi/pulumi v3.274.0
 * pkg/resource/analyzer/config.go, ReconcilePolicyPackConfig and validatePolicyConfig), with
 * `enforcementLevel` taken out of the properties (extractEnforcementLevel).
 */
describe("the pack's example config", () => {
    const example = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "config.example.json"), "utf8")) as Record<string, Record<string, unknown>>;
    const propertiesOf = (name: string) => {
        const { enforcementLevel: _level, ...properties } = example[name] ?? {};
        return properties;
    };

    it("configures only policies of the pack (the CLI would ignore a misspelt one), each valid against its schema", () => {
        const names = policies().map((p) => p.name);
        for (const name of Object.keys(example)) assert.ok(names.includes(name), `${name} is not a policy of the pack`);
        for (const policy of policies()) {
            if (!policy.configSchema) continue;
            const validate = new Ajv({ strict: false, allErrors: true }).compile({ type: "object", properties: policy.configSchema.properties });
            assert.ok(validate(propertiesOf(policy.name)), `${policy.name}: ${JSON.stringify(validate.errors)}`);
        }
    });

    it("shows every key of every policy's config, as the READMEs promise", () => {
        for (const policy of policies()) {
            const keys = Object.keys(policy.configSchema?.properties ?? {});
            assert.deepEqual(Object.keys(propertiesOf(policy.name)).sort(), keys.sort(), policy.name);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`passes the ${stack} stack with no violation, mandatory or advisory`, async () => {
            const resources = stackResources(await evaluateStack(stack));
            const found: Record<string, string[]> = {};
            for (const policy of policies()) found[policy.name] = await violations(policy, resources, propertiesOf(policy.name));
            assert.deepEqual(found, Object.fromEntries(policies().map((p) => [p.name, []])));
        });
    }
});
