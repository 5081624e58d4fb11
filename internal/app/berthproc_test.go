package app_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBerth builds ./cmd/berth into a temporary directory and returns the binary's path.
func buildBerth(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "berth")
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goTool, "build", "-o", bin, "github.com/berth-dev/berth/cmd/berth").CombinedOutput()
	if err != nil {
		t.Fatalf("go build ./cmd/berth: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a loopback address with a port nobody listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// processEnv is this process's environment without any BERTH_* variable, plus vars.
func processEnv(vars map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BERTH_") {
			env = append(env, kv)
		}
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// runBerth runs a berth command to completion and returns its standard output.
func runBerth(t *testing.T, bin string, vars map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = processEnv(vars)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("berth %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// berthProc is one `berth serve` process, its output going to a file.
type berthProc struct {
	name    string
	URL     string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
}

// startBerthProc runs `berth serve` on addr with vars until the test ends, and waits until
// it answers /healthz. On failure the end of its log is printed.
func startBerthProc(t *testing.T, bin, logDir, name, addr string, vars map[string]string) *berthProc {
	t.Helper()
	p := &berthProc{name: name, URL: "http://" + addr, logPath: filepath.Join(logDir, name+".log"), exited: make(chan struct{})}
	logFile, err := os.Create(p.logPath)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{"BERTH_ADDR": addr}
	for k, v := range vars {
		all[k] = v
	}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = processEnv(all)
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	dieWithTest(p.cmd)
	if err := p.cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		logFile.Close()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("%s", p.logTail(80))
		}
	})
	p.waitHealthy(t)
	return p
}

// waitHealthy waits (at most 60s) until the process answers /healthz with 200.
func (p *berthProc) waitHealthy(t *testing.T) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			t.Fatalf("%s exited before it was healthy (%v):\n%s", p.name, p.waitErr, p.logTail(80))
		default:
		}
		resp, err := client.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer /healthz within 60s:\n%s", p.name, p.logTail(80))
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would, and waits for it.
func (p *berthProc) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
	}
}

// stop asks the process to shut down (SIGTERM) and waits at most 30s, then kills it.
func (p *berthProc) stop(t *testing.T) {
	t.Helper()
	select {
	case <-p.exited:
		t.Errorf("%s had already exited (%v):\n%s", p.name, p.waitErr, p.logTail(40))
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		if p.waitErr != nil {
			t.Errorf("%s exited with %v after SIGTERM:\n%s", p.name, p.waitErr, p.logTail(40))
		}
	case <-time.After(30 * time.Second):
		p.kill()
		t.Errorf("%s did not stop within 30s of SIGTERM:\n%s", p.name, p.logTail(40))
	}
}

// log returns everything the process wrote so far.
func (p *berthProc) log() string {
	b, _ := os.ReadFile(p.logPath)
	return string(b)
}

// logTail returns the last n lines of the process's output, with a header naming the
// process. The access log of requests that succeeded is left out, and a run of lines with
// the same message is shown as its first line and a count.
func (p *berthProc) logTail(n int) string {
	var lines []string
	total, lastMsg, repeats := 0, "", 0
	flush := func() {
		if repeats > 0 {
			lines = append(lines, fmt.Sprintf("        … and %d more %s", repeats, lastMsg))
		}
		repeats = 0
	}
	sc := bufio.NewScanner(strings.NewReader(p.log()))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		total++
		line := sc.Text()
		if strings.Contains(line, `msg="http request"`) && !strings.Contains(line, "status=4") && !strings.Contains(line, "status=5") {
			continue
		}
		msg := logMessage(line)
		if msg != "" && msg == lastMsg {
			repeats++
			continue
		}
		flush()
		lastMsg = msg
		lines = append(lines, line)
	}
	flush()
	from := max(0, len(lines)-n)
	return fmt.Sprintf("--- %s (%s, %d lines): the end, without successful requests and repeats ---\n%s",
		p.name, p.logPath, total, strings.Join(lines[from:], "\n"))
}

// logMessage returns the msg="..." field of a log line, or "".
func logMessage(line string) string {
	_, rest, ok := strings.Cut(line, `msg="`)
	if !ok {
		return ""
	}
	msg, _, _ := strings.Cut(rest, `"`)
	return `msg="` + msg + `"`
}

// countInLog counts the lines of the process's output that contain s.
func (p *berthProc) countInLog(s string) int {
	return strings.Count(p.log(), s)
}
