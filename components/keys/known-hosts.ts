/**
 * `known_hosts` content for GitHub from its published SSH keys (`github.getSshKeys`, i.e. the
 * `ssh_keys` of https://api.github.com/meta), one line per key, sorted for a stable diff.
 */
export function knownHosts(keys: readonly string[], host = "github.com"): string {
    const lines = keys.map((k) => k.trim()).filter((k) => k.length > 0);
    if (lines.length === 0) throw new Error("GitHub returned no SSH host keys");
    for (const line of lines) {
        if (!/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/]+=*$/.test(line)) {
            throw new Error(`unexpected SSH host key from GitHub: "${line}"`);
        }
    }
    return [...new Set(lines)].sort().map((k) => `${host} ${k}`).join("\n") + "\n";
}
