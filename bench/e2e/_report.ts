/**
 * The markdown report of the end-to-end accept benchmark
 * (bench/results/accept_e2e.md): the throughput table and ratios, and the
 * overload table, ready to quote in the README, with the command and the machine.
 *
 * @module
 */

import type { MachineFacts } from "./_facts.ts";
import type { OverloadResult, OverloadRun } from "./_overload.ts";
import { LABELS } from "./_servers.ts";
import type { ThroughputResult } from "./_throughput.ts";
import type { Percentiles } from "./_load.ts";

/** Everything bench/e2e/accept_e2e.ts writes to accept_e2e.json. */
export interface E2eReport {
  benchmark: string;
  command: string;
  date: string;
  durationSeconds: number;
  machine: MachineFacts;
  loadAverageAfter: number[];
  options: {
    rounds: number;
    seconds: number;
    concurrency: number;
    overloadSeconds: number;
  };
  throughput: ThroughputResult;
  overload: OverloadResult;
}

/** The throughput target: acceptq's connections/s ÷ raw Deno.listen's, median over the rounds. */
export const TARGET_RATIO = 0.97;
/** The CPU target: raw Deno.listen's server CPU per connection ÷ acceptq's, median over the rounds. */
export const TARGET_CPU_RATIO = 0.95;

const int = (x: number) => Math.round(x).toLocaleString("en-US");
const ms = (x: number | undefined) => x === undefined ? "–" : x < 10 ? x.toFixed(2) : x.toFixed(0);
const triple = (p: Percentiles | null) => p ? `${ms(p.p50)} / ${ms(p.p99)} / ${ms(p.max)}` : "–";

function generatorLine(report: E2eReport): string {
  const t = report.throughput;
  const what = `${
    report.machine.wrk?.split(" Copyright")[0]
  }; the Lua script only prints wrk's summary as JSON`;
  return `\`${t.loadCommand}\` (${what})`;
}

function throughputSection(report: E2eReport): string[] {
  const t = report.throughput;
  const deno = t.ratios.find((r) => r.against === "deno")!;
  const refused = t.runs.filter((r) => r.server === "acceptq").map((r) => r.refused ?? 0);
  const lines = [
    "## Throughput: accepted connections per second",
    "",
    `Load: ${
      generatorLine(report)
    }, from a separate process; ${t.options.rounds} rounds, each giving every server ${t.options.seconds} s ` +
    `of load in ${t.options.slices} slices, the servers taking turns slice by slice (every other turn in ` +
    `reverse order: acceptq, Deno.listen, Node; Node, Deno.listen, acceptq; ...), after a ${t.options.warmupSeconds} s warm-up each; ` +
    (t.options.pin
      ? `the servers run on CPU ${t.options.pin.server} and wrk on CPU ${t.options.pin.load} (taskset); `
      : "") +
    "a server's CPU time is read from /proc at the start and end of its round. Every " +
    "connection: connect, `GET /` with `Connection: close`, a 63-byte response, close. Backlog 512 for all " +
    "three (acceptq: `listen({ hostname, port, backlog: 512 })`, OS queue 4096 by default).",
    "",
    "| server | connections/s (median) | range | server CPU per connection (median) | range | " +
    "latency p50 / p99 (median) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const s of t.servers) {
    lines.push(
      `| ${LABELS[s.server]} | **${int(s.medianPerSecond)}** | ${int(s.perSecondRange[0])} – ` +
        `${int(s.perSecondRange[1])} | ${s.medianCpuUsPerConnection.toFixed(1)} µs | ` +
        `${s.cpuUsRange[0].toFixed(1)} – ${s.cpuUsRange[1].toFixed(1)} µs | ` +
        `${ms(s.medianLatencyP50Ms)} / ${ms(s.medianLatencyP99Ms)} ms |`,
    );
  }
  lines.push(
    "",
    "| ratio, same round | median | range | per round |",
    "| --- | ---: | ---: | --- |",
  );
  for (const r of t.ratios) {
    lines.push(
      `| acceptq ÷ ${LABELS[r.against]}, connections/s | **${r.median.toFixed(2)}** | ` +
        `${r.range[0].toFixed(2)} – ${r.range[1].toFixed(2)} | ${
          r.perRound.map((x) => x.toFixed(2)).join(", ")
        } |`,
    );
  }
  for (const r of t.ratios) {
    lines.push(
      `| ${LABELS[r.against]} ÷ acceptq, server CPU per connection | **${r.cpuMedian.toFixed(2)}** | ` +
        `${r.cpuRange[0].toFixed(2)} – ${r.cpuRange[1].toFixed(2)} | ${
          r.cpuPerRound.map((x) => x.toFixed(2)).join(", ")
        } |`,
    );
  }
  const total = refused.reduce((a, b) => a + b, 0);
  const verdict = (ok: boolean) => `**${ok ? "met" : "not met"}**`;
  const spread = (lo: number, hi: number) => `rounds ${lo.toFixed(2)} – ${hi.toFixed(2)}`;
  lines.push(
    "",
    `Targets, from this one run: raw Deno.listen's CPU per connection ÷ acceptq's at ${TARGET_CPU_RATIO} or ` +
      `more: ${verdict(deno.cpuMedian >= TARGET_CPU_RATIO)} (median ${deno.cpuMedian.toFixed(2)}, ` +
      `${spread(deno.cpuRange[0], deno.cpuRange[1])}); acceptq's connections/s ÷ raw Deno.listen's at ` +
      `${TARGET_RATIO} or more: ${verdict(deno.median >= TARGET_RATIO)} (median ${deno.median.toFixed(2)}, ` +
      `${spread(deno.range[0], deno.range[1])}); nothing refused: ${verdict(total === 0)} (acceptq refused ` +
      `${total} connections in these runs; per run: ${refused.join(", ")}). A CPU ratio below 1 means ` +
      "acceptq's server process spends more CPU per connection than the other one.",
    "",
  );
  return lines;
}

function overloadRow(label: string, cell: (run: OverloadRun) => string, runs: OverloadRun[]): string {
  return `| ${label} | ${runs.map(cell).join(" | ")} |`;
}

function header(run: OverloadRun, o: OverloadResult["options"]): string {
  if (run.scenario === "floor") return "floor: raw Deno.listen closing every connection";
  if (run.server === "deno") return `raw Deno.listen, tcpBacklog ${o.backlog}`;
  return run.scenario === "storm" ? "acceptq, storm: refused retry at once" : `acceptq, backlog ${o.backlog}`;
}

function overloadSection(report: E2eReport): string[] {
  const o = report.overload.options;
  const all = report.overload.runs;
  const runs = all.filter((r) => r.scenario !== "reference");
  const reference = (r: OverloadRun) =>
    r.scenario === "floor" ? undefined : all.find((x) => x.server === r.server && x.scenario === "reference");
  const failed = (r: OverloadRun) => Object.values(r.client.failed).reduce((a, b) => a + b, 0);
  const retry = (r: OverloadRun) =>
    r.server === "deno" && r.scenario !== "floor"
      ? "(never refused)"
      : r.client.retryMs
      ? `${r.client.retryMs} ms ± 50%`
      : "at once";
  return [
    "## Overload: 10 × more clients than the backlog admits",
    "",
    `A slow server: at most ${o.workers} connections served at once, each held ${o.holdMs} ms before its ` +
    `response (at most ${
      int(report.overload.nominalCapacityPerSecond)
    } connections/s), behind a backlog of ` +
    `${o.backlog}. Load: \`node bench/e2e/_load.mjs --concurrency ${o.offered} --seconds ${o.seconds} ` +
    `--timeout-ms ${o.timeoutMs} --retry-ms ${o.retryMs}\`: ${o.offered} clients, each starting a new ` +
    `connection as soon as its last one is served, or ${o.retryMs} ms ± 50% (random) after it was refused ` +
    `(the storm column: at once); every attempt bounded at ${o.timeoutMs} ms from its connect call. ` +
    `*Full speed* is the same server with ${o.workers + o.backlog} clients (${o.workers} served + ` +
    `${o.backlog} queued: nothing refused). The *floor* column is the fastest refusal there is: a raw ` +
    "Deno.listen server that closes every connection as soon as it accepts it, offered the refusal traffic " +
    `of the first column (${
      o.offered - o.workers - o.backlog
    } clients, same retry pause). Times in ms from ` +
    "the client's connect call to the first byte of the response or the end of the stream: p50 / p99 / max.",
    "",
    `| | ${runs.map((r) => header(r, o)).join(" | ")} |`,
    `| --- | ${runs.map(() => "---:").join(" | ")} |`,
    overloadRow("clients; a refused one retries after", (r) => `${r.client.concurrency}; ${retry(r)}`, runs),
    overloadRow("connections offered (started)", (r) => `${int(r.client.offered)}`, runs),
    overloadRow(
      "served (admitted)",
      (r) => `${int(r.client.served)}, **${int(r.client.servedPerSecond)}/s**`,
      runs,
    ),
    overloadRow(
      `full speed: served/s with ${o.workers + o.backlog} clients`,
      (r) => {
        const ref = reference(r);
        return ref ? `${int(ref.client.servedPerSecond)}/s (refused ${int(ref.client.refused)})` : "–";
      },
      runs,
    ),
    overloadRow("served: connect → response", (r) => triple(r.client.latencyMs.served), runs),
    overloadRow("refused (reset or end of stream before any byte)", (r) => int(r.client.refused), runs),
    overloadRow(
      "refused: seen as a reset (ECONNRESET, ECONNREFUSED)",
      (r) => int(r.client.refusedByReset),
      runs,
    ),
    overloadRow("refused: connect → refusal", (r) => `**${triple(r.client.latencyMs.refused)}**`, runs),
    overloadRow(
      "refused: handshake → refusal",
      (r) => triple(r.client.latencyMs.refusedAfterHandshake),
      runs,
    ),
    overloadRow("refused within 1 ms of the connect call", (r) => {
      const w = r.client.latencyMs.refused?.within1ms;
      return w === undefined ? "–" : `${(w * 100).toFixed(1)}%`;
    }, runs),
    overloadRow(`no answer within ${o.timeoutMs} ms (SYN dropped)`, (r) => int(r.client.timedOut), runs),
    overloadRow(
      "other failures; still pending at the end",
      (r) => `${failed(r)}; ${r.client.pendingAtEnd}`,
      runs,
    ),
    overloadRow(
      "served + refused + no answer + failed + pending = offered",
      (r) => r.balanced ? "yes" : "**no**",
      runs,
    ),
    overloadRow(
      "listener counters: admitted + refused",
      (r) =>
        r.listener
          ? `${int(r.listener.admitted)} + ${int(r.listener.refused)} = ${
            int(r.listener.admitted + r.listener.refused)
          } (${r.serverAgrees ? "= offered" : "**differs**"})`
          : "– (no counters)",
      runs,
    ),
    overloadRow("load generator CPU", (r) => `${r.client.generatorCpuSeconds.toFixed(1)} s`, runs),
    "",
    "In the storm, refused clients reconnect as fast as the two cores allow, so their time to refusal is " +
    "set by Little's law (clients ÷ refusals per second), not by the accept pump; it shows that the admitted " +
    "connections keep being served at full speed while thousands of refusals per second go on.",
    "",
  ];
}

/** The whole markdown report. */
export function markdownReport(report: E2eReport): string {
  const m = report.machine;
  return [
    "# End-to-end accept benchmark",
    "",
    `Written by \`${report.command}\` (\`deno task bench:e2e\`) on ${report.date} in ${report.durationSeconds} s.`,
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}; Deno ${m.deno} (V8 ${m.v8}), ` +
    `Node ${m.node}; load average ${m.loadAverage.map((x) => x.toFixed(2)).join(" ")} before, ` +
    `${
      report.loadAverageAfter.map((x) => x.toFixed(2)).join(" ")
    } after; loopback (127.0.0.1) only; commit ` +
    `${m.gitCommit?.slice(0, 7)}${
      m.uncommitted.length ? ` with uncommitted changes to ${m.uncommitted.length} file(s)` : ""
    }.`,
    `**${m.note}**`,
    "",
    "Each server runs in its own process: acceptq's idiomatic `listen()` with `for await (const conn of listener)`, " +
    "a raw `Deno.listen` `for await` loop, and Node's `net.createServer`. Each reads the request head, writes " +
    "`HTTP/1.1 200 OK` with `Content-Length: 2` and `Connection: close`, and closes (bench/e2e/_server.ts, " +
    "bench/e2e/_server_node.mjs).",
    "",
    ...throughputSection(report),
    ...overloadSection(report),
  ].join("\n");
}
