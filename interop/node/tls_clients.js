// Node clients (@grpc/grpc-js) of our Go server over TLS and mTLS, with
// bearer tokens and gzip. run.sh starts examples/server twice, with
// certificates from interop/lib.sh's make_certs (CERTS: ca.pem,
// client.pem/.key, stranger.pem/.key):
//
//   tls   -tls-cert -tls-key -auth-tokens -authz-policy (examples/server/auth/)
//   mtls  the same certificate, and -tls-client-ca CERTS/ca.pem
//
// and runs this script against each. Every call verifies the server's
// certificate against ca.pem, by the name "localhost" that it holds.
//
//   node tls_clients.js tls|mtls HOST:PORT CERTS_DIR
'use strict';

const fs = require('fs');
const path = require('path');
const util = require('util');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const ROOT = path.resolve(__dirname, '..', '..');
const TIMEOUT_MS = 10000;
const S = grpc.status;
const CODE_NAME = Object.fromEntries(Object.entries(S).map(([k, v]) => [v, k]));
// The example token file's fake tokens (examples/server/auth/tokens.txt):
// the example policy lets bob greet and alice call everything.
const ALICE = 'fake-demo-token-alice-00000000';
const BOB = 'fake-demo-token-bob-11111111';
// The server's certificate is for localhost, 127.0.0.1 and ::1; the name is
// what a client checks.
const NAME_OPTIONS = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };
// grpc-js's compression algorithms: 0 identity, 1 deflate, 2 gzip.
const GZIP = 2;

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
}

function equal(label, got, want) {
  record(label, util.isDeepStrictEqual(got, want), `got ${util.inspect(got)}, want ${util.inspect(want)}`);
}

function expectCode(label, result, want) {
  record(label, result.status.code === want,
    `got ${CODE_NAME[result.status.code]} ${util.inspect(result.status.details)}, want ${CODE_NAME[want]}`);
}

function load(file) {
  return grpc.loadPackageDefinition(protoLoader.loadSync(file, {
    keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true,
    includeDirs: [path.join(ROOT, 'pb', 'proto')],
  }));
}

const calc = load('grpcexamples/calculator/v1/calculator.proto').grpcexamples.calculator.v1;
const greet = load('grpcexamples/greeter/v1/greeter.proto').grpcexamples.greeter.v1;
const stream = load('grpcexamples/streaming/v1/streaming.proto').grpcexamples.streaming.v1;

// credentials: TLS trusting ca.pem, presenting the client certificate
// `client` (a file stem) when given, sending `token` as a bearer token on
// every call when given (grpc-js sends call credentials only over TLS).
function credentials(certs, { client, token } = {}) {
  const read = (name) => fs.readFileSync(path.join(certs, name));
  let creds = client
    ? grpc.credentials.createSsl(read('ca.pem'), read(`${client}.key`), read(`${client}.pem`))
    : grpc.credentials.createSsl(read('ca.pem'));
  if (token) {
    creds = grpc.credentials.combineChannelCredentials(creds,
      grpc.credentials.createFromMetadataGenerator((_params, callback) => {
        const md = new grpc.Metadata();
        md.add('authorization', `Bearer ${token}`);
        callback(null, md);
      }));
  }
  return creds;
}

// unary resolves with the call's response (or null), status and trailer.
function unary(client, method, req) {
  return new Promise((resolve) => {
    const result = { response: null };
    const call = client[method](req, new grpc.Metadata(), { deadline: Date.now() + TIMEOUT_MS }, (err, resp) => {
      result.response = err ? null : resp;
    });
    call.on('status', (st) => {
      result.status = st;
      result.trailer = st.metadata;
      resolve(result);
    });
  });
}

function serverStream(client, method, req) {
  return new Promise((resolve) => {
    const result = { responses: [] };
    const call = client[method](req, new grpc.Metadata(), { deadline: Date.now() + TIMEOUT_MS });
    call.on('data', (m) => result.responses.push(m));
    call.on('error', () => {}); // the status event carries it
    call.on('status', (st) => {
      result.status = st;
      resolve(result);
    });
  });
}

async function tls(target, certs) {
  const asBob = credentials(certs, { token: BOB });
  let c = new greet.Greeter(target, asBob, NAME_OPTIONS);
  let r = await unary(c, 'SayHello', { name: 'Ada' });
  equal('SayHello over TLS as bob', r.response && r.response.message, 'Hello, Ada!');
  const ids = r.trailer ? r.trailer.get('x-request-id') : [];
  record("the trailer carries the server's x-request-id", ids.length === 1 && ids[0] !== '', util.inspect(ids));
  c.close();
  c = new calc.Calculator(target, asBob, NAME_OPTIONS);
  r = await unary(c, 'Add', { a: 1, b: 2 });
  expectCode('Add as bob -> PERMISSION_DENIED (the example policy)', r, S.PERMISSION_DENIED);
  c.close();

  const asAlice = credentials(certs, { token: ALICE });
  c = new calc.Calculator(target, asAlice, NAME_OPTIONS);
  r = await unary(c, 'Add', { a: 1, b: 2 });
  equal('Add over TLS as alice', r.response && r.response.result, 3);
  c.close();
  // gzip for every call of the channel: requests go compressed, and the
  // server answers in kind.
  c = new stream.StreamingService(target, asAlice, { ...NAME_OPTIONS, 'grpc.default_compression_algorithm': GZIP });
  const msg = 'compressible '.repeat(10000);
  r = await unary(c, 'Unary', { message: msg });
  equal('Unary with a 130 kB gzip-compressed request', r.response && r.response.message === msg, true);
  r = await serverStream(c, 'ServerStream', { message: 's', controls: { message_count: 3 } });
  equal('ServerStream on a gzip channel', r.responses.map((m) => m.sequence), [1, 2, 3]);
  c.close();

  c = new calc.Calculator(target, credentials(certs), NAME_OPTIONS);
  r = await unary(c, 'Add', { a: 1, b: 2 });
  expectCode('Add without a token -> UNAUTHENTICATED', r, S.UNAUTHENTICATED);
  c.close();
  c = new calc.Calculator(target, grpc.credentials.createInsecure());
  r = await unary(c, 'Add', { a: 1, b: 2 });
  expectCode('Add in plaintext to a TLS server -> UNAVAILABLE', r, S.UNAVAILABLE);
  c.close();
}

async function mtls(target, certs) {
  let c = new greet.Greeter(target, credentials(certs, { client: 'client' }), NAME_OPTIONS);
  const r = await unary(c, 'SayHello', { name: 'mTLS' });
  equal('SayHello with a client certificate', r.response && r.response.message, 'Hello, mTLS!');
  c.close();
  for (const [label, client] of [['no client certificate', undefined], ['a certificate from another CA', 'stranger']]) {
    c = new greet.Greeter(target, credentials(certs, { client }), NAME_OPTIONS);
    expectCode(`SayHello with ${label} -> UNAVAILABLE`, await unary(c, 'SayHello', { name: 'x' }), S.UNAVAILABLE);
    c.close();
  }
}

async function main() {
  const [mode, target, certs] = process.argv.slice(2);
  console.log(`${mode}:`);
  try {
    await { tls, mtls }[mode](target, certs);
  } catch (err) {
    record(`${mode} raised ${err}`, false, err.stack);
  }
  console.log(`node ${mode} clients: ${passed} passed, ${failed.length} failed`);
  for (const label of failed) console.log(`  failed: ${label}`);
  process.exitCode = failed.length ? 1 : 0;
}

main();
