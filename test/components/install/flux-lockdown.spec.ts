/**
 * With Flux installed by someone else, the stack checks that its controllers run with the
 * multi-tenancy lockdown its tenants rely on, and refuses to go on when they do not.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
    controllerFlags,
    FluxLockdownCheck,
    lockdownControllers,
    lockdownRefusal,
    missingLockdownFlags,
} from "../../../components/install/flux-lockdown";
import { Evaluation, kubernetesObjects } from "../../../scripts/offline";
import { evaluateStack } from "../../helpers/evaluations";
import { ofType, providerOf } from "../../helpers/resources";

/**
 * kustomize-controller's container `manager` as Flux 2.9.4 ships it (flux-operator
 * config/data/flux/v2.9.4/kustomize-controller.yaml @v0.58.1), then what the operator's
 * `multitenant` profile appends (internal/builder/profiles.go @v0.58.1 `profileClusterMultitenant`).
 */
const OPERATOR_MULTITENANT = [
    "--events-addr=http://notification-controller.flux-system.svc.cluster.local./",
    "--watch-all-namespaces",
    "--log-level=info",
    "--log-encoding=json",
    "--enable-leader-election",
    "--no-cross-namespace-refs=true",
    "--no-remote-bases=true",
    "--default-service-account=default",
];
/** Flux's own arguments, without the lockdown. */
const FLUX_DEFAULT = OPERATOR_MULTITENANT.slice(0, 5);

describe("the lockdown of a Flux installed by someone else", () => {
    it("accepts the controllers as the Flux Operator's multitenant profile starts them", () => {
        assert.deepEqual(missingLockdownFlags("kustomize-controller", OPERATOR_MULTITENANT), []);
        assert.deepEqual(missingLockdownFlags("notification-controller", ["--watch-all-namespaces=true", "--no-cross-namespace-refs=true"]), []);
    });

    it("names every flag a controller runs without", () => {
        assert.deepEqual(missingLockdownFlags("kustomize-controller", FLUX_DEFAULT), ["no-cross-namespace-refs", "no-remote-bases", "default-service-account"]);
        assert.deepEqual(missingLockdownFlags("image-automation-controller", FLUX_DEFAULT), ["no-cross-namespace-refs"]);
    });

    it("reads the flags as spf13/pflag does: bare bools, Go's true values, a value after a space, the last one winning, nothing after --", () => {
        assert.deepEqual(missingLockdownFlags("kustomize-controller", ["--no-cross-namespace-refs", "--no-remote-bases=T", "--default-service-account", "tenant-default"]), []);
        assert.deepEqual(missingLockdownFlags("notification-controller", ["--no-cross-namespace-refs=1"]), []);
        assert.deepEqual(missingLockdownFlags("notification-controller", ["--no-cross-namespace-refs=true", "--no-cross-namespace-refs=false"]), ["no-cross-namespace-refs"]);
        assert.deepEqual(missingLockdownFlags("notification-controller", ["--no-cross-namespace-refs=yes"]), ["no-cross-namespace-refs"]);
        assert.deepEqual(missingLockdownFlags("notification-controller", ["--", "--no-cross-namespace-refs=true"]), ["no-cross-namespace-refs"]);
        assert.deepEqual(missingLockdownFlags("kustomize-controller", ["--no-cross-namespace-refs", "--no-remote-bases", "--default-service-account="]), ["default-service-account"]);
        assert.deepEqual([...controllerFlags(["-v=2", "--a=b=c", "positional"])], [["a", "b=c"]]);
        // A value flag takes the next argument; at the end, with none, it is not set.
        assert.deepEqual([...controllerFlags(["--default-service-account", "tenant-default", "--x"])], [["default-service-account", "tenant-default"], ["x", "true"]]);
        assert.deepEqual([...controllerFlags(["--x", "--default-service-account"])], [["x", "true"]]);
    });

    it("takes a bool flag as set for exactly strconv.ParseBool's six spellings of true", () => {
        // go1.26 src/strconv/atob.go ParseBool: "1", "t", "T", "true", "TRUE", "True".
        const missing = (value: string) => missingLockdownFlags("notification-controller", [`--no-cross-namespace-refs=${value}`]);
        for (const value of ["1", "t", "T", "true", "TRUE", "True"]) assert.deepEqual(missing(value), [], value);
        for (const value of ["tRUE", "yes", "on", "0", "f", "false", ""]) assert.deepEqual(missing(value), ["no-cross-namespace-refs"], value);
    });

    it("checks the image controllers only when a tenant automates image updates", () => {
        assert.deepEqual(lockdownControllers([{ image: { automation: false } }]), ["kustomize-controller", "notification-controller"]);
        assert.deepEqual(lockdownControllers([{ image: { automation: false } }, { image: { automation: true } }]), [
            "kustomize-controller",
            "notification-controller",
            "image-reflector-controller",
            "image-automation-controller",
        ]);
    });

    it("refuses with the controllers, their missing flags and the two ways out", () => {
        assert.equal(lockdownRefusal("flux-system", { "kustomize-controller": [], "notification-controller": [] }), "");
        assert.equal(
            lockdownRefusal("flux-system", { "kustomize-controller": ["no-remote-bases", "default-service-account"], "notification-controller": [] }),
            [
                "Flux runs without the multi-tenancy lockdown this stack's tenants rely on; these controllers lack:",
                "  flux-system/kustomize-controller: --no-remote-bases, --default-service-account",
                "Without it, a tenant's repository can apply a Kustomization with kustomize-controller's cluster-admin rights.",
                "Set installFlux: true (the FluxInstance sets cluster.multitenant), or add the flags as README, Tenancy, shows.",
            ].join("\n"),
        );
    });

    describe("reading the live Deployments", () => {
        /** Builds the check against a cluster whose controllers run with `args`. */
        async function check(args: Record<string, string[] | undefined>, partialSpec?: Record<string, unknown>): Promise<{ missing: Record<string, string[]>; error?: unknown }> {
            await pulumi.runtime.setMocks(
                {
                    newResource(a) {
                        const controller = String(a.id).split("/")[1];
                        const containerArgs = args[controller];
                        const spec = partialSpec ?? (containerArgs && { template: { spec: { containers: [{ name: "sidecar", args: [] }, { name: "manager", args: containerArgs }] } } });
                        return { id: a.id ?? `${a.name}-id`, state: spec ? { spec } : {} };
                    },
                    call: (a) => a.inputs as Record<string, unknown>,
                },
                "flux-gitops",
                "test",
                false,
            );
            const caught: { error?: unknown } = {};
            const onRejection = (e: unknown) => (caught.error = e);
            process.on("unhandledRejection", onRejection);
            try {
                const lockdown = new FluxLockdownCheck("flux-lockdown", { namespace: "flux-system", controllers: ["kustomize-controller", "notification-controller"] });
                const missing = await new Promise<Record<string, string[]>>((resolve) => lockdown.missing.apply(resolve));
                await new Promise((resolve) => setTimeout(resolve, 50));
                return { missing, error: caught.error };
            } finally {
                process.off("unhandledRejection", onRejection);
            }
        }

        it("goes on when every controller runs with the lockdown", async () => {
            const result = await check({ "kustomize-controller": OPERATOR_MULTITENANT, "notification-controller": ["--no-cross-namespace-refs=true"] });
            assert.deepEqual(result.missing, { "kustomize-controller": [], "notification-controller": [] });
            assert.equal(result.error, undefined);
        });

        it("stops the program with a RunError (a message, not a stack) when one does not", async () => {
            const result = await check({ "kustomize-controller": FLUX_DEFAULT, "notification-controller": ["--no-cross-namespace-refs=true"] });
            assert.deepEqual(result.missing["kustomize-controller"], ["no-cross-namespace-refs", "no-remote-bases", "default-service-account"]);
            assert.ok(result.error instanceof pulumi.RunError, String(result.error));
            assert.match(result.error.message, /flux-system\/kustomize-controller: --no-cross-namespace-refs, --no-remote-bases, --default-service-account/);
        });

        it("judges no controller whose arguments cannot be read (the offline evaluator's case), nor fails on a partial object", async () => {
            const partial = [{}, { template: {} }, { template: { spec: {} } }, { template: { spec: { containers: [{ name: "manager" }] } } }];
            // One at a time: each check sets the mocks.
            for (const spec of [undefined, ...partial]) {
                const result = await check({}, spec);
                assert.deepEqual(result.missing, { "kustomize-controller": [], "notification-controller": [] }, JSON.stringify(spec));
                assert.equal(result.error, undefined, JSON.stringify(spec));
            }
        });
    });

    describe("in the stack", () => {
        let installedElsewhere: Evaluation;
        before(async () => {
            installedElsewhere = await evaluateStack("dev", { installFlux: "false" });
        });

        it("reads each controller the tenants use from Flux's namespace, with the stack's Kubernetes provider, and renders none of them", () => {
            const reads = ofType(installedElsewhere, "kubernetes:apps/v1:Deployment");
            assert.deepEqual(reads.map((r) => r.readId).sort(), [
                "flux-system/image-automation-controller",
                "flux-system/image-reflector-controller",
                "flux-system/kustomize-controller",
                "flux-system/notification-controller",
            ]);
            for (const r of reads) assert.equal(providerOf(installedElsewhere, r).name, "kubernetes");
            assert.equal(kubernetesObjects(installedElsewhere).filter((o) => o.kind === "Deployment").length, 0);
        });

        it("reads nothing when the stack installs Flux (the FluxInstance sets the lockdown) or when no application is a tenant", async () => {
            assert.equal(ofType(await evaluateStack("dev"), "kubernetes:apps/v1:Deployment").length, 0);
            const platformOnly = await evaluateStack("dev", { installFlux: "false", tenant: "false", externalSecretsAuth: "podIdentity", eksClusterName: "flux-dev" });
            assert.equal(ofType(platformOnly, "kubernetes:apps/v1:Deployment").length, 0);
        });
    });
});
