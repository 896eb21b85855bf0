/**
 * SSM tiers against real key material. "Standard tier parameters support a maximum parameter value
 * of 4096 characters"; Advanced holds 8 KB, costs money, and cannot go back to Standard without
 * deleting the parameter:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OPENSSH_ED25519_PRIVATE_KEY_MAX_LENGTH } from "../../../components/keys/deploy-key";
import {
    armoredPrivateKeyLength,
    GPG_ALGORITHMS,
    GpgAlgorithm,
    gpgKeyInputProblems,
    gpgKeyProvider,
    GpgKeyProviderOutputs,
    gpgPrivateKeyMaxLength,
    loadOpenpgp,
    MAX_USER_ID_BYTES,
} from "../../../components/keys/gpg-key";
import { SSM_TIER_LIMITS, ssmTierFor } from "../../../components/keys/stored-secret";
import { requireTool } from "../../helpers/schema";

// The tier each algorithm's private key must get: Standard wherever it fits.
const EXPECTED_TIER: Record<GpgAlgorithm, "Standard" | "Advanced"> = { ed25519: "Standard", rsa3072: "Advanced", rsa4096: "Advanced" };

describe("SSM parameter tiers", () => {
    it("chooses Standard up to 4096 characters, Advanced up to 8192, and refuses more", () => {
        assert.deepEqual(SSM_TIER_LIMITS, { Standard: 4096, Advanced: 8192 });
        assert.equal(ssmTierFor(1), "Standard");
        assert.equal(ssmTierFor(4096), "Standard");
        assert.equal(ssmTierFor(4097), "Advanced");
        assert.equal(ssmTierFor(8192), "Advanced");
        assert.throws(() => ssmTierFor(8193), /no SSM parameter tier holds 8193 characters \(Advanced holds 8192\)/);
        assert.throws(() => ssmTierFor(0), /needs a positive length \(got 0\)/);
    });

    describe("for the GPG private key, from real keys of every algorithm, with and without a passphrase", function () {
        this.timeout(300_000);
        // The longest user ID the provider accepts, so the keys are as large as they can get.
        const longest = { name: "B".repeat(MAX_USER_ID_BYTES - " <b@example.com>".length), email: "b@example.com" };
        const keys: { algorithm: GpgAlgorithm; encrypted: boolean; outs: GpgKeyProviderOutputs }[] = [];
        before(async () => {
            for (const algorithm of GPG_ALGORITHMS) {
                for (const passphrase of [undefined, "correct horse battery staple"]) {
                    const created = await gpgKeyProvider.create({ ...longest, algorithm, rotation: "", passphrase });
                    keys.push({ algorithm, encrypted: passphrase !== undefined, outs: created.outs as GpgKeyProviderOutputs });
                }
            }
        });

        it("generated the longest user ID the check accepts", () => {
            assert.equal(Buffer.byteLength(`${longest.name} <${longest.email}>`), MAX_USER_ID_BYTES);
            assert.deepEqual(gpgKeyInputProblems({ ...longest, algorithm: "ed25519" }), []);
            assert.deepEqual(gpgKeyInputProblems({ ...longest, name: `${longest.name}B`, algorithm: "ed25519" }), [
                { property: "name", reason: `the user ID "name <email>" takes ${MAX_USER_ID_BYTES + 1} bytes, more than ${MAX_USER_ID_BYTES}` },
            ]);
            assert.equal(keys.length, GPG_ALGORITHMS.length * 2);
        });

        it("counts armored characters exactly as openpgp writes them", async () => {
            const openpgp = loadOpenpgp();
            for (const { outs } of keys) {
                const bytes = (await openpgp.readPrivateKey({ armoredKey: outs.privateKey })).write().length;
                assert.equal(armoredPrivateKeyLength(bytes), outs.privateKey.length);
            }
        });

        for (const algorithm of GPG_ALGORITHMS) {
            for (const encrypted of [false, true]) {
                it(`stores a ${algorithm} key ${encrypted ? "with" : "without"} a passphrase on the ${EXPECTED_TIER[algorithm]} tier, which holds it`, () => {
                    const key = keys.find((k) => k.algorithm === algorithm && k.encrypted === encrypted)!;
                    const maxLength = gpgPrivateKeyMaxLength(algorithm, encrypted);
                    assert.ok(key.outs.privateKey.length <= maxLength, `${key.outs.privateKey.length} > bound ${maxLength}`);
                    const tier = ssmTierFor(maxLength);
                    assert.equal(tier, EXPECTED_TIER[algorithm]);
                    assert.ok(key.outs.privateKey.length <= SSM_TIER_LIMITS[tier]);
                    // Standard wherever the key can fit it; Advanced only where a key can outgrow it.
                    if (tier === "Advanced") assert.ok(key.outs.privateKey.length > SSM_TIER_LIMITS.Standard);
                });
            }
        }
    });

    it("keeps the deploy key (an OpenSSH ED25519 private key) on Standard", function () {
        requireTool("ssh-keygen", ["-?"], "the OpenSSH key's size");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flux-gitops-ssh-"));
        try {
            // The tls provider writes the same openssh-key-v1 format, with an empty comment.
            const file = path.join(dir, "id");
            const result = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", file]);
            assert.equal(result.status, 0, String(result.stderr));
            const privateKey = fs.readFileSync(file, "utf8");
            assert.match(privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
            assert.ok(privateKey.length <= OPENSSH_ED25519_PRIVATE_KEY_MAX_LENGTH);
            assert.equal(ssmTierFor(OPENSSH_ED25519_PRIVATE_KEY_MAX_LENGTH), "Standard");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
