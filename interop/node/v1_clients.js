// Node clients (@grpc/grpc-js) for every v1 method of our Go server, with the
// .proto files loaded at run time by @grpc/proto-loader: no generated code.
//
// Every call carries a deadline and request metadata; every method is also
// made to fail once with the status the contract promises, and the streaming
// service's echoed metadata is checked in both the header and the trailer.
// The grpc.io quick start's helloworld.Greeter (served with -tutorial-names)
// is called too, as a Node user of that tutorial would.
//
// The services' errors carry AIP-193 details (google.rpc.ErrorInfo, and
// google.rpc.BadRequest on INVALID_ARGUMENT) in the grpc-status-details-bin
// trailer, which grpc-js hands over undecoded: the checks decode it with
// protobufjs (the parser under @grpc/proto-loader) from
// interop/python/rpc_status.proto. A channel whose service config has a
// retry policy calls the streaming service's fail_first_attempts control, so
// grpc-js retries against our server.
//
//   node v1_clients.js HOST:PORT
'use strict';

const path = require('path');
const util = require('util');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

// protobufjs as @grpc/proto-loader resolves it, hoisted or not.
const protobuf = require(require.resolve('protobufjs', {
  paths: [path.dirname(require.resolve('@grpc/proto-loader'))],
}));

const ROOT = path.resolve(__dirname, '..', '..');
const LOAD_OPTIONS = {
  keepCase: true, // field names as in the .proto (max_results, not maxResults)
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  // Our files by their path in the proto root, as protoc -I pb/proto sees
  // them; the tutorials' by theirs in the repository.
  includeDirs: [path.join(ROOT, 'pb', 'proto'), ROOT],
};
const TIMEOUT_MS = 10000;
const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const S = grpc.status;
const CODE_NAME = Object.fromEntries(Object.entries(S).map(([k, v]) => [v, k]));

// ---- checks -------------------------------------------------------------

let passed = 0;
const failed = [];

function record(label, ok, detail) {
  if (ok) {
    passed++;
    console.log(`  ok   ${label}`);
  } else {
    failed.push(label);
    console.log(`  FAIL ${label} ${detail || ''}`);
  }
  return ok;
}

function equal(label, got, want) {
  return record(label, util.isDeepStrictEqual(got, want),
    `got ${util.inspect(got)}, want ${util.inspect(want)}`);
}

function truthy(label, cond, got) {
  return record(label, Boolean(cond), `(got ${util.inspect(got)})`);
}

// expectCode checks that result (from one of the call helpers below) ended
// with want, and with wantDetails when given.
function expectCode(label, result, want, wantDetails) {
  let ok = result.status.code === want;
  if (ok && wantDetails !== undefined) ok = result.status.details === wantDetails;
  return record(label, ok,
    `got ${CODE_NAME[result.status.code]} ${util.inspect(result.status.details)}, ` +
    `want ${CODE_NAME[want]} ${wantDetails === undefined ? '' : util.inspect(wantDetails)}`);
}

// ---- error details ------------------------------------------------------

const RPC = new protobuf.Root().loadSync(path.join(ROOT, 'interop', 'python', 'rpc_status.proto'), { keepCase: true });
const RpcStatus = RPC.lookupType('google.rpc.Status');
const ErrorInfo = RPC.lookupType('google.rpc.ErrorInfo');
const BadRequest = RPC.lookupType('google.rpc.BadRequest');
const TYPE_URL = 'type.googleapis.com/';

// statusDetails decodes the grpc-status-details-bin trailer of a call's
// result: { status, info, bad } (info and bad null when absent), or null
// when the trailer has none.
function statusDetails(result) {
  const raw = result.trailer ? result.trailer.get('grpc-status-details-bin') : [];
  if (raw.length === 0) return null;
  const status = RpcStatus.decode(Buffer.from(raw[0]));
  let info = null;
  let bad = null;
  for (const d of status.details) {
    if (d.type_url === `${TYPE_URL}google.rpc.ErrorInfo`) info = ErrorInfo.decode(d.value);
    if (d.type_url === `${TYPE_URL}google.rpc.BadRequest`) bad = BadRequest.decode(d.value);
  }
  return { status, info, bad };
}

// expectDetails checks that result's details hold an ErrorInfo of reason in
// domain grpcexamples, with the given metadata entries, and a BadRequest
// violation of each of fields (none when empty), each with the same reason
// and a description.
function expectDetails(label, result, reason, { fields = [], metadata: meta = {} } = {}) {
  const d = statusDetails(result);
  if (!truthy(`${label} has grpc-status-details-bin`, d, d)) return;
  equal(`${label} details repeat the code and message`, [d.status.code, d.status.message],
    [result.status.code, result.status.details]);
  equal(`${label} ErrorInfo reason and domain`, d.info && [d.info.reason, d.info.domain], [reason, 'grpcexamples']);
  const got = {};
  for (const k of Object.keys(meta)) got[k] = d.info && d.info.metadata[k];
  equal(`${label} ErrorInfo metadata`, got, meta);
  equal(`${label} BadRequest field violations`,
    d.bad ? d.bad.field_violations.map((v) => [v.field, v.reason, v.description !== '']) : [],
    fields.map((f) => [f, reason, true]));
}

// ---- call helpers: each resolves when the call's status arrives --------

function options(ms = TIMEOUT_MS) {
  return { deadline: Date.now() + ms };
}

function metadata(pairs) {
  const md = new grpc.Metadata();
  for (const [k, v] of pairs) md.add(k, v);
  return md;
}

const BASE_MD = [['x-interop-peer', 'node']];

// Wires the events every call kind shares into one promise.
function settle(call, result, resolve) {
  call.on('metadata', (md) => { result.header = md; });
  call.on('status', (st) => {
    result.status = st;
    result.trailer = st.metadata;
    resolve(result);
  });
}

function unary(client, method, req, md = BASE_MD, opts = options()) {
  return new Promise((resolve) => {
    const result = { response: null, header: null };
    const call = client[method](req, metadata(md), opts, (err, resp) => {
      result.response = err ? null : resp;
    });
    settle(call, result, resolve);
  });
}

function serverStream(client, method, req, md = BASE_MD, opts = options()) {
  return new Promise((resolve) => {
    const result = { responses: [], header: null };
    const call = client[method](req, metadata(md), opts);
    call.on('data', (m) => result.responses.push(m));
    call.on('error', () => {}); // the status event carries it
    settle(call, result, resolve);
  });
}

function clientStream(client, method, reqs, md = BASE_MD, opts = options()) {
  return new Promise((resolve) => {
    const result = { response: null, header: null };
    const call = client[method](metadata(md), opts, (err, resp) => {
      result.response = err ? null : resp;
    });
    settle(call, result, resolve);
    for (const r of reqs) call.write(r);
    call.end();
  });
}

// bidi sends reqs one at a time, each only after the previous answer came
// back (lockstep); with lockstep false it sends them all at once.
function bidi(client, method, reqs, { md = BASE_MD, opts = options(), lockstep = true } = {}) {
  return new Promise((resolve) => {
    const result = { responses: [], header: null };
    const call = client[method](metadata(md), opts);
    let next = 0;
    const sendNext = () => {
      if (next < reqs.length) call.write(reqs[next++]);
      else call.end();
    };
    call.on('data', (m) => {
      result.responses.push(m);
      if (lockstep) sendNext();
    });
    call.on('error', () => {});
    settle(call, result, resolve);
    if (lockstep) {
      sendNext();
    } else {
      for (const r of reqs) call.write(r);
      call.end();
    }
  });
}

// ---- services -----------------------------------------------------------

function load(file) {
  return grpc.loadPackageDefinition(protoLoader.loadSync(file, LOAD_OPTIONS));
}

async function calculator(target) {
  const pkg = load('grpcexamples/calculator/v1/calculator.proto').grpcexamples.calculator.v1;
  const c = new pkg.Calculator(target, grpc.credentials.createInsecure());
  let r = await unary(c, 'Add', { a: INT32_MAX - 7, b: 7 });
  equal('Add (max-7)+7', r.response && r.response.result, INT32_MAX);
  r = await unary(c, 'Add', { a: INT32_MAX, b: 1 });
  expectCode('Add overflow -> OUT_OF_RANGE', r, S.OUT_OF_RANGE);
  expectDetails('Add overflow', r, 'INT32_OVERFLOW', {
    metadata: { operation: 'add', a: String(INT32_MAX), b: '1', exactResult: String(INT32_MAX + 1) },
  });
  r = await unary(c, 'Subtract', { a: -5, b: 7 });
  equal('Subtract -5-7', r.response && r.response.result, -12);
  expectCode('Subtract underflow -> OUT_OF_RANGE', await unary(c, 'Subtract', { a: INT32_MIN, b: 1 }), S.OUT_OF_RANGE);
  r = await unary(c, 'Multiply', { a: -6, b: 7 });
  equal('Multiply -6*7', r.response && r.response.result, -42);
  expectCode('Multiply overflow -> OUT_OF_RANGE', await unary(c, 'Multiply', { a: 65536, b: 65536 }), S.OUT_OF_RANGE);
  r = await unary(c, 'Divide', { a: -7, b: 2 });
  equal('Divide -7/2', r.response && [r.response.quotient, r.response.remainder], [-3, -1]);
  r = await unary(c, 'Divide', { a: 7, b: 0 });
  expectCode('Divide by zero -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('Divide by zero', r, 'DIVISION_BY_ZERO', { fields: ['b'], metadata: { operation: 'divide', a: '7' } });
  c.close();
}

async function greeter(target) {
  const pkg = load('grpcexamples/greeter/v1/greeter.proto').grpcexamples.greeter.v1;
  const c = new pkg.Greeter(target, grpc.credentials.createInsecure());
  let r = await unary(c, 'SayHello', { name: 'Ada' });
  equal('SayHello', r.response && r.response.message, 'Hello, Ada!');
  r = await unary(c, 'SayHelloAgain', { name: 'Zoë 世界' });
  equal('SayHelloAgain (UTF-8 name)', r.response && r.response.message, 'Hello again, Zoë 世界!');
  r = await unary(c, 'SayHello', { name: '' });
  expectCode('SayHello empty name -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('SayHello empty name', r, 'NAME_EMPTY', { fields: ['name'], metadata: { limitBytes: '256' } });
  r = await unary(c, 'SayHelloAgain', { name: 'x'.repeat(257) });
  expectCode('SayHelloAgain 257-byte name -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('SayHelloAgain 257-byte name', r, 'NAME_TOO_LONG',
    { fields: ['name'], metadata: { lengthBytes: '257', limitBytes: '256' } });
  r = await unary(c, 'SayHello', { name: 'Ada\u0000' });
  expectCode('SayHello name with NUL -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('SayHello name with NUL', r, 'NAME_REFUSED_CHARACTER',
    { fields: ['name'], metadata: { codePoint: 'U+0000', offsetBytes: '3', category: 'Cc' } });
  c.close();
}

async function helloworldTutorial(target) {
  // The grpc.io Node quick start's client, on our server's tutorial name.
  const hello = load('pb/tutorial/helloworld.proto').helloworld;
  const c = new hello.Greeter(target, grpc.credentials.createInsecure());
  const r = await unary(c, 'SayHello', { name: 'world' });
  equal('helloworld.Greeter/SayHello', r.response && r.response.message, 'Hello, world!');
  c.close();
}

const TEXTS = [
  'Graph neural networks learn node representations by passing messages between ' +
    'neighbouring nodes. Message passing neural networks generalise convolutional ' +
    'networks to irregular graph data.',
  'The central bank raised interest rates again to fight inflation, and mortgage ' +
    "rates followed the central bank's decision within a week.",
];

function checkKeywords(label, resp, wantId, max) {
  if (!truthy(`${label} answered`, resp, resp)) return;
  equal(`${label} id echoed`, resp.id, wantId);
  truthy(`${label} returns 1..${max} keywords`, resp.keywords.length > 0 && resp.keywords.length <= max, resp.keywords);
  equal(`${label} keyphrases match keywords`, resp.keyphrases.map((p) => p.text), resp.keywords);
  const scores = resp.keyphrases.map((p) => p.score);
  truthy(`${label} scores in (0,1], best first`,
    scores.every((s, i) => s > 0 && s <= 1 && (i === 0 || scores[i - 1] >= s)), scores);
}

async function keywords(target) {
  const pkg = load('grpcexamples/keywords/v1/keywords.proto').grpcexamples.keywords.v1;
  const c = new pkg.KeywordService(target, grpc.credentials.createInsecure());
  let r = await unary(c, 'GetKeywords', { text: TEXTS[0], max_results: 4, language: 'en', id: 'n1' });
  checkKeywords('GetKeywords', r.response, 'n1', 4);
  r = await unary(c, 'GetKeywords', { text: 'b'.repeat((1 << 20) + 1) });
  expectCode('GetKeywords text over 1 MiB -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('GetKeywords text over 1 MiB', r, 'TEXT_TOO_LONG',
    { fields: ['text'], metadata: { lengthBytes: String((1 << 20) + 1), limitBytes: String(1 << 20) } });
  r = await unary(c, 'GetKeywords', { text: TEXTS[1], max_results: 101 });
  expectCode('GetKeywords max_results 101 -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('GetKeywords max_results 101', r, 'MAX_RESULTS_OUT_OF_RANGE',
    { fields: ['max_results'], metadata: { value: '101', min: '0', max: '100' } });

  const reqs = TEXTS.map((text, i) => ({ text, max_results: 5, id: `s${i}` }));
  const s = await bidi(c, 'StreamKeywords', reqs);
  equal('StreamKeywords status', s.status.code, S.OK);
  equal('StreamKeywords one response per request, in order', s.responses.map((m) => m.id), ['s0', 's1']);
  s.responses.forEach((m) => checkKeywords(`StreamKeywords[${m.id}]`, m, m.id, 5));
  const bad = await bidi(c, 'StreamKeywords', [{ text: TEXTS[0], id: 'ok' }, { text: 'x', max_results: 101, id: 'bad' }]);
  expectCode('StreamKeywords max_results 101 -> INVALID_ARGUMENT', bad, S.INVALID_ARGUMENT);
  expectDetails('StreamKeywords max_results 101', bad, 'MAX_RESULTS_OUT_OF_RANGE',
    { fields: ['max_results'], metadata: { value: '101', requestNumber: '2' } });
  c.close();
}

const ECHO_KEYS = ['x-interop-a', 'x-interop-b-bin'];
const BIN_VALUE = Buffer.from([0x00, 0x01, 0xfe, 0xff]);
const ECHO_MD = [
  ['x-interop-peer', 'node'],
  ['x-interop-a', 'alpha'],
  ['x-interop-b-bin', BIN_VALUE],
  ['x-interop-not-echoed', 'nope'],
];

function checkEcho(label, md) {
  if (!truthy(`${label} present`, md, md)) return;
  equal(`${label} echoes x-interop-a`, md.get('x-interop-a'), ['alpha']);
  const bin = md.get('x-interop-b-bin');
  truthy(`${label} echoes x-interop-b-bin`, bin.length === 1 && Buffer.from(bin[0]).equals(BIN_VALUE), bin);
  equal(`${label} echoes only the asked keys`,
    [md.get('x-interop-not-echoed'), md.get('x-interop-peer')], [[], []]);
}

async function streaming(target) {
  const pkg = load('grpcexamples/streaming/v1/streaming.proto').grpcexamples.streaming.v1;
  const c = new pkg.StreamingService(target, grpc.credentials.createInsecure());

  // Unary.
  let r = await unary(c, 'Unary', { message: 'ping', controls: { payload_size: 100, echo_metadata: ECHO_KEYS } }, ECHO_MD);
  equal('Unary message, received, payload size',
    r.response && [r.response.message, r.response.received, r.response.payload.length], ['ping', true, 100]);
  checkEcho('Unary header', r.header);
  checkEcho('Unary trailer', r.trailer);
  r = await unary(c, 'Unary', { controls: { status_code: S.UNAVAILABLE, status_message: 'try later' } });
  expectCode('Unary status_code UNAVAILABLE with message', r, S.UNAVAILABLE, 'try later');
  equal('Unary status_code UNAVAILABLE has no details', statusDetails(r), null);
  r = await unary(c, 'Unary', { controls: { message_count: -1 } });
  expectCode('Unary message_count -1 -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('Unary message_count -1', r, 'CONTROL_OUT_OF_RANGE',
    { fields: ['controls.message_count'], metadata: { value: '-1', min: '0', max: '10000' } });

  // Server streaming.
  r = await serverStream(c, 'ServerStream',
    { message: 'tick', controls: { message_count: 4, payload_size: 3, echo_metadata: ECHO_KEYS } }, ECHO_MD);
  equal('ServerStream 4 responses in sequence',
    r.responses.map((m) => [m.message, m.sequence, m.payload.length]),
    [1, 2, 3, 4].map((i) => ['tick', i, 3]));
  equal('ServerStream status', r.status.code, S.OK);
  checkEcho('ServerStream header', r.header);
  checkEcho('ServerStream trailer', r.trailer);
  r = await serverStream(c, 'ServerStream',
    { controls: { message_count: 5, status_code: S.DATA_LOSS, status_message: 'cut', status_after: 3 } });
  expectCode('ServerStream DATA_LOSS after 3 responses', r, S.DATA_LOSS, 'cut');
  equal('ServerStream sent 3 responses before the status', r.responses.map((m) => m.sequence), [1, 2, 3]);
  const deadlineStart = Date.now();
  r = await serverStream(c, 'ServerStream', { controls: { message_count: 3, interval_ms: 1000 } }, BASE_MD, options(400));
  // The server enforces the same deadline (from grpc-timeout) and may reset
  // the stream first; grpc-js reports that reset as CANCELLED even when the
  // call's own deadline has passed. Either way the call must end at its
  // deadline, not after the stream's 3 s.
  const deadlineElapsed = Date.now() - deadlineStart;
  if (r.status.code === S.CANCELLED) {
    record('ServerStream past its deadline -> DEADLINE_EXCEEDED (or the server\'s reset at the deadline)',
      deadlineElapsed >= 390 && deadlineElapsed < 2000, `CANCELLED after ${deadlineElapsed} ms, want at the 400 ms deadline`);
  } else {
    expectCode('ServerStream past its deadline -> DEADLINE_EXCEEDED', r, S.DEADLINE_EXCEEDED);
  }
  r = await serverStream(c, 'ServerStream', { controls: { interval_ms: 10001 } });
  expectCode('ServerStream interval_ms 10001 -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('ServerStream interval_ms 10001', r, 'CONTROL_OUT_OF_RANGE',
    { fields: ['controls.interval_ms'], metadata: { value: '10001', max: '10000' } });

  // Client streaming.
  r = await clientStream(c, 'ClientStream', [
    { message: 'one', payload: Buffer.alloc(7), controls: { echo_metadata: ECHO_KEYS } },
    { message: 'two' },
  ], ECHO_MD);
  equal('ClientStream summary', r.response && [r.response.message, r.response.message_count, r.response.byte_count],
    ['one two', 2, 3 + 7 + 3]);
  checkEcho('ClientStream header', r.header);
  checkEcho('ClientStream trailer', r.trailer);
  r = await clientStream(c, 'ClientStream', [
    { message: 'a', controls: { status_code: S.FAILED_PRECONDITION, status_message: 'not now', status_after: 1 } },
    { message: 'b' }, { message: 'c' },
  ]);
  expectCode('ClientStream FAILED_PRECONDITION after 1 request', r, S.FAILED_PRECONDITION, 'not now');
  r = await clientStream(c, 'ClientStream', [{ controls: { payload_size: 2 << 20 } }]);
  expectCode('ClientStream payload_size 2 MiB -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('ClientStream payload_size 2 MiB', r, 'CONTROL_OUT_OF_RANGE',
    { fields: ['controls.payload_size'], metadata: { value: String(2 << 20), max: String(1 << 20) } });

  // Bidirectional, in lockstep: each request goes out after the previous answer.
  const words = ['uno', 'dos', 'tres'];
  r = await bidi(c, 'BidiStream',
    words.map((w, i) => (i === 0 ? { message: w, controls: { echo_metadata: ECHO_KEYS } } : { message: w })),
    { md: ECHO_MD });
  equal('BidiStream echoes each request in turn', r.responses.map((m) => [m.message, m.sequence]),
    words.map((w, i) => [w, i + 1]));
  equal('BidiStream status', r.status.code, S.OK);
  checkEcho('BidiStream header', r.header);
  checkEcho('BidiStream trailer', r.trailer);
  r = await bidi(c, 'BidiStream', [
    { message: 'a', controls: { status_code: S.CANCELLED, status_message: 'bye', status_after: 2 } },
    { message: 'b' }, { message: 'c' },
  ]);
  expectCode('BidiStream CANCELLED after 2 responses', r, S.CANCELLED, 'bye');
  equal('BidiStream answered twice before the status', r.responses.map((m) => m.message), ['a', 'b']);
  r = await bidi(c, 'BidiStream', [{ controls: { status_code: -1 } }], { lockstep: false });
  expectCode('BidiStream status_code -1 -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('BidiStream status_code -1', r, 'CONTROL_OUT_OF_RANGE',
    { fields: ['controls.status_code'], metadata: { value: '-1', min: '0', max: '16' } });
  r = await bidi(c, 'BidiStream', [{ controls: { fail_first_attempts: 1 } }], { lockstep: false });
  expectCode('BidiStream fail_first_attempts without status_code -> INVALID_ARGUMENT', r, S.INVALID_ARGUMENT);
  expectDetails('BidiStream fail_first_attempts without status_code', r, 'CONTROLS_CONFLICT',
    { fields: ['controls.fail_first_attempts', 'controls.status_code'], metadata: { failFirstAttempts: '1' } });
  c.close();
}

// A retry policy for the streaming service, as a gRPC service config:
// grpc-js numbers each retry in the grpc-previous-rpc-attempts header, which
// our server's fail_first_attempts control reads.
const RETRY_CONFIG = JSON.stringify({
  methodConfig: [{
    name: [{ service: 'grpcexamples.streaming.v1.StreamingService' }],
    retryPolicy: {
      maxAttempts: 4,
      initialBackoff: '0.01s',
      maxBackoff: '0.1s',
      backoffMultiplier: 2,
      retryableStatusCodes: ['UNAVAILABLE'],
    },
  }],
});

async function retries(target) {
  const pkg = load('grpcexamples/streaming/v1/streaming.proto').grpcexamples.streaming.v1;
  const failTwice = { fail_first_attempts: 2, status_code: S.UNAVAILABLE, status_message: 'try again' };
  const plain = new pkg.StreamingService(target, grpc.credentials.createInsecure());
  expectCode('Unary failing its first 2 attempts, without a retry policy -> UNAVAILABLE',
    await unary(plain, 'Unary', { message: 'r', controls: failTwice }), S.UNAVAILABLE, 'try again');
  plain.close();

  const c = new pkg.StreamingService(target, grpc.credentials.createInsecure(),
    { 'grpc.service_config': RETRY_CONFIG, 'grpc.enable_retries': 1 });
  let r = await unary(c, 'Unary', { message: 'third attempt', controls: failTwice });
  equal('Unary failing its first 2 attempts, retried by the policy',
    [r.status.code, r.response && r.response.message], [S.OK, 'third attempt']);
  r = await serverStream(c, 'ServerStream',
    { message: 's', controls: { message_count: 2, fail_first_attempts: 3, status_code: S.UNAVAILABLE } });
  equal('ServerStream failing its first 3 attempts, retried by the policy',
    [r.status.code, r.responses.map((m) => m.sequence)], [S.OK, [1, 2]]);
  expectCode('Unary failing with a code the policy does not retry -> INTERNAL',
    await unary(c, 'Unary', { controls: { fail_first_attempts: 1, status_code: S.INTERNAL, status_message: 'not retried' } }),
    S.INTERNAL, 'not retried');
  c.close();
}

async function main() {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node v1_clients.js HOST:PORT');
    process.exit(2);
  }
  const groups = { calculator, greeter, helloworldTutorial, keywords, streaming, retries };
  for (const [name, fn] of Object.entries(groups)) {
    console.log(`${name}:`);
    try {
      await fn(target);
    } catch (err) {
      record(`${name} threw`, false, err && err.stack);
    }
  }
  console.log(`node v1 clients: ${passed} passed, ${failed.length} failed`);
  for (const f of failed) console.log(`  failed: ${f}`);
  process.exit(failed.length ? 1 : 0);
}

main();
