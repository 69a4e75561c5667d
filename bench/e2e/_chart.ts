/**
 * The chart of the end-to-end accept benchmark (bench/results/accept_e2e.svg): a
 * vega-lite spec built from the report, rendered to SVG offline by vega (no
 * browser, no canvas). Three panels:
 *
 * - throughput: median accepted connections per second per server, the range over
 *   the rounds as a whisker, the ratios to acceptq, and the target
 *   (0.95 × raw Deno.listen) as a dashed line;
 * - server CPU per connection (median µs) per server, with the same-round ratios;
 * - overload: how long a refused client waits to learn it (p50, p99, max; log
 *   scale, 1 ms dashed) beside the floor (a server that closes every connection at
 *   once, same refusal traffic), and how long raw Deno.listen's clients wait under
 *   the same load (its p99, or the bound when some got no answer).
 *
 * @module
 */

import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import { compile } from "vega-lite";
import type { E2eReport } from "./_report.ts";
import { TARGET_CPU_RATIO, TARGET_RATIO } from "./_report.ts";
import type { ServerKind } from "./_servers.ts";

const COLORS: Record<ServerKind, string> = { acceptq: "#1f6fb2", deno: "#5f6b73", node: "#4f8f2f" };
const FLOOR = "#8d99a1";
const TARGET = "#c0392b";
/** Axis names, two lines each. */
const NAMES: Record<ServerKind, string> = {
  acceptq: "acceptq\nlisten()",
  deno: "raw\nDeno.listen",
  node: "Node\nnet.createServer",
};
const PANEL = { width: 270, height: 230 };

/** Two significant digits at most (milliseconds). */
function ms(x: number): string {
  return x >= 10 ? `${Math.round(x)}` : x >= 1 ? x.toFixed(1) : x.toFixed(2);
}

const dashed = (field: string) => ({
  mark: { type: "rule", color: TARGET, strokeDash: [5, 4], strokeWidth: 1.2 },
  encoding: { y: { field, type: "quantitative" } },
});
/** Nominal x axis whose labels break at "\n". */
const xAxis = (field: string, domain: string[]) => ({
  field,
  type: "nominal",
  scale: { domain },
  axis: { labelAngle: 0, title: null, ticks: false, labelExpr: "split(datum.label, '\\n')" },
});
const Y_RATE = { field: "rate", type: "quantitative", title: "accepted connections / s" };
const Y_CPU = { field: "cpu", type: "quantitative", title: "µs of CPU (user + system)" };

/** A bar per server of `y` (the report's order and colours) labelled with `label` inside it, and `more`. */
function serverBars(report: E2eReport, y: { field: string }, label: string, more: object[] = []) {
  const servers = report.throughput.servers;
  const names = servers.map((s) => NAMES[s.server]);
  const colors = servers.map((s) => COLORS[s.server]);
  return {
    encoding: { x: xAxis("name", names) },
    layer: [
      {
        mark: { type: "bar", width: { band: 0.6 } },
        encoding: { y, color: { field: "name", legend: null, scale: { domain: names, range: colors } } },
      },
      {
        mark: { type: "text", dy: -8, baseline: "bottom", color: "#fff", fontWeight: "bold" },
        encoding: { y: { datum: 0 }, text: { field: label } },
      },
      ...more,
    ],
  };
}

function throughputPanels(report: E2eReport) {
  const t = report.throughput;
  const values = t.servers.map((s) => ({
    name: NAMES[s.server],
    rate: s.medianPerSecond,
    rateLabel: s.medianPerSecond.toLocaleString("en-US"),
    lo: s.perSecondRange[0],
    hi: s.perSecondRange[1],
    cpu: s.medianCpuUsPerConnection,
    cpuLabel: s.medianCpuUsPerConnection.toFixed(1),
    cpuLo: s.cpuUsRange?.[0], // reports before the CPU range have none
    cpuHi: s.cpuUsRange?.[1],
  }));
  const ratio = (k: ServerKind, key: "median" | "cpuMedian") =>
    t.ratios.find((r) => r.against === k)![key].toFixed(2);
  const deno = t.servers.find((s) => s.server === "deno")!;
  const whisker = (y: object, lo: string, hi: string) => ({
    mark: { type: "errorbar", ticks: { width: 12 }, color: "#111" },
    encoding: { y: { ...y, field: lo }, y2: { field: hi } },
  });
  return [{
    ...PANEL,
    title: {
      text: "Throughput: median of the rounds",
      subtitle: [
        `acceptq = ${ratio("deno", "median")} × Deno.listen, ${ratio("node", "median")} × Node`,
        `whisker: range of the rounds; dashed: target ${TARGET_RATIO} × Deno.listen`,
      ],
    },
    data: { values },
    layer: [
      serverBars(report, Y_RATE, "rateLabel", [whisker(Y_RATE, "lo", "hi")]),
      { data: { values: [{ target: deno.medianPerSecond * TARGET_RATIO }] }, ...dashed("target") },
    ],
  }, {
    ...PANEL,
    title: {
      text: "Server CPU per connection",
      subtitle: [
        `Deno.listen ÷ acceptq ${ratio("deno", "cpuMedian")}, Node ÷ acceptq ${ratio("node", "cpuMedian")}`,
        "(a ratio < 1: acceptq uses more); whisker: range",
        `of the rounds; dashed: target, Deno.listen's ÷ ${TARGET_CPU_RATIO}`,
      ],
    },
    data: { values },
    layer: [
      serverBars(report, Y_CPU, "cpuLabel", [whisker(Y_CPU, "cpuLo", "cpuHi")]),
      {
        data: { values: [{ target: deno.medianCpuUsPerConnection / TARGET_CPU_RATIO }] },
        ...dashed("target"),
      },
    ],
  }];
}

function overloadPanel(report: E2eReport) {
  const find = (server: ServerKind, scenario: string) =>
    report.overload.runs.find((r) => r.server === server && r.scenario === scenario)?.client;
  const [acceptq, reference, floor, raw] = [
    find("acceptq", "overload"),
    find("acceptq", "reference"),
    find("deno", "floor"),
    find("deno", "overload"),
  ];
  const series = ["acceptq refused", "floor: accept + close"];
  const refusals = (["p50", "p99", "max"] as const).flatMap((group) =>
    [acceptq, floor].flatMap((client, i) => {
      const v = client?.latencyMs.refused?.[group];
      return v === undefined ? [] : [{ group, series: series[i], ms: v, label: ms(v) }];
    })
  );
  // Raw Deno.listen never refuses: its clients wait (its p99), or get no answer within the bound.
  let rawGroup = "Deno.listen\nwait p99";
  const rawRows = [];
  if (raw?.latencyMs.served) {
    const v = raw.timedOut > 0 ? raw.timeoutMs : raw.latencyMs.served.p99;
    if (raw.timedOut > 0) rawGroup = `Deno.listen\n${raw.timedOut} unanswered`;
    rawRows.push({ group: rawGroup, ms: v, label: raw.timedOut > 0 ? `>${v}` : ms(v) });
  }
  const o = report.overload.options;
  const full = reference ? ` (full speed ${reference.servedPerSecond}/s)` : "";
  const y = {
    field: "ms",
    type: "quantitative",
    title: "ms from connect (log scale)",
    scale: { type: "log", domain: [0.1, 10000] },
    axis: { values: [0.1, 1, 10, 100, 1000, 10000], format: "~g" },
  };
  // Bars on a log scale start at the bottom of the axis; the value goes above each.
  const labelled = (bar: object, barEncoding: object) => [
    { mark: bar, encoding: { y2: { datum: 0.1 }, ...barEncoding } },
    {
      mark: { type: "text", dy: -4, baseline: "bottom", fontSize: 10 },
      encoding: { text: { field: "label" } },
    },
  ];
  const legend = { orient: "top-left", title: null, labelLimit: 200 };
  return {
    ...PANEL,
    title: {
      text: `Overload: backlog ${o.backlog}, ${o.offered} clients`,
      subtitle: acceptq ? [`acceptq served ${acceptq.servedPerSecond}/s${full}`] : [],
    },
    encoding: { y },
    layer: [{ data: { values: [{ ms: 1 }] }, ...dashed("ms") }, {
      encoding: { x: xAxis("group", ["p50", "p99", "max", rawGroup]) },
      layer: [{
        data: { values: refusals },
        encoding: { xOffset: { field: "series", sort: series } },
        layer: labelled({ type: "bar", width: { band: 0.9 } }, {
          color: { field: "series", scale: { domain: series, range: [COLORS.acceptq, FLOOR] }, legend },
        }),
      }, {
        data: { values: rawRows },
        layer: labelled({ type: "bar", width: { band: 0.5 }, color: COLORS.deno }, {}),
      }],
    }],
  };
}

/** The vega-lite spec of the chart. */
export function chartSpec(report: E2eReport): TopLevelSpec {
  const t = report.throughput.options;
  return {
    background: "#fff",
    padding: 12,
    title: {
      text: "acceptq end to end: accept throughput, CPU, and refusal under overload",
      subtitle: `${t.rounds} rounds × ${t.seconds} s, wrk -t1 -c${t.concurrency}, Connection: close; ` +
        `loopback, shared noisy 2-core VM; Deno ${report.machine.deno}, ${report.date.slice(0, 10)}`,
      fontSize: 16,
      offset: 16,
    },
    config: {
      font: "DejaVu Sans, Helvetica, Arial, sans-serif",
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", gridColor: "#e3e6e8" },
      title: { fontSize: 13, subtitleFontSize: 11, subtitleColor: "#222", anchor: "middle" },
      legend: { labelFontSize: 10, symbolType: "square" },
      concat: { spacing: 24 },
    },
    resolve: { scale: { color: "independent" } },
    hconcat: [...throughputPanels(report), overloadPanel(report)],
  } as TopLevelSpec;
}

/**
 * Text width for the layout, in px. Without a canvas vega guesses 0.8 em per
 * character, which for this font is a third too wide: titles and labels then push
 * the panels apart and legends get cut short. 0.6 em (0.66 em bold) is close to
 * DejaVu Sans's average; vega lets a renderer set this function (vl-convert does).
 */
function textWidth(item: { fontSize?: number; fontWeight?: string | number }, text: string): number {
  const em = item.fontSize ?? 11;
  const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
  return String(text ?? "").length * em * (bold ? 0.66 : 0.6);
}

/** The chart as SVG text: the spec compiled by vega-lite and rendered by vega, headless. */
export async function chartSvg(report: E2eReport): Promise<string> {
  // vega exports textMetrics (from vega-scenegraph) but its typings leave it out.
  (vega as unknown as { textMetrics: { width: typeof textWidth } }).textMetrics.width = textWidth;
  const view = new vega.View(vega.parse(compile(chartSpec(report)).spec), { renderer: "none" });
  try {
    return (await view.toSVG()) + "\n";
  } finally {
    view.finalize();
  }
}
