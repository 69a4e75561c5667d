/**
 * `metrics()`: the counters of listeners, HTTP servers and admission gates as
 * OpenMetrics text (the exposition format Prometheus scrapes), with counters
 * under `_total`, durations in seconds, `# HELP`, `# TYPE` and `# UNIT`
 * lines, one label naming each source, and the closing `# EOF`.
 *
 * @module
 */

import type { AdmissionGate } from "../faces/admission.ts";
import type { ListenerStats } from "../provider/provider.ts";
import type { HistogramSnapshot } from "../shared/histogram.ts";

/** The content type of {@link metrics}' text. */
export const OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/** Something with a listener's counters and its queue-time histogram (a `Listener`, an `HttpServer`). */
export interface ListenerSource {
  /** The counters. */
  stats(): ListenerStats & { open?: number };
  /** The time connections waited in the queue, in seconds. */
  queueTime(): HistogramSnapshot;
}

/** What {@link metrics} reports, each source under a name (its `name` label). */
export interface MetricsSources {
  /** Listeners or HTTP servers by name. */
  listeners?: Record<string, ListenerSource>;
  /** Admission gates by name. */
  gates?: Record<string, AdmissionGate>;
}

interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram";
  unit?: string;
  help: string;
  samples: string[];
}

/**
 * The sources' counters as OpenMetrics text.
 *
 * @example A listener's metrics
 * ```ts
 * import { listen } from "../../listener.ts";
 * import { metrics } from "../../metrics.ts";
 * await using listener = listen({ hostname: "127.0.0.1", backlog: 8 });
 * const text = metrics({ listeners: { web: listener } });
 * console.log(text.includes('acceptq_listener_backlog{listener="web"} 8')); // true
 * ```
 */
export function metrics(sources: MetricsSources): string {
  const families: Family[] = [];
  const family = (name: string, type: Family["type"], help: string, unit?: string): Family => {
    const f: Family = { name, type, help, unit, samples: [] };
    families.push(f);
    return f;
  };
  const listeners = Object.entries(sources.listeners ?? {});
  if (listeners.length > 0) {
    const counters: [keyof ListenerStats, string, string][] = [
      ["admitted", "acceptq_listener_admitted", "Connections admitted to the accept queue."],
      ["accepted", "acceptq_listener_accepted", "Connections taken from the queue by accept."],
      ["refused", "acceptq_listener_refused", "Connections refused because the queue was full."],
      [
        "dropped",
        "acceptq_listener_dropped",
        "Queued connections reset by a re-listen with a lower backlog.",
      ],
    ];
    const gauges: [keyof ListenerStats | "open", string, string][] = [
      ["backlog", "acceptq_listener_backlog", "The effective backlog (most connections queued)."],
      ["queued", "acceptq_listener_queued", "Connections queued now."],
      ["highWater", "acceptq_listener_queued_max", "The most connections ever queued at once."],
      ["open", "acceptq_listener_open_connections", "Accepted connections not yet ended (HTTP servers)."],
    ];
    const stats = listeners.map(([name, source]) => [label("listener", name), source.stats()] as const);
    for (const [key, name, help] of counters) {
      const f = family(name, "counter", help);
      for (const [labels, s] of stats) f.samples.push(`${name}_total${labels} ${s[key]}`);
    }
    for (const [key, name, help] of gauges) {
      const present = stats.filter(([, s]) => typeof s[key] === "number");
      if (present.length === 0) continue;
      const f = family(name, "gauge", help);
      for (const [labels, s] of present) {
        f.samples.push(`${name}${labels} ${s[key]}`);
      }
    }
    const h = family(
      "acceptq_listener_queue_time_seconds",
      "histogram",
      "Time from a connection's arrival to its accept.",
      "seconds",
    );
    for (const [name, source] of listeners) histogram(h, "listener", name, source.queueTime());
  }
  const gates = Object.entries(sources.gates ?? {});
  if (gates.length > 0) {
    const stats = gates.map(([name, gate]) => [label("gate", name), gate.stats()] as const);
    const rows: [keyof ReturnType<AdmissionGate["stats"]>, string, Family["type"], string][] = [
      ["admitted", "acceptq_gate_admitted", "counter", "Work admitted through the gate."],
      ["refused", "acceptq_gate_refused", "counter", "Work refused because the gate was full."],
      ["released", "acceptq_gate_released", "counter", "Places given back."],
      ["limit", "acceptq_gate_limit", "gauge", "The most admitted at once."],
      ["inFlight", "acceptq_gate_in_flight", "gauge", "Admitted and not yet released."],
      ["highWater", "acceptq_gate_in_flight_max", "gauge", "The most in flight at once."],
    ];
    for (const [key, name, type, help] of rows) {
      const f = family(name, type, help);
      const sample = type === "counter" ? `${name}_total` : name;
      for (const [labels, s] of stats) f.samples.push(`${sample}${labels} ${s[key]}`);
    }
  }
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# TYPE ${f.name} ${f.type}`);
    if (f.unit) lines.push(`# UNIT ${f.name} ${f.unit}`);
    lines.push(`# HELP ${f.name} ${f.help}`);
    lines.push(...f.samples);
  }
  lines.push("# EOF");
  return lines.join("\n") + "\n";
}

function histogram(f: Family, key: string, name: string, h: HistogramSnapshot): void {
  const base = `${key}="${escapeLabel(name)}"`;
  h.bounds.forEach((bound, i) =>
    f.samples.push(`${f.name}_bucket{${base},le="${bound}"} ${h.cumulative[i]}`)
  );
  f.samples.push(`${f.name}_bucket{${base},le="+Inf"} ${h.count}`);
  f.samples.push(`${f.name}_sum{${base}} ${h.sum}`);
  f.samples.push(`${f.name}_count{${base}} ${h.count}`);
}

function label(key: string, value: string): string {
  return `{${key}="${escapeLabel(value)}"}`;
}

/** A label value as OpenMetrics writes it: backslash, double quote and newline escaped. */
function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}
