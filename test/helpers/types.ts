/**
 * The Pulumi type tokens the specs look resources up by, each named once: `<package>:<module>:<type>`,
 * as the engine writes them in a URN and a RegisterResourceRequest.
 */
export const ALERT = "kubernetes:notification.toolkit.fluxcd.io/v1beta3:Alert";
export const ALERTMANAGER_CONFIG = "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig";
export const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
export const EXTERNAL_SECRET = "kubernetes:external-secrets.io/v1:ExternalSecret";
export const FILE = "github:index/repositoryFile:RepositoryFile";
export const FLUX_INSTANCE = "kubernetes:fluxcd.controlplane.io/v1:FluxInstance";
export const GIT_REPOSITORY = "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository";
export const GPG_KEY = "pulumi-nodejs:dynamic:Resource";
export const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
export const IMAGE_POLICY = "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy";
export const IMAGE_REPOSITORY = "kubernetes:image.toolkit.fluxcd.io/v1:ImageRepository";
export const IMAGE_UPDATE = "kubernetes:image.toolkit.fluxcd.io/v1:ImageUpdateAutomation";
export const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
export const NAMESPACE = "kubernetes:core/v1:Namespace";
export const PARAMETER = "aws:ssm/parameter:Parameter";
export const PROVIDER = "kubernetes:notification.toolkit.fluxcd.io/v1beta3:Provider";
export const RECEIVER = "kubernetes:notification.toolkit.fluxcd.io/v1:Receiver";
export const RELEASE = "kubernetes:helm.sh/v3:Release";
export const ROLE = "aws:iam/role:Role";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const SECRET = "kubernetes:core/v1:Secret";
export const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
export const SETTINGS = "pulumiservice:index:DeploymentSettings";
export const STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
export const TENANT_STORE = "kubernetes:external-secrets.io/v1:SecretStore";
export const USER_GPG_KEY = "github:index/userGpgKey:UserGpgKey";
export const WEBHOOK = "github:index/repositoryWebhook:RepositoryWebhook";
