import { strict as assert } from "node:assert";
import { mockGpgFingerprint, mockParameterArn, mockParameterVersion } from "../../scripts/offline";
import { evaluateStack } from "../helpers/evaluations";
import { PARAMETER } from "../helpers/types";

describe("the offline evaluator's stand-in values keep wires apart", () => {
    for (const stack of ["dev", "prod"]) {
        it(`gives each SSM parameter of ${stack} its own version and ARN, so a pin of another parameter's shows`, async () => {
            const evaluation = await evaluateStack(stack);
            const names = evaluation.resources
                .filter((r) => r.type === PARAMETER)
                .map((r) => String(r.inputs.name));
            assert.ok(names.length >= 6);
            const versions = names.map(mockParameterVersion);
            assert.equal(
                new Set(versions).size,
                names.length,
                `versions shared: ${names.map((n, i) => `${n}=${versions[i]}`).join(", ")}`,
            );
            assert.ok(versions.every((v) => Number.isInteger(v) && v >= 1 && v <= 9973));
        });
    }

    it("puts a parameter's ARN in the stack's own region, so a policy naming another region shows", async () => {
        const dev = await evaluateStack("dev");
        const parameter = dev.resources.find((r) => r.type === PARAMETER);
        assert.ok(parameter);
        assert.equal(
            mockParameterArn("/a/b", "eu-central-1"),
            "arn:aws:ssm:eu-central-1:123456789012:parameter/a/b",
        );
        const inWest = await evaluateStack("dev", { "aws:region": "eu-west-1" });
        const arns = JSON.stringify(
            inWest.resources
                .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")
                .map((r) => r.inputs.policy),
        );
        assert.match(arns, /arn:aws:ssm:eu-west-1:123456789012:parameter\//);
        assert.doesNotMatch(arns, /arn:aws:ssm:eu-central-1:/);
    });

    it("derives each value from its name: the same name, the same value; another name, another value", () => {
        assert.equal(
            mockParameterVersion("/github/a/deploy-key"),
            mockParameterVersion("/github/a/deploy-key"),
        );
        assert.notEqual(
            mockParameterVersion("/github/a/deploy-key"),
            mockParameterVersion("/github/b/deploy-key"),
        );
        assert.match(mockGpgFingerprint("bot-gpg-key"), /^[0-9A-F]{40}$/);
        assert.notEqual(mockGpgFingerprint("bot-gpg-key"), mockGpgFingerprint("other-gpg-key"));
    });
});
