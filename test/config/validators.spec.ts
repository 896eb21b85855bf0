import { strict as assert } from "node:assert";
import { buildConfig, DEFAULT_TAG_PATTERN } from "../../config";
import { registryHost } from "../../config/apps";
import { isRegistryHost } from "../../config/registries";
import { imagePolicySpec } from "../../components/flux/specs";
import { devRaw, problemsOf, secrets } from "../helpers/config-helpers";

// Values image-reflector-controller would reject or misread (issue 20, item 8). The checks are
// translations of the Go the controller runs; conformance/validators holds them to that Go.

const apps = (...entries: unknown[]): string => JSON.stringify(entries);
const SEARCH = { repository: "search", image: "ghcr.io/developer-friendly/search" };

describe("validators: semver ranges as Masterminds/semver v3.5.0 NewConstraint parses them", () => {
    it("refuses a range the controller cannot parse, with the library's error", () => {
        assert.deepEqual(problemsOf({ imagePolicy: "semver", imageSemverRange: "banana" }), [
            'flux-gitops:imageSemverRange is not a semver range Flux can parse (Masterminds/semver NewConstraint: improper constraint: "banana")',
        ]);
    });

    // constraints.go: a version with "x" mixed into a number passes the regular expression but not NewVersion.
    it("refuses a range whose version does not parse once its wildcards are filled in", () => {
        assert.deepEqual(problemsOf({ imagePolicy: "semver", imageSemverRange: ">=1x" }), [
            "flux-gitops:imageSemverRange is not a semver range Flux can parse (Masterminds/semver NewConstraint: constraint parser error)",
        ]);
    });

    for (const range of [">=1.0.0", "~1", "^0.x", ">= 1.0 <2", "1.2.3 - 2", ">=1.0.0, <2.0.0 || 3.x", "*"]) {
        it(`accepts the range "${range}"`, () => {
            const config = buildConfig(devRaw({ imagePolicy: "semver", imageSemverRange: range, tagPattern: "" }), secrets, "dev");
            assert.equal(config.apps[0].image.semverRange, range);
        });
    }

    it("leaves the range alone when the policy is not semver, which does not read it, even an empty one", () => {
        assert.equal(buildConfig(devRaw({ imageSemverRange: "banana" }), secrets, "dev").apps[0].image.policy, "numerical");
        assert.equal(buildConfig(devRaw({ imagePolicy: "alphabetical", imageSemverRange: "" }), secrets, "dev").apps[0].image.semverRange, "");
    });
});

describe("validators: the tag filter a policy gets by default", () => {
    it("gives a semver policy no filter, so that 1.2.3 reaches it", () => {
        const [app] = buildConfig(devRaw({ imagePolicy: "semver", tagPattern: undefined }), secrets, "dev").apps;
        assert.equal(app.image.tagPattern, undefined);
        assert.deepEqual(imagePolicySpec({ ...app.image, imageRepositoryName: "x" }), {
            imageRepositoryRef: { name: "x" },
            policy: { semver: { range: ">=0.0.0" } },
        });
    });

    it("keeps numerical and alphabetical policies to numeric tags by default", () => {
        assert.deepEqual(DEFAULT_TAG_PATTERN, { numerical: "^[0-9]+$", alphabetical: "^[0-9]+$", semver: undefined });
        for (const imagePolicy of ["numerical", "alphabetical"]) {
            assert.equal(buildConfig(devRaw({ imagePolicy, tagPattern: "" }), secrets, "dev").apps[0].image.tagPattern, "^[0-9]+$");
        }
    });

    it("does not hand the first application's numeric filter to an entry with a semver policy", () => {
        const config = buildConfig(
            devRaw({ tagPattern: "^[0-9]+$", additionalApps: apps({ ...SEARCH, imagePolicy: "semver", imageSemverRange: ">=1.0.0" }) }),
            secrets,
            "dev",
        );
        assert.equal(config.apps[0].image.tagPattern, "^[0-9]+$");
        assert.equal(config.apps[1].image.tagPattern, undefined);
    });

    it("hands neither the filter nor its extract to an entry with another policy: it gets its own policy's default", () => {
        const config = buildConfig(
            devRaw({ tagPattern: "^main-(?P<ts>[0-9]+)$", tagExtract: "$ts", additionalApps: apps({ ...SEARCH, imagePolicy: "alphabetical" }) }),
            secrets,
            "dev",
        );
        assert.deepEqual(
            config.apps.map((a) => [a.image.policy, a.image.tagPattern, a.image.tagExtract]),
            [
                ["numerical", "^main-(?P<ts>[0-9]+)$", "$ts"],
                ["alphabetical", "^[0-9]+$", undefined],
            ],
        );
    });

    it("hands the filter and its extract to an entry with the same policy", () => {
        const config = buildConfig(
            devRaw({ tagPattern: "^main-(?P<ts>[0-9]+)$", tagExtract: "$ts", additionalApps: apps(SEARCH) }),
            secrets,
            "dev",
        );
        assert.equal(config.apps[1].image.tagPattern, "^main-(?P<ts>[0-9]+)$");
        assert.equal(config.apps[1].image.tagExtract, "$ts");
    });
});

describe("validators: filterTags patterns as Go's regexp.Compile reads them", () => {
    const cases: [string, string][] = [
        ["^(?!latest).*$", "uses lookaround, which Go's RE2 (used by Flux) does not support"],
        ["^(?<=v)[0-9]+$", "uses lookaround, which Go's RE2 (used by Flux) does not support"],
        ["^(a)\\1$", "uses a backreference, which Go's RE2 (used by Flux) does not support"],
        ["^[0-9]*+$", "is not a valid regular expression (error parsing regexp: invalid nested repetition operator: `*+`)"],
        ["^[0-9]{1001}$", "is not a valid regular expression (error parsing regexp: invalid repeat count: `{1001}`)"],
        ["^\\p{Old_Italic}$", "is not a valid regular expression (error parsing regexp: invalid character class range: `\\p{Old_Italic}`)"],
        ["^v[0-9]\\Z", "is not a valid regular expression (error parsing regexp: invalid escape sequence: `\\Z`)"],
    ];
    for (const [tagPattern, problem] of cases) {
        it(`refuses ${tagPattern}: ${problem.split(" (")[0]}`, () => {
            assert.deepEqual(problemsOf({ tagPattern }), [`flux-gitops:tagPattern ${problem}`]);
        });
    }

    // Go accepts what JavaScript reads otherwise or not at all.
    for (const tagPattern of ["^[]a]$", "^v[0-9]+\\z", "(?P<ts>[0-9]+)", "(?<ts>[0-9]+)", "^(?i)v[0-9]+$", "^\\Q1.0\\E$"]) {
        it(`accepts ${tagPattern}, as Go does`, () => {
            assert.equal(buildConfig(devRaw({ tagPattern }), secrets, "dev").apps[0].image.tagPattern, tagPattern);
        });
    }
});

describe("validators: filterTags extract as Go's Regexp.Expand reads it", () => {
    it("refuses a reference to a group the pattern does not have", () => {
        assert.deepEqual(problemsOf({ tagPattern: "^(?P<build>[0-9]+)$", tagExtract: "$ts" }), [
            "flux-gitops:tagExtract refers to $ts, which the pattern does not have: Go's regexp Expand, which Flux extracts tags with, " +
                "replaces it with nothing (the pattern has $0, $build)",
        ]);
    });

    it("reads $ts_suffix as the group ts_suffix, and says how to follow $ts with text", () => {
        assert.deepEqual(problemsOf({ tagPattern: "^(?P<ts>[0-9]+)$", tagExtract: "$ts_suffix" }), [
            "flux-gitops:tagExtract refers to $ts_suffix, which the pattern does not have: Go's regexp Expand, which Flux extracts tags with, " +
                'replaces it with nothing (the pattern has $0, $ts); write ${ts} to follow the group ts with "_suffix"',
        ]);
    });

    it("names every missing reference, and how to follow each group with text", () => {
        assert.deepEqual(problemsOf({ tagPattern: "^(?P<ts>[0-9]+)-(?P<sha>[a-f0-9]+)$", tagExtract: "$ts_a-${sha_b}" }), [
            "flux-gitops:tagExtract refers to $ts_a, ${sha_b}, which the pattern does not have: Go's regexp Expand, which Flux extracts tags with, " +
                'replaces them with nothing (the pattern has $0, $ts, $sha); write ${ts} to follow the group ts with "_a"; ' +
                'write ${sha} to follow the group sha with "_b"',
        ]);
    });

    it("refuses a group number past the pattern's groups", () => {
        assert.deepEqual(problemsOf({ tagPattern: "^v([0-9]+)$", tagExtract: "$1.$2" }), [
            "flux-gitops:tagExtract refers to $2, which the pattern does not have: Go's regexp Expand, which Flux extracts tags with, " +
                "replaces it with nothing (the pattern has $0, $1)",
        ]);
    });

    for (const tagExtract of ["$ts", "${ts}", "${ts}_suffix", "$1", "$0", "$$ts-$ts", "${ts"]) {
        it(`accepts ${tagExtract} with ^(?P<ts>[0-9]+)$`, () => {
            const config = buildConfig(devRaw({ tagPattern: "^(?P<ts>[0-9]+)$", tagExtract }), secrets, "dev");
            assert.equal(config.apps[0].image.tagExtract, tagExtract);
        });
    }

    it("names the entry and the key in additionalApps", () => {
        assert.deepEqual(
            problemsOf({ additionalApps: apps({ ...SEARCH, tagPattern: "^(?P<build>[0-9]+)$", tagExtract: "$ts" }) }),
            [
                "flux-gitops:additionalApps[0].tagExtract refers to $ts, which the pattern does not have: Go's regexp Expand, " +
                    "which Flux extracts tags with, replaces it with nothing (the pattern has $0, $build)",
            ],
        );
    });
});

describe("validators: additionalApps entries", () => {
    it("names the entry and the key of a bad imagePolicy and semver range", () => {
        assert.deepEqual(
            problemsOf({
                additionalApps: apps(
                    { ...SEARCH, imagePolicy: "semver", imageSemverRange: "banana" },
                    { repository: "docs", image: "ghcr.io/developer-friendly/docs", imagePolicy: "newest" },
                ),
            }),
            [
                'flux-gitops:additionalApps[0].imageSemverRange is not a semver range Flux can parse (Masterminds/semver NewConstraint: improper constraint: "banana")',
                'flux-gitops:additionalApps[1].imagePolicy must be one of numerical, semver, alphabetical (got "newest")',
            ],
        );
    });

    it("refuses an entry that repeats a repository, naming both keys", () => {
        const problems = problemsOf({
            additionalApps: apps(SEARCH, { repository: "echo-server", image: "ghcr.io/x/y" }, { ...SEARCH, appHostname: "s.example.com", appNamespace: "s" }),
        });
        assert.deepEqual(problems.slice(0, 2), [
            "flux-gitops:additionalApps[1].repository repeats echo-server, the repository of flux-gitops:repository: " +
                "each application needs its own repository (it names the application's Flux objects and SSM parameters)",
            "flux-gitops:additionalApps[2].repository repeats search, the repository of flux-gitops:additionalApps[0].repository: " +
                "each application needs its own repository (it names the application's Flux objects and SSM parameters)",
        ]);
    });
});

describe("validators: hostnames and registry hosts", () => {
    it("refuses a baseDomain of one label", () => {
        assert.deepEqual(problemsOf({ baseDomain: "localhost" }), [
            'flux-gitops:baseDomain must be a domain of at least two labels, such as example.com (got "localhost")',
        ]);
    });

    it("refuses a trailing dot, which the HTTPRoute CRD's hostname pattern does not allow", () => {
        assert.deepEqual(problemsOf({ appHostname: "echo.example.com." }), [
            'flux-gitops:appHostname is not a DNS name: lowercase labels of letters, digits and "-" separated by dots (got "echo.example.com.")',
        ]);
    });

    it("refuses a hostname label longer than 63 characters", () => {
        const host = `${"a".repeat(64)}.example.com`;
        assert.deepEqual(problemsOf({ receiverHostname: host }), [
            `flux-gitops:receiverHostname has a label longer than 63 characters, which DNS does not allow (got "${host}")`,
        ]);
    });

    it("accepts an object name with a label longer than 63 characters, as IsDNS1123Subdomain does", () => {
        const name = `${"a".repeat(64)}.gateway`;
        assert.equal(buildConfig(devRaw({ gatewayName: name }), secrets, "dev").ingress.gatewayName, name);
    });

    it("refuses a registries key that is not a host", () => {
        assert.deepEqual(problemsOf({ registries: JSON.stringify({ "https://quay.io": { username: "bot" } }) }), [
            'flux-gitops:registries["https://quay.io"] is not a registry host such as registry.example.com or registry.example.com:5000 (got "https://quay.io")',
        ]);
    });

    it("knows a registry host as an image reference names it", () => {
        for (const host of ["quay.io", "registry.example.com:5000", "localhost:5000", "registry:5000", "registry:65535", "a.io", "registry.b"]) {
            assert.ok(isRegistryHost(host), host);
        }
        // localhost without a port: go-containerregistry reads it as a Docker Hub path, not a registry.
        for (const host of ["quay", "localhost", "Quay.io", "quay.io/org", "quay.io:99999", "registry:65536", "-quay.io", "quay..io", "my_registry.io", ""]) {
            assert.ok(!isRegistryHost(host), host);
        }
    });
});

describe("validators: images as image-reflector-controller parses them (go-containerregistry NewRepository)", () => {
    it("refuses localhost without a port, which Flux reads as a Docker Hub repository", () => {
        assert.deepEqual(problemsOf({ image: "localhost/echo-server", imagePublic: "true" }), [
            'flux-gitops:image names the registry localhost without a port, which Flux reads as a Docker Hub repository; write localhost:<port>/... (got "localhost/echo-server")',
        ]);
    });

    it("refuses a repository path shorter than 2 or longer than 255 characters", () => {
        assert.deepEqual(problemsOf({ image: "ghcr.io/e" }), [
            'flux-gitops:image has a repository path of 1 characters after its registry; Flux reads only 2 to 255 (got "ghcr.io/e")',
        ]);
        const long = `ghcr.io/org/${"e".repeat(252)}`;
        assert.deepEqual(problemsOf({ image: long }), [
            `flux-gitops:image has a repository path of 256 characters after its registry; Flux reads only 2 to 255 (got "${long}")`,
        ]);
    });

    it("accepts paths of 2 and 255 characters, and a Docker Hub path counted whole", () => {
        for (const image of ["ghcr.io/ab", `ghcr.io/org/${"e".repeat(251)}`, "localhost:5000/echo-server", "developer-friendly/echo-server", "a/b"]) {
            assert.equal(buildConfig(devRaw({ image, imagePublic: "true" }), secrets, "dev").apps[0].image.repository, image);
        }
    });

    it("counts a Docker Hub path whole against the 255 characters", () => {
        const long = `org/${"e".repeat(252)}`;
        assert.deepEqual(problemsOf({ image: long, imagePublic: "true" }), [
            `flux-gitops:image has a repository path of 256 characters after its registry; Flux reads only 2 to 255 (got "${long}")`,
        ]);
    });

    it("takes the registry from the first part only when it has a dot or a port, and only when a path follows", () => {
        // NewRepository: strings.SplitN(name, "/", 2), the first part a registry iff it holds "." or ":".
        assert.deepEqual(
            ["ghcr.io/org/app", "localhost:5000/app", "org/app", "localhost/app", "ghcr.io"].map(registryHost),
            ["ghcr.io", "localhost:5000", "docker.io", "docker.io", "docker.io"],
        );
    });
});

describe("validators: durations as Go's time.ParseDuration reads them", () => {
    it("refuses a duration below a nanosecond, which Go reads as 0", () => {
        assert.deepEqual(problemsOf({ gitInterval: "0.0000001ms" }), [
            'flux-gitops:gitInterval must be a positive Flux duration such as 30s, 5m or 1h30m (got "0.0000001ms")',
        ]);
    });

    it("refuses a duration past 2^63-1 nanoseconds, which Go refuses", () => {
        assert.deepEqual(problemsOf({ gitInterval: "2562048h" }), [
            'flux-gitops:gitInterval must be a positive Flux duration such as 30s, 5m or 1h30m (got "2562048h")',
        ]);
        assert.equal(buildConfig(devRaw({ gitInterval: "2562047h" }), secrets, "dev").flux.gitInterval, "2562047h");
    });
});

describe("validators: an image policy's settings that need another", () => {
    it("refuses tagExtract without tagPattern: Flux's extract replaces the pattern's groups", () => {
        assert.deepEqual(problemsOf({ tagPattern: "", tagExtract: "$ts" }), [
            "flux-gitops:tagExtract needs tagPattern to be set",
        ]);
        assert.equal(
            buildConfig(
                devRaw({ tagPattern: "^main-(?P<ts>[0-9]+)$", tagExtract: "$ts" }),
                secrets,
                "dev",
            ).apps[0].image.tagExtract,
            "$ts",
        );
    });

    it("refuses a semver policy without a range", () => {
        assert.deepEqual(problemsOf({ imagePolicy: "semver", imageSemverRange: "" }), [
            "flux-gitops:imageSemverRange is required when imagePolicy is semver",
        ]);
        const config = buildConfig(
            devRaw({ imagePolicy: "semver", imageSemverRange: ">=1.0.0 <2.0.0" }),
            secrets,
            "dev",
        );
        assert.equal(config.apps[0].image.semverRange, ">=1.0.0 <2.0.0");
    });
});
