import * as pulumi from "@pulumi/pulumi";

/** What a stack adopts from an account and cluster where the recipe it replaces already ran. */
export interface Adoption {
    /** Namespaces that already exist: imported, never created. */
    readonly namespaces: readonly string[];
}

/**
 * A transformation that adopts what already exists instead of failing on it:
 * - SSM parameters are written with `overwrite: true`, so one `up` works whether or not a parameter
 *   of the name exists: an import fails for a parameter that does not (the GPG key's, a new
 *   application's). With `overwrite` unset, AWS refuses to create a name that exists
 *   (ParameterAlreadyExists; @pulumi/aws 7.48.0 ssm/parameter.d.ts: "overwrite ... defaults to
 *   false during create operations").
 * - Namespaces in `adoption.namespaces` are imported by name. Since pulumi-kubernetes v4.29.0 a
 *   create no longer upserts an existing object (pulumi/pulumi-kubernetes#2926: AlreadyExists),
 *   so an existing namespace must be imported. Inputs that differ from what exists (the owner
 *   labels) do not stop the import: since v3.174.0 the engine imports and then updates the
 *   resource in the same deployment (pulumi/pulumi CHANGELOG 3.174.0, "Overhaul of how the import
 *   option works"; pkg/resource/deploy/step_generator.go continueStepsFromImport, v3.274.0).
 */
export function adoptionTransform(adoption: Adoption): pulumi.ResourceTransformation {
    return (args) => {
        if (args.type === "aws:ssm/parameter:Parameter") {
            return { props: { ...args.props, overwrite: true }, opts: args.opts };
        }
        if (args.type === "kubernetes:core/v1:Namespace") {
            const name = (args.props.metadata as { name?: unknown } | undefined)?.name;
            // An Output (a name not known yet) or no name at all is never listed.
            const listed = adoption.namespaces.find((namespace) => namespace === name);
            if (listed !== undefined) {
                return { props: args.props, opts: pulumi.mergeOptions(args.opts, { import: listed }) };
            }
        }
        return undefined;
    };
}
