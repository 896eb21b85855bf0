import { strict as assert } from "node:assert";
import { AppConfig, buildConfig, Checks, readApps, registryHost, TEMPLATE_PROJECT } from "../../config";
import { devRaw, notKubernetesName, problemsOf, required, secrets } from "../helpers/config-helpers";

/** The applications of the dev stack with `overrides`. */
function appsOf(overrides: Record<string, string | undefined>): readonly AppConfig[] {
    return buildConfig(devRaw(overrides), secrets, "dev").apps;
}

/** The `additionalApps` value listing `entries`. */
const additionalApps = (...entries: unknown[]): string => JSON.stringify(entries);

/** A second application that needs nothing from the first but the defaults. */
const BILLING = { repository: "billing", image: "ghcr.io/developer-friendly/billing" };

/** The problem of a missing `key`, reported under `label`. */
/** A long name shown by its length in a test's title. */
const shown = (name: string) => (name.length > 20 ? `of ${name.length} characters` : name);
const notDnsName = (key: string, got: string) =>
    `flux-gitops:${key} is not a DNS name: lowercase labels of letters, digits and "-" separated by dots (got "${got}")`;

describe("applications: the repository", () => {
    it("asks for a missing repository, saying what it names", () => {
        assert.deepEqual(problemsOf({ repository: "", appNamespace: "echo" }), [
            required("repository", "the application repository under owner"),
        ]);
    });

    // GitHub: letters, digits, ".", "_" and "-", at most 100 characters, and neither "." nor "..".
    // The namespace, otherwise derived from the repository, is set so that only the repository is reported.
    for (const repository of ["acme/echo-server", "e".repeat(101), ".", ".."]) {
        it(`refuses the repository "${shown(repository)}": not a GitHub repository name`, () => {
            assert.deepEqual(problemsOf({ repository, appNamespace: "echo" }), [
                `flux-gitops:repository is not a valid GitHub repository name (got "${repository}")`,
            ]);
        });
    }

    // The repository also names the application's Kubernetes and Flux objects.
    for (const repository of ["Echo-Server", "echo_server", "echo.server", "e".repeat(64)]) {
        it(`refuses the GitHub repository "${shown(repository)}", which cannot name Kubernetes objects`, () => {
            assert.deepEqual(problemsOf({ repository, appNamespace: "echo" }), [
                notKubernetesName("repository", repository),
            ]);
        });
    }

    it("names the application and its SSM parameters after the repository", () => {
        const [app] = appsOf({
            repository: "billing",
            image: "ghcr.io/developer-friendly/billing",
        });
        assert.equal(app.name, "billing");
        assert.equal(app.repository, "billing");
        assert.deepEqual(app.ssm, {
            deployKey: "/github/billing/deploy-key",
            webhookToken: "/github/billing/receiver-token",
            imageWebhookToken: "/github/billing/image-receiver-token",
        });
    });
});

describe("applications: the image repository", () => {
    // Docker's reference grammar: an optional registry host (with a port), then lowercase path
    // components separated by "/", each with ".", "_", "__" or a run of "-" between alphanumerics.
    // (localhost without a port is refused: Flux reads it as a Docker Hub path; config-validators.spec.)
    const accepted: [string, string][] = [
        ["ghcr.io/acme/echo-server", "ghcr.io"],
        ["docker.io/acme/echo-server", "docker.io"],
        ["acme/echo-server", "docker.io"],
        ["localhost:5000/echo-server", "localhost:5000"],
        ["registry.example.com:5000/acme/echo-server", "registry.example.com:5000"],
        ["registry-1.example.com/acme/echo-server", "registry-1.example.com"],
        ["ghcr.io/acme/echo.server", "ghcr.io"],
        ["ghcr.io/acme/echo_server", "ghcr.io"],
        ["ghcr.io/acme/echo__server", "ghcr.io"],
        ["ghcr.io/acme/echo--server", "ghcr.io"],
        ["ghcr.io/acme/apps/echo-server", "ghcr.io"],
    ];
    for (const [image, registry] of accepted) {
        it(`reads the image ${image}, from the registry ${registry}`, () => {
            const [app] = appsOf({ image, imagePublic: "true" });
            assert.equal(app.image.repository, image);
            assert.equal(app.image.registry, registry);
        });
    }

    const refused = [
        "echo-server",
        "https://ghcr.io/acme/echo-server",
        "ghcr.io/acme/echo-server:latest",
        `ghcr.io/acme/echo-server@sha256:${"a".repeat(64)}`,
        "registry.example.com:http/acme/echo-server",
        "ghcr.io/Acme/echo-server",
        "ghcr.io/acme/echo-server/",
        "ghcr.io//echo-server",
        "ghcr.io/acme/-echo-server",
        "ghcr.io/acme/echo-server-",
        "ghcr.io/acme/echo..server",
        "ghcr.io/acme/echo___server",
        "ghcr.io/acme/echo server",
    ];
    for (const image of refused) {
        it(`refuses the image "${image}"`, () => {
            assert.deepEqual(problemsOf({ image, imagePublic: "true" }), [
                `flux-gitops:image must be an image repository without tag or digest, e.g. ghcr.io/org/app (got "${image}")`,
            ]);
        });
    }

    it("takes a name without a slash, even localhost, as an image of Docker Hub", () => {
        assert.equal(registryHost("localhost"), "docker.io");
        assert.equal(registryHost("nginx"), "docker.io");
    });

    it("reads the alphabetical policy and the descending order", () => {
        const [app] = appsOf({ imagePolicy: "alphabetical", imagePolicyOrder: "desc" });
        assert.equal(app.image.policy, "alphabetical");
        assert.equal(app.image.order, "desc");
    });
});

describe("applications: namespace, hostname and overlay", () => {
    it("deploys to appNamespace when it is set", () => {
        assert.equal(appsOf({ appNamespace: "apps" })[0].namespace, "apps");
    });

    it("refuses an appNamespace that is not a Kubernetes name, naming the key", () => {
        assert.deepEqual(problemsOf({ appNamespace: "Echo_Server" }), [
            notKubernetesName("appNamespace", "Echo_Server"),
        ]);
    });

    it("serves the application at appHostname when it is set", () => {
        assert.equal(appsOf({ appHostname: "echo.example.com" })[0].hostname, "echo.example.com");
    });

    it("refuses an appHostname that is not a DNS name, naming the key", () => {
        assert.deepEqual(problemsOf({ appHostname: "Echo.example.com" }), [
            notDnsName("appHostname", "Echo.example.com"),
        ]);
    });

    // buildConfig refuses an empty baseDomain; the applications are read on without a hostname.
    it("gives the application no hostname when there is no base domain to derive it from", () => {
        const raw = devRaw();
        const problems: string[] = [];
        const c = new Checks(
            (k) => raw[k],
            (k) => `${TEMPLATE_PROJECT}:${k}`,
            problems,
        );
        const apps = readApps(c, raw, { stack: "dev", baseDomain: "", ssmPrefix: "" });
        assert.deepEqual(problems, []);
        assert.equal(apps[0].hostname, "");
    });

    it("reads an overlay path of two levels", () => {
        assert.equal(appsOf({ overlayPath: "deploy/dev" })[0].overlayPath, "deploy/dev");
    });

    // The base is generated two levels above the overlay, in base/, which must stay in the repository.
    for (const overlayPath of ["kustomize", "./dev/", "../overlays/dev", "./kustomize/../dev"]) {
        it(`refuses the overlay path "${overlayPath}", which has no base two levels up inside the repository`, () => {
            assert.deepEqual(problemsOf({ overlayPath }), [
                "flux-gitops:overlayPath must be a path of at least two levels inside the repository, e.g. ./kustomize/overlays/dev; " +
                    `the base goes two levels up, in base/ (got "${overlayPath}")`,
            ]);
        });
    }
});

describe("additionalApps", () => {
    const notAList = (why: string) =>
        `flux-gitops:additionalApps must be a list of applications, each an object with at least repository and image (${why})`;

    for (const value of [
        "{}",
        "null",
        '"billing"',
        "[1]",
        '["billing"]',
        "[null]",
        "[[]]",
        `[${JSON.stringify(BILLING)}, null]`,
    ]) {
        it(`refuses ${value}, which is not a list of objects`, () => {
            assert.deepEqual(problemsOf({ additionalApps: value }), [
                notAList("not a list of objects"),
            ]);
        });
    }

    it("refuses a value that is not JSON, with the parser's message", () => {
        const value = "[{repository: billing}]";
        let message = "";
        try {
            JSON.parse(value);
        } catch (e) {
            message = (e as Error).message;
        }
        assert.deepEqual(problemsOf({ additionalApps: value }), [notAList(message)]);
    });

    it("reads an empty list as no further application", () => {
        assert.equal(appsOf({ additionalApps: "[]" }).length, 1);
    });

    it("refuses keys an application does not have, listing them and the allowed ones", () => {
        assert.deepEqual(
            problemsOf({ additionalApps: additionalApps({ ...BILLING, colour: "red", size: 2 }) }),
            [
                "flux-gitops:additionalApps[0] has unknown keys colour, size (allowed: repository, image, imagePublic, " +
                    "branch, overlayPath, appNamespace, appPort, appHostname, receiverHostname, tagPattern, tagExtract, " +
                    "imagePolicy, imagePolicyOrder, imageSemverRange, imageAutomation, pushBranch, seedManifests, " +
                    "tenant, ssmDeployKeyName, ssmWebhookTokenName)",
            ],
        );
    });

    it("asks an entry for its own repository and image, naming the entry, and calls two missing repositories no repeat", () => {
        // Public: the image has no registry to find credentials for.
        assert.deepEqual(problemsOf({ additionalApps: additionalApps({ imagePublic: true }, { imagePublic: true }) }), [
            required("repository", "the application repository under owner", "flux-gitops:additionalApps[0].repository"),
            required("image", "the image repository, e.g. ghcr.io/<owner>/<app>", "flux-gitops:additionalApps[0].image"),
            required("repository", "the application repository under owner", "flux-gitops:additionalApps[1].repository"),
            required("image", "the image repository, e.g. ghcr.io/<owner>/<app>", "flux-gitops:additionalApps[1].image"),
        ]);
    });

    it("gives an entry none of the first application's names and locations", () => {
        const apps = appsOf({
            imagePublic: "true",
            appNamespace: "echo",
            appHostname: "echo.example.com",
            receiverHostname: "hooks.example.com",
            ssmDeployKeyName: "/keys/echo/deploy-key",
            ssmWebhookTokenName: "/keys/echo/receiver-token",
            additionalApps: additionalApps(BILLING),
        });
        const billing = apps[1];
        assert.deepEqual(
            {
                repository: billing.repository,
                image: billing.image.repository,
                public: billing.image.public,
                namespace: billing.namespace,
                hostname: billing.hostname,
                receiverHostname: billing.receiverHostname,
                ssm: billing.ssm,
            },
            {
                repository: "billing",
                image: "ghcr.io/developer-friendly/billing",
                public: false,
                namespace: "billing",
                hostname: "billing.dev.developer-friendly.blog",
                receiverHostname: undefined,
                ssm: {
                    deployKey: "/github/billing/deploy-key",
                    webhookToken: "/github/billing/receiver-token",
                    imageWebhookToken: "/github/billing/image-receiver-token",
                },
            },
        );
    });

    it("makes an entry a tenant unless it says tenant: false, whatever the first application is (never inherited)", () => {
        const apps = appsOf({
            tenant: "false",
            additionalApps: additionalApps(
                BILLING,
                { repository: "search", image: "ghcr.io/developer-friendly/search", tenant: null },
                { repository: "docs", image: "ghcr.io/developer-friendly/docs", tenant: false },
                { repository: "shop", image: "ghcr.io/developer-friendly/shop", tenant: true },
            ),
        });
        assert.deepEqual(
            apps.map((a) => [a.repository, a.tenant]),
            [
                ["echo-server", false],
                ["billing", true],
                ["search", true],
                ["docs", false],
                ["shop", true],
            ],
        );
        assert.deepEqual(appsOf({}).map((a) => a.tenant), [true], "the first application is a tenant by default");
    });

    it("refuses a tenant value that is not a boolean, naming the entry", () => {
        assert.deepEqual(problemsOf({ tenant: "no", additionalApps: additionalApps({ ...BILLING, tenant: "yes" }) }), [
            'flux-gitops:tenant must be true or false (got "no")',
            'flux-gitops:additionalApps[0].tenant must be true or false (got "yes")',
        ]);
    });

    it("takes every other key an entry leaves out, or sets to null, from the top-level keys", () => {
        const apps = appsOf({
            branch: "develop",
            appPort: "9090",
            tagPattern: "^v[0-9]+$",
            additionalApps: additionalApps({ ...BILLING, branch: null, tagPattern: null }),
        });
        assert.equal(apps[1].branch, "develop");
        assert.equal(apps[1].image.pushBranch, "develop");
        assert.equal(apps[1].port, 9090);
        assert.equal(apps[1].image.tagPattern, "^v[0-9]+$");
    });

    it("reads numbers and booleans of an entry as the text of the key", () => {
        const [, billing] = appsOf({
            additionalApps: additionalApps({ ...BILLING, appPort: 9090, imageAutomation: false }),
        });
        assert.equal(billing.port, 9090);
        assert.equal(billing.image.automation, false);
    });

    it("refuses applications that share a namespace and a hostname, listing each repeated value", () => {
        assert.deepEqual(
            problemsOf({
                additionalApps: additionalApps({
                    ...BILLING,
                    appNamespace: "echo-server",
                    appHostname: "echo-server.dev.developer-friendly.blog",
                }),
            }),
            [
                "the applications' app namespaces and hostnames must differ " +
                    "(repeated: namespace echo-server, hostname echo-server.dev.developer-friendly.blog)",
            ],
        );
    });
});
