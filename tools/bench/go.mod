// Module bench pins the tools used only to measure the library (benchstat),
// so that importers of the library do not inherit them. benchstat's current
// version needs Go 1.26, which is why it is not in the generation module
// (../go.mod, Go 1.25).
module github.com/seed717b8fd8/grpcexamples/tools/bench

go 1.26.0

tool golang.org/x/perf/cmd/benchstat

require (
	github.com/aclements/go-moremath v0.0.0-20210112150236-f10218a38794 // indirect
	golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da // indirect
)
