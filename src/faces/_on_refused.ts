/**
 * `onRefused` for the idiomatic listener: a hook called with the client's
 * address for every connection refused because the queue is full (Node's
 * `'drop'` event), composed with the refusal form as one refusal handler.
 *
 * @module
 */

import type { Refusal, RefusedConnection } from "../provider/refusal.ts";
import { WinsockError, WSA } from "../shared/errors.ts";

/** What `onRefused` is told about a refused connection. */
export interface RefusedInfo {
  /** The refused client's address. */
  remoteAddr: Deno.NetAddr;
}

/**
 * The refusal `form` (undefined: a reset) preceded by a call of `hook`. A
 * hook that throws does not change the refusal.
 */
export function withRefusedHook(form: Refusal | undefined, hook: (info: RefusedInfo) => void): Refusal {
  return (conn: RefusedConnection) => {
    try {
      hook({ remoteAddr: { transport: "tcp", hostname: conn.remote.address, port: conn.remote.port } });
    } catch {
      // The hook's failure is its own: the client is refused in the form asked for.
    }
    if (form === "close") return;
    if (form === undefined || form === "reset") {
      throw new WinsockError(WSA.WSAECONNRESET, "refused"); // a refusal handler that throws resets
    }
    return form(conn);
  };
}
