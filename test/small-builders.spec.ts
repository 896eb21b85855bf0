/**
 * The small pure builders, read as specifications: the IAM documents of External Secrets' role, the
 * owner labels, the providers handed to a component, GitHub's known_hosts and Flux durations.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
    externalSecretsReadPolicy,
    irsaTrustPolicy,
    oidcIssuerOf,
    podIdentityTrustPolicy,
} from "../components/install/iam";
import { knownHosts } from "../components/keys/known-hosts";
import { ownerLabelsTransform } from "../components/labels";
import { Providers, withProviders } from "../components/providers";
import { fluxDurationMs, isPositiveFluxDuration } from "../components/validation";
import { GITHUB_SSH_KEYS } from "../scripts/offline";
import { valueOf } from "./helpers/record";

describe("IAM documents of External Secrets' role", () => {
    const account = "123456789012";
    const parameter = `arn:aws:ssm:eu-central-1:${account}:parameter/github/echo-server/deploy-key`;
    const serviceAccount = { namespace: "external-secrets", name: "external-secrets" };
    const oidcProvider = `arn:aws:iam::${account}:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC123`;

    it("writes every document in the current policy language version, 2012-10-17", () => {
        // IAM JSON policy elements: Version. Without it, IAM reads a document in the old 2008-10-17
        // language, where policy variables are plain text.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
        assert.deepEqual(externalSecretsReadPolicy({ parameterArns: [parameter], region: "eu-central-1" }), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "ReadStackParameters",
                    Effect: "Allow",
                    Action: ["ssm:GetParameter", "ssm:GetParameters"],
                    Resource: [parameter],
                },
            ],
        });
        assert.equal(podIdentityTrustPolicy(serviceAccount, "flux-dev").Version, "2012-10-17");
        assert.equal(irsaTrustPolicy(serviceAccount, oidcProvider).Version, "2012-10-17");
    });

    describe("the read policy's parameter ARNs", () => {
        const read = (arn: string) => () => externalSecretsReadPolicy({ parameterArns: [arn], region: "eu-central-1" });

        it("accepts the parameter ARNs of the other AWS partitions (aws-cn, aws-us-gov)", () => {
            const china = `arn:aws-cn:ssm:cn-north-1:${account}:parameter/github/echo-server/deploy-key`;
            const govCloud = `arn:aws-us-gov:ssm:us-gov-west-1:${account}:parameter/github/echo-server/deploy-key`;
            const policy = externalSecretsReadPolicy({ parameterArns: [govCloud, china], region: "cn-north-1" });
            assert.deepEqual(policy.Statement[0].Resource, [china, govCloud]);
        });

        it("refuses a wildcard after a path, which would grant every parameter under it", () => {
            const everyGithubParameter = `arn:aws:ssm:eu-central-1:${account}:parameter/github/*`;
            assert.throws(read(everyGithubParameter), {
                message: `not the ARN of one SSM parameter: "${everyGithubParameter}"`,
            });
        });

        it("refuses an ARN with anything in front of it", () => {
            assert.throws(read(` ${parameter}`), { message: `not the ARN of one SSM parameter: " ${parameter}"` });
            assert.throws(read(`*${parameter}`), /not the ARN of one SSM parameter/);
        });
    });

    describe("the issuer of an IAM OIDC provider (IRSA)", () => {
        it("is everything after oidc-provider/, in any partition", () => {
            assert.equal(
                oidcIssuerOf(`arn:aws-us-gov:iam::${account}:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC123`),
                "oidc.eks.us-gov-west-1.amazonaws.com/id/ABC123",
            );
        });

        it("is refused for any other ARN, naming the value", () => {
            const role = `arn:aws:iam::${account}:role/external-secrets`;
            assert.throws(() => oidcIssuerOf(role), { message: `not an IAM OIDC provider ARN: "${role}"` });
            assert.throws(() => irsaTrustPolicy(serviceAccount, role), { message: `not an IAM OIDC provider ARN: "${role}"` });
        });

        it("is refused for a provider ARN with whitespace around it (a copied line), not read from the middle", () => {
            assert.throws(() => oidcIssuerOf(` ${oidcProvider}`), /not an IAM OIDC provider ARN/);
            assert.throws(() => oidcIssuerOf(`${oidcProvider}\n`), /not an IAM OIDC provider ARN/);
        });
    });
});

describe("owner labels transformation", () => {
    const transform = ownerLabelsTransform("flux-gitops", "dev");
    // The transformation reads only the type and the props of the resource.
    const transformed = (type: string, props: Record<string, unknown>) =>
        transform({ type, name: "n", props, opts: {}, resource: {} as pulumi.Resource });

    it("adds the owner labels to a Kubernetes object and keeps the labels it sets, which win", async () => {
        const result = transformed("kubernetes:core/v1:ConfigMap", {
            metadata: {
                name: "echo-server",
                labels: { "app.kubernetes.io/name": "echo-server", "app.kubernetes.io/managed-by": "flux" },
            },
            data: { key: "value" },
        });
        assert.ok(result);
        assert.deepEqual(result.props.data, { key: "value" });
        assert.deepEqual(await valueOf(result.props.metadata as pulumi.Input<Record<string, unknown>>), {
            name: "echo-server",
            labels: {
                "app.kubernetes.io/managed-by": "flux",
                "app.kubernetes.io/name": "echo-server",
                "pulumi.com/project": "flux-gitops",
                "pulumi.com/stack": "dev",
            },
        });
    });

    it("leaves Helm resources to their chart, even with a metadata input", () => {
        assert.equal(transformed("kubernetes:helm.sh/v3:Release", { metadata: { name: "flux" }, chart: "flux-operator" }), undefined);
    });

    it("leaves the resources of other providers alone, even with a metadata input", () => {
        assert.equal(transformed("example:index:Widget", { metadata: { name: "w" } }), undefined);
    });

    it("leaves a Kubernetes resource without metadata as it is", () => {
        assert.equal(transformed("kubernetes:yaml/v2:ConfigGroup", { files: ["manifests.yaml"] }), undefined);
    });
});

describe("the providers a component's children get (withProviders)", () => {
    // Stand-ins: withProviders only picks from the record.
    const providers = { aws: { name: "aws" }, kubernetes: { name: "kubernetes" }, tls: { name: "tls" } } as unknown as Providers;

    it("hands the named providers, in the order named", () => {
        assert.deepEqual(withProviders(providers, "kubernetes", "aws"), { providers: [providers.kubernetes, providers.aws] });
    });

    it("leaves out a provider the stack does not have (Pulumi Cloud without push-to-deploy), which Pulumi would fail to read", () => {
        // A ComponentResource reads each entry's package (`provider.getPackage()`, sdk/nodejs/resource.ts
        // convertToProvidersMap): an undefined entry would throw a TypeError there.
        assert.deepEqual(withProviders(providers, "aws", "pulumiService"), { providers: [providers.aws] });
    });
});

describe("known_hosts for GitHub", () => {
    const expected = `github.com ${GITHUB_SSH_KEYS[1]}\ngithub.com ${GITHUB_SSH_KEYS[0]}\n`;

    it("ignores blank entries and whitespace around each key", () => {
        assert.equal(knownHosts(["", `  ${GITHUB_SSH_KEYS[0]}\n`, " \n", `${GITHUB_SSH_KEYS[1]} `]), expected);
    });

    it("warns through Pulumi's log by default when it skips a key of an unknown type", () => {
        // pulumi.log is this module (@pulumi/pulumi re-exports it as is).
        const log = require("@pulumi/pulumi/log") as { warn: (message: string) => Promise<void> };
        const original = log.warn;
        const warnings: string[] = [];
        log.warn = (message) => {
            warnings.push(message);
            return Promise.resolve();
        };
        try {
            assert.equal(knownHosts([...GITHUB_SSH_KEYS, "ssh-mldsa65 AAAAC3NzaC1tbGRzYTY1AAAAIA=="]), expected);
        } finally {
            log.warn = original;
        }
        assert.deepEqual(warnings, [
            "skipping GitHub's SSH host key of type ssh-mldsa65: known_hosts is written for ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa",
        ]);
    });
});

describe("Flux durations", () => {
    it("reads fractional amounts with any number of decimals", () => {
        assert.equal(fluxDurationMs("1.25s"), 1250);
        assert.equal(fluxDurationMs("1m0.125s"), 60_125);
        assert.equal(isPositiveFluxDuration("0.25s"), true);
    });

    it("is not a duration with anything after its last unit", () => {
        assert.equal(fluxDurationMs("1h30"), undefined);
        assert.equal(fluxDurationMs("5m1d"), undefined);
        assert.equal(isPositiveFluxDuration("1h30"), false);
        assert.equal(isPositiveFluxDuration("1d"), false);
    });
});
