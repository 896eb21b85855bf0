/**
 * The IAM evaluator (policy/iam.ts) as a specification: each case is a rule of IAM's identity-based
 * policy evaluation, from the AWS IAM User Guide pages named beside it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/<page>).
 */
import { strict as assert } from "node:assert";
import { isAllowed, type PolicyDocument, readableBy, type Statement } from "../iam";

const ARN = "arn:aws:ssm:eu-central-1:123456789012:parameter";
const doc = (...Statement: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });
const allow = (Action: string | string[], Resource: string | string[]): Statement => ({
    Effect: "Allow",
    Action,
    Resource,
});
const deny = (Action: string | string[], Resource: string | string[]): Statement => ({
    Effect: "Deny",
    Action,
    Resource,
});

describe("iam: an identity-based policy allows an action on a resource", () => {
    describe("default deny and explicit Deny (reference_policies_evaluation-logic.html, ..._AccessPolicyLanguage_Interplay.html)", () => {
        it("denies what no statement allows, and an empty document denies everything", () => {
            const policy = doc(allow("ssm:GetParameter", `${ARN}/a/key`));
            assert.equal(isAllowed(policy, "ssm:GetParameter", `${ARN}/a/key`), true);
            assert.equal(isAllowed(policy, "ssm:PutParameter", `${ARN}/a/key`), false);
            assert.equal(isAllowed(policy, "ssm:GetParameter", `${ARN}/b/key`), false);
            assert.equal(isAllowed(doc(), "ssm:GetParameter", `${ARN}/a/key`), false);
            assert.equal(isAllowed({}, "ssm:GetParameter", `${ARN}/a/key`), false);
        });

        it("lets an applicable Deny win over any Allow, whatever the order of the statements", () => {
            const denied = `${ARN}/a/secret`;
            for (const policy of [
                doc(allow("ssm:*", "*"), deny("ssm:GetParameter", denied)),
                doc(deny("ssm:GetParameter", denied), allow("ssm:*", "*")),
            ]) {
                assert.equal(isAllowed(policy, "ssm:GetParameter", denied), false);
                assert.equal(
                    isAllowed(policy, "ssm:GetParameters", denied),
                    true,
                    "the Deny names one action",
                );
                assert.equal(
                    isAllowed(policy, "ssm:GetParameter", `${ARN}/a/other`),
                    true,
                    "the Deny names one resource",
                );
            }
        });

        it("lets a Deny with wildcards deny what it matches", () => {
            const policy = doc(allow("*", "*"), deny("ssm:Get*", `${ARN}/a/*`));
            assert.equal(isAllowed(policy, "ssm:GetParameters", `${ARN}/a/b/c`), false);
            assert.equal(isAllowed(policy, "ssm:GetParameters", `${ARN}/b/c`), true);
            assert.equal(isAllowed(policy, "s3:GetObject", `${ARN}/a/b`), true);
        });

        it("accepts the document as its JSON, as aws.iam.RolePolicy holds it", () => {
            const json = JSON.stringify(doc(allow(["ssm:GetParameter"], [`${ARN}/a/key`])));
            assert.equal(isAllowed(json, "ssm:GetParameter", `${ARN}/a/key`), true);
            assert.throws(
                () => isAllowed("{not json", "ssm:GetParameter", `${ARN}/a/key`),
                SyntaxError,
            );
        });

        it("counts statements IAM would refuse for nothing: bad Effect, Action and NotAction both or neither, likewise Resource", () => {
            const resource = `${ARN}/a/key`;
            for (const statement of [
                { Effect: "allow", Action: "ssm:GetParameter", Resource: resource },
                { Effect: "Allow", Resource: resource },
                { Effect: "Allow", Action: "ssm:GetParameter" },
                {
                    Effect: "Allow",
                    Action: "ssm:GetParameter",
                    NotAction: "s3:*",
                    Resource: resource,
                },
                {
                    Effect: "Allow",
                    Action: "ssm:GetParameter",
                    Resource: resource,
                    NotResource: "x",
                },
                // Read as NotAction (or NotResource) alone, each of these would grant the request.
                { Effect: "Allow", Action: "s3:GetObject", NotAction: "s3:*", Resource: resource },
                {
                    Effect: "Allow",
                    Action: "ssm:GetParameter",
                    Resource: `${ARN}/b/key`,
                    NotResource: `${ARN}/c/key`,
                },
            ] as Statement[]) {
                assert.equal(
                    isAllowed(doc(statement), "ssm:GetParameter", resource),
                    false,
                    JSON.stringify(statement),
                );
            }
            // "The Effect value is case sensitive" (reference_policies_elements_effect.html).
            assert.equal(
                isAllowed(
                    doc(allow("*", "*"), { ...deny("ssm:GetParameter", resource), Effect: "deny" }),
                    "ssm:GetParameter",
                    resource,
                ),
                true,
            );
        });

        it("never lets a Deny grant: where it does not deny, it allows nothing", () => {
            // An ARN of some account: the Deny of one account's parameter does not cover it, and
            // no Allow reaches it (reference_policies_evaluation-logic.html: denied by default).
            const shape = "arn:aws:ssm:*:*:parameter/a/key";
            assert.equal(
                isAllowed(doc(deny("ssm:*", `${ARN}/a/key`)), "ssm:GetParameter", shape),
                false,
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:*", "*"), deny("ssm:*", `${ARN}/a/key`)),
                    "ssm:GetParameter",
                    shape,
                ),
                true,
            );
        });

        it("reads what IAM's grammar does not allow (a document or statement that is no object, a list element that is no string) as granting nothing, without throwing", () => {
            // reference_policies_grammar.html: a statement is an object, Action/Resource a string or
            // a list of strings; IAM refuses any other document, but the pack must still answer.
            const resource = `${ARN}/a/key`;
            for (const json of ["null", "5", '"text"', "[]"]) {
                assert.equal(isAllowed(json, "ssm:GetParameter", resource), false, json);
            }
            const statements = {
                Version: "2012-10-17",
                Statement: [null, "text", 5, allow("ssm:GetParameter", resource)],
            } as unknown as PolicyDocument;
            assert.equal(isAllowed(statements, "ssm:GetParameter", resource), true);
            const elements = doc({
                Effect: "Allow",
                Action: [5, null, "ssm:GetParameter"],
                Resource: [null, 5, resource],
            } as unknown as Statement);
            assert.equal(isAllowed(elements, "ssm:GetParameter", resource), true);
            assert.equal(isAllowed(elements, "ssm:GetParameter", `${ARN}/b/key`), false);
            // `<condition_block> = "Condition" : { <condition_map> }`: a statement whose Condition is
            // no object grants nothing, whether conditions count as possible or as met.
            for (const Condition of [null, "text", 5, [], [{ Bool: { "aws:SecureTransport": "true" } }]]) {
                const statement = { Effect: "Allow", Action: "ssm:GetParameter", Resource: resource, Condition } as Statement;
                assert.equal(isAllowed(doc(statement), "ssm:GetParameter", resource), false, JSON.stringify(Condition));
                assert.equal(isAllowed(doc(statement), "ssm:GetParameter", resource, { conditions: "met" }), false, JSON.stringify(Condition));
            }
        });

        it("takes Statement as one object as well as a list", () => {
            const policy: PolicyDocument = {
                Version: "2012-10-17",
                Statement: allow("ssm:GetParameter", `${ARN}/a/key`),
            };
            assert.equal(isAllowed(policy, "ssm:GetParameter", `${ARN}/a/key`), true);
        });
    });

    describe("Action (reference_policies_elements_action.html)", () => {
        it("matches the prefix and the action name case-insensitively", () => {
            const resource = `${ARN}/a/key`;
            assert.equal(
                isAllowed(doc(allow("SSM:getparameter", resource)), "ssm:GetParameter", resource),
                true,
            );
            assert.equal(
                isAllowed(doc(allow("ssm:GetParameter", resource)), "SSM:GETPARAMETER", resource),
                true,
            );
            assert.equal(
                isAllowed(
                    doc(deny("SSM:GETPARAMETER", resource), allow("*", "*")),
                    "ssm:GetParameter",
                    resource,
                ),
                false,
            );
        });

        it("takes `*` for any run of characters and `?` for exactly one", () => {
            const resource = `${ARN}/a/key`;
            assert.equal(
                isAllowed(doc(allow("ssm:*", resource)), "ssm:GetParameter", resource),
                true,
            );
            assert.equal(isAllowed(doc(allow("*", resource)), "ssm:GetParameter", resource), true);
            assert.equal(
                isAllowed(doc(allow("ssm:Get*", resource)), "ssm:GetParameters", resource),
                true,
            );
            assert.equal(
                isAllowed(doc(allow("ssm:*Parameter", resource)), "ssm:GetParameters", resource),
                false,
            );
            assert.equal(
                isAllowed(doc(allow("ssm:GetParameter?", resource)), "ssm:GetParameters", resource),
                true,
            );
            assert.equal(
                isAllowed(doc(allow("ssm:GetParameter?", resource)), "ssm:GetParameter", resource),
                false,
                "? is one character, not zero",
            );
            assert.equal(
                isAllowed(doc(allow("s3:*", resource)), "ssm:GetParameter", resource),
                false,
            );
        });

        it("takes Action as a string or a list, the same", () => {
            const resource = `${ARN}/a/key`;
            assert.equal(
                isAllowed(doc(allow("ssm:GetParameters", resource)), "ssm:GetParameters", resource),
                true,
            );
            assert.equal(
                isAllowed(
                    doc(allow(["s3:GetObject", "ssm:GetParameters"], resource)),
                    "ssm:GetParameters",
                    resource,
                ),
                true,
            );
            assert.equal(
                isAllowed(doc(allow(["s3:GetObject"], resource)), "ssm:GetParameters", resource),
                false,
            );
        });

        it("with NotAction, matches every action but those listed (reference_policies_elements_notaction.html)", () => {
            const resource = `${ARN}/a/key`;
            const policy = doc({
                Effect: "Allow",
                NotAction: ["ssm:Put*", "iam:*"],
                Resource: "*",
            });
            assert.equal(isAllowed(policy, "ssm:GetParameter", resource), true);
            assert.equal(isAllowed(policy, "ssm:PutParameter", resource), false);
            assert.equal(isAllowed(policy, "IAM:CreateRole", resource), false);
            const denyAllBut = doc(allow("*", "*"), {
                Effect: "Deny",
                NotAction: "ssm:GetParameter",
                Resource: "*",
            });
            assert.equal(isAllowed(denyAllBut, "ssm:GetParameter", resource), true);
            assert.equal(isAllowed(denyAllBut, "ssm:GetParameters", resource), false);
        });
    });

    describe("Resource (reference_policies_elements_resource.html)", () => {
        it("matches ARNs case-sensitively", () => {
            const policy = doc(allow("ssm:GetParameter", `${ARN}/App/key`));
            assert.equal(isAllowed(policy, "ssm:GetParameter", `${ARN}/App/key`), true);
            assert.equal(isAllowed(policy, "ssm:GetParameter", `${ARN}/app/key`), false);
        });

        it("takes `*` as any run of characters, `/` and `:` included, and `?` as exactly one", () => {
            assert.equal(
                isAllowed(doc(allow("ssm:GetParameter", "*")), "ssm:GetParameter", `${ARN}/a/key`),
                true,
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", `${ARN}/a/*`)),
                    "ssm:GetParameter",
                    `${ARN}/a/b/c/key`,
                ),
                true,
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", `${ARN}/a/*`)),
                    "ssm:GetParameter",
                    `${ARN}/ab/key`,
                ),
                false,
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", "arn:aws:ssm:*")),
                    "ssm:GetParameter",
                    `${ARN}/a/key`,
                ),
                true,
                "* spans colons",
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/a/key")),
                    "ssm:GetParameter",
                    `${ARN}/a/key`,
                ),
                true,
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/*/key")),
                    "ssm:GetParameter",
                    `${ARN}/a/b/key`,
                ),
                true,
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", `${ARN}/a/ke?`)),
                    "ssm:GetParameter",
                    `${ARN}/a/key`,
                ),
                true,
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", `${ARN}/a/ke?`)),
                    "ssm:GetParameter",
                    `${ARN}/a/ke`,
                ),
                false,
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", `${ARN}/a/key`)),
                    "ssm:GetParameter",
                    `${ARN}/a/key2`,
                ),
                false,
                "no implicit prefix match",
            );
        });

        it("takes Resource as a string or a list, the same", () => {
            const policy = doc(allow("ssm:GetParameter", [`${ARN}/a/one`, `${ARN}/a/two`]));
            assert.equal(isAllowed(policy, "ssm:GetParameter", `${ARN}/a/two`), true);
            assert.equal(isAllowed(policy, "ssm:GetParameter", `${ARN}/a/three`), false);
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", `${ARN}/a/two`)),
                    "ssm:GetParameter",
                    `${ARN}/a/two`,
                ),
                true,
            );
            // A Deny's list likewise: it denies each resource listed.
            const denyTwo = doc(
                allow("ssm:*", "*"),
                deny("ssm:*", [`${ARN}/a/one`, `${ARN}/a/two`]),
            );
            assert.equal(isAllowed(denyTwo, "ssm:GetParameter", `${ARN}/a/one`), false);
            assert.equal(isAllowed(denyTwo, "ssm:GetParameter", `${ARN}/a/two`), false);
            assert.equal(isAllowed(denyTwo, "ssm:GetParameter", `${ARN}/a/three`), true);
        });

        it("with NotResource, matches every resource but those listed (reference_policies_elements_notresource.html)", () => {
            const policy = doc({
                Effect: "Allow",
                Action: "ssm:GetParameter",
                NotResource: [`${ARN}/b/*`, `${ARN}/c/key`],
            });
            assert.equal(isAllowed(policy, "ssm:GetParameter", `${ARN}/a/key`), true);
            assert.equal(isAllowed(policy, "ssm:GetParameter", `${ARN}/b/key`), false);
            assert.equal(isAllowed(policy, "ssm:GetParameter", `${ARN}/c/key`), false);
            const fence = doc(allow("ssm:*", "*"), {
                Effect: "Deny",
                Action: "ssm:*",
                NotResource: `${ARN}/a/*`,
            });
            assert.equal(isAllowed(fence, "ssm:GetParameter", `${ARN}/a/key`), true);
            assert.equal(isAllowed(fence, "ssm:GetParameter", `${ARN}/b/key`), false);
            // A Deny with a NotResource list denies only what none of the listed patterns match.
            const fences = doc(allow("ssm:*", "*"), {
                Effect: "Deny",
                Action: "ssm:*",
                NotResource: [`${ARN}/a/*`, `${ARN}/b/*`],
            });
            assert.equal(isAllowed(fences, "ssm:GetParameter", `${ARN}/a/key`), true);
            assert.equal(isAllowed(fences, "ssm:GetParameter", `${ARN}/b/key`), true);
            assert.equal(isAllowed(fences, "ssm:GetParameter", `${ARN}/c/key`), false);
        });

        it("reads an ARN asked with wildcards (a region or account not known) as any ARN of that shape", () => {
            const shape = "arn:aws:ssm:*:*:parameter/a/key";
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", `${ARN}/a/key`)),
                    "ssm:GetParameter",
                    shape,
                ),
                true,
            );
            assert.equal(
                isAllowed(doc(allow("ssm:GetParameter", `${ARN}/a/*`)), "ssm:GetParameter", shape),
                true,
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:GetParameter", `${ARN}/b/key`)),
                    "ssm:GetParameter",
                    shape,
                ),
                false,
            );
            // A Deny must cover every ARN of the shape to deny it: one account's Deny does not.
            assert.equal(
                isAllowed(
                    doc(allow("ssm:*", "*"), deny("ssm:*", `${ARN}/a/key`)),
                    "ssm:GetParameter",
                    shape,
                ),
                true,
            );
            assert.equal(
                isAllowed(
                    doc(allow("ssm:*", "*"), deny("ssm:*", "arn:aws:ssm:*:*:parameter/a/*")),
                    "ssm:GetParameter",
                    shape,
                ),
                false,
            );
            // NotResource: an Allow reaches the shape unless a listed pattern covers all of it.
            const notA = doc({
                Effect: "Allow",
                Action: "ssm:*",
                NotResource: "arn:aws:ssm:*:*:parameter/a/*",
            });
            assert.equal(isAllowed(notA, "ssm:GetParameter", shape), false);
            const notOneAccount = doc({
                Effect: "Allow",
                Action: "ssm:*",
                NotResource: `${ARN}/a/*`,
            });
            assert.equal(isAllowed(notOneAccount, "ssm:GetParameter", shape), true);
        });

        it("reads an asked `?` as one character not known: allowed if some character may be, denied only by a pattern that takes any", () => {
            const key = doc(allow("ssm:GetParameter", `${ARN}/a/key`));
            assert.equal(isAllowed(key, "ssm:GetParameter", `${ARN}/a/ke?`), true);
            assert.equal(isAllowed(key, "ssm:GetParameter", `${ARN}/a/k?`), false, "one character");
            const everything = allow("ssm:*", "*");
            assert.equal(
                isAllowed(
                    doc(everything, deny("ssm:*", `${ARN}/a/ke?`)),
                    "ssm:GetParameter",
                    `${ARN}/a/ke?`,
                ),
                false,
            );
            assert.equal(
                isAllowed(
                    doc(everything, deny("ssm:*", `${ARN}/a/key`)),
                    "ssm:GetParameter",
                    `${ARN}/a/ke?`,
                ),
                true,
                "the Deny names one of the characters",
            );
            // A Deny's `?` is one character: it does not cover a run of unknown length.
            assert.equal(
                isAllowed(
                    doc(everything, deny("ssm:*", `${ARN}/a/?`)),
                    "ssm:GetParameter",
                    `${ARN}/a/*`,
                ),
                true,
            );
        });

        it("keeps an asked `*` within its segment: it stands for a region or an account, never for `:`", () => {
            const concrete = doc(allow("ssm:GetParameter", `${ARN}/a/key`));
            assert.equal(
                isAllowed(concrete, "ssm:GetParameter", "arn:aws:ssm:*:parameter/a/key"),
                false,
            );
            // So a Deny outside the parameter's path denies every ARN of the shape.
            const fenced = doc(allow("ssm:*", "*"), {
                Effect: "Deny",
                Action: "ssm:*",
                NotResource: "arn:aws:ssm:*:*:parameter/b/*",
            });
            assert.equal(
                isAllowed(fenced, "ssm:GetParameter", "arn:*:ssm:*:*:parameter/a/key"),
                false,
            );
            assert.equal(
                isAllowed(fenced, "ssm:GetParameter", "arn:*:ssm:*:*:parameter/b/key"),
                true,
            );
        });
    });

    describe("Condition and policy variables: what depends on the request", () => {
        const resource = `${ARN}/a/key`;
        const conditional = (Effect: "Allow" | "Deny"): Statement => ({
            Effect,
            Action: "ssm:GetParameter",
            Resource: resource,
            Condition: { StringEquals: { "aws:ResourceTag/team": "a" } },
        });

        it("counts an Allow with a Condition as granting and a Deny with one as not denying, by default (may be allowed)", () => {
            assert.equal(isAllowed(doc(conditional("Allow")), "ssm:GetParameter", resource), true);
            assert.equal(
                isAllowed(doc(allow("*", "*"), conditional("Deny")), "ssm:GetParameter", resource),
                true,
            );
        });

        it("applies both when the caller says conditions are met, neither when unmet", () => {
            const cases: [string, ReturnType<typeof doc>, "met" | "unmet", boolean][] = [
                ["conditional Allow, met", doc(conditional("Allow")), "met", true],
                ["conditional Deny, met", doc(allow("*", "*"), conditional("Deny")), "met", false],
                ["conditional Allow, unmet", doc(conditional("Allow")), "unmet", false],
                [
                    "conditional Deny, unmet",
                    doc(allow("*", "*"), conditional("Deny")),
                    "unmet",
                    true,
                ],
                ["unconditional statements always count", doc(allow("ssm:*", "*")), "unmet", true],
            ];
            for (const [what, policy, conditions, expected] of cases) {
                assert.equal(
                    isAllowed(policy, "ssm:GetParameter", resource, { conditions }),
                    expected,
                    what,
                );
            }
        });

        it("reads a policy variable in a 2012-10-17 Resource as any value in an Allow by default and as none when unmet; ${*} ${?} ${$} as the characters (reference_policies_variables.html)", () => {
            const byTag = {
                Effect: "Allow",
                Action: "ssm:GetParameter",
                Resource: "arn:aws:ssm:*:*:parameter/${aws:PrincipalTag/team}/*",
            };
            assert.equal(isAllowed(doc(byTag), "ssm:GetParameter", resource), true);
            assert.equal(
                isAllowed(doc(byTag), "ssm:GetParameter", resource, { conditions: "unmet" }),
                false,
            );
            const literal = {
                Effect: "Allow",
                Action: "ssm:GetParameter",
                Resource: `${ARN}/a/\${*}`,
            };
            assert.equal(
                isAllowed(doc(literal), "ssm:GetParameter", resource),
                false,
                "${*} is a literal star",
            );
            assert.equal(
                isAllowed(doc(literal), "ssm:GetParameter", `${ARN}/a/*`, { conditions: "unmet" }),
                true,
                "${*} is no variable: the statement holds with conditions unmet",
            );
            const question = doc(allow("ssm:GetParameter", `${ARN}/a/\${?}`));
            assert.equal(
                isAllowed(question, "ssm:GetParameter", `${ARN}/a/x`),
                false,
                "${?} is a literal ?",
            );
            const dollar = doc(allow("ssm:GetParameter", `${ARN}/a/\${$}`));
            assert.equal(
                isAllowed(dollar, "ssm:GetParameter", `${ARN}/a/x`),
                false,
                "${$} is a literal $",
            );
            assert.equal(
                isAllowed(dollar, "ssm:GetParameter", `${ARN}/a/$`, { conditions: "unmet" }),
                true,
            );
            // Before 2012-10-17 there are no variables: `${` is text.
            const old: PolicyDocument = { Version: "2008-10-17", Statement: [byTag] };
            assert.equal(isAllowed(old, "ssm:GetParameter", resource), false);
        });

        it("reads a document without Version as 2008-10-17 (reference_policies_elements_version.html): no variables, so nothing in Resource depends on the request", () => {
            const unversioned = (...Statement: Statement[]): PolicyDocument => ({ Statement });
            assert.equal(
                isAllowed(
                    unversioned(allow("*", "*"), deny("ssm:*", resource)),
                    "ssm:GetParameter",
                    resource,
                ),
                false,
            );
            assert.equal(
                isAllowed(
                    unversioned(allow("ssm:GetParameter", resource)),
                    "ssm:GetParameter",
                    resource,
                    {
                        conditions: "unmet",
                    },
                ),
                true,
            );
        });

        it("with conditions unmet, reaches nothing through a variable, and still the statement's other resources", () => {
            const mixed = allow("ssm:GetParameter", [
                `${ARN}/\${aws:PrincipalTag/team}/*`,
                resource,
            ]);
            assert.equal(isAllowed(doc(mixed), "ssm:GetParameter", `${ARN}/b/key`), true);
            assert.equal(
                isAllowed(doc(mixed), "ssm:GetParameter", `${ARN}/b/key`, { conditions: "unmet" }),
                false,
            );
            assert.equal(isAllowed(doc(mixed), "ssm:GetParameter", resource, { conditions: "unmet" }), true);
        });

        it("lets a Deny deny through its resources without a variable, whatever the mode: only the variable pattern depends on the request", () => {
            // The variable is replaced from the request; the statement's other ARNs are not.
            const mixed = doc(allow("ssm:*", "*"), deny("ssm:GetParameter", [`${ARN}/\${aws:username}/*`, resource]));
            const cases: ["possible" | "met" | "unmet", string, boolean][] = [
                ["possible", resource, false],
                ["met", resource, false],
                ["unmet", resource, false],
                // Another parameter is denied only if the variable may take its value.
                ["possible", `${ARN}/b/key`, true],
                ["met", `${ARN}/b/key`, false],
                ["unmet", `${ARN}/b/key`, true],
            ];
            for (const [conditions, arn, expected] of cases) {
                assert.equal(isAllowed(mixed, "ssm:GetParameter", arn, { conditions }), expected, `${conditions} ${arn}`);
            }
        });

        it("reads a variable in NotResource as excluding nothing from an Allow and everything it may from a Deny, by default", () => {
            // NotResource: the statement applies to every resource the list does not match
            // (reference_policies_elements_notresource.html). "May be allowed" takes an Allow's
            // exclusions at their narrowest and a Deny's at their widest.
            const own = `${ARN}/\${aws:username}/*`;
            const exceptOwn = (Effect: "Allow" | "Deny"): Statement => ({ Effect, Action: "ssm:GetParameter", NotResource: own });
            const cases: [string, PolicyDocument, "possible" | "met" | "unmet", boolean][] = [
                ["an Allow except the caller's own, by default", doc(exceptOwn("Allow")), "possible", true],
                ["an Allow except the caller's own, the variable taking any value", doc(exceptOwn("Allow")), "met", false],
                ["an Allow except the caller's own, the variable matching nothing", doc(exceptOwn("Allow")), "unmet", true],
                ["a Deny except the caller's own, by default", doc(allow("ssm:*", "*"), exceptOwn("Deny")), "possible", true],
                ["a Deny except the caller's own, the variable taking any value", doc(allow("ssm:*", "*"), exceptOwn("Deny")), "met", true],
                ["a Deny except the caller's own, the variable matching nothing", doc(allow("ssm:*", "*"), exceptOwn("Deny")), "unmet", false],
            ];
            for (const [what, policy, conditions, expected] of cases) {
                assert.equal(isAllowed(policy, "ssm:GetParameter", resource, { conditions }), expected, what);
            }
        });
    });
});

describe("iam: patterns with many wildcards", () => {
    it("are judged at once, without trying every way the wildcards could split the text", () => {
        // Each (pattern position, text position) is judged once, so a pattern against a text takes
        // about (pattern length x text length) steps, not one per way its n wildcards could split
        // the m characters (C(m, n): seconds here, hours a little further). The pack must not stall
        // a preview on a policy someone wrote with many wildcards.
        const text = "a".repeat(32);
        const pattern = `${"*a".repeat(8)}b`;
        const start = Date.now();
        assert.equal(
            isAllowed(
                doc(allow("ssm:GetParameter", `${ARN}/${pattern}`)),
                "ssm:GetParameter",
                `${ARN}/${text}`,
            ),
            false,
        );
        assert.equal(
            isAllowed(doc(allow(`ssm:${pattern}`, "*")), `ssm:${text}`, `${ARN}/a`),
            false,
        );
        assert.equal(
            isAllowed(
                doc(allow("*", "*"), deny("*", `${ARN}/${pattern}`)),
                "ssm:GetParameter",
                `${ARN}/${text}`,
            ),
            true,
        );
        assert.ok(Date.now() - start < 2000, `${Date.now() - start} ms`);
    });
});

describe("iam: readableBy lists the candidate ARNs a policy allows any of the actions on", () => {
    const reads = ["ssm:GetParameter", "ssm:GetParameters"];
    const a = [`${ARN}/github/a/deploy-key`, `${ARN}/github/a/receiver-token`];
    const b = [`${ARN}/github/b/deploy-key`];

    it("gives exactly the listed parameters, in the candidates' order", () => {
        const policy = JSON.stringify(doc(allow(reads, [a[1], a[0]])));
        assert.deepEqual(readableBy(policy, [...a, ...b], reads), a);
    });

    it("counts any one of the actions", () => {
        assert.deepEqual(readableBy(doc(allow("ssm:GetParameters", a)), [...a, ...b], reads), a);
        assert.deepEqual(readableBy(doc(allow("ssm:PutParameter", a)), [...a, ...b], reads), []);
    });

    it("reaches every tenant through a wildcard, and none through a Deny", () => {
        assert.deepEqual(readableBy(doc(allow(reads, "*")), [...a, ...b], reads), [...a, ...b]);
        assert.deepEqual(readableBy(doc(allow(reads, `${ARN}/github/*`)), [...a, ...b], reads), [
            ...a,
            ...b,
        ]);
        assert.deepEqual(
            readableBy(
                doc(allow(reads, "*"), deny("ssm:*", `${ARN}/github/b/*`)),
                [...a, ...b],
                reads,
            ),
            a,
        );
    });
});
