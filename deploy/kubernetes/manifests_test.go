// Package kubernetes holds the Kubernetes manifests of examples/server (the
// *.yaml files beside this one) and their test. The test decodes every
// manifest strictly into the typed structs of k8s.io/api, so that a typo'd
// or misplaced field fails here instead of being dropped by the API server,
// and checks that the pieces agree with each other and with the server:
// the probes name health services the server registers, the ports match
// its -addr, and the shutdown timings (preStop, -drain, -grace,
// terminationGracePeriodSeconds, the liveness probe's patience) add up.
// Unless -short, it also starts the real server with the manifest's
// arguments and asks its health service what the probes would.
package kubernetes

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// healthServices are the names examples/server gives a health status:
// "" (the whole server) and each service it registers (examples/server,
// server.go). Probes may name only these; any other name is NOT_FOUND, and
// the probe would fail forever.
var healthServices = []string{
	"",
	calculatorv1.Calculator_ServiceDesc.ServiceName,
	greeterv1.Greeter_ServiceDesc.ServiceName,
	keywordsv1.KeywordService_ServiceDesc.ServiceName,
	streamingv1.StreamingService_ServiceDesc.ServiceName,
}

// manifests is every object of the *.yaml files, decoded.
type manifests struct {
	deployments []*appsv1.Deployment
	services    []*corev1.Service
	pdbs        []*policyv1.PodDisruptionBudget
}

// decode reads one YAML document strictly into the typed struct its
// apiVersion and kind name: an unknown field, a duplicate field, a value of
// the wrong type or an unknown kind is an error.
func (m *manifests) decode(doc []byte) error {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return err
	}
	var obj any
	switch gvk := tm.APIVersion + " " + tm.Kind; gvk {
	case "apps/v1 Deployment":
		d := new(appsv1.Deployment)
		m.deployments, obj = append(m.deployments, d), d
	case "v1 Service":
		s := new(corev1.Service)
		m.services, obj = append(m.services, s), s
	case "policy/v1 PodDisruptionBudget":
		p := new(policyv1.PodDisruptionBudget)
		m.pdbs, obj = append(m.pdbs, p), p
	default:
		return fmt.Errorf("unexpected kind %q: the test knows Deployment, Service and PodDisruptionBudget", gvk)
	}
	return yaml.UnmarshalStrict(doc, obj)
}

// load decodes every document of every *.yaml file in dir.
func load(t *testing.T, dir string) *manifests {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s (%v)", dir, err)
	}
	m := new(manifests)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if len(bytes.TrimSpace(stripComments(doc))) == 0 {
				continue
			}
			if err := m.decode(doc); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
	return m
}

var commentLine = regexp.MustCompile(`(?m)^\s*#.*$`)

func stripComments(doc []byte) []byte { return commentLine.ReplaceAll(doc, nil) }

// serverFlags reads the container's -name=value arguments. The manifests
// use that form only, so that each argument stands alone.
func serverFlags(args []string) (map[string]string, error) {
	flags := map[string]string{}
	for _, a := range args {
		name, value, ok := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || !ok {
			return nil, fmt.Errorf("argument %q: write server flags as -name=value", a)
		}
		flags[name] = value
	}
	return flags, nil
}

// duration reads a duration flag, or the server's default when absent.
func duration(flags map[string]string, name string, def time.Duration) (time.Duration, error) {
	v, ok := flags[name]
	if !ok {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("-%s=%s: %v", name, v, err)
	}
	return d, nil
}

// The server's defaults (examples/server, config.go), for flags the
// manifest leaves out.
const (
	defaultDrain = 2 * time.Second
	defaultGrace = 10 * time.Second
)

// plan is what the test needs of the Deployment, read once.
type plan struct {
	container  corev1.Container
	port       int32 // the "grpc" container port
	addrPort   int   // the port of -addr
	drain      time.Duration
	grace      time.Duration
	preStop    time.Duration
	terminate  time.Duration // terminationGracePeriodSeconds
	probeNames []string      // the services the probes name
}

// checkDeployment checks one Deployment as the package doc says and
// returns what the other checks need.
func checkDeployment(d *appsv1.Deployment) (plan, []error) {
	var p plan
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	spec := d.Spec.Template.Spec
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 3 {
		bad("replicas: want 3")
	}
	if d.Spec.Selector == nil || !selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
		bad("the selector does not match the pod template's labels")
	}
	if ru := d.Spec.Strategy.RollingUpdate; ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 {
		bad("strategy.rollingUpdate.maxUnavailable: want 0, so that a rollout never lowers capacity")
	}
	if len(spec.Containers) != 1 {
		bad("want one container, got %d", len(spec.Containers))
		return p, errs
	}
	c := spec.Containers[0]
	p.container = c

	flags, err := serverFlags(c.Args)
	if err != nil {
		bad("%v", err)
	}
	if _, port, err := net.SplitHostPort(flags["addr"]); err != nil {
		bad("-addr=%q: want HOST:PORT with an empty host (every interface of the pod): %v", flags["addr"], err)
	} else if p.addrPort, err = strconv.Atoi(port); err != nil || p.addrPort == 0 {
		bad("-addr=%q: want a fixed port", flags["addr"])
	} else if host, _, _ := net.SplitHostPort(flags["addr"]); host != "" {
		bad("-addr=%q: the pod's probes and Services reach it on the pod IP; listen on \":%d\"", flags["addr"], p.addrPort)
	}
	if p.drain, err = duration(flags, "drain", defaultDrain); err != nil {
		bad("%v", err)
	}
	if p.grace, err = duration(flags, "grace", defaultGrace); err != nil {
		bad("%v", err)
	}

	for _, cp := range c.Ports {
		if cp.Name == "grpc" {
			p.port = cp.ContainerPort
		}
	}
	if p.port == 0 || int(p.port) != p.addrPort {
		bad("container port \"grpc\" is %d, -addr listens on %d: want them equal", p.port, p.addrPort)
	}

	for name, probe := range map[string]*corev1.Probe{"readinessProbe": c.ReadinessProbe, "livenessProbe": c.LivenessProbe} {
		if probe == nil || probe.GRPC == nil {
			bad("%s: want a native gRPC probe (grpc:)", name)
			continue
		}
		if probe.GRPC.Port != p.port {
			bad("%s: port %d, want the gRPC port %d", name, probe.GRPC.Port, p.port)
		}
		svc := ""
		if probe.GRPC.Service != nil {
			svc = *probe.GRPC.Service
		}
		if !slices.Contains(healthServices, svc) {
			bad("%s: service %q is not one the server reports health for; want one of %q", name, svc, healthServices)
		}
		p.probeNames = append(p.probeNames, svc)
	}

	// Shutdown: preStop, then -drain and -grace, all within the grace
	// period the kubelet gives before SIGKILL, and before the liveness
	// probe (NOT_SERVING from SIGTERM on) would restart the container.
	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil || c.Lifecycle.PreStop.Sleep.Seconds < 1 {
		bad("lifecycle.preStop.sleep: want a wait of 1 s or more, so that endpoints are updated before the server drains")
	} else {
		p.preStop = time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	}
	if spec.TerminationGracePeriodSeconds != nil {
		p.terminate = time.Duration(*spec.TerminationGracePeriodSeconds) * time.Second
	}
	if shutdown := p.preStop + p.drain + p.grace; p.terminate <= shutdown {
		bad("terminationGracePeriodSeconds %v: want more than preStop %v + -drain %v + -grace %v = %v", p.terminate, p.preStop, p.drain, p.grace, shutdown)
	}
	if l := c.LivenessProbe; l != nil {
		if patience := time.Duration(l.PeriodSeconds*l.FailureThreshold) * time.Second; patience <= p.drain+p.grace {
			bad("livenessProbe gives up after %v, within -drain + -grace (%v), when health is NOT_SERVING by design", patience, p.drain+p.grace)
		}
	}

	// Resources: requests and limits for both, GOMEMLIMIT under the limit.
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, okReq := c.Resources.Requests[r]
		lim, okLim := c.Resources.Limits[r]
		if !okReq || !okLim || req.Cmp(lim) > 0 {
			bad("resources: want a request and a limit for %s, the request not above the limit", r)
		}
	}
	memLimit := c.Resources.Limits[corev1.ResourceMemory]
	if v, ok := env(c, "GOMEMLIMIT"); !ok {
		bad("env GOMEMLIMIT: want it set below the memory limit, so the GC works harder before the kernel kills the pod")
	} else if q, err := resource.ParseQuantity(strings.TrimSuffix(v, "B")); err != nil || q.Cmp(memLimit) >= 0 {
		bad("env GOMEMLIMIT=%s: want a size below the memory limit %s", v, memLimit.String())
	}

	// The restricted Pod Security Standard.
	psc, sc := spec.SecurityContext, c.SecurityContext
	if psc == nil || sc == nil {
		bad("want both a pod and a container securityContext")
		return p, errs
	}
	if psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
		bad("securityContext: want runAsNonRoot and a non-zero runAsUser")
	}
	if psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		bad("securityContext.seccompProfile: want RuntimeDefault")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		bad("container securityContext: want allowPrivilegeEscalation: false")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		bad("container securityContext: want readOnlyRootFilesystem: true (the server writes no file)")
	}
	if sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 {
		bad("container securityContext.capabilities: want drop [ALL] and nothing added")
	}
	return p, errs
}

func env(c corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// selects reports whether a non-empty selector matches labels.
func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// checkService checks that s selects the Deployment's pods and sends its
// port to the gRPC container port.
func checkService(s *corev1.Service, d *appsv1.Deployment, p plan) []error {
	var errs []error
	if !selects(s.Spec.Selector, d.Spec.Template.Labels) {
		errs = append(errs, errors.New("the selector does not match the Deployment's pods"))
	}
	if len(s.Spec.Ports) != 1 {
		return append(errs, fmt.Errorf("want one port, got %d", len(s.Spec.Ports)))
	}
	sp := s.Spec.Ports[0]
	target := sp.TargetPort
	switch {
	case target.Type == intstr.String && target.StrVal == "grpc":
	case target.Type == intstr.Int && target.IntVal == p.port:
	default:
		errs = append(errs, fmt.Errorf("targetPort %s: want \"grpc\" or %d", target.String(), p.port))
	}
	if sp.AppProtocol == nil || *sp.AppProtocol != "kubernetes.io/h2c" {
		errs = append(errs, errors.New("appProtocol: want kubernetes.io/h2c (gRPC without TLS), so that proxies and meshes speak HTTP/2 to it"))
	}
	return errs
}

func TestManifests(t *testing.T) {
	m := load(t, ".")
	if len(m.deployments) != 1 || len(m.services) != 2 || len(m.pdbs) != 1 {
		t.Fatalf("got %d Deployments, %d Services, %d PodDisruptionBudgets; want 1, 2 (ClusterIP and headless), 1",
			len(m.deployments), len(m.services), len(m.pdbs))
	}
	d := m.deployments[0]
	p, errs := checkDeployment(d)
	for _, err := range errs {
		t.Errorf("Deployment %s: %v", d.Name, err)
	}

	var headless, clusterIP int
	for _, s := range m.services {
		switch {
		case s.Spec.ClusterIP == corev1.ClusterIPNone:
			headless++
		case s.Spec.Type == corev1.ServiceTypeClusterIP || s.Spec.Type == "":
			clusterIP++
		}
		for _, err := range checkService(s, d, p) {
			t.Errorf("Service %s: %v", s.Name, err)
		}
	}
	if headless != 1 || clusterIP != 1 {
		t.Errorf("got %d headless and %d ClusterIP Services; want one of each", headless, clusterIP)
	}

	pdb := m.pdbs[0]
	if pdb.Spec.Selector == nil || !selects(pdb.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
		t.Errorf("PodDisruptionBudget %s: the selector does not match the Deployment's pods", pdb.Name)
	}
	if mu := pdb.Spec.MaxUnavailable; mu == nil || mu.IntValue() != 1 {
		t.Errorf("PodDisruptionBudget %s: want maxUnavailable: 1 (one replica drains at a time)", pdb.Name)
	}
}

// TestChecksCatchMistakes feeds the checks broken manifests, so that a
// check that passes everything cannot go unnoticed.
func TestChecksCatchMistakes(t *testing.T) {
	data, err := os.ReadFile("deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"unknown field", "  replicas: 3", "  replica: 3", `unknown field "replica"`},
		{"misplaced field", "          imagePullPolicy: IfNotPresent", "          imagePullPolicy: IfNotPresent\n          terminationGracePeriodSeconds: 30", "unknown field"},
		{"probe names no health service", "            grpc:\n              port: 50051\n              service: \"\"\n            periodSeconds: 2",
			"            grpc:\n              port: 50051\n              service: calculator.Calculator\n            periodSeconds: 2", `service "calculator.Calculator" is not one`},
		{"probe on another port", "            grpc:\n              port: 50051\n              service: \"\"\n            initialDelaySeconds",
			"            grpc:\n              port: 8080\n              service: \"\"\n            initialDelaySeconds", "livenessProbe: port 8080"},
		{"-addr on another port", "-addr=:50051", "-addr=:50052", "-addr listens on 50052"},
		{"-addr on loopback", "-addr=:50051", "-addr=127.0.0.1:50051", "listen on \":50051\""},
		{"grace longer than the kubelet waits", "-grace=15s", "-grace=25s", "terminationGracePeriodSeconds 30s: want more than"},
		{"no preStop", "              sleep:\n                seconds: 5", "              sleep:\n                seconds: 0", "lifecycle.preStop.sleep"},
		{"root", "        runAsUser: 65532", "        runAsUser: 0", "runAsNonRoot and a non-zero runAsUser"},
		{"GOMEMLIMIT above the limit", `value: "460MiB"`, `value: "600MiB"`, "GOMEMLIMIT=600MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(string(data), tc.old, tc.new, 1)
			if doc == string(data) {
				t.Fatalf("the test's edit %q is not in deployment.yaml", tc.old)
			}
			m := new(manifests)
			err := m.decode([]byte(doc))
			var got []string
			if err != nil {
				got = append(got, err.Error())
			} else {
				_, errs := checkDeployment(m.deployments[0])
				for _, e := range errs {
					got = append(got, e.Error())
				}
			}
			if !strings.Contains(strings.Join(got, "\n"), tc.want) {
				t.Errorf("got errors %q, want one containing %q", got, tc.want)
			}
		})
	}
}

// TestServerAnswersTheProbes builds examples/server, starts it with the
// Deployment's arguments (on a loopback port instead of -addr), and checks
// that it accepts them, that every probe's service is SERVING, that the
// status turns NOT_SERVING at SIGTERM, and that the server then exits 0
// within the time the kubelet leaves it after preStop.
func TestServerAnswersTheProbes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs examples/server")
	}
	m := load(t, ".")
	if len(m.deployments) != 1 {
		t.Fatal("want one Deployment")
	}
	p, errs := checkDeployment(m.deployments[0])
	if len(errs) > 0 {
		t.Fatalf("the Deployment fails its checks (see TestManifests): %v", errs)
	}

	bin := filepath.Join(t.TempDir(), "server")
	build := exec.Command("go", "build", "-o", bin, "./examples/server")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building examples/server: %v\n%s", err, out)
	}

	var args []string
	for _, a := range p.container.Args {
		if strings.HasPrefix(a, "-addr=") {
			a = "-addr=127.0.0.1:0"
		}
		args = append(args, a)
	}
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	addr := make(chan string, 1)
	var logs bytes.Buffer
	scanDone := make(chan struct{})
	go func() {
		defer close(scanDone)
		listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	go func() {
		<-scanDone // Wait must not run before the pipe is read to its end
		exited <- cmd.Wait()
	}()
	// stop kills the server unless it has exited; afterwards logs is
	// complete and safe to read.
	stopped := false
	stop := func() {
		if !stopped {
			cmd.Process.Kill()
			<-exited
			stopped = true
		}
	}
	defer stop()

	var target string
	select {
	case target = <-addr:
	case err := <-exited:
		stopped = true
		t.Fatalf("the server refused the Deployment's arguments %q: %v\n%s", p.container.Args, err, logs.String())
	case <-time.After(30 * time.Second):
		stop()
		t.Fatalf("the server did not log its listening address within 30s\n%s", logs.String())
	}
	cc, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	health := healthpb.NewHealthClient(cc)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for _, svc := range p.probeNames {
		resp, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: svc})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health Check(%q) = %v, %v; want SERVING", svc, resp.GetStatus(), err)
		}
	}

	// What the readiness probe sees at SIGTERM: NOT_SERVING, while the
	// server still answers for -drain.
	watch, err := health.Watch(ctx, &healthpb.HealthCheckRequest{Service: p.probeNames[0]})
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := watch.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health Watch: first status %v, %v; want SERVING", resp.GetStatus(), err)
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if resp, err := watch.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("health Watch after SIGTERM: %v, %v; want NOT_SERVING", resp.GetStatus(), err)
	}

	// The kubelet sends SIGTERM after preStop and SIGKILL at
	// terminationGracePeriodSeconds.
	budget := p.terminate - p.preStop
	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			t.Fatalf("the server exited with %v after SIGTERM, want 0\n%s", err, logs.String())
		}
		t.Logf("exited 0, %v after SIGTERM (-drain %v, -grace %v; the kubelet would wait %v)",
			time.Since(start).Round(100*time.Millisecond), p.drain, p.grace, budget)
	case <-time.After(budget):
		stop()
		t.Fatalf("the server was still running %v after SIGTERM, when the kubelet would kill it\n%s", budget, logs.String())
	}
}
