/**
 * Seeding the application's manifests into its repository, as the GitHub provider will act on it:
 * integrations/terraform-provider-github v6.13.0 (the upstream of @pulumi/github 6.15.0),
 * github/resource_github_repository_file.go and github/data_source_github_repository_file.go.
 */
import { strict as assert } from "node:assert";
import * as github from "@pulumi/github";
import {
    AppManifests,
    AppManifestsArgs,
    existingRepositoryFiles,
    isExistingFile,
    repositoryFileId,
    SEEDED_FILE_IGNORE_CHANGES,
} from "../../../components/app/app-manifests";
import { evaluateStack } from "../../helpers/evaluations";
import { ofType } from "../../helpers/resources";
import { record, Registered } from "../../helpers/record";
import { FILE } from "../../helpers/types";

const BASE = ["kustomize/base/kustomization.yaml", "kustomize/base/deployment.yaml", "kustomize/base/service.yaml"];

const args = (overlay: string, extra: Partial<AppManifestsArgs> = {}): AppManifestsArgs => ({
    repository: "echo-server",
    branch: "main",
    appName: "echo-server",
    image: "ghcr.io/developer-friendly/echo-server",
    port: 8080,
    overlayPath: `./kustomize/overlays/${overlay}`,
    imagePolicy: { name: "echo-server", namespace: "flux-system" },
    commitAuthor: "Developer Friendly Bot",
    commitEmail: "bot@developer-friendly.blog",
    ...extra,
});

const files = (registered: Registered[]) => registered.filter((r) => r.type === FILE);
const byPath = (registered: Registered[]) => Object.fromEntries(files(registered).map((f) => [String(f.inputs.file), f]));

describe("seeding the application's manifests", () => {
    it("creates every file of a fresh repository: nothing imported", async () => {
        const dev = await record(() => new AppManifests("echo-server-manifests", args("dev")));
        assert.deepEqual(Object.keys(byPath(dev)), [...BASE, "kustomize/overlays/dev/kustomization.yaml"]);
        for (const f of files(dev)) {
            assert.equal(f.options.importId, "", f.name);
            assert.equal(f.inputs.overwriteOnCreate, false, f.name);
        }
    });

    it("adopts what another stack seeded instead of creating it (prod after dev): the base is imported, the overlay created", async () => {
        // Without the import, create fails: "refusing to overwrite existing file: configure
        // `overwrite_on_create` to `true` to override" (resourceGithubRepositoryFileCreate).
        const prod = await record(() => new AppManifests("echo-server-manifests", args("prod", { existingFiles: BASE })));
        const seeded = byPath(prod);
        assert.deepEqual(Object.keys(seeded), [...BASE, "kustomize/overlays/prod/kustomization.yaml"]);
        for (const path of BASE) {
            assert.equal(seeded[path].options.importId, `echo-server:${path}:main`, path);
        }
        assert.equal(seeded["kustomize/overlays/prod/kustomization.yaml"].options.importId, "");
    });

    it("imports with the id the provider gave the file when it created it, so a later `up` of the seeding stack is a no-op", async () => {
        // The import option on a resource already in the state with the same id is treated like any
        // other resource (pulumi/pulumi developer-docs/architecture/import.md, case 2).
        // Create and Import both set buildID(repo, escapeIDPart(file), branch) (github/util.go: `:` joins, `??` escapes).
        assert.equal(repositoryFileId("echo-server", "kustomize/base/service.yaml", "main"), "echo-server:kustomize/base/service.yaml:main");
        assert.equal(repositoryFileId("r", "a:b/c.yaml", "release/1.0"), "r:a??b/c.yaml:release/1.0");
        const all = Object.keys(byPath(await record(() => new AppManifests("m", args("dev")))));
        const again = await record(() => new AppManifests("m", args("dev", { existingFiles: all })));
        assert.deepEqual(
            files(again).map((f) => f.options.importId),
            all.map((path) => repositoryFileId("echo-server", path, "main")),
        );
    });

    it("ignores every input a refresh reads back or botName/botEmail change, and retains the files on delete", async () => {
        // Read sets content, commit_message (the last commit's) and commit_author/commit_email;
        // Import sets overwrite_on_create. Any of them in a diff is an UpdateFile that writes the
        // state's content over the bot's commits, or a 409 on a stale blob sha.
        assert.deepEqual([...SEEDED_FILE_IGNORE_CHANGES].sort(), [
            "commitAuthor",
            "commitEmail",
            "commitMessage",
            "content",
            "overwriteOnCreate",
        ]);
        const registered = files(await record(() => new AppManifests("m", args("dev", { existingFiles: BASE }))));
        assert.equal(registered.length, 4);
        for (const f of registered) {
            assert.deepEqual([...f.options.ignoreChanges].sort(), [...SEEDED_FILE_IGNORE_CHANGES].sort(), f.name);
            assert.equal(f.options.retainOnDelete, true, f.name);
            for (const input of SEEDED_FILE_IGNORE_CHANGES) assert.ok(input in f.inputs, `${input} is not an input of ${f.name}`);
        }
    });

    it("carries the same options through the real program", async () => {
        const dev = await evaluateStack("dev");
        const seeded = ofType(dev, FILE);
        assert.ok(seeded.length > 0);
        for (const f of seeded) {
            assert.deepEqual([...f.options.ignoreChanges].sort(), [...SEEDED_FILE_IGNORE_CHANGES].sort(), f.name);
        }
    });

    describe("finding the files that already exist", () => {
        it("reads a missing path as absent: the data source returns an empty id and no content, not an error", () => {
            // data_source_github_repository_file.go: on 404, d.SetId("") and return nil.
            assert.equal(isExistingFile({}), false);
            assert.equal(isExistingFile({ sha: "" }), false);
            // A directory gets an id but no blob sha.
            assert.equal(isExistingFile({ sha: undefined }), false);
            assert.equal(isExistingFile({ sha: "3b18e512dba79e4c8300dd08aeb37f8e728b8dad" }), true);
        });

        it("asks the repository's branch through the given provider, once per file, and keeps the ones that exist", async () => {
            const asked: Record<string, unknown>[] = [];
            let found: string[] = [];
            await record(
                async () => {
                    const provider = new github.Provider("github-org", { owner: "developer-friendly" });
                    found = await existingRepositoryFiles(provider, "echo-server", "main", [
                        ...BASE,
                        "kustomize/overlays/prod/kustomization.yaml",
                    ]);
                },
                {
                    call: (token, invokeArgs, provider) => {
                        assert.equal(token, "github:index/getRepositoryFile:getRepositoryFile");
                        assert.match(String(provider), /::pulumi:providers:github::github-org::/);
                        asked.push(invokeArgs);
                        const file = String(invokeArgs.file);
                        // What the bridge hands back for a missing file: no sha, no content.
                        return BASE.includes(file) ? { ...invokeArgs, id: `echo-server/${file}`, sha: "abc123", content: "x" } : { ...invokeArgs };
                    },
                },
            );
            assert.deepEqual(found, BASE);
            assert.deepEqual(
                asked.map((a) => [a.repository, a.branch, a.file]),
                [...BASE, "kustomize/overlays/prod/kustomization.yaml"].map((f) => ["echo-server", "main", f]),
            );
        });
    });
});
