/**
 * The client of the overload test of the end-to-end accept benchmark
 * (bench/e2e/_overload.ts), a separate Node process. Written by hand because wrk
 * and autocannon count responses and errors for the whole run: they cannot tell,
 * per connection, a refusal (established, then ended before any byte) from a
 * timeout or a failure, time each refused client from its connect call to the
 * moment it learns it, or make a refused client back off before retrying.
 * (Plain throughput is measured with wrk: bench/e2e/_wrk.ts.)
 *
 * It keeps `--concurrency` connections in flight for
 * `--seconds`: each client connects to 127.0.0.1:`--port`, sends
 * `GET / HTTP/1.1` with `Connection: close`, reads until the server closes, and
 * starts its next connection at once, or, when it was refused, after a pause
 * drawn uniformly from [0.5, 1.5] × `--retry-ms` (a client backing off with
 * jitter, so that refused clients do not come back in lockstep; 0, the default,
 * retries at once). With `--retry-ms` the clients' first connects are also spread
 * evenly over the first `--retry-ms`, not all at once. After the window no new
 * connection starts; those in flight get `--drain-ms` to finish and are then
 * counted as still pending.
 *
 * Each connection ends as one of:
 * - served: the response (`HTTP/1.1 200`) arrived before the end of the stream;
 * - refused: the connection was established and then ended (end of stream or
 *   reset) before any byte arrived, or was reset before its handshake completed
 *   (ECONNRESET, or ECONNREFUSED when the reset beat it): acceptq's refusal, a
 *   reset or an orderly close depending on the server (`refusedByReset` counts
 *   the resets);
 * - timed out: no outcome within `--timeout-ms` of its connect call (for example a
 *   SYN dropped by a full kernel queue, retransmitted after 1 s, 3 s, ...; the
 *   bound runs from the connect call, whatever happens meanwhile);
 * - failed: any other error (counted by code, for example ECONNREFUSED).
 *
 * Times are from the connect call (`net.connect`) to the moment the client learns
 * the outcome: the first byte of the response, or the end of the stream (`end`)
 * or the reset (`error`) of a refusal, in ms; refusals are also timed from the
 * completed handshake (`connect` event).
 * Prints one JSON line: counts, the rate of connections served within the
 * window, percentiles (p50, p90, p99, max) and the generator's own CPU time.
 *
 * Run: `node bench/e2e/_load.mjs --port P --concurrency 32 --seconds 3`
 *
 * @module
 */

import net from "node:net";
import process from "node:process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    concurrency: { type: "string", default: "32" },
    seconds: { type: "string", default: "3" },
    "timeout-ms": { type: "string", default: "2000" },
    "drain-ms": { type: "string", default: "3000" },
    "retry-ms": { type: "string", default: "0" },
  },
});

const port = Number(values.port);
const concurrency = Number(values.concurrency);
const windowMs = Number(values.seconds) * 1000;
const timeoutMs = Number(values["timeout-ms"]);
const drainMs = Number(values["drain-ms"]);
const retryMs = Number(values["retry-ms"]);
const REQUEST = Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
const OK = Buffer.from("HTTP/1.1 200");

const served = [];
const refused = [];
const refusedAfterHandshake = [];
const failed = {};
let timedOut = 0;
/** Refusals the client saw as a reset (ECONNRESET, ECONNREFUSED) rather than an end of stream. */
let refusedByReset = 0;
let offered = 0;
let servedInWindow = 0;
let inFlight = 0;
let backingOff = 0;
const start = performance.now();
const deadline = start + windowMs;
const cpuBefore = process.cpuUsage();
let finish;
const finished = new Promise((resolve) => finish = resolve);

function one() {
  offered++;
  inFlight++;
  const t0 = performance.now();
  let connectedAt = 0;
  let first;
  let bytes = 0;
  let error;
  let expired = false;
  let learnedAt = 0;
  const socket = net.connect({ host: "127.0.0.1", port });
  socket.setNoDelay(true);
  const timer = setTimeout(() => {
    expired = true;
    socket.destroy();
  }, timeoutMs);
  socket.on("connect", () => {
    connectedAt = performance.now();
    socket.write(REQUEST);
  });
  socket.on("data", (chunk) => {
    learnedAt ||= performance.now();
    first ??= chunk;
    bytes += chunk.length;
  });
  socket.on("end", () => learnedAt ||= performance.now());
  socket.on("error", (e) => {
    learnedAt ||= performance.now();
    error = e;
  });
  socket.on("close", () => {
    const closedAt = performance.now();
    const now = learnedAt || closedAt;
    clearTimeout(timer);
    inFlight--;
    if (bytes > 0 && first.subarray(0, OK.length).equals(OK)) {
      served.push(now - t0);
      if (closedAt <= deadline) servedInWindow++;
    } else if (expired) {
      timedOut++;
    } else if (
      bytes === 0 &&
      (connectedAt > 0
        ? !error || error.code === "ECONNRESET"
        : error?.code === "ECONNRESET" || error?.code === "ECONNREFUSED")
    ) {
      refused.push(now - t0);
      if (error) refusedByReset++;
      if (connectedAt > 0) refusedAfterHandshake.push(now - connectedAt);
      if (retryMs > 0) {
        backingOff++;
        setTimeout(() => {
          backingOff--;
          next();
        }, retryMs * (0.5 + Math.random()));
        return;
      }
    } else {
      const code = error?.code ?? (bytes > 0 ? "bad response" : "closed before connect");
      failed[code] = (failed[code] ?? 0) + 1;
    }
    next();
  });
}

/** Starts another connection while the window lasts; ends the run when nothing is left. */
function next() {
  if (performance.now() < deadline) one();
  else if (inFlight === 0 && backingOff === 0) finish();
}

/** p50, p90, p99, max and mean of `xs` (ms, 3 decimals) and the share within 1 ms; null when empty. */
function summary(xs) {
  if (xs.length === 0) return null;
  const sorted = Float64Array.from(xs).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (x) => Math.round(x * 1000) / 1000;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(mean),
    within1ms: round(sorted.filter((x) => x <= 1).length / sorted.length),
  };
}

for (let i = 0; i < concurrency; i++) {
  if (retryMs > 0) setTimeout(one, (i * retryMs) / concurrency);
  else one();
}
const drainTimer = setTimeout(finish, windowMs + drainMs);
await finished;
clearTimeout(drainTimer);
const cpu = process.cpuUsage(cpuBefore);
const elapsedMs = performance.now() - start;
console.log(JSON.stringify({
  port,
  concurrency,
  windowMs,
  timeoutMs,
  retryMs,
  elapsedMs: Math.round(elapsedMs),
  offered,
  served: served.length,
  refused: refused.length,
  refusedByReset,
  timedOut,
  failed,
  pendingAtEnd: inFlight,
  servedInWindow,
  servedPerSecond: Math.round(servedInWindow / (windowMs / 1000)),
  latencyMs: {
    served: summary(served),
    refused: summary(refused),
    refusedAfterHandshake: summary(refusedAfterHandshake),
  },
  generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
}));
process.exit(0);
