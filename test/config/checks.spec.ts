import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
    buildConfig,
    closestKey,
    ConfigError,
    editDistance,
    EMAIL,
    GITHUB_REPOSITORY,
    isDnsName,
    KNOWN_KEYS,
    loadConfig,
    splitRegistries,
    TEMPLATE_PROJECT,
} from "../../config";
import { readStackConfig } from "../../scripts/offline";
import { devRaw, problemsOf, secrets } from "../helpers/config-helpers";
import { valueOf } from "../helpers/record";

/** The dev stack's typed config with `overrides`. */
function devConfig(overrides: Record<string, string | undefined>) {
    return buildConfig(devRaw(overrides), secrets, "dev");
}

/** The message JSON.parse gives for `text`, which the config error repeats. */
function jsonError(text: string): string {
    try {
        JSON.parse(text);
    } catch (e) {
        return (e as Error).message;
    }
    assert.fail(`${text} is valid JSON`);
}

/** The value of an Output that is known (outside a preview). */
describe("config error", () => {
    it("says '1 problem', in the singular, when there is one", () => {
        assert.equal(
            new ConfigError("prod", ["flux-gitops:owner is required"]).message,
            'Invalid configuration for stack "prod" (1 problem):\n  - flux-gitops:owner is required',
        );
    });

    it("says '2 problems' when there are two", () => {
        assert.equal(
            new ConfigError("prod", ["a", "b"]).message,
            'Invalid configuration for stack "prod" (2 problems):\n  - a\n  - b',
        );
    });
});

describe("config values", () => {
    it("reads a value without the spaces around it", () => {
        const config = devConfig({ owner: "  developer-friendly  ", branch: " main\n" });
        assert.equal(config.github.owner, "developer-friendly");
        assert.equal(config.apps[0].branch, "main");
    });
});

describe("GitHub names and e-mail", () => {
    for (const owner of ["-acme", "acme-", "ac--me"]) {
        it(`refuses the owner "${owner}": a GitHub login has single hyphens between alphanumerics only`, () => {
            assert.deepEqual(problemsOf({ owner }), [`flux-gitops:owner is not a valid GitHub login (got "${owner}")`]);
        });
    }

    it("accepts repository names of letters, digits, '.', '_' and '-', up to 100 characters", () => {
        assert.ok(GITHUB_REPOSITORY.test("echo_server.v2-x"));
        assert.ok(GITHUB_REPOSITORY.test("r".repeat(100)));
        assert.ok(!GITHUB_REPOSITORY.test("r".repeat(101)));
        assert.ok(!GITHUB_REPOSITORY.test("echo server"));
        assert.ok(!GITHUB_REPOSITORY.test("acme/echo-server"));
        assert.ok(!GITHUB_REPOSITORY.test("echo-server/"));
    });

    for (const botEmail of ["<bot@example.com", "bot@example.com>", "Bot <bot@example.com>"]) {
        it(`refuses the e-mail "${botEmail}": the address alone, without a name or angle brackets`, () => {
            assert.deepEqual(problemsOf({ botEmail }), [`flux-gitops:botEmail is not an e-mail address (got "${botEmail}")`]);
        });
    }

    it("accepts a plain e-mail address", () => {
        assert.ok(EMAIL.test("bot+flux@mail.example.com"));
    });
});

describe("Kubernetes names", () => {
    it("accepts a one-character namespace", () => {
        assert.equal(devConfig({ fluxNamespace: "f" }).kubernetes.fluxNamespace, "f");
    });

    for (const fluxNamespace of ["-flux", "flux-", "flux.system"]) {
        it(`refuses the namespace "${fluxNamespace}": an RFC 1123 label starts and ends alphanumeric, without dots`, () => {
            assert.deepEqual(problemsOf({ fluxNamespace }), [
                `flux-gitops:fluxNamespace must be a Kubernetes name: lowercase letters, digits and "-", at most 63 (got "${fluxNamespace}")`,
            ]);
        });
    }

    it("asks for an object name that is missing, saying what it is", () => {
        assert.deepEqual(problemsOf({ clusterSecretStore: "" }), [
            "flux-gitops:clusterSecretStore is required (a Kubernetes object name); set it with `pulumi config set clusterSecretStore <value>`",
        ]);
    });

    it("refuses an object name that is not a lowercase DNS name", () => {
        assert.deepEqual(problemsOf({ gatewayName: "Main_Gateway" }), [
            'flux-gitops:gatewayName must be a Kubernetes object name (got "Main_Gateway")',
        ]);
    });

    it("accepts an object name with dots, as Kubernetes does", () => {
        assert.equal(devConfig({ gatewayName: "gateway.example" }).ingress.gatewayName, "gateway.example");
    });

    it("accepts DNS names of at most 253 characters", () => {
        const label = "a".repeat(63);
        const longest = [label, label, label, "a".repeat(61)].join(".");
        assert.equal(longest.length, 253);
        assert.ok(isDnsName(longest));
        assert.ok(!isDnsName(`${longest}a`));
    });
});

describe("SSM parameter names", () => {
    // AWS Systems Manager user guide, "Parameter name requirements": at most 1011 characters.
    it("accepts a name of 1011 characters and refuses one of 1012", () => {
        const longest = `/${"a".repeat(1010)}`;
        assert.equal(devConfig({ ssmDeployKeyName: longest }).apps[0].ssm.deployKey, longest);
        const tooLong = `${longest}a`;
        assert.deepEqual(problemsOf({ ssmDeployKeyName: tooLong }), [
            `flux-gitops:ssmDeployKeyName may contain only letters, digits and _ . - / (got "${tooLong}")`,
        ]);
    });

    it("refuses a name with a space anywhere in it", () => {
        assert.deepEqual(problemsOf({ ssmDeployKeyName: "/github/echo server/deploy-key" }), [
            'flux-gitops:ssmDeployKeyName may contain only letters, digits and _ . - / (got "/github/echo server/deploy-key")',
        ]);
    });
});

describe("git branches", () => {
    // Rules of git check-ref-format (https://git-scm.com/docs/git-check-ref-format): no "..", "@{"
    // or "//", no leading or trailing "/", no trailing "." and no ".lock" at the end.
    for (const pushBranch of ["feature..x", "feature//x", "release@{1}", "main.lock", "/main", "main/", "main."]) {
        it(`refuses the branch "${pushBranch}", as git check-ref-format does`, () => {
            assert.deepEqual(problemsOf({ pushBranch }), [
                `flux-gitops:pushBranch is not a valid git branch name (got "${pushBranch}")`,
            ]);
        });
    }

    it("accepts branch names with slashes, dots and a '.lock' that does not end them", () => {
        for (const pushBranch of ["feature/image-updates", "release-1.2", "fix.locking"]) {
            assert.equal(devConfig({ pushBranch }).apps[0].image.pushBranch, pushBranch);
        }
    });
});

describe("ports", () => {
    it("accepts ports 1 and 65535", () => {
        assert.equal(devConfig({ appPort: "1" }).apps[0].port, 1);
        assert.equal(devConfig({ appPort: "65535" }).apps[0].port, 65535);
    });

    for (const appPort of ["0", "65536", "80.5", "http"]) {
        it(`refuses the port "${appPort}"`, () => {
            assert.deepEqual(problemsOf({ appPort }), [`flux-gitops:appPort must be a port number from 1 to 65535 (got "${appPort}")`]);
        });
    }
});

describe("JSON config values", () => {
    for (const helmValues of ["null", "42", '"grafana"', '[{"grafana": {}}]']) {
        it(`refuses ${helmValues} where a JSON object is expected`, () => {
            assert.deepEqual(problemsOf({ helmValues }), ["flux-gitops:helmValues must be a JSON object of chart values (not an object)"]);
        });
    }

    it("reads a JSON object", () => {
        assert.deepEqual(devConfig({ helmValues: '{"grafana": {"enabled": false}}' }).monitoring.extraValues, {
            grafana: { enabled: false },
        });
    });

    it("refuses registries that are not an object by host, with an example", () => {
        assert.deepEqual(problemsOf({ registries: '["docker.io"]' }), [
            'flux-gitops:registries must be an object of registries by host, e.g. {"docker.io": {"username": "me"}} (not an object)',
        ]);
        assert.deepEqual(problemsOf({ registries: "{docker.io}" }), [
            `flux-gitops:registries must be an object of registries by host, e.g. {"docker.io": {"username": "me"}} (${jsonError("{docker.io}")})`,
        ]);
    });
});

describe("chart versions", () => {
    for (const version of [">=82.8.0", "82.8.0 - 83.0.0", "82.8", "82.x"]) {
        it(`refuses the chart version "${version}": not an exact version`, () => {
            assert.deepEqual(problemsOf({ kubePrometheusStackVersion: version }), [
                `flux-gitops:kubePrometheusStackVersion must be an exact chart version such as 82.8.0, not a range (got "${version}")`,
            ]);
        });
    }

    it("accepts exact versions with multi-digit parts, a pre-release and build metadata", () => {
        for (const version of ["82.8.10", "v82.8.0", "83.0.0-rc.1", "82.8.0+build.5", "83.0.0-rc.1+build.5"]) {
            assert.equal(devConfig({ kubePrometheusStackVersion: version }).monitoring.chartVersion, version);
        }
    });
});

describe("AWS region", () => {
    for (const region of ["Frankfurt", "eu-central-1a", "arn:aws:eu-central-1"]) {
        it(`refuses "${region}", which is not a region name`, () => {
            assert.deepEqual(problemsOf({ "aws:region": region }), [
                `aws:region is not an AWS region such as eu-central-1 (got "${region}")`,
            ]);
        });
    }

    it("accepts region names of several words and numbers of several digits", () => {
        assert.equal(devConfig({ "aws:region": "us-gov-west-1" }).awsRegion, "us-gov-west-1");
        assert.equal(devConfig({ "aws:region": "ap-southeast-10" }).awsRegion, "ap-southeast-10");
    });
});

describe("typo suggestions", () => {
    /** The problems of the dev config with `setKeys` set on the CLI. */
    function unknownKeys(setKeys: string[]): readonly string[] {
        try {
            buildConfig(devRaw(), secrets, "dev", { setKeys });
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            return e.problems;
        }
        assert.fail("expected the config to be rejected");
    }

    it("suggests a key up to a third of the typed key's length away", () => {
        // "ssmDeployKey" (12 characters) is 4 edits from ssmDeployKeyName.
        assert.deepEqual(unknownKeys(["ssmDeployKey"]), [
            "flux-gitops:ssmDeployKey is not a key this program reads; did you mean ssmDeployKeyName?",
        ]);
    });

    it("suggests nothing when the closest key is further away", () => {
        // "ssmGpgKey" (9 characters) is 4 edits from ssmGpgKeyName, one more than a third.
        assert.deepEqual(unknownKeys(["ssmGpgKey"]), ["flux-gitops:ssmGpgKey is not a key this program reads"]);
    });

    it("suggests a key up to 2 edits away, however short the typed key", () => {
        assert.equal(closestKey("onr", KNOWN_KEYS), "owner");
        // 4 edits from fluxVersion.
        assert.equal(closestKey("fluxVer", KNOWN_KEYS), undefined);
    });

    it("suggests nothing when no key is known", () => {
        assert.equal(closestKey("owner", []), undefined);
    });

    it("of equally close keys, suggests the one listed first", () => {
        assert.equal(closestKey("colour", ["color", "colours"]), "color");
    });

    it("counts edits between keys, ignoring case", () => {
        assert.equal(editDistance("kitten", "sitting"), 3);
        assert.equal(editDistance("GitInterval", "gitinterval"), 0);
        assert.equal(editDistance("abc", ""), 3);
        assert.equal(editDistance("", "abc"), 3);
    });
});

describe("registries value as the CLI hands it over", () => {
    it("leaves an unset or empty value unset", () => {
        assert.deepEqual(splitRegistries(undefined), { entries: undefined, tokens: {} });
        assert.deepEqual(splitRegistries(""), { entries: undefined, tokens: {} });
    });

    for (const value of ["{docker.io}", "null", "42", '["docker.io"]']) {
        it(`passes ${value}, not an object, on unchanged for buildConfig to report`, () => {
            assert.deepEqual(splitRegistries(value), { entries: value, tokens: {} });
        });
    }

    it("passes entries that are not objects on unchanged", () => {
        const value = JSON.stringify({ "docker.io": "acme-bot", "quay.io": null, "gcr.io": ["acme-bot"] });
        assert.deepEqual(splitRegistries(value), { entries: value, tokens: {} });
    });

    it("takes only non-empty string tokens, and drops every token from the entries", async () => {
        const { entries, tokens } = splitRegistries(
            JSON.stringify({
                "quay.io": { username: "a", token: "quay-token" },
                "docker.io": { username: "b", token: "" },
                "gcr.io": { username: "c", token: 42 },
                "registry.example.com": { username: "d" },
            }),
        );
        assert.equal(
            entries,
            JSON.stringify({
                "quay.io": { username: "a" },
                "docker.io": { username: "b" },
                "gcr.io": { username: "c" },
                "registry.example.com": { username: "d" },
            }),
        );
        assert.deepEqual(Object.keys(tokens), ["quay.io"]);
        assert.equal(await valueOf(tokens["quay.io"]), "quay-token");
        assert.ok(await pulumi.isSecret(tokens["quay.io"]));
    });
});

describe("secrets set in plain text", () => {
    // loadConfig reads config under the running project's name (pulumi.getProject()): set it here
    // rather than rely on a spec that ran before this one.
    before(() =>
        pulumi.runtime.setMocks(
            { newResource: (args) => ({ id: args.name, state: args.inputs }), call: (args) => args.inputs },
            TEMPLATE_PROJECT,
            "dev",
            false,
        ),
    );
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
    let saved: { values: Record<string, string>; secretKeys: string[] };
    beforeEach(() => {
        const values = pulumi.runtime.allConfig();
        saved = { values, secretKeys: Object.keys(values).filter((k) => runtimeConfig.isConfigSecret(k)) };
    });
    afterEach(() => pulumi.runtime.setAllConfig(saved.values, saved.secretKeys));

    /** loadConfig's problems with the dev stack's config plus `extra`, secret when its key is in `secretKeys`. */
    function loadProblems(extra: Record<string, string>, secretKeys: string[]): readonly string[] {
        const dev = readStackConfig("dev");
        pulumi.runtime.setAllConfig({ ...dev.values, ...extra }, [...dev.secretKeys, ...secretKeys]);
        try {
            loadConfig();
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            return e.problems;
        }
        return [];
    }

    it("refuses gpgPassphrase, which Pulumi.yaml does not declare, set without --secret", () => {
        assert.deepEqual(loadProblems({ "flux-gitops:gpgPassphrase": "hunter2" }, []), [
            "flux-gitops:gpgPassphrase is a secret but was set in plain text; set it again with `pulumi config set --secret gpgPassphrase <value>`",
        ]);
        assert.deepEqual(loadProblems({ "flux-gitops:gpgPassphrase": "hunter2" }, ["flux-gitops:gpgPassphrase"]), []);
    });

    it("refuses registries with a token set without --secret", () => {
        const registries = JSON.stringify({ "docker.io": { username: "acme-bot", token: "docker-token" } });
        assert.deepEqual(loadProblems({ "flux-gitops:registries": registries }, []), [
            "flux-gitops:registries is a secret but was set in plain text; set it again with `pulumi config set --secret registries <value>`",
        ]);
        assert.deepEqual(loadProblems({ "flux-gitops:registries": registries }, ["flux-gitops:registries"]), []);
    });
});
