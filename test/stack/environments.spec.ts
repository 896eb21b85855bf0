import { strict as assert } from "node:assert";
import { Evaluation, kubernetesObjects } from "../../scripts/offline";
import { engineUrn } from "../../scripts/engine-rules";
import { evaluateStack } from "../helpers/evaluations";
import { object, objectsOfKind, one, ofType } from "../helpers/resources";

/**
 * The URNs of the dev stack since each application became one FluxApplication subtree
 * (test/stack/fixtures/dev-urns.json). A change here replaces live resources: add an alias (CONTRIBUTING.md).
 */
const previousDevUrns = require("./fixtures/dev-urns.json") as string[];

/** What tenancy deletes on purpose from a stack made before it, each for its reason (README, Tenancy). */
const RETIRED_BY_TENANCY: Readonly<Record<string, string>> = {
    // A tenant's Kustomization has a URN of its own, so the Flux namespace's is deleted, not
    // replaced: retired first (suspend, Orphan) with suspendLegacyKustomizations.
    "flux-gitops:app:FluxApplication$flux-gitops:flux:AppDelivery$kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization::echo-server-kustomization":
        "retired Kustomization",
    // A tenant's parameters are granted to its own role, no longer to the platform's.
    "flux-gitops:app:FluxApplication$flux-gitops:install:ExternalSecretsAccess::echo-server-external-secrets-access": "platform grant",
    "flux-gitops:app:FluxApplication$flux-gitops:install:ExternalSecretsAccess$aws:iam/rolePolicy:RolePolicy::echo-server-external-secrets-access":
        "platform grant",
    // In the tenant's namespace Flux reads the pods' pull Secret: one Secret, not two.
    "flux-gitops:app:FluxApplication$flux-gitops:flux:FluxSecrets$kubernetes:external-secrets.io/v1:ExternalSecret::echo-server-secrets-registry":
        "one pull Secret",
    // The dev stack file moved from Pod Identity to IRSA, which tenants need.
    "flux-gitops:install:ExternalSecrets$aws:eks/podIdentityAssociation:PodIdentityAssociation::external-secrets-pod-identity": "IRSA",
};

/**
 * The URNs of dev-urns.json that `evaluation` neither has nor aliases (without the stack prefix).
 * An alias with a parent names the resource's own type and name under that parent, qualified by
 * the parent's whole type as the engine qualifies it (scripts/engine-rules.ts `engineUrn`).
 */
function lostUrns(evaluation: Evaluation): string[] {
    const aliasUrns = evaluation.resources.flatMap((r) =>
        r.options.aliases.flatMap((alias) => {
            const parent = /(?:^|,)parent=([^,]+)/.exec(alias)?.[1];
            if (parent === undefined || alias.includes("type=")) return [];
            const [, , type, name] = r.urn.split("::");
            return [engineUrn("dev", "flux-gitops", parent, type.split("$").pop()!, name)];
        }),
    );
    const kept = new Set([...evaluation.resources.map((r) => r.urn), ...aliasUrns]);
    return previousDevUrns.filter((urn) => !kept.has(urn)).map((urn) => urn.replace("urn:pulumi:dev::flux-gitops::", "")).sort();
}

/** `apiVersion kind namespace/name` of every Kubernetes object, sorted. */
function objectKeys(evaluation: Evaluation): string[] {
    return kubernetesObjects(evaluation)
        .map((o) => {
            const m = o.metadata as { name: string; namespace?: string };
            return `${String(o.kind)} ${m.namespace ?? "-"}/${m.name}`;
        })
        .sort();
}

describe("environments and applications", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await evaluateStack("dev");
        prod = await evaluateStack("prod");
    });

    it("keeps every resource of the single-application dev stack under its URN or an alias, but those tenancy retires", () => {
        assert.deepEqual(lostUrns(dev), Object.keys(RETIRED_BY_TENANCY).sort());
    });

    it("renders prod with the same resources as dev but its own overlay file, under prod's own URNs", () => {
        const strip = (e: Evaluation) =>
            e.resources.map((r) => r.urn.replace(`urn:pulumi:${e.stack}::`, "").replace(`overlays-${e.stack}-`, "overlays-STACK-")).sort();
        assert.deepEqual(strip(prod), strip(dev));
        assert.ok(prod.resources.every((r) => r.urn.startsWith("urn:pulumi:prod::flux-gitops::")));
        assert.deepEqual(objectKeys(prod), objectKeys(dev));
    });

    it("differs from dev exactly in branch, overlay, hosts, SSM names, intervals, alert channel and protection", () => {
        const devRepo = object(dev, "GitRepository", "echo-server").spec;
        const prodRepo = object(prod, "GitRepository", "echo-server").spec;
        assert.deepEqual({ dev: devRepo.ref, prod: prodRepo.ref }, { dev: { branch: "main" }, prod: { branch: "production" } });
        assert.deepEqual({ dev: devRepo.interval, prod: prodRepo.interval }, { dev: "1m", prod: "5m" });
        assert.equal(object(prod, "Kustomization", "echo-server").spec.path, "./kustomize/overlays/prod");
        assert.equal(object(prod, "Kustomization", "echo-server").spec.interval, "10m");
        assert.equal(object(prod, "ImageUpdateAutomation", "echo-server").spec.git.push.branch, "production");
        assert.deepEqual(object(prod, "HTTPRoute", "echo-server", "echo-server").spec.hostnames, ["echo-server.developer-friendly.blog"]);
        assert.match(String(prod.outputs.receiverHostname), /^[a-z0-9]{20}\.developer-friendly\.blog$/);

        const names = (e: Evaluation) => ofType(e, "aws:ssm/parameter:Parameter").map((p) => String(p.inputs.name)).sort();
        assert.deepEqual(names(prod), [
            "/flux-gitops/prod/discord-webhook-url",
            "/flux-gitops/prod/slack-webhook-url",
            "/prod/github/bot-tokens/developer-friendly-bot",
            "/prod/github/echo-server/deploy-key",
            "/prod/github/echo-server/ghcr-token",
            "/prod/github/echo-server/image-receiver-token",
            "/prod/github/echo-server/receiver-token",
            "/prod/github/gpg-keys/developer-friendly-bot",
        ]);
        for (const name of names(dev)) assert.ok(!names(prod).includes(name), `${name} is used by both stacks`);

        const slack = (e: Evaluation) =>
            (object(e, "AlertmanagerConfig", "flux").spec.receivers as { name: string; slackConfigs?: { channel: string }[] }[])
                .find((r) => r.name === "slack")?.slackConfigs?.[0].channel;
        assert.deepEqual([slack(dev), slack(prod)], ["#flux-dev", "#flux-prod"]);
        assert.equal(one(dev, "github:index/repositoryDeployKey:RepositoryDeployKey", "echo-server-deploy-key").inputs.title, "flux-dev");
        assert.equal(one(prod, "github:index/repositoryDeployKey:RepositoryDeployKey", "echo-server-deploy-key").inputs.title, "flux-prod");
        assert.equal(
            one(prod, "github:index/repositoryFile:RepositoryFile", "echo-server-manifests-kustomize-overlays-prod-kustomization-yaml").inputs.branch,
            "production",
        );
    });

    it("protects prod's keys and their SSM parameters, and nothing in dev", () => {
        const protectedIn = (e: Evaluation) => e.resources.filter((r) => r.protect).map((r) => r.urn);
        assert.deepEqual(protectedIn(prod).map((u) => u.split("::").slice(2).join("::")).sort(), [
            "flux-gitops:app:FluxApplication$flux-gitops:keys:DeployKey$flux-gitops:keys:StoredSecret$aws:ssm/parameter:Parameter::echo-server-deploy-key-ssm",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:DeployKey$flux-gitops:keys:StoredSecret::echo-server-deploy-key-ssm",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:DeployKey$github:index/repositoryDeployKey:RepositoryDeployKey::echo-server-deploy-key",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:DeployKey$tls:index/privateKey:PrivateKey::echo-server-deploy-key-key",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:DeployKey::echo-server-deploy-key",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:WebhookToken$flux-gitops:keys:StoredSecret$aws:ssm/parameter:Parameter::echo-server-image-receiver-token-ssm",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:WebhookToken$flux-gitops:keys:StoredSecret$aws:ssm/parameter:Parameter::echo-server-receiver-token-ssm",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:WebhookToken$flux-gitops:keys:StoredSecret::echo-server-image-receiver-token-ssm",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:WebhookToken$flux-gitops:keys:StoredSecret::echo-server-receiver-token-ssm",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:WebhookToken$random:index/randomPassword:RandomPassword::echo-server-image-receiver-token",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:WebhookToken$random:index/randomPassword:RandomPassword::echo-server-receiver-token",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:WebhookToken::echo-server-image-receiver-token",
            "flux-gitops:app:FluxApplication$flux-gitops:keys:WebhookToken::echo-server-receiver-token",
            "flux-gitops:keys:GpgSigningKey$flux-gitops:keys:StoredSecret$aws:ssm/parameter:Parameter::bot-gpg-ssm",
            "flux-gitops:keys:GpgSigningKey$flux-gitops:keys:StoredSecret::bot-gpg-ssm",
            "flux-gitops:keys:GpgSigningKey$github:index/userGpgKey:UserGpgKey::bot-gpg",
            "flux-gitops:keys:GpgSigningKey$pulumi-nodejs:dynamic:Resource::bot-gpg-key",
            "flux-gitops:keys:GpgSigningKey::bot-gpg",
            "flux-gitops:keys:StoredSecret$aws:ssm/parameter:Parameter::ghcr-registry-token",
            "flux-gitops:keys:StoredSecret::ghcr-registry-token",
        ]);
        assert.deepEqual(protectedIn(dev), []);
    });

    describe("with three applications", () => {
        let three: Evaluation;
        const apps = ["echo-server", "billing", "search"];
        before(async () => {
            three = await evaluateStack("dev", {
                additionalApps: JSON.stringify([
                    { repository: "billing", image: "ghcr.io/developer-friendly/billing", appPort: 9090 },
                    { repository: "search", image: "docker.io/developer-friendly/search", imagePolicy: "semver", imageSemverRange: ">=1.0.0", tagPattern: "" },
                ]),
                registries: { secret: JSON.stringify({ "docker.io": { username: "search-bot", token: "docker-hub-token" } }) },
            });
        });

        it("creates exactly one set of app objects per application and the shared objects once", () => {
            const namesOf = (kind: string) => objectsOfKind(three, kind).map((r) => (r.inputs.metadata as { name: string }).name).sort();
            for (const kind of ["GitRepository", "Kustomization", "ImageRepository", "ImagePolicy", "ImageUpdateAutomation"]) {
                assert.deepEqual(namesOf(kind), [...apps].sort(), kind);
            }
            // The push Receiver and the image Receiver of each application.
            assert.deepEqual(namesOf("Receiver"), apps.flatMap((a) => [a, `${a}-image`]).sort());
            assert.deepEqual(
                objectsOfKind(three, "Receiver").map((r) => (r.inputs.spec as { type: string }).type).sort(),
                ["dockerhub", "github", "github", "github", "github", "github"],
            );
            // The Flux namespace's alertmanager Provider and each tenant's own, and the commit-status ones.
            assert.deepEqual(namesOf("Provider"), ["alertmanager", ...apps.flatMap((a) => ["alertmanager", `${a}-commit-status`])].sort());
            assert.equal(objectsOfKind(three, "HTTPRoute").length, 6);
            // git, registry (Flux's and the pods'), signing, two receiver tokens and the commit-status
            // token per application, in its namespace; Alertmanager's.
            assert.equal(objectsOfKind(three, "ExternalSecret").length, 3 * 6 + 1);
            assert.equal(ofType(three, "github:index/repositoryDeployKey:RepositoryDeployKey").length, 3);
            // push webhooks, and package webhooks of the two ghcr.io images (docker.io's URL is registered by hand).
            assert.equal(ofType(three, "github:index/repositoryWebhook:RepositoryWebhook").length, 3 + 2);
            assert.equal(ofType(three, "random:index/randomPassword:RandomPassword").length, 3 * 2);
            for (const shared of ["github:index/userGpgKey:UserGpgKey", "kubernetes:fluxcd.controlplane.io/v1:FluxInstance", "kubernetes:external-secrets.io/v1:ClusterSecretStore"]) {
                assert.equal(ofType(three, shared).length, 1, shared);
            }
            // kube-prometheus-stack, the Flux Operator and External Secrets, once each.
            assert.deepEqual(ofType(three, "kubernetes:helm.sh/v3:Release").map((r) => r.name).sort(), ["external-secrets", "flux", "monitoring"]);
            // Three per application, five shared, and docker.io's token.
            const parameters = ofType(three, "aws:ssm/parameter:Parameter").length;
            assert.equal(parameters, 3 * 3 + 5 + 1);
            // Each tenant's role is granted its own parameters and the shared ones it reads, the
            // platform's the alert channels: together every parameter, a tenant's in one grant only.
            const grants = ofType(three, "aws:iam/rolePolicy:RolePolicy");
            assert.deepEqual(grants.map((g) => g.name).sort(), ["external-secrets-access", ...apps.map((a) => `${a}-tenant-secrets-access`)].sort());
            const readable = grants.flatMap(
                (g) => (JSON.parse(String(g.inputs.policy)) as { Statement: { Resource: string[] }[] }).Statement[0].Resource,
            );
            assert.equal(new Set(readable).size, parameters);
            for (const app of apps) {
                assert.equal(readable.filter((arn) => arn.includes(`/github/${app}/`) && !arn.endsWith("ghcr-token")).length, 3, app);
            }
            // Each namespace's info and error Alerts (the Flux namespace's and every tenant's), and the commit-status ones.
            assert.equal(objectsOfKind(three, "Alert").length, 2 + 3 * 2 + 3);
        });

        it("gives every resource a distinct URN and keeps the first application's names", () => {
            const urns = three.resources.map((r) => r.urn);
            assert.equal(new Set(urns).size, urns.length);
            assert.deepEqual(lostUrns(three), Object.keys(RETIRED_BY_TENANCY).sort());
        });

        it("wires each application's objects to its own repository, secrets and image", () => {
            for (const app of apps) {
                const repo = object(three, "GitRepository", app).spec;
                assert.equal(repo.url, `ssh://git@github.com/developer-friendly/${app}`);
                assert.equal(repo.secretRef.name, `${app}-git-ssh`);
                assert.equal(object(three, "ExternalSecret", `${app}-git-ssh`, app).spec.data[0].remoteRef.key, `/github/${app}/deploy-key`);
                assert.equal(object(three, "ImagePolicy", app).spec.imageRepositoryRef.name, app);
                assert.equal(object(three, "ImageUpdateAutomation", app).spec.sourceRef.name, app);
                assert.equal(object(three, "Receiver", app).spec.resources[0].name, app);
                assert.equal(object(three, "Receiver", app).spec.secretRef.name, `${app}-receiver-token`);
                assert.equal(
                    object(three, "ExternalSecret", `${app}-receiver-token`, app).spec.data[0].remoteRef.key,
                    `/github/${app}/receiver-token`,
                );
                assert.equal(object(three, "Kustomization", app).spec.targetNamespace, app);
                const webhook = one(three, "github:index/repositoryWebhook:RepositoryWebhook", `${app}-receiver`);
                assert.equal(webhook.inputs.repository, app);
            }
            assert.equal(object(three, "ImageRepository", "billing").spec.image, "ghcr.io/developer-friendly/billing");
            assert.deepEqual(object(three, "HTTPRoute", "billing", "billing").spec.rules[0].backendRefs, [{ name: "billing", port: 9090 }]);
            assert.deepEqual(object(three, "ImagePolicy", "search").spec, {
                imageRepositoryRef: { name: "search" },
                policy: { semver: { range: ">=1.0.0" } },
            });
            // Each registry Secret (Flux's and the pods', in the tenant's namespace) reads the token issued
            // for its own registry, and names only that registry.
            for (const app of ["echo-server", "billing"]) {
                assert.equal(object(three, "ExternalSecret", `${app}-registry`, app).spec.data[0].remoteRef.key, "/github/echo-server/ghcr-token");
                assert.equal(object(three, "ImageRepository", app).spec.secretRef.name, `${app}-registry`);
            }
            const search = object(three, "ExternalSecret", "search-registry", "search").spec;
            assert.equal(search.data[0].remoteRef.key, "/registries/docker.io/token");
            // Docker Hub under Docker's own key, the one go-containerregistry's keychain matches.
            assert.match(search.target.template.data[".dockerconfigjson"], /^\{"auths":\{"https:\/\/index\.docker\.io\/v1\/":\{"username":"search-bot"/);
            assert.doesNotMatch(search.target.template.data[".dockerconfigjson"], /ghcr|developer-friendly-bot/);
            assert.deepEqual(Object.keys(three.outputs.apps as object).sort(), [...apps].sort());
        });

        it("rejects applications that would collide, naming the entry", async () => {
            await assert.rejects(
                evaluateStack("dev", { additionalApps: JSON.stringify([{ repository: "echo-server", image: "ghcr.io/x/y" }, { image: "nope:1", colour: "red" }]) }),
                (e: Error) => {
                    assert.match(e.message, /flux-gitops:additionalApps\[1\] has unknown keys colour/);
                    assert.match(e.message, /flux-gitops:additionalApps\[1\]\.repository is required/);
                    assert.match(e.message, /flux-gitops:additionalApps\[1\]\.image must be an image repository without tag/);
                    assert.match(e.message, /flux-gitops:additionalApps\[0\]\.repository repeats echo-server, the repository of flux-gitops:repository/);
                    return true;
                },
            );
            await assert.rejects(evaluateStack("dev", { additionalApps: "{}" }), /flux-gitops:additionalApps must be a list of applications/);
        });
    });
});
