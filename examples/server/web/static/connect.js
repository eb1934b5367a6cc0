// A minimal client of the Connect protocol's JSON form
// (https://connectrpc.com/docs/protocol): unary calls, server streams and
// client streams sent as one request body. Messages are plain objects in
// the proto3 JSON mapping; errors are ConnectError values carrying the
// code, the message and the details the server sent.

// ConnectError is a failed call: code is the Connect code name
// ("invalid_argument", ...), details the google.rpc detail messages as
// {type, value, debug}, where debug is the detail decoded as JSON when
// the server provides it.
export class ConnectError extends Error {
  constructor(code, message, details = []) {
    super(message);
    this.name = "ConnectError";
    this.code = code;
    this.details = details;
  }
  // detail returns the debug form of the first detail of the given type
  // ("google.rpc.ErrorInfo", "google.rpc.BadRequest"), or undefined.
  detail(type) {
    return this.details.find((d) => d.type === type)?.debug;
  }
}

const FLAG_END = 0x02;
const FLAG_COMPRESSED = 0x01;

function headers(contentType, timeoutMs) {
  const h = { "Content-Type": contentType, "Connect-Protocol-Version": "1" };
  if (timeoutMs) h["Connect-Timeout-Ms"] = String(timeoutMs);
  return h;
}

function toError(json, status) {
  if (json && typeof json.code === "string") {
    return new ConnectError(json.code, json.message ?? "", json.details ?? []);
  }
  return new ConnectError("unknown", `HTTP ${status}`);
}

// unary calls path ("/package.Service/Method") with req and returns the
// response message, or throws a ConnectError.
export async function unary(path, req, { signal, timeoutMs } = {}) {
  const resp = await fetch(path, {
    method: "POST",
    headers: headers("application/json", timeoutMs),
    body: JSON.stringify(req),
    signal,
  });
  const json = await resp.json().catch(() => null);
  if (!resp.ok) throw toError(json, resp.status);
  return json;
}

function envelope(msg) {
  const data = new TextEncoder().encode(JSON.stringify(msg));
  const out = new Uint8Array(5 + data.length);
  new DataView(out.buffer).setUint32(1, data.length);
  out.set(data, 5);
  return out;
}

// frames yields [flags, bytes] for each envelope of a response body as its
// bytes arrive.
async function* frames(body) {
  const reader = body.getReader();
  let buf = new Uint8Array(0);
  try {
    for (;;) {
      while (buf.length >= 5) {
        const len = new DataView(buf.buffer, buf.byteOffset).getUint32(1);
        if (buf.length < 5 + len) break;
        yield [buf[0], buf.slice(5, 5 + len)];
        buf = buf.slice(5 + len);
      }
      const { done, value } = await reader.read();
      if (done) break;
      const next = new Uint8Array(buf.length + value.length);
      next.set(buf);
      next.set(value, buf.length);
      buf = next;
    }
  } finally {
    reader.releaseLock();
  }
  if (buf.length > 0) throw new ConnectError("internal", "truncated stream");
}

async function* streamCall(path, body, { signal, timeoutMs }) {
  const resp = await fetch(path, {
    method: "POST",
    headers: headers("application/connect+json", timeoutMs),
    body,
    signal,
  });
  if (!resp.ok) {
    // An error before the stream began is a unary-style JSON error.
    throw toError(await resp.json().catch(() => null), resp.status);
  }
  const decoder = new TextDecoder();
  for await (const [flags, bytes] of frames(resp.body)) {
    if (flags & FLAG_COMPRESSED) throw new ConnectError("internal", "compressed message not asked for");
    const json = JSON.parse(decoder.decode(bytes));
    if (flags & FLAG_END) {
      if (json.error) throw toError(json.error, resp.status);
      return;
    }
    yield json;
  }
  throw new ConnectError("internal", "stream ended without its end message");
}

// serverStream calls a server-streaming method and yields each response
// message as it arrives; aborting signal cancels the call on the server.
export function serverStream(path, req, opts = {}) {
  return streamCall(path, envelope(req), opts);
}

// clientStream sends every message of reqs in one request body and
// returns the single response message.
export async function clientStream(path, reqs, opts = {}) {
  const parts = reqs.map(envelope);
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.length;
  }
  let last;
  for await (const msg of streamCall(path, body, opts)) last = msg;
  if (last === undefined) throw new ConnectError("internal", "client stream ended without a response");
  return last;
}
