// metrics(): OpenMetrics text checked against the format's rules (names, families declared once
// before their samples, counter samples under _total, histogram buckets cumulative up to +Inf
// which equals _count, UNIT a suffix of the name, escaped label values, # EOF last), with live
// listener, HTTP server and gate counters; and a /metrics route served behind the queue.
import { deepStrictEqual as eq, ok, strictEqual as is, throws } from "node:assert/strict";
import { AdmissionGate } from "../../admission.ts";
import { serve } from "../../http.ts";
import { listen } from "../../listener.ts";
import { Histogram, metrics, OPENMETRICS_CONTENT_TYPE } from "../../metrics.ts";

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/y;
const SUFFIXES: Record<string, string[]> = {
  counter: ["_total", "_created"],
  gauge: [""],
  histogram: ["_bucket", "_sum", "_count"],
};

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses OpenMetrics text, throwing at the first line that breaks a rule; returns the families' samples. */
function parseOpenMetrics(text: string): Map<string, { type: string; samples: Sample[] }> {
  ok(text.endsWith("# EOF\n"), "the text ends with # EOF and a newline");
  const lines = text.slice(0, -"# EOF\n".length).split("\n").slice(0, -1);
  const families = new Map<string, { type: string; unit?: string; help?: string; samples: Sample[] }>();
  const seen = new Set<string>();
  let current: string | undefined;
  for (const line of lines) {
    const meta = /^# (TYPE|UNIT|HELP) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      ok(NAME.test(name), `metric name ${name}`);
      if (kind === "TYPE") {
        ok(!families.has(name), `family ${name} declared once`);
        ok(["counter", "gauge", "histogram"].includes(rest), `type ${rest}`);
        families.set(name, { type: rest, samples: [] });
        current = name;
      } else {
        is(name, current, `${kind} of ${name} follows its TYPE`);
        is(families.get(name)!.samples.length, 0, `${kind} of ${name} before its samples`);
        if (kind === "UNIT") ok(name.endsWith(`_${rest}`), `the name ${name} ends with its unit ${rest}`);
        families.get(name)![kind === "UNIT" ? "unit" : "help"] = rest;
      }
      continue;
    }
    ok(!line.startsWith("#"), `unknown comment line: ${line}`);
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    ok(m, `sample line: ${line}`);
    const [, name, braces = "", valueText] = m;
    ok(current, `sample ${name} after a TYPE`);
    const family = families.get(current)!;
    ok(family.help, `family ${current} has HELP`);
    const suffix = name.slice(current.length);
    ok(
      name.startsWith(current) && SUFFIXES[family.type].includes(suffix),
      `${name} belongs to ${family.type} ${current}`,
    );
    const labels: Record<string, string> = {};
    const inner = braces.slice(1, -1);
    for (let at = 0; at < inner.length;) {
      LABEL.lastIndex = at;
      const l = LABEL.exec(inner);
      ok(l, `label syntax in ${line}`);
      labels[l[1]] = l[2].replaceAll('\\"', '"').replaceAll("\\n", "\n").replaceAll("\\\\", "\\");
      at = LABEL.lastIndex;
      if (at < inner.length) {
        is(inner[at], ",", `labels separated by commas in ${line}`);
        at++;
      }
    }
    const value = valueText === "+Inf" ? Infinity : Number(valueText);
    ok(!Number.isNaN(value), `value of ${line}`);
    if (family.type === "counter") ok(value >= 0, `counter ${name} is not negative`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    ok(!seen.has(key), `sample ${key} appears once`);
    seen.add(key);
    family.samples.push({ name, labels, value });
  }
  for (const [name, family] of families) {
    if (family.type !== "histogram") continue;
    const byLabels = new Map<string, Sample[]>();
    for (const s of family.samples) {
      const { le: _, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      byLabels.set(key, [...(byLabels.get(key) ?? []), s]);
    }
    for (const [key, samples] of byLabels) {
      const buckets = samples.filter((s) => s.name === `${name}_bucket`);
      const les = buckets.map((b) => b.labels.le === "+Inf" ? Infinity : Number(b.labels.le));
      ok(les.every((le, i) => i === 0 || le > les[i - 1]), `${name}${key} buckets ascend`);
      is(les.at(-1), Infinity, `${name}${key} has a +Inf bucket`);
      ok(
        buckets.every((b, i) => i === 0 || b.value >= buckets[i - 1].value),
        `${name}${key} buckets are cumulative`,
      );
      const count = samples.find((s) => s.name === `${name}_count`);
      ok(count && samples.some((s) => s.name === `${name}_sum`), `${name}${key} has _sum and _count`);
      is(buckets.at(-1)!.value, count.value, `${name}${key}: +Inf bucket = _count`);
    }
  }
  return families;
}

Deno.test("the validator rejects text that breaks the format's rules", () => {
  const good = "# TYPE a counter\n# HELP a A.\na_total 1\n# EOF\n";
  parseOpenMetrics(good);
  throws(() => parseOpenMetrics("# TYPE a counter\n# HELP a A.\na 1\n# EOF\n")); // a counter sample without _total
  throws(() => parseOpenMetrics("# TYPE a counter\n# HELP a A.\na_total 1\n")); // no # EOF
  throws(() =>
    parseOpenMetrics(
      '# TYPE h histogram\n# HELP h H.\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n# EOF\n',
    )
  );
  throws(() => parseOpenMetrics("# TYPE t_ms gauge\n# UNIT t_ms seconds\n# HELP t_ms T.\nt_ms 1\n# EOF\n"));
});

Deno.test("metrics() of listeners and gates follows OpenMetrics and reports the live counters", async () => {
  await using listener = listen({ hostname: "127.0.0.1", backlog: 1 });
  const clients = [];
  for (let i = 0; i < 3; i++) {
    // A refused connection is reset, which may reach Deno.connect before it returns.
    const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }).catch((error) => {
      if (error instanceof Deno.errors.ConnectionReset) return undefined;
      throw error;
    });
    if (client) clients.push(client);
  }
  (await listener.accept()).close();
  const gate = new AdmissionGate({ limit: 1 });
  const ticket = gate.tryEnter();
  gate.tryEnter();
  const text = metrics({ listeners: { 'web "1"\n': listener }, gates: { jobs: gate } });
  const families = parseOpenMetrics(text);
  const value = (family: string, name = family) =>
    families.get(family)!.samples.find((s) => s.name === name)!;
  eq(value("acceptq_listener_accepted", "acceptq_listener_accepted_total").labels, { listener: 'web "1"\n' });
  is(value("acceptq_listener_backlog").value, 1);
  is(value("acceptq_listener_accepted", "acceptq_listener_accepted_total").value, 1);
  is(value("acceptq_gate_refused", "acceptq_gate_refused_total").value, 1);
  is(value("acceptq_gate_in_flight").value, 1);
  is(value("acceptq_listener_queue_time_seconds", "acceptq_listener_queue_time_seconds_count").value, 1);
  ok(families.has("acceptq_listener_refused"));
  ticket?.release();
  clients.forEach((c) => c.close());
});

Deno.test("a /metrics route on serve() answers OpenMetrics text with the server's counters", async () => {
  await using server = serve(
    { hostname: "127.0.0.1", port: 0, backlog: 8 },
    (request) =>
      new URL(request.url).pathname === "/metrics"
        ? new Response(metrics({ listeners: { web: server } }), {
          headers: { "content-type": OPENMETRICS_CONTENT_TYPE },
        })
        : new Response("hello"),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  is(await (await fetch(`${base}/`)).text(), "hello");
  const response = await fetch(`${base}/metrics`);
  is(response.headers.get("content-type"), OPENMETRICS_CONTENT_TYPE);
  const families = parseOpenMetrics(await response.text());
  is(families.get("acceptq_listener_accepted")!.samples[0].value, 1, "one keep-alive connection");
  is(families.get("acceptq_listener_open_connections")!.samples[0].value, 1);
});

Deno.test("Histogram counts observations cumulatively and rejects bad bounds", () => {
  const h = new Histogram([0.001, 0.01, 0.1]);
  for (const v of [0.0005, 0.005, 0.005, 0.05, 5, NaN]) h.observe(v);
  const s = h.snapshot();
  eq([s.cumulative, s.count], [[1, 3, 4], 5]);
  ok(Math.abs(s.sum - 5.0605) < 1e-9);
  throws(() => new Histogram([1, 1]), RangeError);
  throws(() => new Histogram([]), RangeError);
  throws(() => new Histogram([1, Infinity]), RangeError);
});
