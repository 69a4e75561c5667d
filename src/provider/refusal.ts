/**
 * How a refused connection is ended (the refusal form). A listener whose
 * queue is full refuses the next connection at once; this decides what the
 * client then sees:
 *
 * - `"reset"` (the default): an abortive close, as Windows resets a
 *   connection its full backlog refuses. On TCP the client's connect or next
 *   call fails with ECONNRESET or ECONNREFUSED (WSAECONNRESET,
 *   WSAECONNREFUSED); on the in-memory network its reads and writes reject
 *   with WSAECONNRESET.
 * - `"close"`: an orderly close: the client reads the end of the stream (FIN)
 *   before any byte.
 * - a function: an answer in the protocol, such as HTTP's `503 Service
 *   Unavailable`. It is called with the refused connection (already counted
 *   as refused), may read from it and write to it, and the connection is
 *   closed in order (FIN) when the function's promise resolves, or reset when
 *   it throws, rejects, or has not settled within {@link REFUSAL_HANDLER_LIMIT_MS}.
 *
 * @module
 */

import type { SockAddr } from "../shared/_sockaddr.ts";
import type { StreamConn } from "../transports/transport.ts";
import { closeQuietly, resetQuietly } from "./_release.ts";

/** A refused connection as a refusal handler sees it: its addresses and its bytes, not its end. */
export interface RefusedConnection {
  /** The listener's address the client reached. */
  readonly local: SockAddr;
  /** The refused client's address. */
  readonly remote: SockAddr;
  /** Reads into `buf`; resolves the byte count, or null at the client's orderly close. */
  read(buf: Uint8Array): Promise<number | null>;
  /** Writes all of `data`; resolves its length. */
  write(data: Uint8Array): Promise<number>;
}

/**
 * Answers a refused connection in its protocol. acceptq closes the connection
 * (FIN) when the returned promise resolves, and resets it when the handler
 * throws, rejects or runs past {@link REFUSAL_HANDLER_LIMIT_MS}.
 */
export type RefusalHandler = (conn: RefusedConnection) => void | Promise<void>;

/** The refusal form: `"reset"` (default), `"close"`, or a {@link RefusalHandler}. */
export type Refusal = "reset" | "close" | RefusalHandler;

/** The refusal form when none is given: a reset, as Windows answers a full backlog. */
export const DEFAULT_REFUSAL: Refusal = "reset";

/**
 * How long a refusal handler may hold its connection before acceptq resets it
 * (a refusal must not hold a descriptor for long under overload).
 */
export const REFUSAL_HANDLER_LIMIT_MS = 5000;

/**
 * Throws a TypeError unless `value` is a refusal form; returns it.
 *
 * @example
 * ```ts
 * import { checkRefusal } from "./refusal.ts";
 * console.log(checkRefusal("close")); // "close"
 * ```
 */
export function checkRefusal(value: unknown, what = "refusal"): Refusal {
  if (value === "reset" || value === "close" || typeof value === "function") return value as Refusal;
  throw new TypeError(`${what} must be "reset", "close" or a function, got ${String(value)}`);
}

/**
 * Ends the refused connection `conn` in the form `form`. Never throws and
 * never rejects: a handler's failure resets the connection.
 *
 * @example An orderly close
 * ```ts
 * import { refuse } from "./refusal.ts";
 * import { MemoryTransport } from "../transports/memory/memory_transport.ts";
 * const net = new MemoryTransport();
 * const endpoint = net.bind({ family: 2, address: "127.0.0.1", port: 0 });
 * endpoint.listen(8);
 * const client = await net.connect(endpoint.local, new AbortController().signal);
 * refuse(await endpoint.accept(), "close");
 * console.log(await client.read(new Uint8Array(1))); // null
 * client.close();
 * endpoint.close();
 * ```
 */
export function refuse(conn: StreamConn, form: Refusal): void {
  if (form === "reset") return resetQuietly(conn);
  if (form === "close") return closeQuietly(conn);
  void answer(conn, form);
}

async function answer(conn: StreamConn, handler: RefusalHandler): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), REFUSAL_HANDLER_LIMIT_MS);
  });
  try {
    const outcome = await Promise.race([(async () => await handler(conn))(), late]);
    if (outcome === "late") resetQuietly(conn);
    else closeQuietly(conn);
  } catch {
    resetQuietly(conn);
  } finally {
    clearTimeout(timer);
  }
}
