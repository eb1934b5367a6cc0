package streaming_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// call must end, on both sides, when it completes or is cancelled.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
