import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { appManifestFiles, AppManifestsSpec } from "./manifests";

export interface AppManifestsArgs extends AppManifestsSpec {
    /** Repository to seed (under the GitHub provider's owner). */
    readonly repository: string;
    readonly branch: string;
    readonly commitAuthor: string;
    readonly commitEmail: string;
    /** Seed the base too (false where another stack's overlay shares it and seeded it already). */
    readonly includeBase: boolean;
}

/**
 * Seeds the application's kustomize base and overlay into its repository, once. After that the
 * repository owns them: the bot commits new tags, people edit the rest, and `pulumi up` must not
 * revert either, so changes to the content are ignored.
 */
export class AppManifests extends pulumi.ComponentResource {
    /** The seeded files, by repository path. */
    public readonly files: Record<string, github.RepositoryFile>;

    constructor(name: string, args: AppManifestsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("flux-gitops:app:AppManifests", name, {}, opts);
        this.files = {};
        const overlayDir = args.overlayPath.replace(/^(\.\/)+/, "");
        for (const [file, content] of Object.entries(appManifestFiles(args))) {
            if (!args.includeBase && !file.startsWith(`${overlayDir}/`)) continue;
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
                // retainOnDelete: a `pulumi destroy` leaves the application's manifests in its repository.
                { parent: this, ignoreChanges: ["content"], retainOnDelete: true },
            );
        }
        this.registerOutputs({});
    }
}
