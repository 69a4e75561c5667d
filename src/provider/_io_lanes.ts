/**
 * The I/O lanes of a connected socket: `send`s go out in call order, and so do
 * `recv`s, each waiting for the one before it in its lane whatever that one's
 * outcome. The provider checks the descriptor; this checks the buffer, the
 * socket's state, and runs the operation in its lane.
 *
 * @module
 */

import { toWinsockError } from "../shared/_deno_errors.ts";
import { WinsockError, WSA } from "../shared/errors.ts";
import type { StreamConn } from "../transports/transport.ts";
import type { SocketRecord } from "./_socket_record.ts";

/** Which lane an operation runs in: reads (`recv`) or writes (`send`). */
export type Lane = "reads" | "writes";

/**
 * Runs `op` on the socket's connection in its lane. Rejects with WSAEFAULT
 * (null buffer), WSAENOTCONN, the socket's failure, WSAEINTR (closed before or
 * during the operation) or the operation's error as a WinsockError
 * (WSAECONNRESET by default); TypeError when `buffer` is not a Uint8Array.
 */
export function runInLane(
  rec: SocketRecord,
  buffer: Uint8Array,
  what: string,
  lane: Lane,
  op: (conn: StreamConn) => Promise<number>,
): Promise<number> {
  if (buffer === null || buffer === undefined) return Promise.reject(new WinsockError(WSA.WSAEFAULT));
  if (!(buffer instanceof Uint8Array)) {
    return Promise.reject(new TypeError(`${what} must be a Uint8Array, got ${typeof buffer}`));
  }
  if (rec.failure) return Promise.reject(rec.failure);
  const conn = rec.conn;
  if (!conn) return Promise.reject(new WinsockError(WSA.WSAENOTCONN));
  const pending = lane === "reads" ? "readsPending" : "writesPending";
  const start = (): Promise<number> =>
    rec.closed ? Promise.reject(new WinsockError(WSA.WSAEINTR, "the socket was closed")) : op(conn);
  const done = (n: number): number => {
    rec[pending]--;
    return n;
  };
  const fail = (error: unknown): never => {
    rec[pending]--;
    throw rec.closed
      ? new WinsockError(WSA.WSAEINTR, "the socket was closed", { cause: error })
      : toWinsockError(error, WSA.WSAECONNRESET);
  };
  // Idle lane (the common case): start at once; else after the one before, whatever its outcome.
  const previous = rec[pending] === 0 ? undefined : rec[lane];
  const run = (previous ? previous.then(start, start) : start()).then(done, fail);
  rec[pending]++;
  rec[lane] = run;
  return run;
}
