import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// Only the pack itself: constructing it starts the policy server, so tests import ./policies and
// the concern files, never this one.
new PolicyPack("flux-gitops", {
    description: "Keeps every stack of the flux-gitops program safe: secrets encrypted, webhooks authenticated, keys strong, Flux APIs current, tenants kept apart.",
    enforcementLevel: "mandatory",
    policies: policies(),
});
