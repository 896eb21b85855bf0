package externalsecrets

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/fluxcd/pkg/git"
	"github.com/fluxcd/pkg/ssh/knownhosts"
	kauth "github.com/google/go-containerregistry/pkg/authn/kubernetes"
	"github.com/google/go-containerregistry/pkg/name"
	"golang.org/x/crypto/ssh"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"flux-gitops/conformance/internal/render"
)

// Roles of a Secret, named after what reads it. The readers' code is cited at the releases Flux
// 2.9.5 ships (flux2 v2.9.5 go.mod) where the proxy serves them: source-controller v1.9.5;
// image-automation-controller and image-reflector-controller v1.2.4 (v1.2.5 is not served; the
// files cited are the same from v1.2.0 on); notification-controller v1.9.3 (v1.9.4 is not served),
// with fluxcd/pkg/runtime v0.110.1 (v0.110.3 in Flux 2.9.5: the same keys and AuthMethodsFromSecret).
const (
	roleGit      = "git"      // GitRepository spec.secretRef: source-controller
	roleSigning  = "signing"  // ImageUpdateAutomation spec.git.commit.signingKey.secretRef: image-automation-controller
	roleReceiver = "receiver" // Receiver spec.secretRef: notification-controller
	roleProvider = "provider" // Provider spec.secretRef (not alertmanager): notification-controller
	roleRegistry = "registry" // ImageRepository spec.secretRef: image-reflector-controller; a seeded Deployment's imagePullSecrets: the kubelet
	roleWebhook  = "webhook"  // AlertmanagerConfig receivers' apiURL: prometheus-operator
	// roleGitHubApp: GitRepository spec.secretRef with spec.provider github (source-controller),
	// also read by the commit-status Provider of type github (notification-controller).
	roleGitHubApp = "github-app"
)

// consumer is what reads one Secret.
type consumer struct {
	role string
	by   []render.Object
	// keys are the keys an AlertmanagerConfig references (roleWebhook).
	keys []string
}

func str(o map[string]any, path ...string) string {
	var cur any = o
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[k]
	}
	s, _ := cur.(string)
	return s
}

// consumers maps `namespace/name` of each Secret the render's Flux and monitoring objects read to
// its reader.
func consumers(t *testing.T, r *render.Render) map[string]*consumer {
	t.Helper()
	out := map[string]*consumer{}
	addIn := func(o render.Object, namespace, role, secret string, keys ...string) {
		if secret == "" {
			return
		}
		k := namespace + "/" + secret
		c := out[k]
		if c == nil {
			c = &consumer{role: role}
			out[k] = c
		}
		if c.role != role && (c.role == roleGitHubApp && role == roleProvider || c.role == roleProvider && role == roleGitHubApp) {
			// One App Secret serves the GitRepository and the commit-status Provider.
			c.role = roleGitHubApp
		} else if c.role != role {
			t.Errorf("%s: Secret %s is read as %s by %s and as %s by %s", r.Name, k, c.role, c.by[0].ID(), role, o.ID())
		}
		c.by = append(c.by, o)
		c.keys = append(c.keys, keys...)
	}
	add := func(o render.Object, role, secret string, keys ...string) {
		addIn(o, o.GetNamespace(), role, secret, keys...)
	}
	// The pods of a seeded application pull with the Secrets its Deployment names in
	// imagePullSecrets, in the namespace its Kustomization applies it to (spec.targetNamespace).
	for _, s := range seededDeployments(t, r) {
		for _, ref := range s.deployment.Spec.Template.Spec.ImagePullSecrets {
			addIn(s.object, s.namespace, roleRegistry, ref.Name)
		}
	}
	for _, o := range r.Kind("GitRepository") {
		if str(o.Object, "spec", "provider") == "github" {
			add(o, roleGitHubApp, str(o.Object, "spec", "secretRef", "name"))
		} else {
			add(o, roleGit, str(o.Object, "spec", "secretRef", "name"))
		}
	}
	for _, o := range r.Kind("ImageUpdateAutomation") {
		add(o, roleSigning, str(o.Object, "spec", "git", "commit", "signingKey", "secretRef", "name"))
	}
	for _, o := range r.Kind("Receiver") {
		add(o, roleReceiver, str(o.Object, "spec", "secretRef", "name"))
	}
	for _, o := range r.Kind("Provider") {
		if str(o.Object, "spec", "type") != "alertmanager" {
			add(o, roleProvider, str(o.Object, "spec", "secretRef", "name"))
		}
	}
	for _, o := range r.Kind("ImageRepository") {
		add(o, roleRegistry, str(o.Object, "spec", "secretRef", "name"))
	}
	for _, o := range r.Kind("AlertmanagerConfig") {
		receivers, _ := o.Object["spec"].(map[string]any)["receivers"].([]any)
		for _, rc := range receivers {
			m, _ := rc.(map[string]any)
			for _, field := range []string{"slackConfigs", "discordConfigs"} {
				cfgs, _ := m[field].([]any)
				for _, c := range cfgs {
					cm, _ := c.(map[string]any)
					add(o, roleWebhook, str(cm, "apiURL", "name"), str(cm, "apiURL", "key"))
				}
			}
		}
	}
	return out
}

// samples are the values the test puts in SSM: real keys of the kinds the consumers parse.
type samples struct {
	identity   []byte // an OpenSSH ed25519 private key
	appKey     []byte // a GitHub App private key: RSA, PKCS#1 PEM, as GitHub issues it
	gpg        []byte // an armored OpenPGP private key, clear
	gpgLocked  []byte // the same key, encrypted with passphrase
	passphrase []byte
	token      string
	// registryToken is the registry token; token when empty.
	registryToken string
}

func newSamples(t *testing.T) *samples {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "flux")
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := &samples{identity: pem.EncodeToMemory(block), passphrase: []byte("correct horse battery staple"),
		token:  "ghp_0123456789abcdefABCDEF0123456789abcd",
		appKey: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})}
	entity, err := openpgp.NewEntity("bot", "", "bot@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.gpg = armored(t, entity, false)
	if err := entity.EncryptPrivateKeys(s.passphrase, nil); err != nil {
		t.Fatal(err)
	}
	s.gpgLocked = armored(t, entity, true)
	return s
}

func armored(t *testing.T, e *openpgp.Entity, encrypted bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PrivateKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if encrypted {
		err = e.SerializePrivateWithoutSigning(w, nil)
	} else {
		err = e.SerializePrivate(w, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func hasKey(es *externalSecret, key string) bool {
	for _, d := range es.Spec.Data {
		if d.SecretKey == key {
			return true
		}
	}
	return false
}

func webhookURL(parameter string) string { return "https://hooks.example.com/ssm" + parameter }

// value is the sample SSM value behind key of es, by the role of its target Secret.
func (s *samples) value(role, key string, es *externalSecret) []byte {
	switch {
	case role == roleGit && key == "identity":
		return s.identity
	case role == roleGitHubApp && key == "githubAppPrivateKey":
		return s.appKey
	case role == roleSigning && key == "git.asc":
		if hasKey(es, "passphrase") {
			return s.gpgLocked
		}
		return s.gpg
	case role == roleSigning && key == "passphrase":
		return s.passphrase
	case role == roleRegistry && s.registryToken != "":
		return []byte(s.registryToken)
	case role == roleWebhook:
		for _, d := range es.Spec.Data {
			if d.SecretKey == key {
				return []byte(webhookURL(d.RemoteRef.Key))
			}
		}
	}
	return []byte(s.token)
}

// GitHub's SSH host key fingerprints (docs.github.com, "GitHub's SSH key fingerprints").
var githubHostKeys = map[string]string{
	"ssh-ed25519":         "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU",
	"ecdsa-sha2-nistp256": "SHA256:p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM",
	"ssh-rsa":             "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
}

func fingerprint(k ssh.PublicKey) string {
	sum := sha256.Sum256(k.Marshal())
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

func sortedKeys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestEveryTargetKeyIsWhatItsConsumerReads(t *testing.T) {
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			roles := consumers(t, r)
			seededNamespaces := map[string]bool{}
			for _, d := range seededDeployments(t, r) {
				seededNamespaces[d.namespace] = true
			}
			s := newSamples(t)
			served := map[string]bool{}
			for _, rs := range renderSecrets(t, r, roles, s.value) {
				key := rs.secret.Namespace + "/" + rs.secret.Name
				served[key] = true
				c := roles[key]
				if c == nil && rs.secret.Type == corev1.SecretTypeDockerConfigJson && !seededNamespaces[rs.secret.Namespace] {
					// The pods' pull Secret of an application whose manifests the stack does not
					// seed: the repository's own manifests, outside the render, name it.
					continue
				}
				if c == nil {
					t.Errorf("%s: writes Secret %s, which no rendered object reads", rs.obj.ID(), key)
					continue
				}
				id := rs.obj.ID()
				keys := sortedKeys(rs.secret.Data)
				switch c.role {
				case roleGit:
					checkGit(t, id, c, rs, s)
				case roleGitHubApp:
					checkGitHubApp(t, id, c, rs, s)
				case roleSigning:
					checkSigning(t, id, rs)
				case roleReceiver:
					// internal/server/receiver_handlers.go and internal/controller/receiver_controller.go
					// read secret.Data["token"] (fluxcd/notification-controller v1.9.3).
					if want := []string{"token"}; strings.Join(keys, ",") != "token" || string(rs.secret.Data["token"]) != s.token {
						t.Errorf("%s: Receiver token Secret has keys %v, want %v holding the SSM token", id, keys, want)
					}
				case roleProvider:
					// internal/server/event_handlers.go `extractAuthFromSecret` (notification-controller
					// v1.9.3) takes the token from fluxcd/pkg/runtime/secrets `AuthMethodsFromSecret`
					// (v0.110.1): token auth is the `token` key (secrets.go KeyToken), basic auth needs
					// `username` and `password`, bearer `bearerToken`. That module needs
					// controller-runtime v0.24, which External Secrets v0.16.2 cannot build with, so
					// its key reading is reproduced here.
					_, user := rs.secret.Data["username"]
					_, bearer := rs.secret.Data["bearerToken"]
					if string(rs.secret.Data["token"]) != s.token || user || bearer {
						t.Errorf("%s: commit-status Provider Secret has keys %v, want the SSM token under \"token\" and no other auth", id, keys)
					}
				case roleRegistry:
					checkRegistry(t, id, c, rs.secret, s.token)
				case roleWebhook:
					for _, k := range c.keys {
						u, err := url.Parse(string(rs.secret.Data[k]))
						if err != nil || u.Scheme != "https" || string(rs.secret.Data[k]) != string(rs.values[k]) {
							t.Errorf("%s: key %q the AlertmanagerConfig reads holds %q, not the SSM webhook URL", id, k, rs.secret.Data[k])
						}
					}
					if len(keys) != len(rs.values) {
						t.Errorf("%s: keys %v, want exactly the webhook URLs fetched", id, keys)
					}
				}
			}
			for key, c := range roles {
				if !served[key] && !renderedSecret(r, key) {
					t.Errorf("%s: %s reads Secret %s, which neither an ExternalSecret nor the render writes", r.Name, c.by[0].ID(), key)
				}
			}
		})
	}
}

func renderedSecret(r *render.Render, key string) bool {
	ns, n, _ := strings.Cut(key, "/")
	_, ok := r.Find("Secret", ns, n)
	return ok
}

// checkGit hands the Secret to fluxcd/pkg/git `NewAuthOptions` (v0.52.0), as source-controller
// v1.9.5 (Flux 2.9.5) internal/controller/gitrepository_controller.go `getAuthOpts` does, then to the pieces its
// SSH transport uses: x/crypto/ssh for the identity and fluxcd/pkg/ssh/knownhosts (gogit/transport.go).
func checkGit(t *testing.T, id string, c *consumer, rs rendered, s *samples) {
	t.Helper()
	for _, repo := range c.by {
		u, err := url.Parse(str(repo.Object, "spec", "url"))
		if err != nil {
			t.Errorf("%s: %v", repo.ID(), err)
			continue
		}
		opts, err := git.NewAuthOptions(*u, rs.secret.Data)
		if err != nil {
			t.Errorf("%s: source-controller refuses the Secret of %s: %v", id, repo.ID(), err)
			continue
		}
		if opts.Transport != git.SSH || !bytes.Equal(opts.Identity, s.identity) {
			t.Errorf("%s: %s gets transport %s and identity %q, want ssh with the SSM deploy key", id, repo.ID(), opts.Transport, opts.Identity)
		}
		if _, err := ssh.ParseRawPrivateKey(opts.Identity); err != nil {
			t.Errorf("%s: identity does not parse: %v", id, err)
		}
		callback, _, err := knownhosts.New(opts.KnownHosts)
		if err != nil {
			t.Errorf("%s: known_hosts does not parse: %v", id, err)
			continue
		}
		// Every published GitHub host key must be accepted for the repository's host, and every
		// line must be one of them.
		accepted := map[string]bool{}
		rest := opts.KnownHosts
		for len(bytes.TrimSpace(rest)) > 0 {
			_, hosts, key, _, next, err := ssh.ParseKnownHosts(rest)
			if err != nil {
				t.Errorf("%s: known_hosts: %v", id, err)
				break
			}
			rest = next
			if githubHostKeys[key.Type()] != fingerprint(key) {
				t.Errorf("%s: known_hosts line for %v holds %s %s, not GitHub's published key", id, hosts, key.Type(), fingerprint(key))
				continue
			}
			addr := &net.TCPAddr{IP: net.ParseIP("140.82.112.3"), Port: 22}
			if err := callback(net.JoinHostPort(u.Hostname(), "22"), addr, key); err != nil {
				t.Errorf("%s: the host key check refuses GitHub's %s key for %s: %v", id, key.Type(), u.Hostname(), err)
			}
			accepted[key.Type()] = true
		}
		if len(accepted) == 0 {
			t.Errorf("%s: known_hosts accepts no GitHub host key", id)
		}
	}
}

// checkGitHubApp reads the App Secret as its two readers do. source-controller v1.9.1
// internal/controller/gitrepository_controller.go `getAuthOpts` (provider github) and
// notification-controller v1.9.3 internal/notifier/github_helpers.go take the App's data through
// fluxcd/pkg runtime/v0.110.1 secrets/converter.go `GitHubAppDataFromSecret` (reproduced: that
// module needs controller-runtime v0.24, see roleProvider): githubAppID and githubAppPrivateKey,
// and exactly one of githubAppInstallationID and githubAppInstallationOwner. fluxcd/pkg
// auth/v0.54.1 githubapp/client.go ParseInts the IDs and parses the key as an RSA PEM. The
// Provider posts as the App only without `token` or `password`, and a Secret `address` would
// replace its spec.address (internal/server/event_handlers.go `createNotifier`). The App's token
// reaches git as basic auth, which fluxcd/pkg/git v0.52.0 carries over https only.
func checkGitHubApp(t *testing.T, id string, c *consumer, rs rendered, s *samples) {
	t.Helper()
	d := rs.secret.Data
	if got, want := strings.Join(sortedKeys(d), ","), "githubAppID,githubAppInstallationID,githubAppPrivateKey"; got != want {
		t.Errorf("%s: App Secret has keys %s, want exactly %s", id, got, want)
	}
	for _, k := range []string{"githubAppID", "githubAppInstallationID"} {
		if n, err := strconv.ParseInt(string(d[k]), 10, 64); err != nil || n <= 0 {
			t.Errorf("%s: %s = %q is not a positive integer (%v)", id, k, d[k], err)
		}
	}
	if !bytes.Equal(d["githubAppPrivateKey"], s.appKey) {
		t.Errorf("%s: githubAppPrivateKey is not the SSM key as it is", id)
	} else if block, _ := pem.Decode(d["githubAppPrivateKey"]); block == nil {
		t.Errorf("%s: githubAppPrivateKey is no PEM", id)
	} else if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
		t.Errorf("%s: githubAppPrivateKey is no RSA key: %v", id, err)
	}
	for _, repo := range c.by {
		switch repo.GetKind() {
		case "GitRepository":
			u, err := url.Parse(str(repo.Object, "spec", "url"))
			if err != nil {
				t.Errorf("%s: %v", repo.ID(), err)
				continue
			}
			opts, err := git.NewAuthOptions(*u, d)
			if err != nil {
				t.Errorf("%s: source-controller refuses the Secret of %s: %v", id, repo.ID(), err)
				continue
			}
			if opts.Transport != git.HTTPS || opts.Username != "" || opts.Password != "" || opts.BearerToken != "" {
				t.Errorf("%s: %s gets transport %s with credentials from the Secret, want https and only the App's token", id, repo.ID(), opts.Transport)
			}
			// What getAuthOpts sets from githubapp.GetCredentials.
			opts.Username, opts.Password = "x-access-token", "ghs_installation_token"
			if err := opts.Validate(); err != nil {
				t.Errorf("%s: %s with the App's token: %v", id, repo.ID(), err)
			}
		case "Provider":
			if str(repo.Object, "spec", "type") != "github" {
				t.Errorf("%s: %s of type %q reads the App Secret", id, repo.ID(), str(repo.Object, "spec", "type"))
			}
		}
	}
}

// checkSigning reads the Secret as image-automation-controller v1.2.4 internal/source/signing.go
// `loadGPGSigner` does: `git.asc` one armored entity, decrypted with `passphrase` when encrypted.
func checkSigning(t *testing.T, id string, rs rendered) {
	t.Helper()
	data, ok := rs.secret.Data["git.asc"]
	if !ok {
		t.Errorf("%s: the signing Secret has no git.asc key (keys %v)", id, sortedKeys(rs.secret.Data))
		return
	}
	entities, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
	if err != nil || len(entities) != 1 {
		t.Errorf("%s: git.asc: %d entities, %v", id, len(entities), err)
		return
	}
	e := entities[0]
	if e.PrivateKey == nil {
		t.Errorf("%s: git.asc holds no private key", id)
		return
	}
	if e.PrivateKey.Encrypted {
		pass, ok := rs.secret.Data["passphrase"]
		if !ok {
			t.Errorf("%s: git.asc is encrypted and the Secret has no passphrase key", id)
			return
		}
		if err := e.PrivateKey.Decrypt(pass); err != nil {
			t.Errorf("%s: the passphrase does not decrypt git.asc: %v", id, err)
			return
		}
	}
	if err := openpgp.DetachSign(&bytes.Buffer{}, e, strings.NewReader("commit"), nil); err != nil {
		t.Errorf("%s: the signing key cannot sign: %v", id, err)
	}
	for _, k := range sortedKeys(rs.secret.Data) {
		if k != "git.asc" && k != "passphrase" {
			t.Errorf("%s: key %q is not read by image-automation-controller", id, k)
		}
	}
}

// checkRegistry parses the pull Secret and resolves the ImageRepository's image through
// go-containerregistry's Kubernetes keychain, as image-reflector-controller v1.2.4
// internal/registry/options.go does (`kauth.NewFromPullSecrets`).
func checkRegistry(t *testing.T, id string, c *consumer, secret *corev1.Secret, token string) {
	t.Helper()
	if secret.Type != corev1.SecretTypeDockerConfigJson {
		t.Errorf("%s: type %q, want %s", id, secret.Type, corev1.SecretTypeDockerConfigJson)
	}
	var cfg struct {
		Auths map[string]struct {
			Username string `json:"username"`
			Password string `json:"password"`
			Auth     string `json:"auth"`
		} `json:"auths"`
	}
	if err := json.Unmarshal(secret.Data[corev1.DockerConfigJsonKey], &cfg); err != nil {
		t.Errorf("%s: .dockerconfigjson is not JSON with token %q: %v\n%s", id, token, err, secret.Data[corev1.DockerConfigJsonKey])
		return
	}
	for _, repo := range c.by {
		image := str(repo.Object, "spec", "image") // an ImageRepository's image
		if repo.GetKind() == "Deployment" {
			containers, _, _ := unstructured.NestedSlice(repo.Object, "spec", "template", "spec", "containers")
			if len(containers) > 0 {
				image, _ = containers[0].(map[string]any)["image"].(string)
			}
		}
		ref, err := name.ParseReference(image)
		if err != nil {
			t.Errorf("%s: image %q: %v", repo.ID(), image, err)
			continue
		}
		// The entry for the image's registry: its key's host (a key may be a URL), as the keychain reads it.
		host := ref.Context().RegistryStr()
		var entry struct{ Username, Password, Auth string }
		found := 0
		for k, v := range cfg.Auths {
			if !strings.Contains(k, "://") {
				k = "https://" + k
			}
			if u, err := url.Parse(k); err == nil && u.Host == host {
				entry = struct{ Username, Password, Auth string }{v.Username, v.Password, v.Auth}
				found++
			}
		}
		if found != 1 {
			t.Errorf("%s: .dockerconfigjson has %d auths entries for %s (image %s), want 1", id, found, host, image)
			continue
		}
		want := base64.StdEncoding.EncodeToString([]byte(entry.Username + ":" + token))
		if entry.Username == "" || entry.Auth != want {
			t.Errorf("%s: auths[%s].auth = %q, want base64(%q:<token>)", id, host, entry.Auth, entry.Username)
		}
		kc, err := kauth.NewFromPullSecrets(context.Background(), []corev1.Secret{*secret})
		if err != nil {
			t.Errorf("%s: the keychain refuses the Secret: %v", id, err)
			continue
		}
		authn, err := kc.Resolve(ref.Context())
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		got, err := authn.Authorization()
		if err != nil || got.Username != entry.Username || got.Password != token {
			t.Errorf("%s: image-reflector-controller logs in to %s as %q/%q (%v), want %q and the token", repo.ID(), host, got.Username, got.Password, err, entry.Username)
		}
	}
}

// A registry token is any string the registry issued: the pull Secret must stay JSON and carry it
// exactly whatever characters it has.
func TestPullSecretsCarryAnyToken(t *testing.T) {
	for _, r := range render.All(t) {
		t.Run(r.Name, func(t *testing.T) {
			roles := consumers(t, r)
			for _, token := range []string{"dckr_pat_0123456789abcdefABCDEF-_", `p"a\ss<w>rd&{{x}}`, "pässwörd\n"} {
				s := newSamples(t)
				s.registryToken = token
				for _, rs := range renderSecrets(t, r, roles, s.value) {
					if c := roles[rs.secret.Namespace+"/"+rs.secret.Name]; c != nil && c.role == roleRegistry {
						checkRegistry(t, rs.obj.ID(), c, rs.secret, token)
					}
				}
			}
		})
	}
}

// seeded is a Deployment of the manifests the stack commits to an application's repository.
type seeded struct {
	object     render.Object
	deployment *appsv1.Deployment
	namespace  string // the Kustomization's spec.targetNamespace
}

// seededDeployments are the Deployments in the seeded files of each Kustomization's repository
// (the files of the GitRepository its spec.sourceRef names). An application whose repository is
// not seeded (seedManifests off) has its own manifests, outside the render.
func seededDeployments(t *testing.T, r *render.Render) []seeded {
	t.Helper()
	files := r.RepositoryFiles()
	var out []seeded
	for _, k := range r.Kind("Kustomization") {
		git, ok := r.Find("GitRepository", k.GetNamespace(), str(k.Object, "spec", "sourceRef", "name"))
		if !ok {
			continue
		}
		repository := path.Base(strings.TrimSuffix(str(git.Object, "spec", "url"), ".git"))
		for file, content := range files[repository] {
			for _, doc := range strings.Split(content, "\n---") {
				u := &unstructured.Unstructured{}
				if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
					t.Fatalf("%s: seeded file %s of %s is not YAML: %v", r.Name, file, repository, err)
				}
				if u.GetKind() != "Deployment" {
					continue
				}
				d := &appsv1.Deployment{}
				if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, d); err != nil {
					t.Fatalf("%s: seeded Deployment in %s of %s: %v", r.Name, file, repository, err)
				}
				u.SetNamespace(str(k.Object, "spec", "targetNamespace"))
				out = append(out, seeded{render.Object{File: repository + "/" + file, Unstructured: u}, d, u.GetNamespace()})
			}
		}
	}
	return out
}
