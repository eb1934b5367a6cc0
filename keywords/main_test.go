package keywords_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind (a stream
// handler that does not stop on cancel, a connection left open, ...).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
