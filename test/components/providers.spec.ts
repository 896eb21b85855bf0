/**
 * The providers a component's children get (withProviders).
 */
import { strict as assert } from "node:assert";
import { Providers, withProviders } from "../../components/providers";

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
