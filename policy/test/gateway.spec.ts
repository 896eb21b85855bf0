/** The route policy (policy/gateway.ts): HSTS on every HTTPRoute rule that serves content. */
import { strict as assert } from "node:assert";
import { hstsMaxAge, httpRouteHsts, httpRouteHstsViolations } from "../gateway";
import { k8s, runResourcePolicy } from "./harness";

describe("httproute-hsts: an HTTPRoute sets Strict-Transport-Security for at least a year", () => {
    const policy = httpRouteHsts();
    const hsts = (value: string) => ({
        type: "ResponseHeaderModifier",
        responseHeaderModifier: { set: [{ name: "Strict-Transport-Security", value }] },
    });
    const route = (rules: unknown[]) =>
        k8s("gateway.networking.k8s.io/v1", "HTTPRoute", "echo-server", { rules }, "echo-server");

    it("accepts a route whose rules set HSTS for a year (a redirect-only rule needs none)", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                route([
                    { filters: [hsts("max-age=31536000; includeSubDomains")] },
                    {
                        filters: [
                            { type: "RequestRedirect", requestRedirect: { scheme: "https" } },
                        ],
                    },
                ]),
            ),
            [],
        );
    });

    it("reports each rule without the header and a max-age below the minimum", async () => {
        assert.deepEqual(
            await runResourcePolicy(
                policy,
                route([{ backendRefs: [] }, { filters: [hsts("max-age=300")] }]),
            ),
            [
                'HTTPRoute "echo-server" rule 1 does not set the Strict-Transport-Security response header.',
                'HTTPRoute "echo-server" rule 2 sets Strict-Transport-Security "max-age=300": max-age must be at least 31536000 seconds.',
            ],
        );
        assert.deepEqual(await runResourcePolicy(policy, route([])), [
            'HTTPRoute "echo-server" rule 1 does not set the Strict-Transport-Security response header.',
        ]);
    });

    it("takes the minimum max-age from the pack config", async () => {
        assert.deepEqual(
            await runResourcePolicy(policy, route([{ filters: [hsts("max-age=300")] }]), {
                minimumMaxAge: 300,
            }),
            [],
        );
    });

    it("called without a config, needs a max-age of at least a year", () => {
        const props = {
            spec: {
                rules: [
                    {
                        filters: [
                            {
                                type: "ResponseHeaderModifier",
                                responseHeaderModifier: {
                                    set: [
                                        { name: "Strict-Transport-Security", value: "max-age=300" },
                                    ],
                                },
                            },
                        ],
                    },
                ],
            },
        };
        assert.deepEqual(httpRouteHstsViolations("r", props), [
            'HTTPRoute "r" rule 1 sets Strict-Transport-Security "max-age=300": max-age must be at least 31536000 seconds.',
        ]);
    });

    describe("reading the header", () => {
        const policy = httpRouteHsts();
        const route = (filters: unknown[]) =>
            k8s(
                "gateway.networking.k8s.io/v1",
                "HTTPRoute",
                "echo-server",
                { rules: [{ filters }] },
                "echo-server",
            );
        const header = (name: string, value: string) => ({ name, value });
        const responseHeaders = (...set: unknown[]) => ({
            type: "ResponseHeaderModifier",
            responseHeaderModifier: { set },
        });
        const missing = [
            'HTTPRoute "echo-server" rule 1 does not set the Strict-Transport-Security response header.',
        ];

        const maxAges: [unknown, number | undefined][] = [
            ["max-age=31536000", 31536000],
            ["max-age=31536000; includeSubDomains", 31536000],
            ["includeSubDomains; max-age=31536000", 31536000],
            ["includeSubDomains;max-age=31536000", 31536000],
            // RFC 6797 section 6.1: whitespace may surround "=", and the value may be quoted.
            ["max-age = 31536000", 31536000],
            ['max-age="31536000"', 31536000],
            ["MAX-AGE=5", 5],
            ["x-max-age=31536000", undefined],
            ["max-age-x=31536000", undefined],
            ["includeSubDomains", undefined],
            [["max-age=31536000"], undefined],
            [31536000, undefined],
        ];
        for (const [value, maxAge] of maxAges) {
            const title =
                maxAge === undefined
                    ? `finds no max-age in ${JSON.stringify(value)}`
                    : `reads max-age ${maxAge} from ${JSON.stringify(value)}`;
            it(title, () => {
                assert.equal(hstsMaxAge(value), maxAge);
            });
        }

        it("reports a header without max-age", async () => {
            assert.deepEqual(
                await runResourcePolicy(
                    policy,
                    route([
                        responseHeaders(header("Strict-Transport-Security", "includeSubDomains")),
                    ]),
                ),
                [
                    'HTTPRoute "echo-server" rule 1 sets Strict-Transport-Security "includeSubDomains": max-age must be at least 31536000 seconds.',
                ],
            );
        });

        it("finds the header among others, whatever its case, in set or add", async () => {
            const frameOptions = header("X-Frame-Options", "DENY");
            assert.deepEqual(
                await runResourcePolicy(
                    policy,
                    route([
                        responseHeaders(
                            frameOptions,
                            header("strict-transport-security", "max-age=31536000"),
                        ),
                    ]),
                ),
                [],
            );
            const added = {
                type: "ResponseHeaderModifier",
                responseHeaderModifier: {
                    add: [header("Strict-Transport-Security", "max-age=31536000")],
                },
            };
            assert.deepEqual(await runResourcePolicy(policy, route([added])), []);
            assert.deepEqual(
                await runResourcePolicy(policy, route([responseHeaders(frameOptions)])),
                missing,
            );
        });

        it("counts a responseHeaderModifier only on a ResponseHeaderModifier filter", async () => {
            // The Gateway API rejects a filter whose modifier does not match its type; a gateway would
            // not apply it.
            const misplaced = {
                type: "RequestHeaderModifier",
                requestHeaderModifier: { set: [header("X-Forwarded-Proto", "https")] },
                responseHeaderModifier: {
                    set: [header("Strict-Transport-Security", "max-age=31536000")],
                },
            };
            assert.deepEqual(await runResourcePolicy(policy, route([misplaced])), missing);
        });
    });
});
