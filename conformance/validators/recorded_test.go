package validators

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"flux-gitops/conformance/internal/render"
)

// recordedFile holds Go's own verdicts on the corpus, committed so that the quick suite (mocha,
// and Stryker's mutants with it) judges the TypeScript translations against the real libraries
// without Go: test/config/go-verdicts.spec.ts reads it.
var recordedFile = filepath.Join(render.ProjectRoot(), "test", "config", "fixtures", "go-verdicts.json")

// updateEnv rewrites recordedFile instead of comparing with it.
const updateEnv = "FLUX_GITOPS_RECORD_VERDICTS"

type recordedVerdict struct {
	Value  string `json:"value"`
	Accept bool   `json:"accept"`
}

type recordedError struct {
	Value string `json:"value"`
	// Error is the library's error text, "" where it accepts the value.
	Error string `json:"error"`
}

type recordedRegexp struct {
	recordedError
	// Names are Regexp.SubexpNames of an accepted pattern.
	Names []string `json:"names,omitempty"`
}

type recordedExpansion struct {
	Pattern  string `json:"pattern"`
	Template string `json:"template"`
	// Expansion is what Regexp.ExpandString writes when group i matched "<i>".
	Expansion string `json:"expansion"`
	// Accept: Go resolves every reference the TypeScript reading found (none expands to nothing).
	Accept bool `json:"accept"`
}

type recordedDuration struct {
	recordedVerdict
	// Ns is time.ParseDuration's result in nanoseconds, absent where it fails.
	Ns *string `json:"ns"`
}

type recorded struct {
	About      string              `json:"about"`
	RE2        []recordedRegexp    `json:"re2"`
	Semver     []recordedError     `json:"semver"`
	Extract    []recordedExpansion `json:"extract"`
	DNSLabel   []recordedVerdict   `json:"dnsLabel"`
	ObjectName []recordedVerdict   `json:"objectName"`
	Hostname   []recordedVerdict   `json:"hostname"`
	Duration   []recordedDuration  `json:"duration"`
}

func accepts(values []verdict, judge func(string) (bool, string)) []recordedVerdict {
	out := make([]recordedVerdict, len(values))
	for i, v := range values {
		ok, _ := judge(v.Value)
		out[i] = recordedVerdict{Value: v.Value, Accept: ok}
	}
	return out
}

// goVerdicts asks the Go libraries about every value of the corpus (the same judges as the tests above).
func goVerdicts(t *testing.T, c corpus) recorded {
	r := recorded{
		About: "Go's verdicts on out/validator-corpus.json, written by conformance/validators TestRecordedVerdicts " +
			"(" + updateEnv + "=1); read by test/config/go-verdicts.spec.ts",
		DNSLabel:   accepts(c.DNSLabel, goDNSLabel),
		ObjectName: accepts(c.ObjectName, goObjectName),
		Hostname:   accepts(c.Hostname, goHostname(t)),
	}
	for _, v := range c.RE2 {
		re, err := regexp.Compile(v.Value)
		entry := recordedRegexp{recordedError: recordedError{Value: v.Value}}
		if err != nil {
			entry.Error = err.Error()
		} else {
			entry.Names = re.SubexpNames()
		}
		r.RE2 = append(r.RE2, entry)
	}
	for _, v := range c.Semver {
		ok, msg := goSemver(v.Value)
		if ok {
			msg = ""
		}
		r.Semver = append(r.Semver, recordedError{Value: v.Value, Error: msg})
	}
	for _, v := range c.Extract {
		expansion, unresolved, err := goExpand(v)
		if err != nil {
			t.Fatalf("tagExtract: the corpus pattern %q does not compile: %v", v.Pattern, err)
		}
		r.Extract = append(r.Extract, recordedExpansion{v.Pattern, v.Template, expansion, len(unresolved) == 0})
	}
	duration := goDuration(t)
	for _, v := range c.Duration {
		ok, _ := duration(v.Value)
		entry := recordedDuration{recordedVerdict: recordedVerdict{Value: v.Value, Accept: ok}}
		if d, err := time.ParseDuration(v.Value); err == nil {
			ns := strconv.FormatInt(int64(d), 10)
			entry.Ns = &ns
		}
		r.Duration = append(r.Duration, entry)
	}
	return r
}

// TestRecordedVerdicts holds the committed verdicts equal to what the Go libraries answer on the
// corpus today, so the quick suite's copy of them cannot drift from Go.
func TestRecordedVerdicts(t *testing.T) {
	got, err := json.MarshalIndent(goVerdicts(t, load(t)), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if os.Getenv(updateEnv) == "1" {
		if err := os.WriteFile(recordedFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", recordedFile)
		return
	}
	want, err := os.ReadFile(recordedFile)
	if err != nil {
		t.Fatalf("the recorded verdicts are missing: %v", err)
	}
	if !bytes.Equal(got, want) {
		gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gotLines) || i < len(wantLines); i++ {
			var g, w string
			if i < len(gotLines) {
				g = gotLines[i]
			}
			if i < len(wantLines) {
				w = wantLines[i]
			}
			if g != w {
				t.Errorf("line %d: Go answers %s, the file says %s", i+1, shorten(g), shorten(w))
				break
			}
		}
		t.Fatalf("%s differs from Go's verdicts on the corpus (the corpus or a library changed); "+
			"rewrite it with `%s=1 go test -count=1 ./validators -run TestRecordedVerdicts` in conformance/, after `%s`",
			recordedFile, updateEnv, corpusCommand)
	}
}

// shorten keeps a line of the file short enough to read in a failure.
func shorten(line string) string {
	const most = 120
	if len(line) <= most {
		return strings.TrimSpace(line)
	}
	return strings.TrimSpace(line[:most]) + "…"
}
