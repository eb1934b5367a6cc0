package keywords

import "context"

// limiter bounds how many extractions run at once: a semaphore of
// buffered-channel slots, so that a caller waiting for a slot can give up
// when its context ends, which sync primitives cannot do.
type limiter struct {
	slots chan struct{}
	// onWait, if set, is called when a caller finds no free slot and starts
	// to wait: tests use it to know, without sleeping, that a call waits.
	// It is set before the Server serves and only read afterwards.
	onWait func()
}

func newLimiter(n int) *limiter {
	return &limiter{slots: make(chan struct{}, n)}
}

// acquire takes a slot, waiting while ctx lives. It returns ctx.Err() if
// ctx ends first, and then holds no slot; otherwise the caller must release.
func (l *limiter) acquire(ctx context.Context) error {
	// A call that is already over must not take a slot, even a free one:
	// select would pick between a free slot and ctx.Done() at random.
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	if l.onWait != nil {
		l.onWait()
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *limiter) release() { <-l.slots }
