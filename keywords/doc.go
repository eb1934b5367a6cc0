// Package keywords extracts ranked keyphrases from text, in Go with
// [Extract] and over gRPC with the KeywordService of
// pb/proto/grpcexamples/keywords/v1/keywords.proto.
//
// # The extractor
//
// [Extract] returns the phrases (one to a few words) that best describe a
// text, best first, each with a score (higher is better) comparable within
// one call; the service scales them so that the best scores 1.
// It needs no network, model download or cgo, and is safe for concurrent
// use. [WithMaxResults] sets how many phrases come back (default
// [DefaultMaxResults]) and [WithLanguage] the text's language (one of
// [Languages]; by default [DetectLanguage] finds it).
//
// Candidates are noun phrases of one to five words (the adjective-noun
// pattern of Hulth 2003, with nested terms, "X of Y" terms and full names;
// for languages other than English, runs of words between stop words, as in
// RAKE), ranked by a small log-linear model (internal/rankmodel) over
// features of each phrase (frequency and idf, after TfIdf, Spärck Jones
// 1972; position, after PositionRank, Florescu & Caragea 2017; spread,
// after YAKE, Campos et al. 2020; length, title, names) and of the whole
// text (its share of multi-word candidates, the statistic of KP-Miner,
// El-Beltagy & Rafea 2009; how dense it is in names, which carry news
// keyphrases, Marujo et al. 2012; its length and title), so that each text
// decides what kind of phrases names its topics. The weights are fitted on
// every development set together by internal/genrank and checked in
// (rank_data.go); kpeval's -explain prints why each phrase ranked.
// Phrases are deduplicated by stemmed form, and a phrase whose stems are
// a run of a better phrase's ("services" after "grpc services") is
// dropped. Its quality on every development set of shared/data/keywords
// (abstracts, papers, news in English, Portuguese and French, web pages),
// under the standard protocol, is measured by the kpeval command
// (keywords/cmd/kpeval); the README's table gives each set's scores with
// the fitted weights and with weights fitted on the other sets alone, as
// genrank records them in rank_data.go.
//
// # Real text
//
// Text comes as people have it, so Extract reads it as a person would
// ([WithFormat] overrides the detection; see [Format]). The format is
// detected from the text: Markdown, a manual page as man(1) prints it, a
// Debian or GNU changelog, a Debian machine-readable copyright file, or
// plain text. Where the format names the document's subject (a manual
// page's title, the package of a Debian changelog, a copyright file's
// Upstream-Name, the heading that opens a Markdown document), that phrase
// ranks first, as its structure says, whatever its counts. Only prose counts: Markdown's front matter, fenced and
// indented code, code-like inline code, link targets, images, HTML, tables
// and shortcodes are left out; so are a manual page's syntax, options,
// examples, placeholders in capitals and its sections about authors,
// copyright and bugs (its subject, the command, is its header's title), a
// changelog's headers, maintainer lines and bug references (its package
// name stays), and a copyright file's field names, file patterns and
// licence texts. In every format the furniture of documentation weighs
// nothing: generic section headings ("Introduction", "SEE ALSO", "2.
// Related Work"), rules, release headings, shell prompts and indented
// command lines, file paths, copyright notices, licence boilerplate quoted
// in a document that is not itself a licence, a line a page repeats as
// furniture, and the placeholder a scraped library page prints for a
// missing part ("An abstract is not available."). The lines of a
// paragraph are read across their line breaks, in Markdown and in
// hard-wrapped plain text; a paper's author block between its title and
// abstract is left out; URLs, e-mail addresses and contractions are never
// keyphrases; and a keyphrase keeps the case of names and of mixed-case
// words ("gRPC"). Portuguese, French, Spanish and Italian phrases may hold
// a connector ("Palácio de Belém").
//
// # The service
//
// It grew out of a gRPC tutorial whose Python server used NLTK and whose Go
// client called /KeywordService/GetKeywords with Request{text = 1} and read
// Response{keywords = 1} (pb/tutorial/nltk_service.proto). The v1 service
// keeps those field numbers and adds scores, a language, a result limit and
// an id, plus a bidirectional stream for many texts:
//
//   - GetKeywords: the keyphrases of one text.
//   - StreamKeywords: one response per request, in order, as each arrives.
//
// Mount it on your own server with [Register]:
//
//	s := grpc.NewServer()
//	keywords.Register(s, keywords.NewServer())
//
// [WithTutorialNames] also serves the tutorial's /KeywordService/GetKeywords
// for its existing clients, and a [Client] built with [WithTutorialServer]
// calls a server of the tutorial's contract, such as its Python server.
//
// Call it with a [Client]:
//
//	c := keywords.NewClient(conn)
//	res, err := c.GetKeywords(ctx, keywords.Request{Text: text, MaxResults: 5})
//
// # Testing
//
// In tests, serve it in memory with the bufconntest package, without ports:
//
//	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
//		keywords.Register(s, keywords.NewServer())
//	})
//	c := keywords.NewClient(srv.Conn)
//
// # Status codes
//
// Requests the service cannot answer fail with InvalidArgument and a message
// naming the value and the limit: text over [MaxTextBytes], max_results
// outside 0..[MaxResultsLimit], a language not in [Languages]. Text that is
// not valid UTF-8 fails with InvalidArgument when the [Server] is called in
// Go, and the [Client] refuses it the same way before sending; from other
// clients over the wire, grpc-go's proto codec refuses it before the service
// runs, with Internal. Blank text is not an error: it has no keyphrases. A
// call whose context ends (before its extraction, while it waits for one of
// the Server's [WithMaxConcurrentExtractions] slots, or during the
// extraction) fails with Canceled or DeadlineExceeded, and its extraction
// stops within a fraction of a millisecond. On StreamKeywords an invalid
// request ends the stream with InvalidArgument naming the request's position
// and id. The [Client] returns these status errors unchanged; use
// status.Code(err).
//
// Every InvalidArgument from the service also carries details a program
// can act on without parsing the message (AIP-193's google.rpc error
// model, in the grpc-status-details-bin trailer, which clients in every
// language read): a google.rpc.BadRequest whose field violation names the
// request field, and a google.rpc.ErrorInfo with domain "grpcexamples",
// the same reason and metadata. On StreamKeywords the metadata also holds
// requestNumber, the refused request's position from 1.
//
//	field        reason                    ErrorInfo metadata
//	text         TEXT_TOO_LONG             lengthBytes, limitBytes
//	text         TEXT_INVALID_UTF8         offsetBytes (direct calls of the Server only)
//	max_results  MAX_RESULTS_OUT_OF_RANGE  value, min, max
//	language     LANGUAGE_UNSUPPORTED      supportedLanguages ("da,de,en,...")
//	id           ID_TOO_LONG               lengthBytes, limitBytes
//
// Read them with status.FromError and (*status.Status).Details (errdetails
// is google.golang.org/genproto/googleapis/rpc/errdetails):
//
//	_, err := c.GetKeywords(ctx, keywords.Request{Text: text})
//	st, _ := status.FromError(err)
//	for _, d := range st.Details() {
//		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == "TEXT_TOO_LONG" {
//			limit, _ := strconv.Atoi(info.GetMetadata()["limitBytes"])
//			// split text into parts of at most limit bytes and send each
//		}
//	}
//
// # Cost and limits
//
// Mounted on your server, the service costs at most a known ceiling
// whatever callers send. Time and memory grow linearly with the text for
// every input, not only prose: a text of [MaxTextBytes] built to be costly
// (a megabyte of distinct made-up words, random alphanumerics, mixed
// scripts, one repeated word, Markdown, a manual page, a changelog) takes
// at most about 110 ms of one core's CPU time and allocates at most 31
// bytes per byte of text, 31 MiB (prose: about 70 ms and 20 MiB); see
// BenchmarkExtractShapes, and tools/bench/cost.sh, whose -ci check fails
// past 200 ns and 32 allocated bytes per byte. Prose costs about 320
// instructions per byte of Inspec abstracts and 300 of full SemEval-2010
// papers (callgrind, GOGC=off). A text keeps at most 32,768 distinct word
// stems and 65,536 distinct candidate phrases (a megabyte of scientific
// papers has about 7,000 and 18,000); words past those ceilings are left
// out. A pooled state remembers the stems and classes of at most 32,768
// words, two generations of 16,384 that turn between calls, so that the
// words in use stay and a one-off text's leave. A keyphrase has at most
// [MaxKeyphraseWords] words and [MaxKeyphraseBytes] bytes, a response at
// most [MaxResultsLimit] keyphrases ([MaxResponseBytes] encoded, with an id
// of at most [MaxIDBytes]). [ExtractContext] and the service look at the
// call's context every 4,096 tokens, words or candidates. A [Server] runs
// at most [WithMaxConcurrentExtractions] extractions at once (default
// [DefaultMaxConcurrentExtractions], GOMAXPROCS - 1); the host's
// grpc.MaxConcurrentStreams bounds how many calls wait for a slot, and
// grpc.MaxRecvMsgSize the size of a request.
package keywords
