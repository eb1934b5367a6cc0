// Module gendf makes the generated data tables of package keywords. It is a
// module of its own so that the library's go.mod does not list the tagger
// it uses (github.com/jdkato/prose/v3).
module github.com/seed717b8fd8/grpcexamples/keywords/internal/gendf

go 1.26.0

require (
	github.com/jdkato/prose/v3 v3.2.3
	github.com/seed717b8fd8/grpcexamples v0.0.0
)

require (
	github.com/blevesearch/snowballstem v0.9.0 // indirect
	github.com/clipperhouse/uax29/v2 v2.7.0 // indirect
	gopkg.in/neurosnap/sentences.v1 v1.0.6 // indirect
)

replace github.com/seed717b8fd8/grpcexamples => ../../..
