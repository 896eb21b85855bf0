// Package flux judges what the program asks of Flux with Flux's own parsing: ImagePolicy tag
// filters through Go's regexp and semver ranges through Masterminds/semver (as
// image-reflector-controller evaluates them), the image setter markers of the seeded manifests
// through kyaml (as image-automation-controller rewrites them), and every seeded overlay built
// with kustomize's krusty (as kustomize-controller builds it).
//
// image-reflector-controller and image-automation-controller are not served as Go modules by the
// module proxy (github.com/fluxcd/image-reflector-controller@v1.2.5 and
// github.com/fluxcd/image-automation-controller@v1.2.5, the versions Flux 2.9.5 ships: "This
// module version is not available"), and the code in question is in their internal/ packages.
// The libraries they call are called here at the versions they pin; the few lines of their own
// that glue them (named below with file and tag) are reproduced.
package flux

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"
	"github.com/fluxcd/pkg/version"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"flux-gitops/conformance/internal/render"
)

// regexFilter is image-reflector-controller internal/policy/filter.go (v1.2.0) RegexFilter:
// regexp.Compile of spec.filterTags.pattern; each matching tag maps to the expansion of
// spec.filterTags.extract (or itself when extract is empty) with Regexp.ExpandString.
type regexFilter struct {
	re      *regexp.Regexp
	replace string
}

func newRegexFilter(pattern, replace string) (*regexFilter, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression pattern '%s': %w", pattern, err)
	}
	return &regexFilter{re: re, replace: replace}, nil
}

// apply returns extracted value -> original tag, as RegexFilter.Apply (a later tag with the same
// extracted value replaces an earlier one).
func (f *regexFilter) apply(tags []string) map[string]string {
	out := map[string]string{}
	for _, tag := range tags {
		if m := f.re.FindStringSubmatchIndex(tag); len(m) > 0 {
			value := tag
			if f.replace != "" {
				value = string(f.re.ExpandString(nil, f.replace, tag, m))
			}
			out[value] = tag
		}
	}
	return out
}

// latest is the Policer of internal/policy (v1.2.0) for the policy choice: numerical.go and
// alphabetical.go (ASC: the highest wins, DESC: the lowest; the order is upper-cased by
// factory.go), semver.go (version.ParseVersion of fluxcd/pkg/version, Constraints.Check, the
// greatest version wins, its original text returned).
func latest(policy map[string]any, values []string) (string, error) {
	if len(values) == 0 {
		return "", fmt.Errorf("version list argument cannot be empty")
	}
	if s, ok := policy["semver"].(map[string]any); ok {
		c, err := semver.NewConstraint(fmt.Sprint(s["range"]))
		if err != nil {
			return "", err
		}
		var best *semver.Version
		for _, tag := range values {
			if v, err := version.ParseVersion(tag); err == nil && c.Check(v) && (best == nil || v.GreaterThan(best)) {
				best = v
			}
		}
		if best == nil {
			return "", fmt.Errorf("unable to determine latest version from provided list")
		}
		return best.Original(), nil
	}
	order := func(kind string) (string, bool) {
		p, ok := policy[kind].(map[string]any)
		if !ok {
			return "", false
		}
		o, _ := p["order"].(string)
		o = strings.ToUpper(o)
		if o == "" {
			o = "ASC"
		}
		return o, true
	}
	if o, ok := order("numerical"); ok {
		var best string
		var bestValue float64
		for i, v := range values {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return "", fmt.Errorf("failed to parse invalid numeric value '%s'", v)
			}
			if i > 0 && (o == "ASC" && f < bestValue || o == "DESC" && f > bestValue) {
				continue
			}
			best, bestValue = v, f
		}
		return best, nil
	}
	if o, ok := order("alphabetical"); ok {
		sorted := append([]string(nil), values...)
		if o == "DESC" {
			sort.Strings(sorted)
		} else {
			sort.Sort(sort.Reverse(sort.StringSlice(sorted)))
		}
		return sorted[0], nil
	}
	return "", fmt.Errorf("given ImagePolicyChoice object is invalid")
}

// sampleTags are the tags a registry may list for each kind of policy the stacks render, and the
// tag the program means to deploy (Pulumi.yaml imagePolicyOrder: "asc = highest wins"; a semver
// range takes the greatest release in range). A rendered policy of another shape fails until it
// gets its row.
var sampleTags = []struct {
	pattern, extract, policy string
	tags                     []string
	want                     string
}{
	{
		pattern: "^[0-9]+$", policy: "numerical asc",
		tags: []string{"7", "9", "10", "100", "99", "latest", "v101", "1.5", "sha-abc123"},
		want: "100",
	},
	{
		pattern: "^[0-9]+$", policy: "numerical desc",
		tags: []string{"7", "9", "10", "100", "99", "latest", "v1", "0.5"},
		want: "7",
	},
	{
		pattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)$", extract: "$ts", policy: "alphabetical asc",
		tags: []string{"main-ffe12ab-1764979200", "main-0a1b2c3-1764982800", "main-9d8e7f6-1764975600", "feature-1234567-1764990000", "main-1764999999"},
		want: "main-0a1b2c3-1764982800",
	},
	{
		pattern: "", policy: "semver >=1.0.0 <2.0.0",
		tags: []string{"0.9.0", "1.0.0", "1.2.0", "1.10.0", "v1.9.9", "1.11.0-rc.1", "2.0.0", "latest"},
		want: "1.10.0",
	},
	{
		pattern: "", policy: "semver >=1.0.0",
		tags: []string{"0.9.0", "1.0.0", "1.10.0", "2.0.0", "2.1.0-rc.1", "latest"},
		want: "2.0.0",
	},
}

func policyShape(policy map[string]any) string {
	for _, kind := range []string{"numerical", "alphabetical"} {
		if p, ok := policy[kind].(map[string]any); ok {
			return kind + " " + fmt.Sprint(p["order"])
		}
	}
	if s, ok := policy["semver"].(map[string]any); ok {
		return "semver " + fmt.Sprint(s["range"])
	}
	return fmt.Sprint(policy)
}

// Each rendered ImagePolicy compiles as image-reflector-controller compiles it, its extract names
// only groups the pattern has, and on sample tags it picks the tag the program means to deploy.
func TestImagePoliciesPickTheIntendedTag(t *testing.T) {
	seen := 0
	for _, r := range render.All(t) {
		for _, o := range r.Kind("ImagePolicy") {
			seen++
			t.Run(r.Name+"/"+o.GetName(), func(t *testing.T) {
				pattern, _, _ := unstructured.NestedString(o.Object, "spec", "filterTags", "pattern")
				extract, _, _ := unstructured.NestedString(o.Object, "spec", "filterTags", "extract")
				policy, _, _ := unstructured.NestedMap(o.Object, "spec", "policy")
				filter, err := newRegexFilter(pattern, extract)
				if err != nil {
					t.Fatalf("%s spec.filterTags.pattern: Go regexp (image-reflector-controller internal/policy/filter.go) refuses it: %v", o.ID(), err)
				}
				if msg := unknownGroups(filter.re, extract); msg != "" {
					t.Errorf("%s spec.filterTags.extract %q: %s (Regexp.Expand replaces it by \"\")", o.ID(), extract, msg)
				}
				if s, ok := policy["semver"].(map[string]any); ok {
					if _, err := semver.NewConstraint(fmt.Sprint(s["range"])); err != nil {
						t.Fatalf("%s spec.policy.semver.range: Masterminds/semver v3.5.0 NewConstraint refuses it: %v", o.ID(), err)
					}
				}
				shape := policyShape(policy)
				for _, sample := range sampleTags {
					if sample.pattern != pattern || sample.extract != extract || sample.policy != shape {
						continue
					}
					extracted := filter.apply(sample.tags)
					var values []string
					for v := range extracted {
						values = append(values, v)
					}
					sort.Strings(values)
					got, err := latest(policy, values)
					if err != nil {
						t.Fatalf("%s: no latest tag among %v: %v", o.ID(), sample.tags, err)
					}
					if diff := cmp.Diff(sample.want, extracted[got]); diff != "" {
						t.Errorf("%s (%s, pattern %q, extract %q) picks the wrong tag from %v (-intended +picked):\n%s", o.ID(), shape, pattern, extract, sample.tags, diff)
					}
					return
				}
				t.Fatalf("%s: no sample tags for a %s policy with pattern %q and extract %q: add a row to sampleTags", o.ID(), shape, pattern, extract)
			})
		}
	}
	if seen == 0 {
		t.Fatal("no ImagePolicy rendered in any variant")
	}
}

var groupRef = regexp.MustCompile(`\$(\{[^}]*\}|[A-Za-z0-9_]+)`)

// unknownGroups names the references of a Regexp.Expand template that the pattern does not have
// (regexp's Expand: `$name` takes the longest run of letters, digits and underscores).
func unknownGroups(re *regexp.Regexp, template string) string {
	var bad []string
	for _, m := range groupRef.FindAllStringSubmatch(strings.ReplaceAll(template, "$$", ""), -1) {
		name := strings.Trim(m[1], "{}")
		if n, err := strconv.Atoi(name); err == nil {
			if n > re.NumSubexp() {
				bad = append(bad, "$"+m[1])
			}
			continue
		}
		if re.SubexpIndex(name) < 0 {
			bad = append(bad, "$"+m[1])
		}
	}
	if len(bad) == 0 {
		return ""
	}
	return "refers to groups the pattern lacks: " + strings.Join(bad, ", ")
}

// The harness on fixtures: what image-reflector-controller's code does that a reading of the docs
// might not expect.
func TestPolicyHarness(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		extract string
		policy  map[string]any
		tags    []string
		want    string
		wantErr string
	}{
		{name: "numerical compares values, not text", pattern: "^[0-9]+$", policy: map[string]any{"numerical": map[string]any{"order": "asc"}}, tags: []string{"9", "10"}, want: "10"},
		{name: "alphabetical asc takes the greatest text", pattern: "^[0-9]+$", policy: map[string]any{"alphabetical": map[string]any{"order": "asc"}}, tags: []string{"9", "10"}, want: "9"},
		{name: "alphabetical desc takes the least text", pattern: "^[0-9]+$", policy: map[string]any{"alphabetical": map[string]any{"order": "desc"}}, tags: []string{"9", "10"}, want: "10"},
		{name: "semver excludes pre-releases from a range without one", policy: map[string]any{"semver": map[string]any{"range": ">=1.0.0"}}, tags: []string{"1.0.0", "1.1.0-rc.1"}, want: "1.0.0"},
		{name: "an extract group renames what is compared", pattern: `^v(?P<n>[0-9]+)-.*$`, extract: "$n", policy: map[string]any{"numerical": map[string]any{"order": "asc"}}, tags: []string{"v9-a", "v10-b"}, want: "v10-b"},
		{name: "Go regexp refuses lookahead", pattern: `^(?!latest).*$`, wantErr: "invalid or unsupported Perl syntax"},
		{name: "numerical fails on a tag that is not a number", pattern: ".*", policy: map[string]any{"numerical": map[string]any{}}, tags: []string{"1", "latest"}, wantErr: "failed to parse invalid numeric value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := newRegexFilter(tc.pattern, tc.extract)
			if err == nil {
				extracted := f.apply(tc.tags)
				var values []string
				for v := range extracted {
					values = append(values, v)
				}
				sort.Strings(values)
				var got string
				got, err = latest(tc.policy, values)
				if err == nil && extracted[got] != tc.want {
					t.Errorf("picked %q, want %q", extracted[got], tc.want)
				}
			}
			if (err != nil || tc.wantErr != "") && (err == nil || tc.wantErr == "" || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	if msg := unknownGroups(regexp.MustCompile(`^(?P<ts>[0-9]+)$`), "$tss"); msg == "" {
		t.Errorf("$tss not reported for a pattern with group ts")
	}
	if msg := unknownGroups(regexp.MustCompile(`^(?P<ts>[0-9]+)$`), "${ts}-$1"); msg != "" {
		t.Errorf("${ts}-$1 reported: %s", msg)
	}
}
