// Package replicas connects one gRPC client to several replicas of a server
// and spreads its calls over them with grpc-go's own client-side load
// balancing: a manual resolver holding a static list of addresses, the
// round_robin policy, and client-side health checking (healthCheckConfig),
// which takes a replica out of the rotation while its grpc.health.v1 status
// is not SERVING and puts it back when it is SERVING again.
//
// Why a client needs this: a gRPC connection is long-lived and carries every
// call of a client, so one connection to one address (or an L4 balancer in
// front of several) pins all of them to one replica. round_robin keeps one
// connection per replica and picks the next ready one per call; the health
// watch lets a replica that is draining (examples/server turns every status
// NOT_SERVING on SIGTERM before it stops) shed its calls before it goes.
//
// examples/loadbalancing shows it working and its test proves the spread and
// the health behaviour. For replicas behind one DNS name, skip this package
// and use grpc-go's dns resolver with the same service config:
//
//	grpc.NewClient("dns:///replicas.example:50051",
//		grpc.WithDefaultServiceConfig(replicas.ServiceConfig("")), ...)
package replicas

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"google.golang.org/grpc"
	// The health package registers grpc-go's client-side health checker;
	// without it healthCheckConfig is ignored and a NOT_SERVING replica
	// keeps receiving calls.
	_ "google.golang.org/grpc/health"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"
)

// scheme is the manual resolver's scheme. It is registered only on the
// ClientConn NewClient builds (grpc.WithResolvers), never in grpc-go's
// global resolver registry, so it cannot clash with a host's resolvers.
const scheme = "replicas"

// ServiceConfig returns the JSON service config NewClient uses: the
// round_robin load-balancing policy, and client-side health checking of
// healthService ("" is the server's overall status, which examples/server
// sets and drains; a service name such as "grpcexamples.calculator.v1.Calculator"
// watches that service's status instead).
//
// It is valid input for grpc.WithDefaultServiceConfig with any resolver
// (for instance grpc-go's dns:/// for replicas behind one name), as long as
// the program imports google.golang.org/grpc/health (this package does).
func ServiceConfig(healthService string) string {
	// Marshalling a string cannot fail; invalid UTF-8 becomes U+FFFD,
	// which no registered service name contains.
	name, _ := json.Marshal(healthService)
	return `{"loadBalancingConfig":[{"round_robin":{}}],"healthCheckConfig":{"serviceName":` + string(name) + `}}`
}

// NewClient returns a ClientConn that balances calls over addrs (each
// "host:port", as SplitAddrs returns them) with round_robin, one
// connection per replica, skipping every replica whose health status for
// healthService (see ServiceConfig) is not SERVING.
//
// Pass grpc.WithTransportCredentials (and any other option) in opts, as
// for grpc.NewClient; opts come after this package's service config, so a
// grpc.WithDefaultServiceConfig in opts replaces it. Calls carry the first
// address as their :authority (and TLS server name) unless opts set
// grpc.WithAuthority.
//
// Behaviour a caller sees:
//   - A replica that does not serve grpc.health.v1 is treated as healthy
//     (grpc-go logs that health checking is unimplemented there).
//   - Once every replica has been tried and none is both reachable and
//     SERVING, a call fails at once with codes.Unavailable (the message
//     gives the last reason, such as "health check failed.
//     status=NOT_SERVING"), or with grpc.WaitForReady(true) waits for one
//     until its deadline.
//   - The ClientConn connects lazily, on its first call (or Connect).
//
// It returns an error (a plain Go error: no call has been made) when addrs
// is empty, an address is not host:port, or an address repeats, and
// otherwise grpc.NewClient's error (for instance, no transport credentials).
func NewClient(addrs []string, healthService string, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	if err := checkAddrs(addrs); err != nil {
		return nil, err
	}
	endpoints := make([]resolver.Endpoint, len(addrs))
	for i, a := range addrs {
		endpoints[i] = resolver.Endpoint{Addresses: []resolver.Address{{Addr: a}}}
	}
	// A manual resolver serves exactly one ClientConn, so each call gets
	// its own.
	r := manual.NewBuilderWithScheme(scheme)
	r.InitialState(resolver.State{Endpoints: endpoints})
	all := append([]grpc.DialOption{
		grpc.WithResolvers(r),
		grpc.WithDefaultServiceConfig(ServiceConfig(healthService)),
	}, opts...)
	return grpc.NewClient(scheme+":///"+addrs[0], all...)
}

// SplitAddrs splits a comma-separated list of replica addresses
// ("127.0.0.1:50051,127.0.0.1:50052", spaces around commas allowed) into
// the form NewClient takes. Every entry must be host:port with a non-empty
// host and a port from 1 to 65535, and no address may repeat (a repeat
// would give that replica a double share of the calls).
func SplitAddrs(list string) ([]string, error) {
	var addrs []string
	for a := range strings.SplitSeq(list, ",") {
		addrs = append(addrs, strings.TrimSpace(a))
	}
	if err := checkAddrs(addrs); err != nil {
		return nil, err
	}
	return addrs, nil
}

func checkAddrs(addrs []string) error {
	if len(addrs) == 0 {
		return errors.New("replicas: no address given; want host:port[,host:port...]")
	}
	seen := make(map[string]bool, len(addrs))
	for i, a := range addrs {
		host, port, err := net.SplitHostPort(a)
		if err != nil {
			return fmt.Errorf("replicas: address %d (%q) is not host:port: %w", i+1, a, err)
		}
		if host == "" {
			return fmt.Errorf("replicas: address %d (%q) has no host; write 127.0.0.1%s for this machine", i+1, a, a)
		}
		if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
			return fmt.Errorf("replicas: address %d (%q) has port %q; want a number from 1 to 65535", i+1, a, port)
		}
		if seen[a] {
			return fmt.Errorf("replicas: address %q is listed twice; list each replica once", a)
		}
		seen[a] = true
	}
	return nil
}
