// The page's behaviour: each form calls one service through connect.js
// and shows the result, or the error's code, message, reason and field.
import { unary, serverStream, clientStream } from "./connect.js";

const $ = (id) => document.getElementById(id);

// describe turns a ConnectError into one line a person can act on:
// the code, the message, and the reason and fields its details name.
function describe(err) {
  if (!err.code) return String(err);
  const parts = [`${err.code}: ${err.message}`];
  const info = err.detail?.("google.rpc.ErrorInfo");
  if (info?.reason) parts.push(`reason ${info.reason}`);
  const bad = err.detail?.("google.rpc.BadRequest");
  for (const v of bad?.fieldViolations ?? []) parts.push(`field ${v.field}`);
  return parts.join(" · ");
}

// run clears a section's output and error, then shows fn's error if any.
async function run(errEl, fn, ...clear) {
  errEl.textContent = "";
  for (const el of clear) el.textContent = "";
  try {
    await fn();
  } catch (err) {
    errEl.textContent = describe(err);
  }
}

// Keyphrases.
const kwText = $("kw-text");
$("kw-file").addEventListener("change", async (e) => {
  const f = e.target.files[0];
  if (f) kwText.value = await f.text();
});
kwText.addEventListener("dragover", (e) => e.preventDefault());
kwText.addEventListener("drop", async (e) => {
  const f = e.dataTransfer.files[0];
  if (!f) return;
  e.preventDefault();
  kwText.value = await f.text();
});
$("kw-form").addEventListener("submit", (e) => {
  e.preventDefault();
  run($("kw-err"), async () => {
    const start = performance.now();
    const resp = await unary("/grpcexamples.keywords.v1.KeywordService/GetKeywords", {
      text: kwText.value,
      maxResults: Number($("kw-max").value),
      language: $("kw-lang").value,
    });
    const took = performance.now() - start;
    const out = $("kw-out");
    for (const k of resp.keyphrases ?? []) {
      const li = document.createElement("li");
      li.textContent = k.text;
      const score = document.createElement("span");
      score.className = "score";
      score.textContent = k.score.toFixed(3);
      li.append(score);
      out.append(li);
    }
    $("kw-meta").textContent =
      `${resp.keyphrases?.length ?? 0} keyphrases · language ${resp.language || "?"} · ${took.toFixed(0)} ms`;
  }, $("kw-out"), $("kw-meta"));
});

// Calculator.
$("calc-form").addEventListener("submit", (e) => {
  e.preventDefault();
  run($("calc-err"), async () => {
    const op = $("calc-op").value;
    const resp = await unary(`/grpcexamples.calculator.v1.Calculator/${op}`, {
      a: Number($("calc-a").value),
      b: Number($("calc-b").value),
    });
    $("calc-out").textContent = op === "Divide"
      ? `${resp.quotient} remainder ${resp.remainder}`
      : String(resp.result);
  }, $("calc-out"));
});

// Greeter.
$("greet-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const method = e.submitter?.value ?? "SayHello";
  run($("greet-err"), async () => {
    const resp = await unary(`/grpcexamples.greeter.v1.Greeter/${method}`, { name: $("greet-name").value });
    $("greet-out").textContent = resp.message;
  }, $("greet-out"));
});

// Server stream: each message is shown as it arrives, with the time since
// the call began; Cancel aborts the fetch, which cancels the call.
let streaming = null;
$("stream-cancel").addEventListener("click", () => streaming?.abort());
$("stream-form").addEventListener("submit", (e) => {
  e.preventDefault();
  if (streaming) return;
  streaming = new AbortController();
  const cancel = $("stream-cancel");
  const state = $("stream-state");
  cancel.disabled = false;
  run($("stream-err"), async () => {
    const start = performance.now();
    const out = $("stream-out");
    state.textContent = "streaming…";
    try {
      const stream = serverStream("/grpcexamples.streaming.v1.StreamingService/ServerStream", {
        message: $("stream-msg").value,
        controls: { messageCount: Number($("stream-count").value), intervalMs: Number($("stream-interval").value) },
      }, { signal: streaming.signal });
      for await (const msg of stream) {
        const li = document.createElement("li");
        li.textContent = `${msg.message} #${msg.sequence}`;
        const t = document.createElement("time");
        t.textContent = `+${(performance.now() - start).toFixed(0)} ms`;
        li.append(t);
        out.append(li);
      }
      state.textContent = `done: ${out.children.length} messages`;
    } catch (err) {
      if (err.name === "AbortError") {
        state.textContent = `cancelled after ${out.children.length} messages`;
        return;
      }
      state.textContent = "failed";
      throw err;
    } finally {
      streaming = null;
      cancel.disabled = true;
    }
  }, $("stream-out"), state);
});

// Client stream.
$("client-form").addEventListener("submit", (e) => {
  e.preventDefault();
  run($("client-err"), async () => {
    const lines = $("client-msgs").value.split("\n").filter((l) => l !== "");
    const resp = await clientStream("/grpcexamples.streaming.v1.StreamingService/ClientStream",
      lines.map((message) => ({ message })));
    $("client-out").textContent = `${resp.messageCount} messages: “${resp.message}” (${resp.byteCount} bytes)`;
  }, $("client-out"));
});
