package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/berth-dev/berth/"

// goList runs go list with a template over the packages.
func goList(t *testing.T, template string, pkgs ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-f", template}, pkgs...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", pkgs, err, out)
	}
	return strings.Fields(string(out))
}

func assertNone(t *testing.T, pkg, relation string, deps []string, bans ...string) {
	t.Helper()
	for _, dep := range deps {
		for _, ban := range bans {
			if strings.HasPrefix(dep, ban) {
				t.Errorf("%s %s %s", pkg, relation, dep)
			}
		}
	}
}

// TestDependencyArrows keeps the layout's rules: the UI and the API call the services only,
// never the store, River or godo; domain imports nothing of the project; the simulator stands
// alone; only the DigitalOcean provider imports godo.
func TestDependencyArrows(t *testing.T) {
	t.Parallel()
	for _, pkg := range []string{"internal/web", "internal/api"} {
		assertNone(t, pkg, "imports", goList(t, `{{join .Imports " "}}`, module+pkg), module+"internal/store")
		assertNone(t, pkg, "depends on", goList(t, `{{join .Deps " "}}`, module+pkg), "github.com/riverqueue/river", "github.com/digitalocean/godo")
	}
	assertNone(t, "internal/domain", "depends on", goList(t, `{{join .Deps " "}}`, module+"internal/domain"), module)
	assertNone(t, "dosim", "depends on", goList(t, `{{join .Deps " "}}`, module+"dosim"), module+"internal/")
	for _, line := range goList(t, `{{.ImportPath}}:{{join .Imports ","}}`, module+"...") {
		pkg, imports, _ := strings.Cut(line, ":")
		if pkg != module+"internal/provider/digitalocean" {
			assertNone(t, pkg, "imports", strings.Split(imports, ","), "github.com/digitalocean/godo")
		}
	}
}
