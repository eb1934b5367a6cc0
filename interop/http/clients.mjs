// Node clients of examples/server's HTTP port: @connectrpc/connect-node's
// Connect (JSON and binary) and gRPC-Web transports, over HTTP/1.1 and
// HTTP/2, with the services' schemas read at run time from a
// FileDescriptorSet (grpcurl -protoset-out, from server reflection), so no
// code is generated.
//
//   node clients.mjs BASE_URL PROTOSET
//
// Calls a unary method, a server stream and a failing call in every mode,
// and prints "N passed, N failed".
import { readFileSync } from "node:fs";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";

const [baseUrl, protoset] = process.argv.slice(2);
const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(protoset)));
const service = (name) => {
  const s = registry.getService(name);
  if (!s) throw new Error(`${name} is not in ${protoset}`);
  return s;
};
const Calculator = service("grpcexamples.calculator.v1.Calculator");
const Greeter = service("grpcexamples.greeter.v1.Greeter");
const Streaming = service("grpcexamples.streaming.v1.StreamingService");

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
  } catch (err) {
    failed++;
    console.error(`FAIL ${name}: ${err?.stack ?? err}`);
  }
}
function equal(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}

const modes = [];
for (const httpVersion of ["1.1", "2"]) {
  modes.push([`Connect JSON, HTTP/${httpVersion}`, createConnectTransport({ baseUrl, httpVersion, useBinaryFormat: false })]);
  modes.push([`Connect binary, HTTP/${httpVersion}`, createConnectTransport({ baseUrl, httpVersion, useBinaryFormat: true })]);
  modes.push([`gRPC-Web, HTTP/${httpVersion}`, createGrpcWebTransport({ baseUrl, httpVersion, useBinaryFormat: true })]);
}

for (const [mode, transport] of modes) {
  const calc = createClient(Calculator, transport);
  const greet = createClient(Greeter, transport);
  const streaming = createClient(Streaming, transport);
  await check(`${mode}: unary Add`, async () => {
    const res = await calc.add({ a: 2, b: 3 }, { timeoutMs: 10000 });
    equal(res.result, 5, "Add(2, 3)");
  });
  await check(`${mode}: unary Divide`, async () => {
    const res = await calc.divide({ a: 17, b: 5 });
    equal([res.quotient, res.remainder], [3, 2], "Divide(17, 5)");
  });
  await check(`${mode}: SayHello`, async () => {
    equal((await greet.sayHello({ name: "node" })).message, "Hello, node!", "SayHello");
  });
  await check(`${mode}: server stream, messages as they arrive`, async () => {
    const seqs = [];
    const at = [];
    const start = Date.now();
    for await (const m of streaming.serverStream({ message: "n", controls: { messageCount: 3, intervalMs: 100 } }, { timeoutMs: 20000 })) {
      seqs.push(m.sequence);
      at.push(Date.now() - start);
    }
    equal(seqs, [1, 2, 3], "sequences");
    if (at[2] - at[0] < 150) throw new Error(`messages arrived at ${at} ms: not one interval apart`);
  });
  await check(`${mode}: error code and message`, async () => {
    try {
      await calc.divide({ a: 1, b: 0 });
    } catch (err) {
      const e = ConnectError.from(err);
      equal(e.code, Code.InvalidArgument, "code");
      if (!e.rawMessage.includes("division by zero")) throw new Error(`message ${e.rawMessage}`);
      if (e.details.length < 2) throw new Error(`details: ${e.details.length}, want ErrorInfo and BadRequest`);
      return;
    }
    throw new Error("Divide(1, 0) succeeded");
  });
  await check(`${mode}: a cancelled server stream`, async () => {
    const ac = new AbortController();
    let n = 0;
    try {
      for await (const _ of streaming.serverStream({ message: "c", controls: { messageCount: 100, intervalMs: 50 } }, { signal: ac.signal })) {
        if (++n === 2) ac.abort();
      }
    } catch (err) {
      equal(ConnectError.from(err).code, Code.Canceled, "code after abort");
      return;
    }
    throw new Error("the stream ended without the abort");
  });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
