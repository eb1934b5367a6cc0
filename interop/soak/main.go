// Command soak drives a bounded soak of a running examples/server and checks
// that the host survives what remote callers can send: it is the Go half of
// interop/soak/run.sh, which builds and starts the server and ghz.
//
//	soak -addr 127.0.0.1:PORT -debug 127.0.0.1:PORT -pid PID -ghz bin/ghz
//
// Phases, each bounded in count and time:
//
//  1. Load: ghz sends -ghz-n greeter calls, -ghz-c at a time, while
//     adversarial keyword calls (a megabyte of distinct made-up words, the
//     engine's costliest input) are cancelled at once or given a 20 ms
//     deadline, round after round until ghz is done.
//  2. Cancellation: a burst of such calls ends by deadline; the server's CPU
//     time (from /proc) must stop growing within a second.
//  3. Stalled readers: -streams server streams with 1 MiB payloads whose
//     client never reads, held open for a while, then cancelled.
//  4. A slow consumer reads a stream of 40 responses, one every 25 ms.
//  5. Connection flood: -idle-conns TCP connections that never send the
//     HTTP/2 preface and -flood-conns connections that each open
//     -flood-streams unary calls with headers only, never a request; then a
//     well-behaved client makes 10 calls on each of -good-conns new
//     connections, every one of which must succeed, and the server's RSS
//     must grow by at most -max-flood-rss-mib.
//
// It fails on any unexpected status, if the server's peak RSS (VmHWM)
// passes -max-rss-mib, if its CPU keeps going after the cancellations, or
// if its goroutine count (read from -debug, the server's net/http/pprof)
// is not back to the baseline once every call and connection has ended.
// It prints its figures.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/keywords"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

type config struct {
	addr, debug, ghz string
	pid              int
	ghzN, ghzC       int
	streams          int
	maxRSSMiB        int64
	idleCPU          time.Duration

	idleConns, floodConns, floodStreams, goodConns int
	maxFloodRSSMiB                                 int64
}

func main() {
	var c config
	flag.StringVar(&c.addr, "addr", "", "the server's gRPC address")
	flag.StringVar(&c.debug, "debug", "", "the server's -debug-addr (net/http/pprof)")
	flag.IntVar(&c.pid, "pid", 0, "the server's process id, for its CPU time and RSS in /proc")
	flag.StringVar(&c.ghz, "ghz", "ghz", "the ghz binary")
	flag.IntVar(&c.ghzN, "ghz-n", 20000, "greeter calls ghz sends")
	flag.IntVar(&c.ghzC, "ghz-c", 50, "ghz's concurrent workers")
	flag.IntVar(&c.streams, "streams", 100, "server streams whose client never reads")
	flag.Int64Var(&c.maxRSSMiB, "max-rss-mib", 512, "the most the server's peak RSS may reach, in MiB")
	flag.DurationVar(&c.idleCPU, "idle-cpu", 100*time.Millisecond, "the most CPU time the server may use in the second after the cancellations' first second")
	flag.IntVar(&c.idleConns, "idle-conns", 3000, "connections that never send the HTTP/2 preface")
	flag.IntVar(&c.floodConns, "flood-conns", 200, "connections that open streams with headers only")
	flag.IntVar(&c.floodStreams, "flood-streams", 100, "header-only streams on each of those (the server's -max-concurrent-streams)")
	flag.IntVar(&c.goodConns, "good-conns", 20, "new connections of the well-behaved client during the flood, 10 calls each")
	flag.Int64Var(&c.maxFloodRSSMiB, "max-flood-rss-mib", 256, "the most the server's RSS may grow during the connection flood, in MiB")
	flag.Parse()
	if c.addr == "" || c.debug == "" || c.pid == 0 {
		fmt.Fprintln(os.Stderr, "soak: -addr, -debug and -pid are required")
		os.Exit(2)
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "soak: FAIL:", err)
		os.Exit(1)
	}
	fmt.Println("soak: all checks passed")
}

func run(c config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	g0, err := goroutines(c.debug)
	if err != nil {
		return err
	}
	cpu0, _ := cpuTime(c.pid)
	fmt.Printf("baseline: %d goroutines, RSS %d MiB\n", g0, rssMiB(c.pid, "VmRSS"))

	conns := make([]*grpc.ClientConn, 4) // streams spread, as MaxConcurrentStreams is per connection
	for i := range conns {
		cc, err := grpc.NewClient(c.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return err
		}
		conns[i] = cc
	}
	closeConns := func() {
		for _, cc := range conns {
			cc.Close()
		}
	}
	defer closeConns()
	kw := keywords.NewClient(conns[0])
	text := distinctWords(keywords.MaxTextBytes)

	// 1. Load with adversarial calls alongside.
	abuse := newTally()
	ghzDone := make(chan ghzResult, 1)
	go func() { ghzDone <- runGhz(ctx, c) }()
	var load ghzResult
	rounds := 0
	for load.err == nil && load.count == 0 {
		select {
		case load = <-ghzDone:
			continue
		default:
		}
		adversarialRound(ctx, kw, text, abuse)
		rounds++
	}
	if load.err != nil {
		return fmt.Errorf("ghz: %w", load.err)
	}
	fmt.Printf("load: ghz %d calls, %d errors, %.0f calls/s, p99 %v; alongside, %d adversarial keyword calls in %d rounds: %s\n",
		load.count, load.errors, load.rps, load.p99, abuse.total(), rounds, abuse)
	if load.errors > 0 {
		return fmt.Errorf("ghz saw %d errors: %v", load.errors, load.errorDist)
	}
	if bad := abuse.unexpected(codes.Canceled, codes.DeadlineExceeded); bad != "" {
		return fmt.Errorf("adversarial keyword calls: unexpected %s", bad)
	}

	// 2. The server stops computing once its callers are gone.
	burst := newTally()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, err := kw.GetKeywords(cctx, keywords.Request{Text: text})
			burst.add(err)
		})
	}
	wg.Wait()
	c0, err := cpuTime(c.pid)
	if err != nil {
		return err
	}
	time.Sleep(time.Second)
	c1, _ := cpuTime(c.pid)
	time.Sleep(time.Second)
	c2, _ := cpuTime(c.pid)
	fmt.Printf("cancellation: 16 calls of 1 MiB with a 50 ms deadline: %s; server CPU in the 1st second after: %v, in the 2nd: %v\n",
		burst, c1-c0, c2-c1)
	if bad := burst.unexpected(codes.DeadlineExceeded); bad != "" {
		return fmt.Errorf("cancellation burst: unexpected %s", bad)
	}
	if c2-c1 > c.idleCPU {
		return fmt.Errorf("the server used %v of CPU in the second second after its callers left (limit %v): work goes on after cancellation", c2-c1, c.idleCPU)
	}

	// 3. Streams whose client never reads.
	sctx, stop := context.WithCancel(ctx)
	ctl := &streamingv1.Controls{MessageCount: 32, PayloadSize: streaming.MaxPayloadSize}
	for i := range c.streams {
		cl := streamingv1.NewStreamingServiceClient(conns[i%len(conns)])
		if _, err := cl.ServerStream(sctx, &streamingv1.ServerStreamRequest{Message: "stall", Controls: ctl}); err != nil {
			stop()
			return fmt.Errorf("opening stalled stream %d: %w", i, err)
		}
	}
	time.Sleep(3 * time.Second) // the server fills each stream's window, then its Send waits
	gStall, _ := goroutines(c.debug)
	fmt.Printf("stalled readers: %d server streams of 32 x 1 MiB, never read: server RSS %d MiB, %d goroutines\n",
		c.streams, rssMiB(c.pid, "VmRSS"), gStall)
	stop()

	// 4. A slow consumer gets every response.
	n := 0
	for _, err := range streaming.NewClient(conns[1]).ServerStream(ctx, "slow", streaming.Controls{MessageCount: 40, PayloadSize: 256 << 10}) {
		if err != nil {
			return fmt.Errorf("slow consumer after %d responses: %w", n, err)
		}
		n++
		time.Sleep(25 * time.Millisecond)
	}
	fmt.Printf("slow consumer: %d of 40 responses of 256 KiB, one every 25 ms\n", n)
	if n != 40 {
		return fmt.Errorf("slow consumer got %d responses, want 40", n)
	}

	// 5. A connection flood leaves room for a well-behaved client.
	flood, err := connectionFlood(ctx, c)
	if err != nil {
		return fmt.Errorf("connection flood: %w", err)
	}
	fmt.Printf("connection flood: %d idle connections and %d header-only streams on %d connections; a well-behaved client on %d new connections: %d of %d calls OK; server RSS %d MiB from %d (growth limit %d), %d goroutines\n",
		flood.idle, flood.streams, c.floodConns, c.goodConns, flood.goodOK, flood.goodOK+flood.goodBad, flood.peakRSS, flood.rssBefore, c.maxFloodRSSMiB, flood.goodGor)
	if flood.goodBad > 0 {
		return fmt.Errorf("connection flood: %d of the well-behaved client's calls failed, first %v", flood.goodBad, flood.firstBad)
	}
	if grew := int64(flood.peakRSS - flood.rssBefore); grew > c.maxFloodRSSMiB {
		return fmt.Errorf("connection flood: server RSS grew by %d MiB, over the limit of %d MiB", grew, c.maxFloodRSSMiB)
	}

	// Everything ends: the server's goroutines return to the baseline.
	closeConns()
	var g int
	deadline := time.Now().Add(10 * time.Second)
	for {
		if g, err = goroutines(c.debug); err != nil {
			return err
		}
		if g <= g0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	cpuEnd, _ := cpuTime(c.pid)
	peak := rssMiB(c.pid, "VmHWM")
	fmt.Printf("after: %d goroutines (baseline %d); peak RSS %d MiB (limit %d); server CPU over the soak %v\n",
		g, g0, peak, c.maxRSSMiB, cpuEnd-cpu0)
	if g > g0 {
		return fmt.Errorf("%d goroutines 10 s after every call ended, baseline %d: a leak", g, g0)
	}
	if peak > c.maxRSSMiB {
		return fmt.Errorf("peak RSS %d MiB over the limit of %d MiB", peak, c.maxRSSMiB)
	}
	return nil
}

// adversarialRound sends eight keyword calls with the costliest text of
// MaxTextBytes: four cancelled as soon as they are sent, four with a 20 ms
// deadline, and waits for them.
func adversarialRound(ctx context.Context, kw *keywords.Client, text string, t *tally) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			defer cancel()
			if i%2 == 0 {
				time.AfterFunc(time.Millisecond, cancel)
			}
			_, err := kw.GetKeywords(cctx, keywords.Request{Text: text})
			t.add(err)
		})
	}
	wg.Wait()
}

// distinctWords returns n bytes of "a b c ... z aa ab ...": every word new.
func distinctWords(n int) string {
	var b strings.Builder
	for k := 1; b.Len() < n; k++ {
		var w []byte
		for m := k; m > 0; m = (m - 1) / 26 {
			w = append([]byte{byte('a' + (m-1)%26)}, w...)
		}
		b.Write(w)
		b.WriteByte(' ')
	}
	return b.String()[:n]
}

// tally counts the status codes of calls.
type tally struct {
	mu sync.Mutex
	n  map[codes.Code]int
}

func newTally() *tally { return &tally{n: map[codes.Code]int{}} }

func (t *tally) add(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n[status.Code(err)]++
}

func (t *tally) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, v := range t.n {
		n += v
	}
	return n
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var parts []string
	for c := codes.OK; c <= codes.Unauthenticated; c++ {
		if v := t.n[c]; v > 0 {
			parts = append(parts, fmt.Sprintf("%v %d", c, v))
		}
	}
	return strings.Join(parts, ", ")
}

// unexpected describes the codes counted other than want, or "".
func (t *tally) unexpected(want ...codes.Code) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var parts []string
	for c, v := range t.n {
		ok := false
		for _, w := range want {
			ok = ok || c == w
		}
		if !ok {
			parts = append(parts, fmt.Sprintf("%v x%d", c, v))
		}
	}
	return strings.Join(parts, ", ")
}

type ghzResult struct {
	count, errors int
	rps           float64
	p99           time.Duration
	errorDist     map[string]int
	err           error
}

// runGhz runs the greeter load with ghz, bounded by its own timeouts and
// ctx, and reads its JSON report.
func runGhz(ctx context.Context, c config) ghzResult {
	cmd := exec.CommandContext(ctx, c.ghz, "--insecure",
		"--call", "grpcexamples.greeter.v1.Greeter/SayHello", "-d", `{"name":"soak"}`,
		"-n", strconv.Itoa(c.ghzN), "-c", strconv.Itoa(c.ghzC), "-t", "10s",
		"-O", "json", c.addr)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, ee.Stderr)
		}
		return ghzResult{err: err}
	}
	var rep struct {
		Count               int            `json:"count"`
		Rps                 float64        `json:"rps"`
		ErrorDistribution   map[string]int `json:"errorDistribution"`
		LatencyDistribution []struct {
			Percentage int           `json:"percentage"`
			Latency    time.Duration `json:"latency"`
		} `json:"latencyDistribution"`
		StatusCodeDistribution map[string]int `json:"statusCodeDistribution"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		return ghzResult{err: fmt.Errorf("reading ghz's report: %w", err)}
	}
	r := ghzResult{count: rep.Count, rps: rep.Rps, errorDist: rep.ErrorDistribution}
	for code, n := range rep.StatusCodeDistribution {
		if code != "OK" {
			r.errors += n
		}
	}
	for _, l := range rep.LatencyDistribution {
		if l.Percentage == 99 {
			r.p99 = l.Latency
		}
	}
	if r.count == 0 {
		r.err = errors.New("ghz made no calls")
	}
	return r
}

var totalRE = regexp.MustCompile(`goroutine profile: total (\d+)`)

// goroutines reads the server's goroutine count from its net/http/pprof.
func goroutines(debug string) (int, error) {
	resp, err := http.Get("http://" + debug + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, err
	}
	m := totalRE.FindSubmatch(body)
	if m == nil {
		return 0, fmt.Errorf("no goroutine count in %s's profile", debug)
	}
	return strconv.Atoi(string(m[1]))
}

// cpuTime is the user and system CPU time of process pid so far, from
// /proc/PID/stat (in clock ticks of 1/100 s, Linux's USER_HZ).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// rssMiB reads a memory field (VmRSS, VmHWM) of process pid, in MiB.
func rssMiB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb >> 10
		}
	}
	return -1
}
