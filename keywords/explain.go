package keywords

import (
	"context"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/rankmodel"
)

// The engine's working, for the weights' generator (internal/genrank)
// and kpeval's -explain: a hook in an internal package rather than an
// exported API.
func init() { rankmodel.Candidates = candidatesOf }

// candidatesOf returns the candidates of text that Extract scores (all)
// or returns, with their features, best first.
func candidatesOf(text string, maxResults int, all bool) []rankmodel.Candidate {
	o := options{maxResults: min(max(maxResults, 1), MaxResultsLimit)}
	s := statePool.Get().(*state)
	defer s.release()
	if _, err := s.run(context.Background(), truncate(text, MaxTextBytes), o); err != nil {
		return nil
	}
	kept := make(map[int32]bool)
	s.pick(o.maxResults, func(i int32) { kept[i] = true })
	var out []rankmodel.Candidate
	for _, i := range s.order {
		c := &s.cands[i]
		k := kept[i]
		if !all && !k {
			continue
		}
		rc := rankmodel.Candidate{
			Text:       s.render(s.text, c),
			Key:        c.key,
			Words:      int(c.n),
			First:      int(c.first),
			Standalone: int(c.maxTF),
			Folded:     c.folded,
			Run:        c.longRun,
			Score:      scoreOf(c.score),
			Kept:       k,
		}
		s.features(c, &rc.Features)
		for j, f := range rc.Features {
			rc.Terms[j] = rankWeights[j] * f
		}
		out = append(out, rc)
	}
	return out
}
