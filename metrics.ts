/**
 * `@acceptq/acceptq/metrics`: the counters of listeners, HTTP servers and
 * admission gates as OpenMetrics / Prometheus text, and the queue-time
 * histogram.
 *
 * @example A /metrics route
 * ```ts
 * import { serve } from "@acceptq/acceptq/http";
 * import { metrics, OPENMETRICS_CONTENT_TYPE } from "@acceptq/acceptq/metrics";
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, (request) =>
 *   new URL(request.url).pathname === "/metrics"
 *     ? new Response(metrics({ listeners: { web: server } }), { headers: { "content-type": OPENMETRICS_CONTENT_TYPE } })
 *     : new Response("hello"));
 * const text = await (await fetch(`http://127.0.0.1:${server.addr.port}/metrics`)).text();
 * console.log(text.includes('acceptq_listener_accepted_total{listener="web"} 1')); // true
 * ```
 *
 * @module
 */

export {
  type ListenerSource,
  metrics,
  type MetricsSources,
  OPENMETRICS_CONTENT_TYPE,
} from "./src/metrics/openmetrics.ts";
export { Histogram, type HistogramSnapshot, QUEUE_TIME_BOUNDS } from "./src/shared/histogram.ts";
