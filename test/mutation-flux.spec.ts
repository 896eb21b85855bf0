import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { Evaluation } from "../scripts/offline";
import { evaluateStack } from "./helpers/evaluations";
import { externalSecretSpec } from "../components/flux/external-secret-specs";
import { object, objectsOfKind } from "./helpers/resources";
import { SHARED_CRDS } from "./helpers/schema";

describe("image automation branches and tag extraction, through the stack", () => {
    let defaults: Evaluation;
    let configured: Evaluation;

    before(async () => {
        defaults = await evaluateStack("dev", { branch: "develop" });
        configured = await evaluateStack("dev", {
            pushBranch: "flux-image-updates",
            tagPattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)$",
            tagExtract: "$ts",
        });
    });

    it("pushes image updates to the checked-out branch when pushBranch is unset", () => {
        const git = object(defaults, "ImageUpdateAutomation", "echo-server").spec.git;
        assert.deepEqual(git.checkout, { ref: { branch: "develop" } });
        assert.deepEqual(git.push, { branch: "develop" });
    });

    it("pushes image updates to pushBranch when it is set, still checking out branch", () => {
        // image-automation-controller: spec.git.push.branch differs from checkout → it pushes
        // there (creating it from the checkout), e.g. for a pull-request flow.
        const git = object(configured, "ImageUpdateAutomation", "echo-server").spec.git;
        assert.deepEqual(git.checkout, { ref: { branch: "main" } });
        assert.deepEqual(git.push, { branch: "flux-image-updates" });
    });

    it("hands tagExtract to the ImagePolicy's filterTags.extract, beside the pattern", () => {
        assert.deepEqual(object(configured, "ImagePolicy", "echo-server").spec.filterTags, {
            pattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)$",
            extract: "$ts",
        });
        // Unset, Flux orders the whole tag: no extract field at all.
        assert.deepEqual(object(defaults, "ImagePolicy", "echo-server").spec.filterTags, {
            pattern: "^[0-9]+$",
        });
    });
});

describe("ExternalSecret ownership and deletion", () => {
    let dev: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });

    it("keeps the Secret when its SSM parameter disappears (deletionPolicy Retain), and owns it (creationPolicy Owner)", () => {
        // ESO v1 ExternalSecretTarget: creationPolicy Owner|Orphan|Merge|None; deletionPolicy
        // Delete|Merge|Retain: what happens to the Secret when the provider's values are gone
        // (external-secrets.io guides/ownership-deletion-policy). Retain: a parameter replaced
        // delete-before-create (stored-secret.ts) must not take Flux's credentials with it for a
        // refresh interval. Owner: deleting the ExternalSecret garbage-collects the Secret.
        const targets = objectsOfKind(dev, "ExternalSecret").map(
            (r) => (r.inputs.spec as { target: Record<string, unknown> }).target,
        );
        // An application's six (git, registry, signing, two receiver tokens, commit status), its
        // pods' pull Secret, and monitoring's.
        assert.equal(targets.length, 8);
        for (const target of targets) {
            assert.equal(target.creationPolicy, "Owner");
            assert.equal(target.deletionPolicy, "Retain");
        }
    });

    it("uses policy values the served CRD accepts", function () {
        const file = path.join(SHARED_CRDS, "external-secrets.io_externalsecrets.yaml");
        if (!fs.existsSync(file)) {
            console.log(`    reference CRDs not found at ${SHARED_CRDS}: skipping the CRD check`);
            this.skip();
        }
        const crd = YAML.parse(fs.readFileSync(file, "utf8")) as {
            spec: {
                versions: {
                    name: string;
                    schema: {
                        openAPIV3Schema: {
                            properties: {
                                spec: {
                                    properties: {
                                        target: { properties: Record<string, { enum: string[] }> };
                                    };
                                };
                            };
                        };
                    };
                }[];
            };
        };
        const v1 = crd.spec.versions.find((v) => v.name === "v1");
        assert.ok(v1, "external-secrets.io/v1 is served");
        const target = v1.schema.openAPIV3Schema.properties.spec.properties.target.properties;
        assert.deepEqual(target.deletionPolicy.enum, ["Delete", "Merge", "Retain"]);
        assert.ok(target.creationPolicy.enum.includes("Owner"));
    });

    it("builds a plain ExternalSecret with no template, and a typed one with an ESO v2 template", () => {
        const values = [{ secretKey: "token", parameterName: "/x/token" }];
        assert.deepEqual(
            externalSecretSpec({
                storeName: "aws-ssm",
                refreshInterval: "1h",
                targetName: "t",
                values,
            }),
            {
                refreshInterval: "1h",
                secretStoreRef: { kind: "ClusterSecretStore", name: "aws-ssm" },
                target: { name: "t", creationPolicy: "Owner", deletionPolicy: "Retain" },
                data: [{ secretKey: "token", remoteRef: { key: "/x/token" } }],
            },
        );
        const targetWith = (extra: { type?: string; templateData?: Record<string, string> }) =>
            (externalSecretSpec({ storeName: "s", refreshInterval: "1h", targetName: "t", values, ...extra }) as { target: unknown }).target;
        assert.deepEqual(targetWith({ type: "kubernetes.io/dockerconfigjson" }), {
            name: "t",
            creationPolicy: "Owner",
            deletionPolicy: "Retain",
            template: { engineVersion: "v2", type: "kubernetes.io/dockerconfigjson" },
        });
        assert.deepEqual(targetWith({ templateData: { a: "{{ .token }}" } }), {
            name: "t",
            creationPolicy: "Owner",
            deletionPolicy: "Retain",
            template: { engineVersion: "v2", data: { a: "{{ .token }}" } },
        });
    });
});
