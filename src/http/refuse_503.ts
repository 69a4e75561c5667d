/**
 * A refusal a client can act on: for a connection refused because the queue
 * is full, read the request head and answer `503 Service Unavailable` with
 * `Retry-After`, then close in order. Reading the head first matters: closing
 * a socket with unread bytes makes the OS send a reset, and the client would
 * see ECONNRESET instead of the answer.
 *
 * @module
 */

import type { RefusalHandler, RefusedConnection } from "../provider/refusal.ts";

/** Options of {@link refuseWith503}. */
export interface Refuse503Options {
  /** The Retry-After value, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /** How long to wait for the request head before answering anyway, in ms. Default 1000. */
  headTimeoutMs?: number;
}

/** The most bytes of a request head read before answering. */
const HEAD_LIMIT = 16 * 1024;

/**
 * A refusal handler (for `listen({ refusal })` or the provider's `refusal`
 * option) that answers HTTP 503 with Retry-After.
 *
 * @example
 * ```ts
 * import { refuseWith503 } from "../../http.ts";
 * import { listen } from "../../listener.ts";
 * await using listener = listen({ hostname: "127.0.0.1", backlog: 1, refusal: refuseWith503() });
 * const first = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }); // fills the queue
 * const response = await fetch(`http://127.0.0.1:${listener.addr.port}/`);
 * console.log(response.status, response.headers.get("retry-after")); // 503 "1"
 * await response.body?.cancel();
 * first.close();
 * ```
 */
export function refuseWith503(options: Refuse503Options = {}): RefusalHandler {
  const retryAfter = options.retryAfterSeconds ?? 1;
  if (!Number.isInteger(retryAfter) || retryAfter < 0) {
    throw new RangeError(`retryAfterSeconds must be an integer >= 0, got ${retryAfter}`);
  }
  const headTimeoutMs = options.headTimeoutMs ?? 1000;
  const body = "Service Unavailable: the accept queue is full\n";
  const answer = new TextEncoder().encode(
    "HTTP/1.1 503 Service Unavailable\r\n" +
      `Retry-After: ${retryAfter}\r\n` +
      "Content-Type: text/plain; charset=utf-8\r\n" +
      `Content-Length: ${body.length}\r\n` +
      "Connection: close\r\n\r\n" + body,
  );
  return async (conn: RefusedConnection) => {
    await readHead(conn, headTimeoutMs);
    await conn.write(answer);
  };
}

/** Reads until the blank line that ends a request head, the size limit, the end of the stream or `ms`. */
async function readHead(conn: RefusedConnection, ms: number): Promise<void> {
  const buf = new Uint8Array(HEAD_LIMIT);
  let end = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), ms));
  try {
    while (end < buf.length) {
      const n = await Promise.race([conn.read(buf.subarray(end)), late]);
      if (n === null) return;
      const from = Math.max(0, end - 3);
      end += n;
      if (headEnds(buf, from, end)) return;
    }
  } finally {
    clearTimeout(timer);
  }
}

function headEnds(buf: Uint8Array, from: number, end: number): boolean {
  for (let i = from; i + 4 <= end; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return true;
  }
  return false;
}
