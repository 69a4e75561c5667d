/**
 * The chart of the end-to-end accept benchmark (bench/results/accept_e2e.svg),
 * written by hand as SVG text (no library), 740 × 380. Left: median accepted
 * connections per second per server with the range over the rounds and the
 * ratios to acceptq; the target (0.95 × raw Deno.listen) as a dashed line.
 * Right: under overload, how long a refused client waits to learn it (p50, p99,
 * max, log scale, 1 ms marked) beside the floor (a server that closes every
 * connection at once, same refusal traffic), and how long raw Deno.listen's
 * clients wait under the same load (its p99, or the bound when some got no answer).
 *
 * @module
 */

import type { E2eReport } from "./_report.ts";
import { TARGET_RATIO } from "./_report.ts";
import type { ServerKind } from "./_servers.ts";

const W = 740;
const H = 380;
const COLORS: Record<ServerKind, string> = { acceptq: "#1f6fb2", deno: "#5f6b73", node: "#4f8f2f" };
const FLOOR = "#8d99a1";
const NAMES: Record<ServerKind, [string, string]> = {
  acceptq: ["acceptq", "listen()"],
  deno: ["raw", "Deno.listen"],
  node: ["Node", "net.createServer"],
};

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const f1 = (x: number) => Math.round(x * 10) / 10;

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${f1(x)}" y="${f1(y)}" ${attrs}>${esc(s)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, attrs: string): string {
  return `<line x1="${f1(x1)}" y1="${f1(y1)}" x2="${f1(x2)}" y2="${f1(y2)}" ${attrs}/>`;
}

/** A "nice" axis maximum and step for values up to `max`. */
function niceAxis(max: number): { top: number; step: number } {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

function throughputPanel(report: E2eReport): string[] {
  const t = report.throughput;
  const x0 = 78, x1 = 370, y0 = 330, y1 = 118;
  const top = Math.max(...t.servers.map((s) => s.perSecondRange[1]));
  const axis = niceAxis(top * 1.05);
  const y = (v: number) => y0 - (v / axis.top) * (y0 - y1);
  const mid = (y0 + y1) / 2;
  const out: string[] = [];
  for (let v = 0; v <= axis.top + 1e-9; v += axis.step) {
    out.push(line(x0, y(v), x1, y(v), `stroke="#e3e6e8"`));
    out.push(text(x0 - 6, y(v) + 4, v.toLocaleString("en-US"), `text-anchor="end" class="tick"`));
  }
  out.push(line(x0, y0, x1, y0, `stroke="#333"`), line(x0, y0, x0, y1 - 6, `stroke="#333"`));
  out.push(
    text(
      22,
      mid,
      "accepted connections / s",
      `transform="rotate(-90 22 ${mid})" text-anchor="middle" class="axis"`,
    ),
  );
  const deno = t.servers.find((s) => s.server === "deno")!;
  const ratio = (k: ServerKind) => t.ratios.find((r) => r.against === k)!.median.toFixed(2);
  const slot = (x1 - x0) / t.servers.length;
  t.servers.forEach((s, i) => {
    const cx = x0 + slot * (i + 0.5);
    const bw = slot * 0.56;
    out.push(
      `<rect x="${f1(cx - bw / 2)}" y="${f1(y(s.medianPerSecond))}" width="${f1(bw)}" ` +
        `height="${f1(y0 - y(s.medianPerSecond))}" fill="${COLORS[s.server]}"/>`,
    );
    const [lo, hi] = s.perSecondRange;
    out.push(line(cx, y(lo), cx, y(hi), `stroke="#111" stroke-width="1.3"`));
    out.push(
      line(cx - 6, y(lo), cx + 6, y(lo), `stroke="#111"`),
      line(cx - 6, y(hi), cx + 6, y(hi), `stroke="#111"`),
    );
    out.push(text(cx, y0 - 8, s.medianPerSecond.toLocaleString("en-US"), `class="inbar"`));
    out.push(text(cx, y0 + 16, NAMES[s.server][0], `class="name"`));
    out.push(text(cx, y0 + 30, NAMES[s.server][1], `class="name"`));
  });
  const targetY = y(deno.medianPerSecond * TARGET_RATIO);
  out.push(line(x0, targetY, x1, targetY, `stroke="#c0392b" stroke-dasharray="5 4" stroke-width="1.2"`));
  const cx = (x0 + x1) / 2;
  out.push(text(cx, 72, "Throughput: median of the rounds", `class="panel"`));
  out.push(
    text(cx, 89, `acceptq = ${ratio("deno")} × Deno.listen, ${ratio("node")} × Node`, `class="ratio"`),
  );
  out.push(
    text(
      cx,
      104,
      `whisker: range of the rounds; dashed: target ${TARGET_RATIO} × Deno.listen`,
      `class="tiny"`,
    ),
  );
  return out;
}

function overloadPanel(report: E2eReport): string[] {
  const x0 = 480, x1 = 722, y0 = 330, y1 = 118;
  const runs = report.overload.runs;
  const find = (server: ServerKind, scenario: string) =>
    runs.find((r) => r.server === server && r.scenario === scenario);
  const acceptq = find("acceptq", "overload");
  const reference = find("acceptq", "reference");
  const floor = find("deno", "floor");
  const raw = find("deno", "overload");
  const lo = -1, hi = 4; // 0.1 ms .. 10 s
  const y = (ms: number) => y0 - ((Math.log10(Math.max(ms, 10 ** lo)) - lo) / (hi - lo)) * (y0 - y1);
  const mid = (y0 + y1) / 2;
  const out: string[] = [];
  ["0.1", "1", "10", "100", "1000", "10000"].forEach((label, i) => {
    const v = 10 ** (lo + i);
    const one = v === 1;
    out.push(
      line(
        x0,
        y(v),
        x1,
        y(v),
        one ? `stroke="#c0392b" stroke-dasharray="5 4" stroke-width="1.2"` : `stroke="#e3e6e8"`,
      ),
    );
    out.push(text(x0 - 6, y(v) + 4, label, `text-anchor="end" class="${one ? "target" : "tick"}"`));
  });
  out.push(line(x0, y0, x1, y0, `stroke="#333"`), line(x0, y0, x0, y1 - 6, `stroke="#333"`));
  out.push(
    text(
      430,
      mid,
      "ms from connect (log scale)",
      `transform="rotate(-90 430 ${mid})" text-anchor="middle" class="axis"`,
    ),
  );
  const bar = (cx: number, bw: number, value: number, color: string) =>
    out.push(
      `<rect x="${f1(cx - bw / 2)}" y="${f1(y(value))}" width="${f1(bw)}" height="${f1(y0 - y(value))}" ` +
        `fill="${color}"/>`,
    );
  const slot = (x1 - x0) / 3.9;
  const refused = acceptq?.client.latencyMs.refused;
  const floorRefused = floor?.client.latencyMs.refused;
  (["p50", "p99", "max"] as const).forEach((q, i) => {
    const cx = x0 + slot * (i + 0.5);
    const bw = slot * 0.38;
    const a = refused?.[q];
    const b = floorRefused?.[q];
    // Values go inside the bars (white) when they are tall enough, else above them.
    const label = (x: number, v: number) =>
      out.push(
        y0 - y(v) >= 16
          ? text(x, y(v) + 11, fmt(v), `class="tiny" style="fill:#fff"`)
          : text(x, y(v) - 4, fmt(v), `class="tiny"`),
      );
    if (a !== undefined) {
      bar(cx - bw / 2 - 1, bw, a, COLORS.acceptq);
      label(cx - bw / 2 - 1, a);
    }
    if (b !== undefined) {
      bar(cx + bw / 2 + 1, bw, b, FLOOR);
      label(cx + bw / 2 + 1, b);
    }
    out.push(text(cx, y0 + 15, q, `class="small"`));
  });
  const rawServed = raw?.client.latencyMs.served;
  if (raw && rawServed) {
    const cx = x0 + slot * 3.35;
    const timedOut = raw.client.timedOut > 0;
    const value = timedOut ? raw.client.timeoutMs : rawServed.p99;
    bar(cx, slot * 0.5, value, COLORS.deno);
    out.push(text(cx, y(value) - 4, timedOut ? `>${raw.client.timeoutMs}` : fmt(value), `class="tiny"`));
    out.push(text(cx, y0 + 15, "Deno.listen", `class="small"`));
    out.push(text(cx, y0 + 28, timedOut ? `${raw.client.timedOut} unanswered` : "wait p99", `class="small"`));
  }
  const o = report.overload.options;
  const cx = (x0 + x1) / 2 - 10;
  out.push(text(cx, 72, `Overload: backlog ${o.backlog}, ${o.offered} clients`, `class="panel"`));
  if (acceptq) {
    const c = acceptq.client;
    const full = reference ? ` (full speed ${reference.client.servedPerSecond}/s)` : "";
    out.push(text(cx, 89, `acceptq served ${c.servedPerSecond}/s${full}`, `class="small"`));
  }
  const legend: [string, string][] = [[COLORS.acceptq, "acceptq refused"], [FLOOR, "floor: accept + close"]];
  legend.forEach(([color, label], i) => {
    const lx = x0 - 30 + i * 118;
    out.push(`<rect x="${lx}" y="${96}" width="10" height="10" fill="${color}"/>`);
    out.push(text(lx + 14, 105, label, `class="legend"`));
  });
  return out;
}

/** Two significant digits at most (milliseconds). */
function fmt(ms: number): string {
  return ms >= 10 ? `${Math.round(ms)}` : ms >= 1 ? ms.toFixed(1) : ms.toFixed(2);
}

/** The chart as SVG text. */
export function chartSvg(report: E2eReport): string {
  const t = report.throughput.options;
  const load = t.generator === "wrk"
    ? `wrk -t1 -c${t.concurrency}, Connection: close`
    : `Node generator, ${t.concurrency} in flight`;
  const subtitle = `${t.rounds} rounds × ${t.seconds} s, ${load}; loopback, shared noisy 2-core VM; ` +
    `Deno ${report.machine.deno}, ${report.date.slice(0, 10)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
    `font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    "<style>",
    ".title{font-size:16px;font-weight:bold;fill:#111}.sub{font-size:11px;fill:#444}",
    ".tick{font-size:11px;fill:#444}.axis{font-size:12px;fill:#222}",
    ".name{font-size:12px;fill:#111;text-anchor:middle}.inbar{font-size:12px;fill:#fff;text-anchor:middle;" +
    "font-weight:bold}",
    ".ratio{font-size:12px;fill:#1f6fb2;text-anchor:middle;font-weight:bold}.target{font-size:11px;fill:#c0392b}",
    ".panel{font-size:13px;fill:#111;text-anchor:middle;font-weight:bold}.small{font-size:11px;fill:#222;" +
    "text-anchor:middle}.tiny{font-size:10px;fill:#222;text-anchor:middle}.legend{font-size:10px;fill:#222}",
    "</style>",
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    text(
      W / 2,
      24,
      "acceptq end to end: accept throughput, and refusal under overload",
      `text-anchor="middle" class="title"`,
    ),
    text(W / 2, 42, subtitle, `text-anchor="middle" class="sub"`),
    ...throughputPanel(report),
    ...overloadPanel(report),
    "</svg>",
    "",
  ].join("\n");
}
