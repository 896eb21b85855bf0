/**
 * Validation of emitted Kubernetes objects against the upstream schemas of their served API
 * versions: the @kubernetes-models packages (installed with the project), and, where the team's
 * reference copies of the upstream CRDs sit beside the project (../shared/crds), those too, with
 * unknown fields rejected (the API server would silently prune them).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import * as YAML from "yaml";
import { PROJECT_ROOT } from "../../scripts/offline";

type KubeObject = Record<string, unknown> & { apiVersion?: unknown; kind?: unknown };

/** API groups the API server serves itself (no CRD): checked against their @kubernetes-models model only. */
export const BUILT_IN_GROUPS: readonly string[] = ["", "apps", "rbac.authorization.k8s.io"];

/** The @kubernetes-models module that has the model of an apiVersion/kind. */
export function modelModule(apiVersion: string, kind: string): string {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const packages: Record<string, string> = {
        "": "kubernetes-models",
        apps: "kubernetes-models",
        "rbac.authorization.k8s.io": "kubernetes-models",
        "source.toolkit.fluxcd.io": "@kubernetes-models/flux-cd",
        "kustomize.toolkit.fluxcd.io": "@kubernetes-models/flux-cd",
        "image.toolkit.fluxcd.io": "@kubernetes-models/flux-cd",
        "notification.toolkit.fluxcd.io": "@kubernetes-models/flux-cd",
        "helm.toolkit.fluxcd.io": "@kubernetes-models/flux-cd",
        "external-secrets.io": "@kubernetes-models/external-secrets",
        "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
        "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
    };
    const pkg = packages[group];
    if (pkg === undefined) throw new Error(`no model package for API group "${group}"`);
    return group === "" ? `${pkg}/${version}/${kind}` : `${pkg}/${group}/${version}/${kind}`;
}

/** Validates with @kubernetes-models; throws with the model's message when invalid. */
export async function validateWithModel(object: KubeObject): Promise<void> {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    // The model packages are ESM-only: a real dynamic import (kept by module: node16).
    const module = (await import(modelModule(apiVersion, kind))) as Record<
        string,
        new (data: unknown) => { validate(): void }
    >;
    const Model = module[kind];
    if (Model === undefined) throw new Error(`${modelModule(apiVersion, kind)} has no ${kind}`);
    new Model(object).validate();
}

/** Where the reference CRDs are, if they are beside the project. */
export const SHARED_CRDS = path.resolve(PROJECT_ROOT, "..", "shared", "crds");

/**
 * Fails (never skips) when the reference CRDs are missing: a test that needs them must not pass
 * without them. `what` says what the test checks with them.
 */
export function requireSharedCrds(what: string): void {
    if (!fs.existsSync(path.join(SHARED_CRDS, "SOURCES.md"))) {
        throw new Error(
            `the upstream reference CRDs are missing at ${SHARED_CRDS} (needed for ${what}): check out the shared folder beside the repository`,
        );
    }
}

/** Fails (never skips) when a tool the test runs is not on PATH; `.ci/run` installs them. */
export function requireTool(command: string, args: readonly string[], what: string): void {
    if (spawnSync(command, args).error !== undefined) {
        throw new Error(
            `${command} is not on PATH (needed for ${what}); .ci/run installs it where it is missing`,
        );
    }
}

interface CrdVersion {
    name: string;
    served: boolean;
    schema?: { openAPIV3Schema: Record<string, unknown> };
}

/** The schemas of the served versions in the reference CRDs, by `apiVersion kind`. */
/**
 * Kinds whose CRD ../shared/crds does not hold, checked with the served schema of a kind that
 * upstream generates from the same Go type. SecretStore and ClusterSecretStore both carry
 * `SecretStoreSpec` (external-secrets apis/externalsecrets/v1/secretstore_types.go @v2.9.0), and
 * their CRDs (config/crds/bases/external-secrets.io_secretstores.yaml and _clustersecretstores.yaml
 * @v2.9.0) serve v1 schemas that differ only in the top-level description (compared at that tag).
 */
export const SAME_SCHEMA_AS: Readonly<Record<string, string>> = {
    "external-secrets.io/v1 SecretStore": "external-secrets.io/v1 ClusterSecretStore",
};

export function loadCrdSchemas(dir = SHARED_CRDS): Map<string, Record<string, unknown>> {
    const schemas = new Map<string, Record<string, unknown>>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
        for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"))) {
            const crd = doc.toJSON() as {
                kind?: string;
                spec?: { group: string; names: { kind: string }; versions: CrdVersion[] };
            };
            if (crd?.kind !== "CustomResourceDefinition" || !crd.spec) continue;
            for (const v of crd.spec.versions) {
                if (v.served && v.schema)
                    schemas.set(
                        `${crd.spec.group}/${v.name} ${crd.spec.names.kind}`,
                        v.schema.openAPIV3Schema,
                    );
            }
        }
    }
    for (const [kind, sameAs] of Object.entries(SAME_SCHEMA_AS)) {
        const schema = schemas.get(sameAs);
        if (schema && !schemas.has(kind)) schemas.set(kind, schema);
    }
    return schemas;
}

/**
 * A structural schema as JSON Schema: Kubernetes extensions dropped, and objects closed
 * (additionalProperties: false) unless they preserve unknown fields, like the API server's pruning.
 */
export function toJsonSchema(schema: unknown): unknown {
    if (Array.isArray(schema)) return schema.map(toJsonSchema);
    if (schema === null || typeof schema !== "object") return schema;
    const s = schema as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
        if (k.startsWith("x-kubernetes-")) continue;
        // A few CRDs use Go-only regex syntax such as (?i); those patterns are left to the API server.
        if (k === "pattern" && !compiles(String(v))) continue;
        if (k === "properties") {
            out[k] = Object.fromEntries(
                Object.entries(v as Record<string, unknown>).map(([p, ps]) => [
                    p,
                    toJsonSchema(ps),
                ]),
            );
        } else if (k === "items" || k === "additionalProperties" || k === "not") {
            out[k] = typeof v === "object" ? toJsonSchema(v) : v;
        } else if (k === "allOf" || k === "anyOf" || k === "oneOf") {
            out[k] = toJsonSchema(v);
        } else {
            out[k] = v;
        }
    }
    if (s["x-kubernetes-int-or-string"]) {
        delete out.type;
        out.anyOf = [{ type: "integer" }, { type: "string" }];
    }
    if (
        s.properties &&
        s.additionalProperties === undefined &&
        !s["x-kubernetes-preserve-unknown-fields"]
    ) {
        out.additionalProperties = false;
    }
    return out;
}

function compiles(pattern: string): boolean {
    try {
        new RegExp(pattern, "u");
        return true;
    } catch {
        return false;
    }
}

/** Validates against the served version's schema of the reference CRD; returns the errors. */
export function validateWithCrd(
    object: KubeObject,
    schemas: Map<string, Record<string, unknown>>,
): string[] {
    const key = `${String(object.apiVersion)} ${String(object.kind)}`;
    const schema = schemas.get(key);
    if (!schema) return [`no served CRD version for ${key}`];
    const { metadata: _metadata, ...rest } = object;
    const properties = { ...((schema.properties ?? {}) as Record<string, unknown>) };
    delete properties.metadata;
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(toJsonSchema({ ...schema, properties }) as object);
    return validate(rest)
        ? []
        : (validate.errors ?? []).map(
              (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
          );
}
