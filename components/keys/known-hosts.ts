import * as pulumi from "@pulumi/pulumi";

/** SSH host key types the known_hosts lines are written for. */
export const KNOWN_HOST_KEY_TYPES = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"] as const;

/**
 * `known_hosts` content for GitHub from its published SSH keys (`github.getSshKeys`, i.e. the
 * `ssh_keys` of https://api.github.com/meta), one line per key, sorted for a stable diff.
 * It runs inside an apply, where a throw would fail the whole update: a key of a type not in
 * KNOWN_HOST_KEY_TYPES (GitHub adding a new one) is skipped with a warning. Only a malformed line or
 * no usable key at all is an error.
 */
export function knownHosts(
    keys: readonly string[],
    host = "github.com",
    warn: (message: string) => void = (message) => pulumi.log.warn(message),
): string {
    const lines = keys.map((k) => k.trim()).filter((k) => k.length > 0);
    const usable: string[] = [];
    for (const line of lines) {
        const match = /^([A-Za-z0-9@.-]+) [A-Za-z0-9+/]+=*$/.exec(line);
        if (!match) throw new Error(`unexpected SSH host key from GitHub: "${line}"`);
        if ((KNOWN_HOST_KEY_TYPES as readonly string[]).includes(match[1])) usable.push(line);
        else warn(`skipping GitHub's SSH host key of type ${match[1]}: known_hosts is written for ${KNOWN_HOST_KEY_TYPES.join(", ")}`);
    }
    if (usable.length === 0) throw new Error("GitHub returned no SSH host keys of a known type");
    return [...new Set(usable)].sort().map((k) => `${host} ${k}`).join("\n") + "\n";
}
