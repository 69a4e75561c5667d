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
 * Reads into (lane "reads") or writes from (lane "writes") `buffer` on the
 * socket's connection, in its lane; a read resolves `eof` at the peer's
 * orderly close, a write the whole length (the rest of a short write is
 * written too). Rejects with WSAEFAULT (null buffer), WSAENOTCONN,
 * WSAESHUTDOWN (that direction was shut down), the socket's failure, WSAEINTR
 * (closed before or during the operation; a read with `eof` null then
 * resolves null instead, the end of the stream) or the
 * operation's error as a WinsockError (WSAECONNRESET by default); TypeError
 * when `buffer` is not a Uint8Array.
 *
 * On an idle lane (the common case) the only promise added to the transport's
 * own is the one reaction that settles the lane and translates a failure:
 * every extra layer of promises costs CPU per connection (bench/e2e/accept_e2e.ts).
 */
export function runInLane(
  rec: SocketRecord,
  buffer: Uint8Array,
  what: string,
  lane: Lane,
  eof: 0 | null,
): Promise<number | null> {
  if (buffer === null || buffer === undefined) return Promise.reject(new WinsockError(WSA.WSAEFAULT));
  if (!(buffer instanceof Uint8Array)) {
    return Promise.reject(new TypeError(`${what} must be a Uint8Array, got ${typeof buffer}`));
  }
  if (rec.failure) return Promise.reject(rec.failure);
  const conn = rec.conn;
  if (!conn) return Promise.reject(new WinsockError(WSA.WSAENOTCONN));
  if (lane === "reads" ? rec.shutRead : rec.shutWrite) {
    return Promise.reject(new WinsockError(WSA.WSAESHUTDOWN));
  }
  const reads = lane === "reads";
  // A stream read (eof null) ends quietly when this side closes, as a Deno.Conn's stream does;
  // recv (eof 0) and writes reject with WSAEINTR, as Winsock's do.
  const closedEnds = reads && eof === null;
  // This runs for every read and write: the lane's fields are named, not computed (rec[lane]),
  // and an idle lane makes only the two closures of its one reaction.
  const done = (n: number | null): number | null | Promise<number | null> => {
    // A short write (a transport may write less than asked) goes on with the rest.
    if (!reads && (n as number) < buffer.length) {
      return writeRest(conn, buffer, n as number).then(done, fail);
    }
    if (reads) rec.readsPending--;
    else rec.writesPending--;
    return n ?? eof;
  };
  const fail = (error: unknown): null => {
    if (reads) rec.readsPending--;
    else rec.writesPending--;
    if (rec.closed && closedEnds) return null;
    throw rec.closed
      ? new WinsockError(WSA.WSAEINTR, "the socket was closed", { cause: error })
      : toWinsockError(error, WSA.WSAECONNRESET);
  };
  // Idle lane (the common case): start at once; else after the one before, whatever its outcome.
  // Named lane fields, not computed keys: the record keeps one shape on this hot path.
  const previous = reads
    ? (rec.readsPending === 0 ? undefined : rec.reads)
    : (rec.writesPending === 0 ? undefined : rec.writes);
  const run =
    (previous
      ? after(previous, rec, conn, buffer, lane, closedEnds)
      : start(rec, conn, buffer, lane, closedEnds))
      .then(done, fail);
  if (reads) {
    rec.readsPending++;
    rec.reads = run;
  } else {
    rec.writesPending++;
    rec.writes = run;
  }
  return run;
}

/** Starts the operation now (its lane is free). */
function start(
  rec: SocketRecord,
  conn: StreamConn,
  buffer: Uint8Array,
  lane: Lane,
  closedEnds: boolean,
): Promise<number | null> {
  if (rec.closed) {
    return closedEnds
      ? Promise.resolve(null)
      : Promise.reject(new WinsockError(WSA.WSAEINTR, "the socket was closed"));
  }
  if (lane === "writes") return conn.write(buffer);
  return buffer.length === 0 ? Promise.resolve(0) : conn.read(buffer);
}

/** Starts the operation once `previous` (the one before it in its lane) has settled, whatever its outcome. */
function after(
  previous: Promise<unknown>,
  rec: SocketRecord,
  conn: StreamConn,
  buffer: Uint8Array,
  lane: Lane,
  closedEnds: boolean,
): Promise<number | null> {
  const next = () => start(rec, conn, buffer, lane, closedEnds);
  return previous.then(next, next);
}

async function writeRest(conn: StreamConn, data: Uint8Array, written: number): Promise<number> {
  while (written < data.length) written += await conn.write(data.subarray(written));
  return written;
}
