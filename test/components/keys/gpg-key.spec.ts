import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
    armoredPrivateKeyLength,
    generateGpgKey,
    GPG_ALGORITHMS,
    GpgAlgorithm,
    GpgKey,
    gpgKeyInputProblems,
    gpgKeyProvider,
    GpgKeyProviderInputs,
    GpgKeyProviderOutputs,
    gpgPrivateKeyMaxLength,
    loadOpenpgp,
    MAX_USER_ID_BYTES,
    reencryptGpgKey,
    UNKNOWN_VALUE,
} from "../../../components/keys/gpg-key";
import { throughDynamicHost } from "../../../scripts/engine-rules";
import { record } from "../../helpers/record";
import { requireTool } from "../../helpers/schema";

const openpgp = loadOpenpgp();

const BOT: GpgKeyProviderInputs = {
    name: "developer-friendly-bot",
    email: "bot@developer-friendly.blog",
    algorithm: "ed25519",
    rotation: "",
};

async function create(inputs: GpgKeyProviderInputs, provider = gpgKeyProvider): Promise<GpgKeyProviderOutputs> {
    const result = await provider.create(inputs);
    assert.equal(result.id, result.outs.fingerprint, "the resource id is the fingerprint");
    return result.outs as GpgKeyProviderOutputs;
}

describe("GPG key dynamic provider", () => {
    let ed25519: GpgKeyProviderOutputs;
    before(async () => {
        ed25519 = await create(BOT);
    });

    it("generates a version 4 EdDSA key with a Curve25519 subkey and the bot's user ID", async () => {
        const key = await openpgp.readKey({ armoredKey: ed25519.publicKey });
        assert.equal(key.keyPacket.version, 4, "GitHub, GnuPG 2.2 and Flux need v4 keys");
        assert.equal(key.getAlgorithmInfo().algorithm, "eddsaLegacy");
        assert.equal(key.getAlgorithmInfo().curve, "ed25519Legacy");
        assert.deepEqual(
            key.getSubkeys().map((s) => [s.keyPacket.version, s.getAlgorithmInfo().algorithm, s.getAlgorithmInfo().curve]),
            [[4, "ecdh", "curve25519Legacy"]],
        );
        assert.deepEqual(key.getUserIDs(), ["developer-friendly-bot <bot@developer-friendly.blog>"]);
        assert.match(ed25519.fingerprint, /^[0-9A-F]{40}$/);
        assert.equal(ed25519.fingerprint, key.getFingerprint().toUpperCase());
        assert.equal(ed25519.keyId, ed25519.fingerprint.slice(-16));
        assert.equal(ed25519.name, BOT.name);
        assert.equal(ed25519.email, BOT.email);
        assert.equal(ed25519.algorithm, "ed25519");
        assert.equal(ed25519.rotation, "");
    });

    it("returns an armored, unencrypted private key of the same key when there is no passphrase", async () => {
        assert.match(ed25519.privateKey, /^-----BEGIN PGP PRIVATE KEY BLOCK-----\n/);
        assert.match(ed25519.publicKey, /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n/);
        const privateKey = await openpgp.readPrivateKey({ armoredKey: ed25519.privateKey });
        assert.equal(privateKey.isDecrypted(), true);
        assert.equal(privateKey.getFingerprint().toUpperCase(), ed25519.fingerprint);
    });

    it("signs what its public key verifies", async () => {
        const privateKey = await openpgp.readPrivateKey({ armoredKey: ed25519.privateKey });
        const signature = await openpgp.sign({
            message: await openpgp.createMessage({ text: "chore: update image tag [skip ci]" }),
            signingKeys: privateKey,
            detached: true,
        });
        const verification = await openpgp.verify({
            message: await openpgp.createMessage({ text: "chore: update image tag [skip ci]" }),
            signature: await openpgp.readSignature({ armoredSignature: signature }),
            verificationKeys: await openpgp.readKey({ armoredKey: ed25519.publicKey }),
        });
        assert.equal(await verification.signatures[0].verified, true);
        assert.equal(verification.signatures[0].keyID.toHex().toUpperCase(), ed25519.keyId);
    });

    it("generates an RSA 3072 key when asked to", async () => {
        const rsa = await create({ ...BOT, algorithm: "rsa3072" });
        const key = await openpgp.readKey({ armoredKey: rsa.publicKey });
        assert.equal(key.keyPacket.version, 4);
        assert.equal(key.getAlgorithmInfo().algorithm, "rsaEncryptSign");
        assert.equal(key.getAlgorithmInfo().bits, 3072);
        assert.notEqual(rsa.fingerprint, ed25519.fingerprint);
    });

    it("encrypts the private key with the passphrase", async () => {
        const withPassphrase = await create({ ...BOT, passphrase: "correct horse battery staple" });
        const privateKey = await openpgp.readPrivateKey({ armoredKey: withPassphrase.privateKey });
        assert.equal(privateKey.isDecrypted(), false);
        await assert.rejects(openpgp.decryptKey({ privateKey, passphrase: "wrong" }), /Incorrect key passphrase/);
        const decrypted = await openpgp.decryptKey({ privateKey, passphrase: "correct horse battery staple" });
        assert.equal(decrypted.isDecrypted(), true);
    });

    describe("diff", () => {
        const diff = (news: Partial<GpgKeyProviderInputs>) =>
            gpgKeyProvider.diff!(ed25519.fingerprint, ed25519, { ...BOT, ...news });

        it("changes nothing when the inputs are unchanged (a second `pulumi up` is a no-op)", async () => {
            assert.deepEqual(await diff({}), { changes: false, replaces: [], deleteBeforeReplace: false });
            // An absent rotation and passphrase read the same as empty ones.
            assert.deepEqual(await diff({ rotation: undefined, passphrase: "" }), {
                changes: false,
                replaces: [],
                deleteBeforeReplace: false,
            });
        });

        for (const [input, value] of [
            ["name", "Flux Bot"],
            ["email", "flux@developer-friendly.blog"],
            ["algorithm", "rsa4096"],
            ["rotation", "2026-11"],
        ] as const) {
            it(`replaces the key when ${input} changes`, async () => {
                assert.deepEqual(await diff({ [input]: value }), {
                    changes: true,
                    replaces: [input],
                    deleteBeforeReplace: false,
                });
            });
        }

        it("updates in place (same key) when only the passphrase changes", async () => {
            assert.deepEqual(await diff({ passphrase: "new" }), { changes: true, replaces: [], deleteBeforeReplace: false });
        });
    });

    describe("update", () => {
        it("re-encrypts the same key with a new passphrase, then removes it", async () => {
            const encrypted = (await gpgKeyProvider.update!(ed25519.fingerprint, ed25519, { ...BOT, passphrase: "first" }))
                .outs as GpgKeyProviderOutputs;
            assert.equal(encrypted.fingerprint, ed25519.fingerprint);
            assert.equal(encrypted.publicKey, ed25519.publicKey);
            assert.equal(encrypted.passphrase, "first");
            const locked = await openpgp.readPrivateKey({ armoredKey: encrypted.privateKey });
            assert.equal(locked.isDecrypted(), false);
            assert.equal(locked.getFingerprint().toUpperCase(), ed25519.fingerprint);
            await openpgp.decryptKey({ privateKey: locked, passphrase: "first" });

            const changed = (await gpgKeyProvider.update!(ed25519.fingerprint, encrypted, { ...BOT, passphrase: "second" }))
                .outs as GpgKeyProviderOutputs;
            const relocked = await openpgp.readPrivateKey({ armoredKey: changed.privateKey });
            await assert.rejects(openpgp.decryptKey({ privateKey: relocked, passphrase: "first" }), /Incorrect key passphrase/);
            await openpgp.decryptKey({ privateKey: relocked, passphrase: "second" });

            const cleared = (await gpgKeyProvider.update!(ed25519.fingerprint, changed, { ...BOT, passphrase: undefined }))
                .outs as GpgKeyProviderOutputs;
            const open = await openpgp.readPrivateKey({ armoredKey: cleared.privateKey });
            assert.equal(open.isDecrypted(), true);
            assert.equal(open.getFingerprint().toUpperCase(), ed25519.fingerprint);
            assert.equal(cleared.passphrase, undefined);
        });
    });

    describe("check", () => {
        it("accepts valid inputs and defaults the rotation to an empty string", async () => {
            const { rotation: _rotation, ...withoutRotation } = BOT;
            assert.deepEqual(await gpgKeyProvider.check!({}, withoutRotation), { inputs: { ...BOT, rotation: "" } });
        });

        it("reports every bad input with the property it concerns", async () => {
            const result = await gpgKeyProvider.check!({}, { name: " ", email: "bot-at-example", algorithm: "dsa" });
            assert.deepEqual(result.failures, [
                { property: "name", reason: "the user ID needs a non-empty name" },
                { property: "email", reason: '"bot-at-example" is not an e-mail address' },
                { property: "algorithm", reason: '"dsa" is not one of ed25519, rsa3072, rsa4096' },
            ]);
        });

        it("leaves values that are unknown during a preview for the update", () => {
            assert.deepEqual(gpgKeyInputProblems({ ...BOT, name: UNKNOWN_VALUE, email: UNKNOWN_VALUE, algorithm: UNKNOWN_VALUE }), []);
        });

        it("refuses a name that would break the user ID", () => {
            assert.deepEqual(gpgKeyInputProblems({ ...BOT, name: "bot <evil@example.com>" }), [
                { property: "name", reason: '"bot <evil@example.com>" contains one of < > ( ), which would break the user ID' },
            ]);
        });
    });

    it("survives Pulumi's function serialization: the engine runs the serialized provider", async () => {
        // This is what pulumi.dynamic.Resource stores in the state and what the dynamic provider
        // host loads back (`requireFromString(text).handler()`), in a process without this module.
        const serialized = await pulumi.runtime.serializeFunction(() => gpgKeyProvider, { allowSecrets: true });
        assert.equal(serialized.containsSecrets, false);
        const requireFromString = require("require-from-string") as (code: string) => { handler(): pulumi.dynamic.ResourceProvider };
        const provider = requireFromString(serialized.text).handler();
        assert.notEqual(provider, gpgKeyProvider);
        const outs = await create(BOT, provider);
        const key = await openpgp.readKey({ armoredKey: outs.publicKey });
        assert.equal(key.keyPacket.version, 4);
        assert.deepEqual(key.getUserIDs(), ["developer-friendly-bot <bot@developer-friendly.blog>"]);
        assert.deepEqual(await provider.diff!(outs.fingerprint, outs, BOT), { changes: false, replaces: [], deleteBeforeReplace: false });
        assert.deepEqual((await provider.check!({}, { ...BOT, email: "nope" })).failures, [
            { property: "email", reason: '"nope" is not an e-mail address' },
        ]);
    });
});

describe("GPG key provider, at its edges", function () {
    this.timeout(120_000);

    describe("input checks", () => {
        it("recognises the engine's unknown value: the one the Pulumi SDK itself uses", () => {
            assert.equal(UNKNOWN_VALUE, pulumi.runtime.unknownValue);
        });

        it("refuses an empty name", () => {
            assert.deepEqual(gpgKeyInputProblems({ ...BOT, name: "" }), [
                { property: "name", reason: "the user ID needs a non-empty name" },
            ]);
        });

        it("requires the rotation value and the passphrase to be strings", () => {
            assert.deepEqual(gpgKeyInputProblems({ ...BOT, rotation: 2026, passphrase: true }), [
                { property: "rotation", reason: "must be a string" },
                { property: "passphrase", reason: "must be a string" },
            ]);
        });
    });

    it("reads an absent old rotation value as an empty one: no replacement", async () => {
        const { rotation: _rotation, ...withoutRotation } = BOT;
        // diff looks at the inputs only, not at the key material.
        const olds = {
            ...withoutRotation,
            fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567",
            keyId: "0123456789ABCDEF",
            publicKey: "public",
            privateKey: "private",
        };
        assert.deepEqual(await gpgKeyProvider.diff!(olds.fingerprint, olds, BOT), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
    });

    describe("a key created without a rotation value", () => {
        let created: GpgKeyProviderOutputs;
        before(async () => {
            const { rotation: _rotation, ...withoutRotation } = BOT;
            created = (await gpgKeyProvider.create(withoutRotation)).outs as GpgKeyProviderOutputs;
        });

        it("stores the rotation value as an empty string", () => {
            assert.equal(created.rotation, "");
        });

        it("re-encrypts an encrypted key only with its old passphrase", async () => {
            const privateKey = await openpgp.readPrivateKey({ armoredKey: created.privateKey });
            const encrypted = (await openpgp.encryptKey({ privateKey, passphrase: "first" })).armor();
            await assert.rejects(reencryptGpgKey(encrypted, undefined, "second"), {
                message: "the GPG key is encrypted: re-encrypting it needs its old passphrase",
            });
            await assert.rejects(reencryptGpgKey(encrypted, "wrong", "second"), /Incorrect key passphrase/);
            const again = await openpgp.readPrivateKey({ armoredKey: await reencryptGpgKey(encrypted, "first", "second") });
            await openpgp.decryptKey({ privateKey: again, passphrase: "second" });
        });
    });

    it("bounds the private key with the packet of the longest user ID: 256 bytes and a 3-byte header", () => {
        const packets = new openpgp.PacketList();
        const email = "b@example.com";
        const name = "B".repeat(MAX_USER_ID_BYTES - ` <${email}>`.length);
        packets.push(openpgp.UserIDPacket.fromObject({ name, email }));
        const userIdPacketBytes = packets.write().length;
        // RFC 4880 section 4.2.2.2: a packet body of 192 to 8383 bytes has a two-octet length.
        assert.equal(userIdPacketBytes, MAX_USER_ID_BYTES + 3);
        // The largest key packets measured (components/keys/gpg-key.ts) and 92 bytes of encryption.
        const keyPacketBytes: Record<GpgAlgorithm, number> = { ed25519: 608, rsa3072: 3816, rsa4096: 4968 };
        for (const algorithm of GPG_ALGORITHMS) {
            for (const encrypted of [false, true]) {
                assert.equal(
                    gpgPrivateKeyMaxLength(algorithm, encrypted),
                    armoredPrivateKeyLength(keyPacketBytes[algorithm] + userIdPacketBytes + (encrypted ? 92 : 0)),
                    `${algorithm}, encrypted: ${encrypted}`,
                );
            }
        }
    });

    describe("the GpgKey resource's inputs", () => {
        const inputsOf = async (args: { rotation?: string }) => {
            const registered = await record(
                () => new GpgKey("bot-gpg-key", { name: BOT.name, email: BOT.email, algorithm: "ed25519", ...args }),
            );
            const key = registered.find((r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.name === "bot-gpg-key");
            assert.ok(key, "the GpgKey was not registered");
            return key.inputs;
        };

        it("sends an empty rotation value when none is given", async () => {
            assert.equal((await inputsOf({})).rotation, "");
        });

        it("sends the rotation value it is given", async () => {
            assert.equal((await inputsOf({ rotation: "2026-11" })).rotation, "2026-11");
        });
    });
});

describe("a generated GPG key in real gpg and git", function () {
    let home: string;
    let env: NodeJS.ProcessEnv;

    before(function () {
        requireTool("gpg", ["--version"], "checking the key with real gpg");
        requireTool("git", ["--version"], "signing a commit with the key");
        home = fs.mkdtempSync(path.join(os.tmpdir(), "gpg-"));
        fs.mkdirSync(path.join(home, "gnupg"), { mode: 0o700 });
        env = {
            PATH: process.env.PATH,
            HOME: home,
            GNUPGHOME: path.join(home, "gnupg"),
            GIT_CONFIG_NOSYSTEM: "1",
            LANG: "C",
        };
    });

    after(() => {
        if (home) {
            spawnSync("gpgconf", ["--kill", "gpg-agent"], { env });
            fs.rmSync(home, { recursive: true, force: true });
        }
    });

    const run = (command: string, args: string[], options: { cwd?: string; input?: string } = {}) =>
        execFileSync(command, args, { env, cwd: options.cwd, input: options.input, encoding: "utf8", stdio: "pipe" });

    for (const [title, inputs] of [
        ["ed25519", BOT],
        ["ed25519 with a passphrase", { ...BOT, name: "Flux Bot", passphrase: "s3cret passphrase" }],
    ] as const) {
        it(`signs a commit that git verify-commit accepts (${title})`, async () => {
            const key = await generateGpgKey(inputs);
            const passphrase = "passphrase" in inputs ? inputs.passphrase : undefined;
            const importArgs = ["--batch", "--import"];
            if (passphrase) {
                importArgs.unshift("--pinentry-mode", "loopback", "--passphrase", passphrase);
            }
            run("gpg", importArgs, { input: key.privateKey });
            const listing = run("gpg", ["--batch", "--with-colons", "--list-secret-keys", key.fingerprint]);
            assert.match(listing, new RegExp(`^fpr:+${key.fingerprint}:`, "m"));
            assert.match(listing, new RegExp(`^uid:.*:${inputs.name} <${inputs.email}>:`, "m"));
            run("gpg", ["--batch", "--import-ownertrust"], { input: `${key.fingerprint}:6:\n` });

            // Git calls gpg without a terminal; with a passphrase, a wrapper feeds it like Flux does.
            const program = path.join(home, `gpg-${key.keyId}`);
            const feed = passphrase ? ` --pinentry-mode loopback --passphrase '${passphrase}'` : "";
            fs.writeFileSync(program, `#!/bin/sh\nexec gpg --batch${feed} "$@"\n`, { mode: 0o755 });

            const repo = path.join(home, `repo-${key.keyId}`);
            fs.mkdirSync(repo);
            run("git", ["init", "--quiet", "-b", "main"], { cwd: repo });
            run("git", ["config", "user.name", inputs.name], { cwd: repo });
            run("git", ["config", "user.email", inputs.email], { cwd: repo });
            run("git", ["config", "user.signingkey", key.fingerprint], { cwd: repo });
            run("git", ["config", "gpg.program", program], { cwd: repo });
            fs.writeFileSync(path.join(repo, "kustomization.yaml"), "images: []\n");
            run("git", ["add", "."], { cwd: repo });
            run("git", ["commit", "--quiet", "-S", "-m", "chore: update image [skip ci]"], { cwd: repo });

            const verify = spawnSync("git", ["verify-commit", "--raw", "HEAD"], { env, cwd: repo, encoding: "utf8" });
            assert.equal(verify.status, 0, verify.stderr);
            assert.match(verify.stderr, new RegExp(`VALIDSIG ${key.fingerprint} `));
            assert.match(verify.stderr, new RegExp(`GOODSIG ${key.keyId} ${inputs.name} <${inputs.email}>`));
        });
    }
});

/**
 * A dynamic resource's life as the engine and the dynamic-provider host run it
 * (pulumi/pulumi sdk/nodejs/cmd/dynamic-provider/index.ts, v3.274.0): the host reads olds and news
 * with `toJavaScript`, sends every result of check, create and update through
 * `Struct.fromJavaScript` (with the serialized provider, `__provider`, added back), and the engine
 * stores those outputs and hands them to the next diff and update as `olds`.
 */
class HostedGpgKey {
    /** The outputs the engine stored, as it stored them. */
    state?: Record<string, unknown>;

    /** One `pulumi up` with these inputs; returns the step the engine took. */
    async up(news: Partial<GpgKeyProviderInputs>): Promise<"create" | "same" | "update" | "replace"> {
        const checked = await gpgKeyProvider.check!(this.state ?? {}, throughDynamicHost({ ...news, __provider: PROVIDER }));
        assert.deepEqual(checked.failures ?? [], [], "check accepts the inputs");
        const inputs = throughDynamicHost(checked.inputs as Record<string, unknown>);
        if (this.state === undefined) {
            await this.create(inputs);
            return "create";
        }
        const diff = await gpgKeyProvider.diff!(String(this.state.fingerprint), this.state, inputs);
        if ((diff.replaces ?? []).length > 0) {
            await this.create(inputs);
            return "replace";
        }
        if (!diff.changes) return "same";
        const result = await gpgKeyProvider.update!(String(this.state.fingerprint), this.state, inputs);
        this.state = throughDynamicHost({ ...result.outs, __provider: PROVIDER });
        return "update";
    }

    private async create(inputs: Record<string, unknown>): Promise<void> {
        const result = await gpgKeyProvider.create(inputs);
        this.state = throughDynamicHost({ ...result.outs, __provider: PROVIDER });
    }
}
const PROVIDER = "exports.handler = ...";

describe("GPG key provider through the dynamic-provider host", function () {
    this.timeout(120_000);

    it("the host refuses an undefined value anywhere in a result (google-protobuf Struct.fromJavaScript)", () => {
        assert.throws(() => throughDynamicHost({ passphrase: undefined }), /Unexpected struct type/);
        assert.throws(() => throughDynamicHost({ nested: { value: undefined } }), /Unexpected struct type/);
        assert.deepEqual(throughDynamicHost({ a: "x", n: null, list: [1, "b"] }), { a: "x", n: null, list: [1, "b"] });
    });

    it("creates, then leaves the key alone on an unchanged `up`", async () => {
        const key = new HostedGpgKey();
        assert.equal(await key.up(BOT), "create");
        const created = key.state;
        assert.equal(await key.up(BOT), "same");
        assert.deepEqual(key.state, created);
        assert.equal(created?.passphrase, undefined, "no passphrase, no passphrase output");
    });

    it("unsets, sets and changes the passphrase in place, the same key each time", async () => {
        const key = new HostedGpgKey();
        assert.equal(await key.up({ ...BOT, passphrase: "first" }), "create");
        const fingerprint = key.state?.fingerprint;
        assert.equal(await key.up({ ...BOT, passphrase: "first" }), "same");

        // `pulumi config rm gpgPassphrase`: the input is absent, and the update must not return it as undefined.
        assert.equal(await key.up(BOT), "update");
        assert.equal(key.state?.fingerprint, fingerprint);
        assert.equal("passphrase" in (key.state ?? {}), false);
        assert.equal((await openpgp.readPrivateKey({ armoredKey: String(key.state?.privateKey) })).isDecrypted(), true);
        assert.equal(await key.up(BOT), "same");

        assert.equal(await key.up({ ...BOT, passphrase: "second" }), "update");
        assert.equal(key.state?.passphrase, "second");
        const locked = await openpgp.readPrivateKey({ armoredKey: String(key.state?.privateKey) });
        await openpgp.decryptKey({ privateKey: locked, passphrase: "second" });
        assert.equal(await key.up({ ...BOT, passphrase: "third" }), "update");
        assert.equal(key.state?.fingerprint, fingerprint);
    });

    for (const [input, value] of [
        ["name", "Flux Bot"],
        ["email", "flux@example.com"],
        ["algorithm", "rsa3072"],
        ["rotation", "2026-12"],
    ] as const) {
        it(`replaces the key when ${input} changes, and the new key's outputs survive the host`, async () => {
            const key = new HostedGpgKey();
            await key.up({ ...BOT, passphrase: "p" });
            const fingerprint = key.state?.fingerprint;
            assert.equal(await key.up({ ...BOT, passphrase: "p", [input]: value }), "replace");
            assert.notEqual(key.state?.fingerprint, fingerprint);
            assert.equal(key.state?.[input], value);
        });
    }
});
