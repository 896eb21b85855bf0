/**
 * The Gateway API HTTPRoute spec (httpRouteSpec).
 */
import { strict as assert } from "node:assert";
import { httpRouteSpec } from "../../../components/gateway/http-route";

describe("an HTTPRoute spec (httpRouteSpec)", () => {
    it("routes every path (prefix /) when no prefix is given, to the Service with HSTS", () => {
        assert.deepEqual(
            httpRouteSpec({
                gateway: { name: "gateway", namespace: "gateway" },
                hostname: "echo-server.dev.example.com",
                serviceName: "echo-server",
                servicePort: 8080,
            }),
            {
                parentRefs: [
                    {
                        group: "gateway.networking.k8s.io",
                        kind: "Gateway",
                        name: "gateway",
                        namespace: "gateway",
                    },
                ],
                hostnames: ["echo-server.dev.example.com"],
                rules: [
                    {
                        matches: [{ path: { type: "PathPrefix", value: "/" } }],
                        filters: [
                            {
                                type: "ResponseHeaderModifier",
                                responseHeaderModifier: {
                                    set: [
                                        {
                                            name: "Strict-Transport-Security",
                                            value: "max-age=31536000; includeSubDomains",
                                        },
                                    ],
                                },
                            },
                        ],
                        backendRefs: [{ name: "echo-server", port: 8080 }],
                    },
                ],
            },
        );
    });
});
