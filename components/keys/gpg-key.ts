import * as pulumi from "@pulumi/pulumi";
import type * as OpenPGP from "openpgp" with { "resolution-mode": "require" };

/**
 * Key algorithms the provider generates. `ed25519` is an EdDSA primary key with a Curve25519 ECDH
 * subkey in the version 4 format (RFC 4880): what GnuPG 2.2, GitHub and Flux's Go OpenPGP library
 * accept. openpgp's RFC 9580 (`curve25519`, version 6) keys are deliberately not offered.
 */
export const GPG_ALGORITHMS = ["ed25519", "rsa3072", "rsa4096"] as const;
export type GpgAlgorithm = (typeof GPG_ALGORITHMS)[number];

/** What the provider receives: the resource's inputs, resolved. */
export interface GpgKeyProviderInputs {
    /** User ID name (the bot's display name). */
    readonly name: string;
    /** User ID e-mail. */
    readonly email: string;
    readonly algorithm: GpgAlgorithm;
    /** An opaque value: changing it generates a new key. */
    readonly rotation: string;
    /** Encrypts the private key when set and not empty. */
    readonly passphrase?: string;
}

/** What the provider stores: the inputs plus the generated key. */
export interface GpgKeyProviderOutputs extends GpgKeyProviderInputs {
    /** Upper-case hex fingerprint of the primary key (40 digits for version 4 keys). */
    readonly fingerprint: string;
    /** Upper-case hex long key ID (the last 16 digits of the fingerprint). */
    readonly keyId: string;
    /** Armored public key. */
    readonly publicKey: string;
    /** Armored private key, encrypted with the passphrase when there is one. */
    readonly privateKey: string;
}

/** The longest user ID (`name <email>`, UTF-8) the provider accepts; it bounds the key's size. */
export const MAX_USER_ID_BYTES = 256;

// Bytes of a generated key's packets apart from its user ID packet, unencrypted: the largest
// measured with openpgp 6.3.2 (ed25519 591, rsa3072 3785, rsa4096 4937) plus room for RSA
// integers and signatures a few bytes longer than the ones measured.
const KEY_PACKET_MAX_BYTES: Record<GpgAlgorithm, number> = { ed25519: 608, rsa3072: 3816, rsa4096: 4968 };
// A passphrase adds an S2K specifier, an IV and a SHA-1 check to each of the two secret key
// packets: 92 bytes measured for every algorithm.
const ENCRYPTION_BYTES = 92;
// A user ID packet of 192 to 8383 bytes has a 3-byte header (RFC 4880 section 4.2.2.2).
const USER_ID_PACKET_MAX_BYTES = MAX_USER_ID_BYTES + 3;

/**
 * Characters of `bytes` bytes in openpgp's armor: the BEGIN line and a blank line, base64 in lines of
 * 60 characters, the `=` CRC-24 line and the END line.
 */
export function armoredPrivateKeyLength(bytes: number): number {
    const base64 = Math.ceil(bytes / 3) * 4;
    const begin = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n".length;
    const end = "-----END PGP PRIVATE KEY BLOCK-----\n".length;
    return begin + base64 + Math.ceil(base64 / 60) + "=XXXX\n".length + end;
}

/**
 * The longest armored private key the provider can generate for an algorithm, encrypted with a
 * passphrase or not (any user ID the check accepts). What decides its SSM tier.
 */
export function gpgPrivateKeyMaxLength(algorithm: GpgAlgorithm, encrypted: boolean): number {
    const bytes = KEY_PACKET_MAX_BYTES[algorithm] + USER_ID_PACKET_MAX_BYTES + (encrypted ? ENCRYPTION_BYTES : 0);
    return armoredPrivateKeyLength(bytes);
}

/** Inputs whose change needs a new key (a passphrase change only re-encrypts the same key). */
const REPLACE_ON_CHANGE = ["name", "email", "algorithm", "rotation"] as const;

// openpgp is loaded inside the provider's functions, not at module level: Pulumi serializes the
// provider's code into the state, and a `require` call survives serialization where a captured
// module object (wrapped by TypeScript's import helpers) would not.
export function loadOpenpgp(): typeof OpenPGP {
    return require("openpgp") as typeof OpenPGP;
}

/** How the engine hands a dynamic provider a value that is not known yet (during a preview). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Problems with the inputs, in the shape `check` returns. Empty when the inputs are valid. A value
 * that is unknown during a preview is checked at the update, once it is known.
 */
export function gpgKeyInputProblems(inputs: Partial<Record<keyof GpgKeyProviderInputs, unknown>>): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const check = (property: keyof GpgKeyProviderInputs, reason: (value: unknown) => string | undefined) => {
        const value = inputs[property];
        const problem = value === UNKNOWN_VALUE ? undefined : reason(value);
        if (problem) failures.push({ property, reason: problem });
    };
    check("name", (name) =>
        typeof name !== "string" || name.trim() === ""
            ? "the user ID needs a non-empty name"
            : /[<>()]/.test(name)
              ? `"${name}" contains one of < > ( ), which would break the user ID`
              : undefined,
    );
    check("email", (email) =>
        typeof email === "string" && /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email) ? undefined : `"${String(email)}" is not an e-mail address`,
    );
    check("algorithm", (algorithm) =>
        (GPG_ALGORITHMS as readonly unknown[]).includes(algorithm)
            ? undefined
            : `"${String(algorithm)}" is not one of ${GPG_ALGORITHMS.join(", ")}`,
    );
    const userIdBytes = Buffer.byteLength(`${String(inputs.name)} <${String(inputs.email)}>`, "utf8");
    if (inputs.name !== UNKNOWN_VALUE && inputs.email !== UNKNOWN_VALUE && userIdBytes > MAX_USER_ID_BYTES) {
        failures.push({ property: "name", reason: `the user ID "name <email>" takes ${userIdBytes} bytes, more than ${MAX_USER_ID_BYTES}` });
    }
    for (const property of ["rotation", "passphrase"] as const) {
        check(property, (value) => (value === undefined || typeof value === "string" ? undefined : "must be a string"));
    }
    return failures;
}

/** Generates a key for the inputs and describes it. */
export async function generateGpgKey(inputs: GpgKeyProviderInputs): Promise<GpgKeyProviderOutputs> {
    const openpgp = loadOpenpgp();
    const algorithm =
        inputs.algorithm === "ed25519"
            ? ({ type: "ecc", curve: "ed25519Legacy" } as const)
            : ({ type: "rsa", rsaBits: inputs.algorithm === "rsa4096" ? 4096 : 3072 } as const);
    const passphrase = inputs.passphrase ? inputs.passphrase : undefined;
    const { privateKey, publicKey } = await openpgp.generateKey({
        ...algorithm,
        userIDs: [{ name: inputs.name, email: inputs.email }],
        passphrase,
        format: "armored",
        // Version 4 keys: v6 keys are refused by GnuPG 2.2, GitHub and Flux.
        config: { v6Keys: false },
    });
    const key = await openpgp.readKey({ armoredKey: publicKey });
    return {
        ...inputs,
        rotation: inputs.rotation ?? "",
        fingerprint: key.getFingerprint().toUpperCase(),
        keyId: key.getKeyID().toHex().toUpperCase(),
        publicKey,
        privateKey,
    };
}

/** The same key, armored again with a new passphrase (or none). */
export async function reencryptGpgKey(
    armoredPrivateKey: string,
    oldPassphrase: string | undefined,
    newPassphrase: string | undefined,
): Promise<string> {
    const openpgp = loadOpenpgp();
    let key = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
    if (!key.isDecrypted()) {
        if (oldPassphrase === undefined) throw new Error("the GPG key is encrypted: re-encrypting it needs its old passphrase");
        key = await openpgp.decryptKey({ privateKey: key, passphrase: oldPassphrase });
    }
    if (newPassphrase) {
        key = await openpgp.encryptKey({ privateKey: key, passphrase: newPassphrase });
    }
    return key.armor();
}

/**
 * `value` without its undefined properties. The dynamic-provider host sends every result of check,
 * create, update and read through google-protobuf's `Struct.fromJavaScript`, which throws
 * "Unexpected struct type" on an undefined value and fails the update
 * (pulumi/pulumi sdk/nodejs/cmd/dynamic-provider/index.ts); an unset input is an absent property.
 */
export function definedOnly<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The dynamic provider. It keeps no state outside Pulumi's: a key is generated on create, kept
 * unchanged while its inputs are, replaced when its user ID, algorithm or rotation value changes,
 * and re-encrypted in place when only the passphrase changes.
 */
export const gpgKeyProvider: pulumi.dynamic.ResourceProvider = {
    check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
        const failures = gpgKeyInputProblems(news);
        const inputs = definedOnly({ ...news, rotation: news.rotation ?? "" });
        return Promise.resolve(failures.length > 0 ? { inputs, failures } : { inputs });
    },

    async create(inputs: GpgKeyProviderInputs): Promise<pulumi.dynamic.CreateResult> {
        const outs = definedOnly(await generateGpgKey(inputs));
        return { id: outs.fingerprint, outs };
    },

    diff(_id: string, olds: GpgKeyProviderOutputs, news: GpgKeyProviderInputs): Promise<pulumi.dynamic.DiffResult> {
        const replaces = REPLACE_ON_CHANGE.filter((key) => (olds[key] ?? "") !== (news[key] ?? ""));
        const passphraseChanged = (olds.passphrase ?? "") !== (news.passphrase ?? "");
        return Promise.resolve({
            changes: replaces.length > 0 || passphraseChanged,
            replaces,
            deleteBeforeReplace: false,
        });
    },

    async update(_id: string, olds: GpgKeyProviderOutputs, news: GpgKeyProviderInputs): Promise<pulumi.dynamic.UpdateResult> {
        // Only the passphrase can change without a replacement (see diff).
        // An unset passphrase leaves no `passphrase` in the outputs (olds may still hold the old one).
        const privateKey = await reencryptGpgKey(olds.privateKey, olds.passphrase, news.passphrase);
        const outs: GpgKeyProviderOutputs = definedOnly({ ...olds, passphrase: news.passphrase, privateKey });
        return { outs };
    },
};

export interface GpgKeyArgs {
    readonly name: pulumi.Input<string>;
    readonly email: pulumi.Input<string>;
    readonly algorithm: pulumi.Input<GpgAlgorithm>;
    /** Any change to this value generates a new key. */
    readonly rotation?: pulumi.Input<string>;
    readonly passphrase?: pulumi.Input<string>;
}

/** An OpenPGP key pair generated with openpgp and kept in the Pulumi state (private half secret). */
export class GpgKey extends pulumi.dynamic.Resource {
    public readonly fingerprint!: pulumi.Output<string>;
    public readonly keyId!: pulumi.Output<string>;
    public readonly publicKey!: pulumi.Output<string>;
    public readonly privateKey!: pulumi.Output<string>;

    constructor(name: string, args: GpgKeyArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            gpgKeyProvider,
            name,
            {
                name: args.name,
                email: args.email,
                algorithm: args.algorithm,
                rotation: args.rotation ?? "",
                passphrase: args.passphrase,
                fingerprint: undefined,
                keyId: undefined,
                publicKey: undefined,
                privateKey: undefined,
            },
            { ...opts, additionalSecretOutputs: ["privateKey", "passphrase"] },
        );
    }
}
