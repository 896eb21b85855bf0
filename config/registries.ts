import * as pulumi from "@pulumi/pulumi";
import { AppConfig } from "./apps";
import { setting } from "./settings";
import { Checks } from "./checks";

/** The credentials Flux reads one registry with. */
export interface RegistryCredentials {
    /** Registry host, as in the image reference (`docker.io`, `ghcr.io`, `registry.example.com:5000`). */
    readonly host: string;
    readonly username: string;
    /** The token (secret), stored in SSM under `parameterName`. */
    readonly token: pulumi.Output<string>;
    readonly parameterName: string;
}

/** The structured key of per-registry credentials: usernames plain, tokens secret. */
export const REGISTRIES = {
    registries: setting({
        key: "registries",
        type: "object",
        declared: false,
        description:
            'Credentials per registry host other than ghcr.io: {"<host>": {"username": "<user>"}}, each token set with `pulumi config set --secret --path \'registries["<host>"].token\'`.',
    }),
};

/** GitHub's registry: the bot reads it with `registryToken` (a token of the bot with read:packages). */
export const GHCR = "ghcr.io";

// A registry as an image reference names it (distribution/reference: a domain of
// alphanumeric-and-hyphen components, an optional port: group 1), lowercase as image repositories are here.
const REGISTRY_HOST = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::([0-9]{1,5}))?$/;

/**
 * True for a host an image reference can name as its registry: a domain with a dot or a port
 * (go-containerregistry, which Flux parses images with, reads anything else as a Docker Hub path:
 * pkg/name/repository.go @v0.21.6 NewRepository).
 */
export function isRegistryHost(host: string): boolean {
    const match = REGISTRY_HOST.exec(host);
    if (match === null) return false;
    const port = match[1];
    return port === undefined ? host.includes(".") : Number(port) <= 65535;
}

/** Default SSM name of a registry's token: one parameter per registry, not per application. */
export function registryTokenParameter(ssmPrefix: string, host: string): string {
    return `${ssmPrefix}/registries/${host.replace(/:/g, "-")}/token`;
}

/**
 * Reads `registries`: `{ "<host>": { "username": "<user>", "token": <secret> } }`, the token set
 * with `pulumi config set --secret --path 'registries["<host>"].token' <token>`. Returns the
 * credentials of every registry an application pulls from privately (ghcr.io: the bot and
 * `registryToken`), and a problem for each private application whose registry has none: a
 * credential is only ever offered to the registry it was issued for. A public image needs none,
 * so a stack of public images needs no `registryToken`.
 */
export function readRegistries(
    c: Checks,
    entries: Readonly<Record<string, { readonly username?: unknown }>>,
    tokens: Readonly<Record<string, pulumi.Output<string>>>,
    ctx: {
        readonly apps: readonly AppConfig[];
        readonly botUser: string;
        /** `registryToken`, undefined when unset. */
        readonly ghcrToken?: pulumi.Output<string>;
        readonly ghcrParameter: string;
        readonly ssmPrefix: string;
    },
): Record<string, RegistryCredentials> {
    const configured: Record<string, RegistryCredentials> = {};
    // Labelled through "registries" itself: a host with a port has a colon, which c.problem would
    // take for a key of another namespace.
    const problem = (path: string, what: string) => c.problems.push(`${c.label("registries")}${path} ${what}`);
    for (const [host, entry] of Object.entries(entries)) {
        const key = `registries["${host}"]`;
        if (!isRegistryHost(host)) {
            problem(`["${host}"]`, `is not a registry host such as registry.example.com or registry.example.com:5000 (got "${host}")`);
            continue;
        }
        if (host === GHCR) {
            problem(`["${host}"]`, `is not needed: ${GHCR} is read as the bot with registryToken`);
            continue;
        }
        const username = typeof entry?.username === "string" ? entry.username.trim() : "";
        if (!username) problem(`["${host}"].username`, "is required: the user the token belongs to");
        if (!tokens[host]) {
            problem(`["${host}"].token`, `is required; set it with \`pulumi config set --secret --path '${key}.token' <token>\``);
        }
        configured[host] = { host, username, token: tokens[host], parameterName: registryTokenParameter(ctx.ssmPrefix, host) };
    }
    const used: Record<string, RegistryCredentials> = {};
    for (const app of ctx.apps) {
        // A missing image is reported as required already; it has no registry to need credentials for.
        if (app.image.public || !app.image.repository) continue;
        const host = app.image.registry;
        if (host === GHCR) {
            if (ctx.ghcrToken) {
                used[host] = { host, username: ctx.botUser, token: ctx.ghcrToken, parameterName: ctx.ghcrParameter };
            } else {
                c.problem(
                    "registryToken",
                    `is required: application ${app.name} pulls ${app.image.repository} from ${GHCR} privately; ` +
                        "set it with `pulumi config set --secret registryToken <token>` (a token of the bot with read:packages), or set imagePublic: true for a public image",
                );
            }
        } else if (configured[host]) {
            used[host] = configured[host];
        } else {
            c.problems.push(
                `application ${app.name} pulls ${app.image.repository} from ${host}, which has no credentials: ` +
                    `add them under ${c.label("registries")}["${host}"] (username and a secret token), or set imagePublic: true for a public image`,
            );
        }
    }
    return used;
}
