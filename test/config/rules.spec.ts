import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { buildConfig } from "../../config";
import { devRaw, notKubernetesName, problemsOf, required, secrets } from "../helpers/config-helpers";

const ACCOUNT = "123456789012";

describe("config rules: required keys say what they are for", () => {
    const cases: [string, string][] = [
        ["fluxNamespace", "Flux's namespace"],
        ["botUser", "the bot's GitHub login"],
        ["botEmail", "the bot's e-mail for commits and its GPG key"],
        ["gatewayNamespace", "the Gateway's namespace"],
        ["externalSecretsNamespace", "the namespace of External Secrets"],
        ["monitoringNamespace", "the namespace of kube-prometheus-stack"],
        ["slackChannel", "the Slack channel for errors"],
    ];
    for (const [key, hint] of cases) {
        it(`refuses an empty ${key}, saying it is ${hint}`, () => {
            assert.deepEqual(problemsOf({ [key]: "" }), [required(key, hint)]);
        });
    }

    it("refuses an empty baseDomain as required and as no DNS name", () => {
        assert.deepEqual(problemsOf({ baseDomain: "" }), [
            required("baseDomain", "the domain served by the Gateway"),
            'flux-gitops:baseDomain is not a DNS name: lowercase labels of letters, digits and "-" separated by dots (got "")',
        ]);
    });

    for (const key of ["gatewayNamespace", "externalSecretsNamespace", "monitoringNamespace"]) {
        it(`refuses a ${key} that is not a Kubernetes name, naming the key`, () => {
            assert.deepEqual(problemsOf({ [key]: "Cluster_Tools" }), [
                notKubernetesName(key, "Cluster_Tools"),
            ]);
        });
    }
});

describe("config rules: GitHub owner and bot", () => {
    it("refuses a bot that is the organisation itself, whatever the case of the login", () => {
        // GitHub logins are case-insensitive.
        assert.deepEqual(problemsOf({ owner: "Developer-Friendly-Bot" }), [
            'flux-gitops:botUser must be a separate user, not the organisation "Developer-Friendly-Bot" itself',
        ]);
    });

    it("accepts a bot that differs from the organisation", () => {
        const { github } = buildConfig(devRaw(), secrets, "dev");
        assert.equal(github.owner, "developer-friendly");
        assert.equal(github.botUser, "developer-friendly-bot");
    });

    it("reports an empty owner and bot only as required, not as the same user", () => {
        assert.deepEqual(problemsOf({ owner: "", botUser: "" }), [
            required("owner", "the GitHub organisation that owns the repository"),
            required("botUser", "the bot's GitHub login"),
        ]);
    });
});

describe("config rules: Pulumi Deployments", () => {
    const on = {
        deployments: "true",
        deploymentsOrganization: "developer-friendly",
        deploymentsRepository: "developer-friendly/flux-gitops",
    };

    it("requires the organisation and the repository when deployments is true", () => {
        assert.deepEqual(problemsOf({ deployments: "true" }), [
            required(
                "deploymentsOrganization",
                "the Pulumi Cloud organisation, when deployments is true",
            ),
            required(
                "deploymentsRepository",
                "owner/name of this project's repository, when deployments is true",
            ),
        ]);
    });

    it("deploys the application's branch from the repository's root by default", () => {
        assert.deepEqual(
            buildConfig(devRaw({ ...on, branch: "develop" }), secrets, "dev").deployments,
            {
                organization: "developer-friendly",
                repository: "developer-friendly/flux-gitops",
                branch: "develop",
                folder: ".",
                awsRoleArn: undefined,
            },
        );
    });

    it("reads an empty deploymentsFolder as the repository's root (Pulumi.yaml's default is \".\")", () => {
        assert.equal(buildConfig(devRaw({ ...on, deploymentsFolder: "" }), secrets, "dev").deployments?.folder, ".");
    });

    it("reads deploymentsBranch and deploymentsFolder when set", () => {
        const { deployments } = buildConfig(
            devRaw({ ...on, deploymentsBranch: "release", deploymentsFolder: "infra" }),
            secrets,
            "dev",
        );
        assert.equal(deployments?.branch, "release");
        assert.equal(deployments?.folder, "infra");
    });

    it("refuses a deploymentsBranch that git would refuse", () => {
        assert.deepEqual(problemsOf({ ...on, deploymentsBranch: "release..1" }), [
            'flux-gitops:deploymentsBranch is not a valid git branch name (got "release..1")',
        ]);
    });

    for (const repository of [
        "flux-gitops",
        "developer-friendly/flux-gitops/tree",
        "https://github.com/developer-friendly/flux-gitops",
    ]) {
        it(`refuses a deploymentsRepository of "${repository}": it must be exactly owner/name`, () => {
            assert.deepEqual(problemsOf({ ...on, deploymentsRepository: repository }), [
                `flux-gitops:deploymentsRepository must be owner/name of a GitHub repository (got "${repository}")`,
            ]);
        });
    }

    // AWS partitions: aws, aws-cn, aws-us-gov; a role name may carry a path.
    for (const arn of [
        `arn:aws:iam::${ACCOUNT}:role/service-role/pulumi-deployments`,
        `arn:aws-cn:iam::${ACCOUNT}:role/pulumi-deployments`,
    ]) {
        it(`reads the IAM role ARN ${arn}`, () => {
            assert.equal(
                buildConfig(devRaw({ ...on, deploymentsAwsRoleArn: arn }), secrets, "dev")
                    .deployments?.awsRoleArn,
                arn,
            );
        });
    }

    for (const arn of [
        `"arn:aws:iam::${ACCOUNT}:role/pulumi-deployments"`,
        `arn:aws:iam::${ACCOUNT}:role/a\narn:aws:iam::${ACCOUNT}:role/b`,
        `arn:aws:iam::${ACCOUNT}:user/deployer`,
    ]) {
        it(`refuses ${JSON.stringify(arn)} as the role ARN: the whole value must be one role's ARN`, () => {
            assert.deepEqual(problemsOf({ ...on, deploymentsAwsRoleArn: arn }), [
                `flux-gitops:deploymentsAwsRoleArn must be an IAM role ARN (got "${arn}")`,
            ]);
        });
    }
});

describe("config rules: Flux install", () => {
    for (const version of ["2.9.0", "2.9.10", "2.10.x"]) {
        it(`accepts the Flux version ${version}`, () => {
            assert.equal(
                buildConfig(devRaw({ fluxVersion: version }), secrets, "dev").installs.flux
                    ?.distributionVersion,
                version,
            );
        });
    }

    for (const version of ["v2.9.0", "12.9.0", "2.9.0-rc.1", "2.9", "2.x"]) {
        it(`refuses the Flux version "${version}"`, () => {
            assert.deepEqual(problemsOf({ fluxVersion: version }), [
                `flux-gitops:fluxVersion must be a Flux 2 version such as 2.9.x or 2.9.0 (got "${version}")`,
            ]);
        });
    }
});

describe("config rules: External Secrets' AWS identity", () => {
    const eksNameProblem = (name: string) =>
        `flux-gitops:eksClusterName is not an EKS cluster name (got "${name}")`;

    // Pod Identity, where it is allowed: no application is a tenant.
    const podIdentity = { externalSecretsAuth: "podIdentity", tenant: "false" };

    // EKS CreateCluster: 1-100 characters, letters, digits, "-" and "_", starting alphanumeric.
    for (const name of ["flux-dev", "0_flux", "f".repeat(100)]) {
        it(`accepts the EKS cluster name ${name.length > 20 ? `of ${name.length} characters` : name} for Pod Identity`, () => {
            assert.equal(
                buildConfig(devRaw({ ...podIdentity, eksClusterName: name }), secrets, "dev").installs
                    .externalSecrets?.eksClusterName,
                name,
            );
        });
    }

    for (const name of ["flux.dev", "-flux", "_flux", "f".repeat(101)]) {
        it(`refuses the EKS cluster name ${name.length > 20 ? `of ${name.length} characters` : name} for Pod Identity`, () => {
            assert.deepEqual(problemsOf({ ...podIdentity, eksClusterName: name }), [eksNameProblem(name)]);
        });
    }

    it("reads no EKS cluster name with IRSA, the default: a malformed one is not even looked at", () => {
        const es = buildConfig(devRaw({ eksClusterName: "flux.dev" }), secrets, "dev").installs.externalSecrets;
        assert.equal(es?.auth, "irsa");
        assert.equal(es?.eksClusterName, undefined);
    });

    it("reports an unknown way of getting AWS credentials alone, asking for neither way's setting", () => {
        assert.deepEqual(problemsOf({ externalSecretsAuth: "static", tenant: "false", eksOidcProviderArn: undefined, eksClusterName: undefined }), [
            'flux-gitops:externalSecretsAuth must be one of podIdentity, irsa (got "static")',
        ]);
    });

    const irsa = { externalSecretsAuth: "irsa" };
    // The ARN of an EKS cluster's IAM OIDC provider names its issuer without https://.
    const oidc = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
    const oidcCn = `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLE`;

    for (const arn of [oidc, oidcCn]) {
        it(`reads the OIDC provider ARN ${arn} for IRSA, and no cluster name`, () => {
            const es = buildConfig(devRaw({ ...irsa, eksOidcProviderArn: arn }), secrets, "dev")
                .installs.externalSecrets;
            assert.equal(es?.auth, "irsa");
            assert.equal(es?.oidcProviderArn, arn);
            assert.equal(es?.eksClusterName, undefined);
        });
    }

    for (const arn of [
        "https://oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLE",
        `arn:aws:iam::${ACCOUNT}:oidc-provider/https://oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLE`,
        `${oidc},${oidcCn}`,
    ]) {
        it(`refuses ${arn} as the OIDC provider ARN`, () => {
            assert.deepEqual(problemsOf({ ...irsa, eksOidcProviderArn: arn }), [
                "flux-gitops:eksOidcProviderArn must be an IAM OIDC provider ARN such as " +
                    `arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLE (got "${arn}")`,
            ]);
        });
    }

    const kms = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const kmsGov = `arn:aws-us-gov:kms:us-gov-west-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;

    for (const arn of [kms, kmsGov]) {
        it(`reads the KMS key ARN ${arn} for both SSM and External Secrets' policy`, () => {
            const config = buildConfig(devRaw({ ssmKmsKeyId: arn }), secrets, "dev");
            assert.equal(config.ssm.kmsKeyId, arn);
            assert.equal(config.installs.externalSecrets?.kmsKeyArn, arn);
        });
    }

    // An IAM policy's Resource names a key by its ARN: an alias or a bare key id matches nothing.
    for (const value of [
        "alias/aws/ssm",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        `${kms},${kmsGov}`,
        `arn:aws:kms:eu-central-1:${ACCOUNT}:alias/flux`,
    ]) {
        it(`refuses ${value} as ssmKmsKeyId while External Secrets is installed`, () => {
            assert.deepEqual(problemsOf({ ssmKmsKeyId: value }), [
                "flux-gitops:ssmKmsKeyId must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) when External Secrets " +
                    `is installed: its IAM policy may decrypt with that key only (got "${value}")`,
            ]);
        });
    }

    it("accepts a KMS alias as ssmKmsKeyId when neither External Secrets is installed nor any application is a tenant", () => {
        const config = buildConfig(
            devRaw({ installExternalSecrets: "false", tenant: "false", ssmKmsKeyId: "alias/flux" }),
            secrets,
            "dev",
        );
        assert.equal(config.ssm.kmsKeyId, "alias/flux");
        assert.equal(config.installs.externalSecrets, undefined);
        assert.equal(config.installs.tenancy, undefined);
    });
});

describe("config rules: keys and SSM names", () => {
    it("reads gpgKeyRotation as given", () => {
        assert.equal(
            buildConfig(devRaw({ gpgKeyRotation: "2025-06" }), secrets, "dev").keys.gpgKeyRotation,
            "2025-06",
        );
    });

    it("stores the webhook URLs under ssmSlackWebhookName and ssmDiscordWebhookName when set", () => {
        const { ssm } = buildConfig(
            devRaw({
                ssmSlackWebhookName: "/alerts/slack",
                ssmDiscordWebhookName: "/alerts/discord",
            }),
            secrets,
            "dev",
        );
        assert.equal(ssm.slackWebhookUrl, "/alerts/slack");
        assert.equal(ssm.discordWebhookUrl, "/alerts/discord");
    });
});

describe("config rules: registries", () => {
    const app = (image: string) => JSON.stringify([{ repository: "search", image }]);

    it("refuses credentials for ghcr.io: the bot reads it with registryToken", () => {
        assert.deepEqual(
            problemsOf({ registries: JSON.stringify({ "ghcr.io": { username: "someone" } }) }),
            [
                'flux-gitops:registries["ghcr.io"] is not needed: ghcr.io is read as the bot with registryToken',
            ],
        );
    });

    it("reports a registry entry that is null as missing its username and token", () => {
        assert.deepEqual(problemsOf({ registries: JSON.stringify({ "quay.io": null }) }), [
            'flux-gitops:registries["quay.io"].username is required: the user the token belongs to',
            `flux-gitops:registries["quay.io"].token is required; set it with \`pulumi config set --secret --path 'registries["quay.io"].token' <token>\``,
        ]);
    });

    it("trims the registry username", () => {
        const config = buildConfig(
            devRaw({
                additionalApps: app("quay.io/acme/search"),
                registries: JSON.stringify({ "quay.io": { username: "  acme-bot " } }),
            }),
            { ...secrets, registryTokens: { "quay.io": pulumi.secret("quay-token") } },
            "dev",
        );
        assert.equal(config.registries["quay.io"].username, "acme-bot");
    });

    it("stores a registry's token under its host with the port's colon as a dash", () => {
        // SSM parameter names allow only letters, digits and _ . - /.
        const host = "registry.example.com:5000";
        const config = buildConfig(
            devRaw({
                additionalApps: app(`${host}/acme/search`),
                registries: JSON.stringify({ [host]: { username: "acme-bot" } }),
            }),
            { ...secrets, registryTokens: { [host]: pulumi.secret("token") } },
            "dev",
        );
        assert.equal(
            config.registries[host].parameterName,
            "/registries/registry.example.com-5000/token",
        );
    });
});

describe("config rules: an existing Alertmanager's address", () => {
    // notification-controller checks the address only with url.ParseRequestURI (internal/notifier/
    // alertmanager.go NewAlertmanager, v1.9.3), so anything but an absolute http(s) URL would fail at the first event.
    const addressOf = (alertmanagerAddress: string) =>
        buildConfig(devRaw({ installMonitoring: "false", alertmanagerAddress }), secrets, "dev").monitoring.alertmanagerAddress;

    for (const address of ["http://alertmanager.monitoring:9093/api/v2/alerts", "https://alertmanager.example.com/api/v2/alerts"]) {
        it(`takes ${address}`, () => {
            assert.equal(addressOf(address), address);
        });
    }

    for (const [what, address] of [
        ["a bare path", "/api/v2/alerts"],
        ["another scheme", "ftp://alertmanager.monitoring:9093/api/v2/alerts"],
        ["a URL with a space, which the parser would encode", "http://alertmanager.monitoring:9093/api/v2 alerts"],
    ]) {
        it(`refuses ${what}`, () => {
            assert.deepEqual(problemsOf({ installMonitoring: "false", alertmanagerAddress: address }), [
                "flux-gitops:alertmanagerAddress must be an http(s) URL of Alertmanager's v2 alerts API, " +
                    `e.g. http://alertmanager.monitoring:9093/api/v2/alerts (got "${address}")`,
            ]);
        });
    }
});

describe("config rules: the Helm timeout", () => {
    for (const value of ["0", "-30", "1.5", "soon"]) {
        it(`refuses a helmTimeout of "${value}": Helm needs a positive whole number of seconds`, () => {
            assert.deepEqual(problemsOf({ helmTimeout: value }), [
                `flux-gitops:helmTimeout must be a positive number of seconds (got "${value}")`,
            ]);
        });
    }

    it("reads helmTimeout as seconds", () => {
        assert.equal(
            buildConfig(devRaw({ helmTimeout: "1" }), secrets, "dev").monitoring.helmTimeoutSeconds,
            1,
        );
        assert.equal(buildConfig(devRaw(), secrets, "dev").monitoring.helmTimeoutSeconds, 900);
    });
});

describe("config rules: the SSM prefix, and one name per secret", () => {
    it("refuses two secrets stored under one SSM name, listing every name", () => {
        assert.deepEqual(problemsOf({ ssmWebhookTokenName: "/github/echo-server/deploy-key" }), [
            "the SSM parameter names must differ from each other (got /github/echo-server/deploy-key, /github/echo-server/deploy-key, " +
                "/github/echo-server/image-receiver-token, /github/echo-server/ghcr-token, /github/gpg-keys/developer-friendly-bot, " +
                "/flux-gitops/dev/slack-webhook-url, /flux-gitops/dev/discord-webhook-url, /github/bot-tokens/developer-friendly-bot)",
        ]);
    });

    it("counts only the parameters the stack writes: no webhook's without its URL, the App key's in App mode", () => {
        const { slackWebhookUrl: _slack, discordWebhookUrl: _discord, ...noWebhooks } = secrets;
        assert.deepEqual(problemsOf({ ssmWebhookTokenName: "/github/echo-server/deploy-key" }, noWebhooks), [
            "the SSM parameter names must differ from each other (got /github/echo-server/deploy-key, /github/echo-server/deploy-key, " +
                "/github/echo-server/image-receiver-token, /github/echo-server/ghcr-token, /github/gpg-keys/developer-friendly-bot, " +
                "/github/bot-tokens/developer-friendly-bot)",
        ]);
        const app = { ...noWebhooks, githubAppPrivateKey: pulumi.secret("key"), githubAppPrivateKeyShape: "pkcs1" as const };
        assert.deepEqual(
            problemsOf({ githubAppId: "1", githubAppInstallationId: "2", ssmGpgKeyName: "/flux-gitops/dev/github-app-private-key" }, app),
            [
                "the SSM parameter names must differ from each other (got /github/echo-server/deploy-key, /github/echo-server/receiver-token, " +
                    "/github/echo-server/image-receiver-token, /github/echo-server/ghcr-token, /flux-gitops/dev/github-app-private-key, " +
                    "/github/bot-tokens/developer-friendly-bot, /flux-gitops/dev/github-app-private-key)",
            ],
        );
    });

    it("refuses an ssmPrefix that is not a path", () => {
        assert.deepEqual(problemsOf({ ssmPrefix: "/prod//eu" }), [
            'flux-gitops:ssmPrefix must be empty or a path such as /prod (got "/prod//eu")',
        ]);
    });

    it("refuses an ssmPrefix without its leading slash, and so every name derived from it", () => {
        assert.deepEqual(problemsOf({ ssmPrefix: "prod" }), [
            'flux-gitops:ssmPrefix must be empty or a path such as /prod (got "prod")',
            'flux-gitops:ssmDeployKeyName must be an SSM parameter name starting with "/" (got "prod/github/echo-server/deploy-key")',
            'flux-gitops:ssmWebhookTokenName must be an SSM parameter name starting with "/" (got "prod/github/echo-server/receiver-token")',
            'flux-gitops:ssmGpgKeyName must be an SSM parameter name starting with "/" (got "prod/github/gpg-keys/developer-friendly-bot")',
            'flux-gitops:ssmRegistryTokenName must be an SSM parameter name starting with "/" (got "prod/github/echo-server/ghcr-token")',
        ]);
    });

    it("puts an ssmPrefix (trailing slashes dropped) in front of every derived SSM name", () => {
        const config = buildConfig(devRaw({ ssmPrefix: "/prod/eu//" }), secrets, "dev");
        assert.deepEqual(config.apps[0].ssm, {
            deployKey: "/prod/eu/github/echo-server/deploy-key",
            imageWebhookToken: "/prod/eu/github/echo-server/image-receiver-token",
            webhookToken: "/prod/eu/github/echo-server/receiver-token",
        });
        assert.equal(config.ssm.prefix, "/prod/eu");
    });
});
