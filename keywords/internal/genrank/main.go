// Command genrank fits the weights of the keyword engine's ranking model
// (internal/rankmodel) on the development splits of the keyphrase
// benchmarks (shared/data/keywords) and writes them, with each set's
// scores, to rank_data.go in package keywords.
//
// It runs the engine once on every document and keeps every candidate
// it scores (features, stems, rendering), then fits the weights over those
// cached candidates, repeating the engine's selection and the standard
// protocol's scoring (internal/eval) exactly:
//
//  1. A smooth fit: the listwise loss of a log-linear ranker (the
//     cross-entropy between the softmax of the scores and the gold
//     candidates of a document; Cao et al. 2007, ListNet), averaged over
//     each set's documents and then over the sets with equal weight, so that
//     a large set does not outweigh a small one, plus an L2 penalty; full
//     batch, Adam (Kingma & Ba 2015), a fixed number of steps from zero.
//  2. A search on the measure itself: coordinate steps on each weight that
//     raise a soft minimum of the sets' scores relative to their targets
//     (for each set the lower of F@10 over its F@10 target and F@5 over its
//     F@5 floor), plus a tenth of the mean over sets, so that no set can
//     win at the others' expense, until no step helps.
//
// The same procedure is then run once per set with that set left out, and
// the set is scored with the weights fitted on the others: its
// leave-one-set-out score, an estimate of how the engine does on a kind of
// text it was not fitted on. Everything is deterministic (fixed order of
// sums, fixed steps), so rerunning it on the same data and engine gives the
// same file; CI checks that it does.
//
// Run it with go generate in package keywords:
//
//	go run ./internal/genrank -data ../../shared/data/keywords -out rank_data.go
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	_ "github.com/seed717b8fd8/grpcexamples/keywords" // sets rankmodel.Candidates
	"github.com/seed717b8fd8/grpcexamples/keywords/internal/eval"
	"github.com/seed717b8fd8/grpcexamples/keywords/internal/rankmodel"
)

// devSet is one development split with the targets of the fit: the F@10
// target of issue 16 and an F@5 floor half a point below the engine's F@5
// before the fit (issue 16 §6).
type devSet struct {
	file        string
	target10    float64
	floor5      float64
	description string
}

var devSets = []devSet{
	{"inspec/dev.jsonl", 36, 31.25, "abstracts"},
	{"semeval2010/train.jsonl", 20, 19.95, "full papers"},
	{"500n-kpcrowd/train.jsonl", 18.5, 11.33, "news"},
	{"semeval2017/dev.jsonl", 34, 24.32, "paragraphs of papers"},
	{"www/dev.jsonl", 12, 12.83, "titles and abstracts"},
	{"110-pt-bn-kp/dev.jsonl", 28, 22.00, "broadcast news (pt)"},
	{"wikinews/dev.jsonl", 35, 34.24, "news (fr)"},
	{"duc2001/dev.jsonl", 28, 12.45, "news wire"},
}

// topK is the protocol's largest cut-off, the number of phrases asked.
const topK = 10

func main() {
	data := flag.String("data", "../../shared/data/keywords", "directory of the benchmark JSONL files")
	out := flag.String("out", "rank_data.go", "file to write the weights to")
	only := flag.String("sets", "", "fit on the sets whose file matches this `regexp` only, without leave-one-set-out, and write nothing (for study)")
	flag.Parse()
	start := time.Now()
	if *only != "" {
		re := regexp.MustCompile(*only)
		devSets = slices.DeleteFunc(devSets, func(d devSet) bool { return !re.MatchString(d.file) })
	}

	sets := make([]*set, len(devSets))
	var wg sync.WaitGroup
	for i, ds := range devSets {
		wg.Go(func() {
			s, err := load(filepath.Join(*data, ds.file), ds)
			if err != nil {
				log.Fatal(err)
			}
			sets[i] = s
		})
	}
	wg.Wait()
	n := 0
	for _, s := range sets {
		n += len(s.cands)
	}
	log.Printf("candidates of %d sets cached: %d (%v)", len(sets), n, time.Since(start).Round(time.Millisecond))

	w := fit(sets, -1)
	final := evaluate(sets, &w)
	if *only != "" {
		for i, s := range sets {
			log.Printf("%s: F@5=%.2f F@10=%.2f", s.file, final[i].f5, final[i].f10)
		}
		for j, name := range rankmodel.Names {
			log.Printf("  %-18s %8.3f", name, w[j])
		}
		return
	}
	loso := make([]score, len(sets))
	for i := range sets {
		wi := fit(sets, i)
		loso[i] = evaluate(sets[i:i+1], &wi)[0]
		log.Printf("left out %s: F@5=%.2f F@10=%.2f (in-sample %.2f / %.2f)",
			sets[i].file, loso[i].f5, loso[i].f10, final[i].f5, final[i].f10)
	}
	write(*out, &w, sets, final, loso)
	log.Printf("wrote %s in %v", *out, time.Since(start).Round(time.Millisecond))
}

// set is one development split's cached candidates.
type set struct {
	devSet
	docs  []doc
	cands []cand
}

// doc is one document: its candidates are cands[start:end], in the
// engine's order with the engine's weights (any order would do).
type doc struct {
	start, end int
	gold       []int32 // stemmed gold phrases, deduplicated (ids)
}

// cand is one candidate as the engine scores it.
type cand struct {
	f          rankmodel.Vector
	key        [5]uint16
	words      int8
	first      int32
	standalone int32
	folded     bool
	run        int32
	stem       int32 // id of the Porter-stemmed text, -1 if empty
	gold       bool
}

// stemIDs interns stemmed phrases.
type stemIDs struct {
	mu  sync.Mutex
	ids map[string]int32
}

var stems = stemIDs{ids: map[string]int32{}}

func (s *stemIDs) id(phrase string) int32 {
	st := eval.Stem(phrase)
	if st == "" {
		return -1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.ids[st]
	if !ok {
		id = int32(len(s.ids))
		s.ids[st] = id
	}
	return id
}

// load runs the engine on every document of path and caches its
// candidates.
func load(path string, ds devSet) (*set, error) {
	docs, err := eval.ReadJSONL(path)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%s: no documents", path)
	}
	s := &set{devSet: ds, docs: make([]doc, len(docs))}
	for i, d := range docs {
		dd := &s.docs[i]
		for _, g := range d.Keyphrases {
			if id := stems.id(g); id >= 0 && !slices.Contains(dd.gold, id) {
				dd.gold = append(dd.gold, id)
			}
		}
		dd.start = len(s.cands)
		for _, c := range rankmodel.Candidates(d.Text, topK, true) {
			id := stems.id(c.Text)
			s.cands = append(s.cands, cand{
				f:          c.Features,
				key:        c.Key,
				words:      int8(c.Words),
				first:      int32(c.First),
				standalone: int32(c.Standalone),
				folded:     c.Folded,
				run:        c.Run,
				stem:       id,
				gold:       id >= 0 && slices.Contains(dd.gold, id),
			})
		}
		dd.end = len(s.cands)
	}
	return s, nil
}

// score is a set's macro-averaged F@5 and F@10, in percent.
type score struct{ f5, f10 float64 }

// ratio is how a set's score compares with its targets: the lower of
// F@10 over its target and F@5 over its floor, 1 when the worse of the two
// is met exactly.
func (s *set) ratio(sc score) float64 {
	return min(sc.f10/s.target10, sc.f5/s.floor5)
}

// evaluate scores every set with weights w, as kpeval would.
func evaluate(sets []*set, w *rankmodel.Weights) []score {
	out := make([]score, len(sets))
	parallel(len(sets), func(i int) { out[i] = sets[i].evaluate(w) })
	return out
}

func (s *set) evaluate(w *rankmodel.Weights) score {
	var f5, f10 float64
	var buf selectBuf
	for i := range s.docs {
		a, b := s.docs[i].f(s.cands, w, &buf)
		f5 += a
		f10 += b
	}
	n := float64(len(s.docs)) / 100
	return score{f5 / n, f10 / n}
}

type selectBuf struct {
	score []float64
	order []int32
	kept  []rankmodel.Kept
	pred  []int32
}

// f returns the document's F@5 and F@10 (fractions) with weights w: the
// engine's ranking and selection (rankmodel.Drop), then the protocol's
// deduplication by stemmed form and matching (internal/eval).
func (d *doc) f(all []cand, w *rankmodel.Weights, b *selectBuf) (f5, f10 float64) {
	cs := all[d.start:d.end]
	if len(cs) == 0 || len(d.gold) == 0 {
		return 0, 0
	}
	b.score = b.score[:0]
	b.order = b.order[:0]
	for i := range cs {
		b.score = append(b.score, w.Log(&cs[i].f)) // the engine orders by log score
		b.order = append(b.order, int32(i))
	}
	less := func(x, y int32) int {
		switch sx, sy := b.score[x], b.score[y]; {
		case sx > sy:
			return -1
		case sx < sy:
			return 1
		}
		cx, cy := &cs[x], &cs[y]
		if cx.first != cy.first {
			return int(cx.first - cy.first)
		}
		return int(cx.words) - int(cy.words)
	}
	// Only the head of the order matters: sort a few dozen best, and all
	// only when the selection drops too many of them.
	head := min(len(cs), 48)
	if head < len(cs) {
		partial(b.order, head, less)
	}
	slices.SortFunc(b.order[:head], less)
	b.kept = b.kept[:0]
	b.pred = b.pred[:0]
	for pass := 0; pass < 2; pass++ {
		for _, i := range b.order[:head] {
			if len(b.kept) == topK {
				break
			}
			c := &cs[i]
			k := rankmodel.Kept{Key: c.key[:c.words], Run: c.run}
			if rankmodel.Drop(k.Key, int(c.standalone), c.folded, k.Run, b.kept) {
				continue
			}
			b.kept = append(b.kept, k)
			if c.stem >= 0 && !slices.Contains(b.pred, c.stem) {
				b.pred = append(b.pred, c.stem)
			}
		}
		if len(b.kept) == topK || head == len(cs) {
			break
		}
		slices.SortFunc(b.order, less)
		head = len(cs)
		b.kept = b.kept[:0]
		b.pred = b.pred[:0]
	}
	return prf(b.pred, d.gold, 5), prf(b.pred, d.gold, 10)
}

// partial moves the k best of order (by less) to its front, unsorted.
func partial(order []int32, k int, less func(x, y int32) int) {
	lo, hi := 0, len(order)
	for hi-lo > 1 {
		// The middle element as pivot, then a three-way partition.
		p := order[lo+(hi-lo)/2]
		lt, gt := lo, hi
		for i := lo; i < gt; {
			switch c := less(order[i], p); {
			case c < 0:
				order[lt], order[i] = order[i], order[lt]
				lt++
				i++
			case c > 0:
				gt--
				order[gt], order[i] = order[i], order[gt]
			default:
				i++
			}
		}
		switch {
		case k <= lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return
		}
	}
}

// prf is the protocol's F1 at cut-off k of the deduplicated predictions.
func prf(pred, gold []int32, k int) float64 {
	if len(pred) > k {
		pred = pred[:k]
	}
	if len(pred) == 0 {
		return 0
	}
	match := 0
	for _, p := range pred {
		if slices.Contains(gold, p) {
			match++
		}
	}
	if match == 0 {
		return 0
	}
	p := float64(match) / float64(len(pred))
	r := float64(match) / float64(len(gold))
	return 2 * p * r / (p + r)
}

// parallel calls f(0..n-1) on up to GOMAXPROCS goroutines. Callers write
// results by index, so the outcome does not depend on the schedule.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			f(i)
		})
	}
	wg.Wait()
}

// fit returns the weights fitted on every set but the one at index skip
// (none when skip < 0).
func fit(sets []*set, skip int) rankmodel.Weights {
	var use []*set
	for i, s := range sets {
		if i != skip {
			use = append(use, s)
		}
	}
	w := smooth(use)
	pruned := make([]*set, len(use))
	parallel(len(use), func(i int) { pruned[i] = use[i].prune(&w, pruneTo) })
	return search(pruned, w)
}

// prune returns s with each document's candidates cut to the m best
// under w: the search moves the weights little from w, and the head of
// each document's order is all that its scores depend on.
func (s *set) prune(w *rankmodel.Weights, m int) *set {
	p := &set{devSet: s.devSet, docs: make([]doc, len(s.docs))}
	var order []int32
	for i, d := range s.docs {
		cs := s.cands[d.start:d.end]
		order = order[:0]
		for j := range cs {
			order = append(order, int32(j))
		}
		if len(cs) > m {
			sc := make([]float64, len(cs))
			for j := range cs {
				sc[j] = w.Log(&cs[j].f)
			}
			partial(order, m, func(x, y int32) int {
				switch {
				case sc[x] > sc[y]:
					return -1
				case sc[x] < sc[y]:
					return 1
				}
				return int(x - y)
			})
			order = order[:m]
			slices.Sort(order)
		}
		p.docs[i] = doc{start: len(p.cands), gold: d.gold}
		for _, j := range order {
			p.cands = append(p.cands, cs[j])
		}
		p.docs[i].end = len(p.cands)
	}
	return p
}

// Settings of the fit: limits of the procedure, not of the engine.
const (
	adamSteps    = 300
	adamRate     = 0.05
	l2           = 1e-3  // penalty on the squared weights (but the bias)
	searchSteps  = 24    // most rounds of coordinate search over all weights
	softMin      = 0.004 // temperature of the search's soft minimum of ratios
	pruneTo      = 40    // candidates per document kept for the search
	reweighEvery = 50    // steps of the smooth fit between two reweighings
	reweighScale = 0.03  // a set 0.05 behind another in ratio weighs e times more
)

// smooth minimizes the listwise loss (see the package comment), each set's
// mean loss weighted by how far the set is behind the others: every
// reweighEvery steps the sets are scored, and a set whose ratio to its
// targets is lower gets more weight (multiplicative weights, as in
// minimax fitting), half of the weight staying equal across sets.
func smooth(sets []*set) rankmodel.Weights {
	var w, m, v rankmodel.Weights
	const b1, b2, eps = 0.9, 0.999, 1e-8
	grads := make([]rankmodel.Weights, len(sets))
	share := make([]float64, len(sets))
	for i := range share {
		share[i] = 1 / float64(len(sets))
	}
	for step := 1; step <= adamSteps; step++ {
		if step%reweighEvery == 0 {
			reweigh(sets, &w, share)
		}
		parallel(len(sets), func(i int) { grads[i] = sets[i].gradient(&w) })
		var g rankmodel.Weights
		for i, gi := range grads {
			for j := range g {
				g[j] += gi[j] * share[i]
			}
		}
		for j := range g {
			if j != rankmodel.Bias {
				g[j] += 2 * l2 * w[j]
			}
			m[j] = b1*m[j] + (1-b1)*g[j]
			v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
			mh := m[j] / (1 - math.Pow(b1, float64(step)))
			vh := v[j] / (1 - math.Pow(b2, float64(step)))
			w[j] -= adamRate * mh / (math.Sqrt(vh) + eps)
		}
		w[rankmodel.Bias] = 0
	}
	return round(w)
}

// reweigh sets share to the sets' weights in the smooth fit at w.
func reweigh(sets []*set, w *rankmodel.Weights, share []float64) {
	scores := evaluate(sets, w)
	worst := math.Inf(1)
	r := make([]float64, len(sets))
	for i, s := range sets {
		r[i] = s.ratio(scores[i])
		worst = min(worst, r[i])
	}
	var z float64
	for i := range r {
		r[i] = math.Exp(-(r[i] - worst) / reweighScale)
		z += r[i]
	}
	for i := range share {
		share[i] = 0.5/float64(len(sets)) + 0.5*r[i]/z
	}
}

// gradient is the gradient of the set's mean listwise loss at w.
func (s *set) gradient(w *rankmodel.Weights) rankmodel.Weights {
	var g rankmodel.Weights
	var p []float64
	docs := 0
	for _, d := range s.docs {
		cs := s.cands[d.start:d.end]
		golds := 0
		for i := range cs {
			if cs[i].gold {
				golds++
			}
		}
		if golds == 0 {
			continue
		}
		docs++
		p = p[:0]
		top := math.Inf(-1)
		for i := range cs {
			l := w.Log(&cs[i].f)
			p = append(p, l)
			top = max(top, l)
		}
		var z float64
		for i := range p {
			p[i] = math.Exp(p[i] - top)
			z += p[i]
		}
		for i := range cs {
			coef := p[i] / z
			if cs[i].gold {
				coef -= 1 / float64(golds)
			}
			for j := range g {
				g[j] += coef * cs[i].f[j]
			}
		}
	}
	for j := range g {
		g[j] /= float64(max(docs, 1))
	}
	return g
}

// objective is what the search raises: a soft minimum of the sets'
// ratios to their targets, −τ·ln Σ exp(−rᵢ/τ) (below the worst ratio by
// at most τ·ln(sets)), plus a tenth of the mean ratio. Unlike the worst
// ratio alone, the soft minimum also rewards a step that lifts the sets
// just above the worst, so the search does not stop on a plateau where one
// set holds the minimum while others sit just above it.
func objective(sets []*set, w *rankmodel.Weights) float64 {
	scores := evaluate(sets, w)
	r := make([]float64, len(sets))
	worst, sum := math.Inf(1), 0.0
	for i, s := range sets {
		r[i] = s.ratio(scores[i])
		worst = min(worst, r[i])
		sum += r[i]
	}
	var z float64
	for _, ri := range r {
		z += math.Exp(-(ri - worst) / softMin)
	}
	return worst - softMin*math.Log(z) + 0.1*sum/float64(len(sets))
}

// search improves w by coordinate steps on the objective.
func search(sets []*set, w rankmodel.Weights) rankmodel.Weights {
	best := objective(sets, &w)
	for round := 0; round < searchSteps; round++ {
		improved := false
		for j := range w {
			if j == rankmodel.Bias {
				continue
			}
			for _, step := range []float64{0.5, -0.5, 0.25, -0.25, 0.08, -0.08, 0.02, -0.02} {
				t := w
				t[j] = roundTo(t[j] + step*max(math.Abs(t[j]), 0.3))
				if t[j] == w[j] {
					continue
				}
				if o := objective(sets, &t); o > best+1e-9 {
					best, w, improved = o, t, true
				}
			}
		}
		if !improved {
			break
		}
	}
	return w
}

func round(w rankmodel.Weights) rankmodel.Weights {
	for j := range w {
		w[j] = roundTo(w[j])
	}
	return w
}

// roundTo rounds x to weightDigit as the generated file writes it, so
// that the fit scores exactly the weights the engine reads.
func roundTo(x float64) float64 {
	v, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 3, 64), 64)
	if err != nil {
		panic(err)
	}
	return v
}

// write writes the generated Go file.
func write(path string, w *rankmodel.Weights, sets []*set, in, loso []score) {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/genrank from the development splits of the keyphrase benchmarks; DO NOT EDIT.\n\n")
	b.WriteString("package keywords\n\nimport \"github.com/seed717b8fd8/grpcexamples/keywords/internal/rankmodel\"\n\n")
	b.WriteString("// rankWeights are the weights of the ranking model (see rankmodel),\n// fitted on every development set together.\n")
	b.WriteString("var rankWeights = rankmodel.Weights{\n")
	for j, name := range rankmodel.Names {
		fmt.Fprintf(&b, "\t%s, // %s\n", strconv.FormatFloat(w[j], 'f', 3, 64), name)
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "// rankFeatures is the number of features rankWeights was fitted for.\nconst rankFeatures = %d\n\n", rankmodel.N)
	b.WriteString("// fitScores are each development set's targets and its F@5 and F@10\n// (percent) with rankWeights (in-sample) and with the weights fitted on\n// the other sets (leave-one-set-out).\n")
	b.WriteString("var fitScores = []fitScore{\n")
	for i, s := range sets {
		fmt.Fprintf(&b, "\t{%q, %q, %g, %.2f, %.2f, %.2f, %.2f, %.2f},\n", s.file, s.description,
			s.target10, s.floor5, in[i].f5, in[i].f10, loso[i].f5, loso[i].f10)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		log.Fatalf("%s: %v\n%s", path, err, b.Bytes())
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
