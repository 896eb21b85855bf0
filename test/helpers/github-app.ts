import { generateKeyPairSync } from "node:crypto";
import type { ConfigOverride } from "../../scripts/offline";

/** A fresh RSA-2048 private key in the encoding given, as GitHub (PKCS#1) or openssl 3 (PKCS#8) writes it. */
export function rsaPrivateKeyPem(encoding: "pkcs1" | "pkcs8"): string {
    return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: encoding, format: "pem" }).toString();
}

/** One App key for the whole run: evaluations with equal overrides are computed once. */
export const APP_PRIVATE_KEY = rsaPrivateKeyPem("pkcs1");

/** The overrides that put the dev stack into GitHub App mode. */
export const APP_MODE: Readonly<Record<string, ConfigOverride>> = {
    githubAppId: "123456",
    githubAppInstallationId: "7890123",
    githubAppPrivateKey: { secret: APP_PRIVATE_KEY },
};
