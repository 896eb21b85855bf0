import { AppManifestsSpec } from "../../components/app/manifests";

/** The recipe's application as the manifest builders see it: echo-server on port 8080, the dev overlay. */
export const ECHO_SERVER_MANIFESTS: AppManifestsSpec = {
    appName: "echo-server",
    image: "ghcr.io/developer-friendly/echo-server",
    port: 8080,
    overlayPath: "./kustomize/overlays/dev",
    imagePolicy: { name: "echo-server", namespace: "flux-system" },
};
