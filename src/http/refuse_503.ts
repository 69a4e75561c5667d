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
}

/** The most bytes of a request head read before answering anyway. */
const HEAD_LIMIT = 16 * 1024;
/** Bytes asked for per read: a request head usually arrives in one. */
const READ_BYTES = 2048;

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
  const body = "Service Unavailable: the accept queue is full\n";
  const answer = new TextEncoder().encode(
    "HTTP/1.1 503 Service Unavailable\r\n" +
      `Retry-After: ${retryAfter}\r\n` +
      "Content-Type: text/plain; charset=utf-8\r\n" +
      `Content-Length: ${body.length}\r\n` +
      "Connection: close\r\n\r\n" + body,
  );
  return async (conn: RefusedConnection) => {
    await readHead(conn);
    await conn.write(answer);
  };
}

/**
 * Reads until the blank line that ends a request head, the size limit or the
 * end of the stream. No timer of its own: a client that sends nothing is reset
 * when the refusal handler's time runs out (REFUSAL_HANDLER_LIMIT_MS).
 */
async function readHead(conn: RefusedConnection): Promise<void> {
  const buf = new Uint8Array(READ_BYTES);
  let matched = 0; // bytes of CR LF CR LF matched so far, across reads
  for (let total = 0; total < HEAD_LIMIT;) {
    const n = await conn.read(buf);
    if (n === null) return;
    total += n;
    matched = scanHeadEnd(buf, n, matched);
    if (matched === 4) return;
  }
}

const HEAD_END = [13, 10, 13, 10];

/** Continues matching CR LF CR LF over `buf[0, n)` from `matched` bytes already matched; 4 when found. */
function scanHeadEnd(buf: Uint8Array, n: number, matched: number): number {
  for (let i = 0; i < n; i++) {
    if (buf[i] === HEAD_END[matched]) matched++;
    else matched = buf[i] === 13 ? 1 : 0;
    if (matched === 4) return 4;
  }
  return matched;
}
