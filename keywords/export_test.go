package keywords

// Hooks into the Server's extraction limiter for the external tests, so
// that they can tell without sleeping that a call is waiting for a slot.

// HoldExtractionSlots takes n of s's extraction slots, as n extractions in
// progress would, and returns the function that frees them. n must not
// exceed ExtractionSlots(s), or it blocks forever.
func HoldExtractionSlots(s *Server, n int) (release func()) {
	l := s.limiter()
	for range n {
		l.slots <- struct{}{}
	}
	return func() {
		for range n {
			l.release()
		}
	}
}

// OnWaitForSlot makes s call f each time a call finds no free slot and
// starts to wait for one. Call it before s serves.
func OnWaitForSlot(s *Server, f func()) { s.limiter().onWait = f }

// ExtractionSlots returns how many extractions s runs at once.
func ExtractionSlots(s *Server) int { return cap(s.limiter().slots) }
