//go:build !unix

package keywords

import "time"

// cpuTime cannot tell the process's CPU time on this system.
func cpuTime() (time.Duration, bool) { return 0, false }
