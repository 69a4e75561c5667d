/**
 * A reset (RST) for a connection accepted on a Deno.listen listener, which
 * Deno itself cannot send: `Deno.TcpConn.close()` shuts the write half down
 * before it closes the descriptor, so the peer always reads FIN first, even
 * with SO_LINGER 0 set on the socket (the RST then follows the FIN and the
 * peer reads an orderly end of stream).
 *
 * What does reset it (measured with Deno 2.9.6 on Linux,
 * bench/results/refusal_mechanism.md): libc's `connect(fd, AF_UNSPEC)` on
 * the connection's descriptor, called through Deno's FFI just before the
 * close. Linux answers a connect to AF_UNSPEC on a connected TCP socket with
 * `tcp_disconnect`: the connection is aborted with an RST and the socket is
 * left in CLOSE, so the shutdown and close Deno does next send nothing more.
 * The peer's next call fails with ECONNRESET (ECONNREFUSED when the RST beats
 * its handshake), as a client refused by Windows sees.
 *
 * It is used only where it is safe and allowed: Linux, `Deno.dlopen` present,
 * the `ffi` permission already granted (queried, never prompted for: grant it
 * with `--allow-ffi` or `-A`), libc loadable, and the connection's descriptor
 * readable from the TcpConn (Deno keeps it under the symbol
 * `Deno.internal.fd`). The descriptor is used in the same synchronous step
 * as the close that follows, while the TcpConn still owns it, so it cannot
 * have been reused. Anywhere else `abortConnection` returns false and the
 * caller's close is the orderly one it was before.
 *
 * An admitted connection never comes here: this costs one FFI call per
 * refusal and nothing per accepted connection.
 *
 * @module
 */

/** The one libc call used: `int connect(int fd, const struct sockaddr *addr, socklen_t len)`. */
const LIBC_SYMBOLS = {
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

/** A `struct sockaddr` whose family is AF_UNSPEC (0): 16 zero bytes, the size of a sockaddr_in. */
const AF_UNSPEC_ADDRESS = new Uint8Array(16);

/** undefined: not tried yet; null: not available in this process. */
let libc: Libc | null | undefined;
/** The symbol under which a Deno.TcpConn keeps its descriptor (kept once found on a connection). */
let fdSymbol: symbol | undefined;

function openLibc(): Libc | null {
  try {
    if (Deno.build.os !== "linux" || typeof Deno.dlopen !== "function") return null;
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    return Deno.dlopen("libc.so.6", LIBC_SYMBOLS).symbols;
  } catch {
    return null; // no FFI here, or no glibc (musl, ...): refusals stay orderly closes
  }
}

/** The descriptor `conn` owns, or undefined when Deno does not show it. */
function descriptorOf(conn: Deno.TcpConn): number | undefined {
  fdSymbol ??= Object.getOwnPropertySymbols(conn).find((s) => s.description === "Deno.internal.fd");
  if (fdSymbol === undefined) return undefined;
  const fd = (conn as unknown as Record<symbol, unknown>)[fdSymbol];
  return typeof fd === "number" && Number.isInteger(fd) && fd >= 0 ? fd : undefined;
}

/** Whether `abortConnection` can reset connections in this process (tries to set it up once). */
export function canAbortConnections(): boolean {
  libc ??= openLibc();
  return libc !== null;
}

/**
 * Aborts `conn`'s TCP connection with an RST; the caller closes `conn` right
 * after, in the same synchronous step. Returns false (and does nothing) where
 * that cannot be done: then the close is an orderly one. Never throws.
 */
export function abortConnection(conn: Deno.TcpConn): boolean {
  if (!canAbortConnections()) return false;
  const fd = descriptorOf(conn);
  if (fd === undefined) return false;
  try {
    return libc!.connect(fd, AF_UNSPEC_ADDRESS, AF_UNSPEC_ADDRESS.length) === 0;
  } catch {
    return false;
  }
}
