import { generateKeyPairSync } from "node:crypto";
import type { ConfigOverride } from "../../scripts/offline";
import { RENDER_VARIANTS } from "../../scripts/render";

/** A fresh RSA-2048 private key in the encoding given, as GitHub (PKCS#1) or openssl 3 (PKCS#8) writes it. */
export function rsaPrivateKeyPem(encoding: "pkcs1" | "pkcs8"): string {
    return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: encoding, format: "pem" }).toString();
}

/** The App-mode render variant (scripts/render.ts), whose overrides the specs evaluate too. */
const variant = RENDER_VARIANTS.find((v) => v.name === "dev-app");
if (!variant) throw new Error("scripts/render.ts has no dev-app variant");

/** The overrides that put the dev stack into GitHub App mode, as the conformance render has them. */
export const APP_MODE: Readonly<Record<string, ConfigOverride>> = variant.overrides;

/** The App's private key of APP_MODE: one for the whole run, so equal evaluations are computed once. */
export const APP_PRIVATE_KEY = (APP_MODE.githubAppPrivateKey as { secret: string }).secret;
