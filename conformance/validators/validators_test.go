// Package validators holds the program's TypeScript value checks (config/re2.ts, config/semver.ts,
// config/checks.ts, components/validation.ts) to the Go code the controllers and the API server
// run. scripts/validator-corpus.ts writes out/validator-corpus.json: for each check, at least 200
// values, adversarial ones first, with the TypeScript verdict. Each test asks the Go library for
// its own verdict and reports every value on which the two differ.
//
// Libraries, at the versions the stack deploys:
//   - regexp (Go 1.26, what image-reflector-controller v1.2.4 is built with, its Dockerfile's
//     GO_VERSION): regexp.Compile for filterTags.pattern and Regexp.ExpandString for
//     filterTags.extract (internal/policy/filter.go);
//   - github.com/Masterminds/semver/v3 v3.5.0 NewConstraint (internal/policy/semver.go, go.mod of
//     image-reflector-controller v1.2.4, which Flux v2.9.4 ships);
//   - k8s.io/apimachinery pkg/util/validation IsDNS1123Label, IsDNS1123Subdomain and
//     IsFullyQualifiedDomainName, at the release the other suites use;
//   - the HTTPRoute CRD's hostname pattern (Gateway API v1.6.1) and the Kustomization CRD's
//     interval pattern (kustomize-controller v1.9.x), read from ../shared/crds, and
//     time.ParseDuration, which decodes metav1.Duration.
package validators

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"flux-gitops/conformance/internal/render"
)

// corpusCommand writes the corpus (scripts/validator-corpus.ts CORPUS_COMMAND).
const corpusCommand = "npx ts-node --transpile-only scripts/validator-corpus.ts"

// minValues is the least number of values each check must be judged on.
const minValues = 200

type verdict struct {
	Value  string `json:"value"`
	Accept bool   `json:"accept"`
	// Problem is the TypeScript check's message, shown with a disagreement.
	Problem string `json:"problem"`
}

type re2Value struct {
	verdict
	// Names are the groups' names by number, as the TypeScript parser read them (accepted patterns).
	Names []string `json:"names"`
	// Error is the TypeScript translation's rendering of regexp/syntax's error ("" when it accepts).
	Error string `json:"error"`
}

type durationValue struct {
	verdict
	// Ns is the TypeScript translation of time.ParseDuration, in nanoseconds; absent where it errs.
	Ns *string `json:"ns"`
}

type extractValue struct {
	Pattern  string `json:"pattern"`
	Template string `json:"template"`
	Accept   bool   `json:"accept"`
	Problem  string `json:"problem"`
	// Refs are the references the TypeScript reading of the template found, in order.
	Refs []struct {
		Num  int    `json:"num"`
		Name string `json:"name"`
	} `json:"refs"`
	// Expansion is what the TypeScript expansion writes when group i matched "<i>".
	Expansion string `json:"expansion"`
}

type corpus struct {
	RE2        []re2Value      `json:"re2"`
	Semver     []verdict       `json:"semver"`
	Extract    []extractValue  `json:"extract"`
	DNSLabel   []verdict       `json:"dnsLabel"`
	ObjectName []verdict       `json:"objectName"`
	Hostname   []verdict       `json:"hostname"`
	Duration   []durationValue `json:"duration"`
}

func load(t *testing.T) corpus {
	t.Helper()
	file := filepath.Join(render.OutDir(), "validator-corpus.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the validator corpus is missing: %v; write it with `%s` (run from the repository root)", err, corpusCommand)
	}
	var c corpus
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("%s: %v; write it again with `%s`", file, err, corpusCommand)
	}
	return c
}

// compare reports each value whose TypeScript verdict differs from Go's, and fails when a check
// has fewer than minValues values.
func compare[T any](t *testing.T, check string, values []T, get func(T) verdict, judge func(string) (bool, string)) {
	t.Helper()
	if len(values) < minValues {
		t.Fatalf("%s: the corpus holds %d values, fewer than %d; write it again with `%s`", check, len(values), minValues, corpusCommand)
	}
	accepted := 0
	for _, v := range values {
		tv := get(v)
		goAccepts, why := judge(tv.Value)
		if goAccepts {
			accepted++
		}
		if goAccepts != tv.Accept {
			t.Errorf("%s %q: Go %s (%s), TypeScript %s (%s)", check, tv.Value, word(goAccepts), why, word(tv.Accept), tv.Problem)
		}
	}
	if accepted == 0 || accepted == len(values) {
		t.Errorf("%s: Go accepts %d of %d values; the corpus must hold both kinds", check, accepted, len(values))
	}
}

func word(accept bool) string {
	if accept {
		return "accepts"
	}
	return "refuses"
}

func errText(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// TestTagPatterns: filterTags.pattern as image-reflector-controller compiles it
// (internal/policy/filter.go @v1.2.4 NewRegexFilter: regexp.Compile), the groups it has, and the
// error text (regexp/syntax Error.Error), which the config's message quotes.
func TestTagPatterns(t *testing.T) {
	c := load(t)
	compare(t, "tagPattern", c.RE2, func(v re2Value) verdict { return v.verdict }, goRegexp)
	for _, v := range c.RE2 {
		re, err := regexp.Compile(v.Value)
		if got := errText(err); err != nil && got != v.Error {
			t.Errorf("tagPattern %q: Go's error is %q, the TypeScript translation's %q", v.Value, got, v.Error)
		}
		if err != nil || !v.Accept {
			continue
		}
		if got := re.SubexpNames(); strings.Join(got, "\x00") != strings.Join(v.Names, "\x00") {
			t.Errorf("tagPattern %q: Go's groups are %q, TypeScript read %q", v.Value, got, v.Names)
		}
	}
}

// TestSemverRanges: ImagePolicy's semver range as NewSemVer parses it
// (internal/policy/semver.go @v1.2.4: semver.NewConstraint, Masterminds/semver v3.5.0).
func TestSemverRanges(t *testing.T) {
	c := load(t)
	compare(t, "imageSemverRange", c.Semver, func(v verdict) verdict { return v }, goSemver)
	// The config's message quotes the error: the translation must write the library's text.
	for _, v := range c.Semver {
		if _, err := semver.NewConstraint(v.Value); err != nil && !v.Accept && err.Error() != v.Problem {
			t.Errorf("imageSemverRange %q: the library's error is %q, the TypeScript translation's %q", v.Value, err.Error(), v.Problem)
		}
	}
}

// TestTagExtract: filterTags.extract as RegexFilter.Apply expands it (internal/policy/filter.go
// @v1.2.4: Regexp.ExpandString with the match of the tag). Each group of the pattern matches a
// distinct marker, so that a reference that resolves writes its marker and one that does not
// writes nothing. The TypeScript reading must write exactly what Go writes; and the template is
// accepted exactly when each reference it found resolves in Go.
func TestTagExtract(t *testing.T) {
	c := load(t)
	if len(c.Extract) < minValues {
		t.Fatalf("tagExtract: the corpus holds %d values, fewer than %d; write it again with `%s`", len(c.Extract), minValues, corpusCommand)
	}
	for _, v := range c.Extract {
		got, unresolved, err := goExpand(v)
		if err != nil {
			t.Errorf("tagExtract: the corpus pattern %q does not compile: %v", v.Pattern, err)
			continue
		}
		if got != v.Expansion {
			t.Errorf("tagExtract %q with %q: Go expands to %q, TypeScript to %q", v.Template, v.Pattern, got, v.Expansion)
		}
		goAccepts := len(unresolved) == 0
		if goAccepts != v.Accept {
			t.Errorf("tagExtract %q with %q: Go %s (unresolved: %q), TypeScript %s (%s)", v.Template, v.Pattern, word(goAccepts), unresolved, word(v.Accept), v.Problem)
		}
	}
}

// goExpand is what Go's Regexp.ExpandString writes for the template when group i of the pattern
// matched "<i>", and each reference the TypeScript reading of the template found that Go
// resolves to nothing there.
func goExpand(v extractValue) (expansion string, unresolved []string, err error) {
	re, err := regexp.Compile(v.Pattern)
	if err != nil {
		return "", nil, err
	}
	src, match := markers(re.NumSubexp())
	expansion = string(re.ExpandString(nil, v.Template, src, match))
	for _, ref := range v.Refs {
		name := ref.Name
		if ref.Num >= 0 {
			name = strconv.Itoa(ref.Num)
		}
		if len(re.ExpandString(nil, "${"+name+"}", src, match)) == 0 {
			unresolved = append(unresolved, name)
		}
	}
	return expansion, unresolved, nil
}

// markers returns a source text and a match in which group i (0 the whole match) is "<i>".
func markers(groups int) (string, []int) {
	var b strings.Builder
	match := make([]int, 0, 2*(groups+1))
	for i := 0; i <= groups; i++ {
		m := fmt.Sprintf("<%d>", i)
		match = append(match, b.Len(), b.Len()+len(m))
		b.WriteString(m)
	}
	return b.String(), match
}

// TestKubernetesNames: namespaces as IsDNS1123Label and object names as IsDNS1123Subdomain
// (what the API server's name validation calls for Namespace and for most kinds).
func TestKubernetesNames(t *testing.T) {
	c := load(t)
	compare(t, "namespace", c.DNSLabel, func(v verdict) verdict { return v }, goDNSLabel)
	compare(t, "object name", c.ObjectName, func(v verdict) verdict { return v }, goObjectName)
}

// TestHostnames: appHostname, receiverHostname and baseDomain end up in HTTPRoute.spec.hostnames,
// so they must match that field's pattern and length (the HTTPRoute CRD of Gateway API v1.6.1)
// and be fully qualified (IsFullyQualifiedDomainName: two labels or more, each a DNS label).
func TestHostnames(t *testing.T) {
	c := load(t)
	compare(t, "hostname", c.Hostname, func(v verdict) verdict { return v }, goHostname(t))
}

// TestDurations: Flux intervals and timeouts must match the CRDs' duration pattern (the
// Kustomization CRD's spec.interval) and be longer than zero as time.ParseDuration reads them.
// The TypeScript translation of ParseDuration must also give Go's nanoseconds, or fail where Go does.
func TestDurations(t *testing.T) {
	c := load(t)
	compare(t, "duration", c.Duration, func(v durationValue) verdict { return v.verdict }, goDuration(t))
	for _, v := range c.Duration {
		d, err := time.ParseDuration(v.Value)
		switch {
		case err != nil && v.Ns != nil:
			t.Errorf("duration %q: Go's ParseDuration fails (%v), the TypeScript translation gives %s ns", v.Value, err, *v.Ns)
		case err == nil && v.Ns == nil:
			t.Errorf("duration %q: Go's ParseDuration gives %d ns, the TypeScript translation fails", v.Value, int64(d))
		case err == nil && *v.Ns != strconv.FormatInt(int64(d), 10):
			t.Errorf("duration %q: Go's ParseDuration gives %d ns, the TypeScript translation %s ns", v.Value, int64(d), *v.Ns)
		}
	}
}

// The Go verdicts: whether the library accepts a value, and its error or reason.

func goRegexp(s string) (bool, string) {
	_, err := regexp.Compile(s)
	return err == nil, errText(err)
}

func goSemver(s string) (bool, string) {
	_, err := semver.NewConstraint(s)
	return err == nil, errText(err)
}

func goDNSLabel(s string) (bool, string) {
	errs := validation.IsDNS1123Label(s)
	return len(errs) == 0, strings.Join(errs, "; ")
}

func goObjectName(s string) (bool, string) {
	errs := validation.IsDNS1123Subdomain(s)
	return len(errs) == 0, strings.Join(errs, "; ")
}

// goHostname judges a hostname by the HTTPRoute CRD's pattern and length for spec.hostnames, then
// IsFullyQualifiedDomainName.
func goHostname(t *testing.T) func(string) (bool, string) {
	t.Helper()
	schema := crdProperty(t, "gateway.networking.k8s.io_httproutes.yaml", "v1", "hostnames", "items")
	pattern := regexp.MustCompile(schema.Pattern)
	return func(s string) (bool, string) {
		if !pattern.MatchString(s) {
			return false, "HTTPRoute hostnames pattern " + schema.Pattern
		}
		if schema.MaxLength != nil && int64(len(s)) > *schema.MaxLength {
			return false, fmt.Sprintf("HTTPRoute hostnames maxLength %d", *schema.MaxLength)
		}
		if errs := validation.IsFullyQualifiedDomainName(field.NewPath("spec", "hostnames").Index(0), s); len(errs) > 0 {
			return false, errs.ToAggregate().Error()
		}
		return true, "HTTPRoute hostnames pattern and IsFullyQualifiedDomainName"
	}
}

// goDuration judges a Flux duration by the Kustomization CRD's interval pattern, then
// time.ParseDuration, which must read it as longer than zero.
func goDuration(t *testing.T) func(string) (bool, string) {
	t.Helper()
	schema := crdProperty(t, "kustomize.toolkit.fluxcd.io_kustomizations.yaml", "v1", "interval")
	pattern := regexp.MustCompile(schema.Pattern)
	return func(s string) (bool, string) {
		if !pattern.MatchString(s) {
			return false, "CRD pattern " + schema.Pattern
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return false, err.Error()
		}
		return d > 0, "time.ParseDuration: " + d.String()
	}
}

type property struct {
	Pattern   string              `json:"pattern"`
	MaxLength *int64              `json:"maxLength"`
	Items     *property           `json:"items"`
	Props     map[string]property `json:"properties"`
}

// crdProperty reads spec.<path> of the served version of a reference CRD; it fails the test when
// the CRD or the property is missing, or the property has no pattern.
func crdProperty(t *testing.T, file, version string, path ...string) property {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(render.CRDDir(t), file))
	if err != nil {
		t.Fatalf("reference CRD %s: %v", file, err)
	}
	var crd struct {
		Spec struct {
			Versions []struct {
				Name   string `json:"name"`
				Schema struct {
					OpenAPIV3Schema property `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatalf("reference CRD %s: %v", file, err)
	}
	for _, v := range crd.Spec.Versions {
		if v.Name != version {
			continue
		}
		p, ok := v.Schema.OpenAPIV3Schema.Props["spec"]
		for _, step := range path {
			if !ok {
				break
			}
			if step == "items" {
				if p.Items == nil {
					ok = false
					break
				}
				p = *p.Items
				continue
			}
			p, ok = p.Props[step]
		}
		if !ok || p.Pattern == "" {
			t.Fatalf("reference CRD %s %s: spec.%s has no pattern", file, version, strings.Join(path, "."))
		}
		return p
	}
	t.Fatalf("reference CRD %s: no version %s", file, version)
	return property{}
}
