/**
 * Deno's own HTTP engine on one accepted connection. Deno serves a single
 * connection only through an internal entry point,
 * `Deno[Deno.internal].serveHttpOnConnection(conn, signal, handler, onError,
 * onListen)` (ext/http/00_serve.ts, covered by Deno's own tests, with no
 * stability promise): `serve` detects it and falls back to node:http when it
 * is absent or fails.
 *
 * @module
 */

import type { ErrorHandler, ServeHandler } from "./_fetch_over_node.ts";

/** What serveHttpOnConnection returns (the parts used here). */
export interface ServedConnection {
  /** Resolves (never rejects: a reset by the client is a normal end) when the connection has ended. */
  finished: Promise<void>;
  /** Ends the connection gracefully, after the request in flight. */
  shutdown(): Promise<void>;
}

type ServeHttpOnConnection = (
  conn: Deno.Conn,
  signal: AbortSignal | undefined,
  handler: ServeHandler,
  onError: ErrorHandler,
  onListen: (scheme: string) => void,
) => ServedConnection;

/** Deno's internal one-connection server, when this Deno has it. */
export function denoEngine(): ServeHttpOnConnection | undefined {
  const deno = (globalThis as { Deno?: Record<symbol | string, unknown> }).Deno;
  const key = deno?.internal as symbol | undefined;
  const internal = key === undefined ? undefined : deno?.[key] as Record<string, unknown> | undefined;
  const serve = internal?.serveHttpOnConnection;
  return typeof serve === "function" && serve.length === 5 ? serve as ServeHttpOnConnection : undefined;
}

/**
 * Serves HTTP on `conn` with Deno's engine until the connection ends, or
 * returns undefined when the engine threw at once (the caller falls back).
 * No signal is passed: Deno's abort is a hard cancel that throws once the
 * connection is gone; `shutdown()` is the graceful end, and is safe then.
 */
export function serveWithDeno(
  engine: ServeHttpOnConnection,
  conn: Deno.Conn,
  handler: ServeHandler,
  onError: ErrorHandler,
): ServedConnection | undefined {
  let served: ServedConnection;
  try {
    served = engine(conn, undefined, handler, onError, () => {});
  } catch {
    return undefined;
  }
  return {
    finished: served.finished.then(() => {}, () => {}),
    shutdown: () => served.shutdown().catch(() => {}),
  };
}
