import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { appManifestFiles, AppManifestsSpec } from "./manifests";

export interface AppManifestsArgs extends AppManifestsSpec {
    /** Repository to seed (under the GitHub provider's owner). */
    readonly repository: string;
    readonly branch: string;
    readonly commitAuthor: string;
    readonly commitEmail: string;
    /**
     * Repository paths that already exist on the branch (see `existingRepositoryFiles`): adopted
     * with `import`, never created. Default: none.
     */
    readonly existingFiles?: readonly string[];
}

/**
 * Inputs of a seeded file that must never cause an update: the repository owns the file once it
 * is seeded (the bot commits new tags, people edit the rest). A refresh reads `content` and
 * `commit_message` (the last commit's) back, and `commit_author`/`commit_email` from the commit;
 * import sets `overwrite_on_create` to false (integrations/terraform-provider-github v6.13.0,
 * github/resource_github_repository_file.go, Read and Import). A change to any of them, or to
 * botName/botEmail, would otherwise be an update that writes the state's content back over the
 * bot's commits, or fails with 409 on a stale blob SHA. `branch`, `file` and `repository` are not
 * ignored: a new target is a new file to seed.
 */
export const SEEDED_FILE_IGNORE_CHANGES = ["content", "commitMessage", "commitAuthor", "commitEmail", "overwriteOnCreate"];

/**
 * The id the GitHub provider gives a repository file: `<repository>:<file>:<branch>`, with `:`
 * in the path escaped as `??` (terraform-provider-github v6.13.0, github/util.go buildID and
 * escapeIDPart, used by resourceGithubRepositoryFileCreate and ...Import).
 */
export function repositoryFileId(repository: string, file: string, branch: string): string {
    return `${repository}:${file.replaceAll(":", "??")}:${branch}`;
}

/**
 * Whether a `github.getRepositoryFile` result is a file. For a missing path the data source
 * neither fails nor returns content: it sets an empty id and returns
 * (terraform-provider-github v6.13.0, github/data_source_github_repository_file.go), so a file is
 * what has a blob `sha` (a directory has an id but no sha).
 */
export function isExistingFile(result: Partial<Pick<github.GetRepositoryFileResult, "sha">>): boolean {
    return typeof result.sha === "string" && result.sha !== "";
}

/**
 * Which of `files` already exist on the branch. For the composition root, before it registers
 * AppManifests: whether a resource exists must be known when it is registered, which an Output
 * cannot tell, so the root awaits this.
 */
export async function existingRepositoryFiles(
    provider: github.Provider,
    repository: string,
    branch: string,
    files: readonly string[],
): Promise<string[]> {
    const results = await Promise.all(
        files.map((file) => github.getRepositoryFile({ repository, branch, file }, { provider })),
    );
    return files.filter((_, i) => isExistingFile(results[i]));
}

/**
 * Seeds the application's kustomize base and overlay into its repository, once. After that the
 * repository owns them: the bot commits new tags, people edit the rest, and `pulumi up` must not
 * revert either, so changes to every drifting input are ignored. A file that already exists on the
 * branch (seeded by this stack's earlier `up`, or by another stack sharing the base) is adopted
 * with `import` instead of created: the provider refuses to create over an existing file
 * (overwrite_on_create false), and on a resource already in the state with the same id the
 * import option is a no-op (pulumi/pulumi developer-docs/architecture/import.md).
 */
export class AppManifests extends pulumi.ComponentResource {
    /** The seeded files, by repository path. */
    public readonly files: Record<string, github.RepositoryFile>;

    constructor(name: string, args: AppManifestsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:app:AppManifests", name, {}, opts);
        this.files = {};
        const existing = new Set(args.existingFiles);
        for (const [file, content] of Object.entries(appManifestFiles(args))) {
            this.files[file] = new github.RepositoryFile(
                `${name}-${file.replace(/[^A-Za-z0-9]+/g, "-")}`,
                {
                    repository: args.repository,
                    branch: args.branch,
                    file,
                    content,
                    commitMessage: `chore(flux): add ${file} [skip ci]`,
                    commitAuthor: args.commitAuthor,
                    commitEmail: args.commitEmail,
                    // Never overwrite a file the repository already has.
                    overwriteOnCreate: false,
                },
                {
                    parent: this,
                    ignoreChanges: SEEDED_FILE_IGNORE_CHANGES,
                    // A `pulumi destroy`, or another stack dropping an adopted file, leaves it in the repository.
                    retainOnDelete: true,
                    import: existing.has(file) ? repositoryFileId(args.repository, file, args.branch) : undefined,
                },
            );
        }
        this.registerOutputs({});
    }
}
