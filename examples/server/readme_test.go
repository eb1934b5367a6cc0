package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestReadmeFlags checks that the README's table of the server's limits
// gives each flag's default as config.go sets it.
func TestReadmeFlags(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	dur := func(d time.Duration) string {
		if d%time.Minute == 0 {
			return fmt.Sprintf("%dm", d/time.Minute)
		}
		return d.String()
	}
	for flag, want := range map[string]string{
		"-max-concurrent-streams": fmt.Sprint(defaultMaxConcurrentStreams),
		"-max-send-bytes":         fmt.Sprintf("%d MiB", defaultMaxSendBytes>>20),
		"-max-header-bytes":       fmt.Sprintf("%d KiB", defaultMaxHeaderBytes>>10),
		"-max-call-duration":      dur(defaultMaxCallDuration),
		"-max-connections":        fmt.Sprint(defaultMaxConnections),
		"-connection-timeout":     dur(defaultConnectionTimeout),
		"-first-message-timeout":  dur(defaultFirstMessageTimeout),
		"-max-calls":              fmt.Sprint(defaultMaxCalls),
		"-log-rate":               fmt.Sprint(defaultLogRate),
		"-keepalive-min-time":     dur(defaultKeepaliveMinTime),
		"-max-connection-idle":    dur(defaultMaxConnectionIdle),
		"-max-connection-age":     dur(defaultMaxConnectionAge),
		"-keepalive-time":         dur(defaultKeepaliveTime),
		"-keepalive-timeout":      dur(defaultKeepaliveTimeout),
	} {
		var row string
		for line := range strings.Lines(string(b)) {
			first, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
			if strings.HasPrefix(line, "| `-") && strings.Contains(first+",", "`"+flag+"`,") {
				row = line
			}
		}
		cells := strings.Split(row, " | ")
		if len(cells) < 3 {
			t.Errorf("README has no row for %s", flag)
			continue
		}
		// A row may hold several flags, "`-a`, `-b`", and their defaults, "x, y".
		flags, defaults := strings.Split(strings.TrimPrefix(cells[0], "| "), ", "), strings.Split(cells[1], ", ")
		got := ""
		for i, f := range flags {
			if f == "`"+flag+"`" && i < len(defaults) {
				got = defaults[i]
			}
		}
		if got != want {
			t.Errorf("README gives %s a default of %q; config.go sets %q", flag, got, want)
		}
	}
}
