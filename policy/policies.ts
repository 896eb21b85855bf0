/**
 * The flux-gitops CrossGuard pack: its policies, one file per concern, listed here in order. Each
 * policy is built by one exported factory function; the checks themselves are pure functions over
 * plain resource properties, so tests (and the program's own test suite) can run them on fabricated
 * resources and on what the program registers.
 *
 * Resource policies see a resource's inputs before it is created; stack policies see every
 * resource's outputs once the stack is registered (inputs during a preview).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    fluxApiCurrent,
    imageAutomationSigned,
    imagePolicyFiltered,
    kustomizationPrune,
} from "./flux";
import { GATEWAY_DEFAULTS, httpRouteHsts } from "./gateway";
import { githubAppHttpsGit, githubAppNoDeployKey, githubAppNoToken } from "./github";
import { helmChartPinned } from "./install";
import {
    deployKeyLeastPrivilege,
    KEY_DEFAULTS,
    keyStrength,
    noPlaintextSecretOutputs,
    ssmSecureString,
} from "./keys";
import {
    clusterSecretStoreConditions,
    tenantKustomizationServiceAccount,
    tenantNoClusterRoleBinding,
    tenantNoCrossNamespaceRefs,
    tenantParametersIsolated,
} from "./tenancy";
import {
    githubWebhookEvents,
    githubWebhookTls,
    receiverAuthenticated,
    WEBHOOK_DEFAULTS,
} from "./webhooks";

/** The pack config's defaults, by policy: each concern file holds its own part. */
export const DEFAULTS = { ...KEY_DEFAULTS, ...WEBHOOK_DEFAULTS, ...GATEWAY_DEFAULTS };

/** Every policy of the pack, in the order the README lists them. */
export function policies(): (ResourceValidationPolicy | StackValidationPolicy)[] {
    return [
        ssmSecureString(),
        githubWebhookTls(),
        githubWebhookEvents(),
        deployKeyLeastPrivilege(),
        keyStrength(),
        fluxApiCurrent(),
        imagePolicyFiltered(),
        imageAutomationSigned(),
        receiverAuthenticated(),
        httpRouteHsts(),
        kustomizationPrune(),
        helmChartPinned(),
        noPlaintextSecretOutputs(),
        githubAppNoToken(),
        githubAppNoDeployKey(),
        githubAppHttpsGit(),
        tenantKustomizationServiceAccount(),
        tenantNoClusterRoleBinding(),
        clusterSecretStoreConditions(),
        tenantParametersIsolated(),
        tenantNoCrossNamespaceRefs(),
    ];
}
