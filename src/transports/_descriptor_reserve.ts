/**
 * One file descriptor held in reserve while TCP listeners are open, so that a
 * listener can still decide the connections that arrive when the process has
 * no descriptor left (libuv's "EMFILE trick", as nginx and libuv do it): when
 * `accept` fails with EMFILE, the reserve is closed, the next connection is
 * accepted on the descriptor that frees, refused at once, and the reserve is
 * opened again as soon as that connection is closed. Without it those
 * connections would wait in the kernel's queue, undecided, until descriptors
 * come back.
 *
 * The reserve is `/dev/null` when reading it is allowed, else a loopback
 * listener that accepts nothing when the network is allowed there, else there
 * is none (the pump then only backs off and retries). Permissions are queried,
 * never prompted for. It is held only while at least one listener needs it, so
 * a process with no listener open holds no extra descriptor.
 *
 * @module
 */

/** Something that owns one descriptor and can give it back. */
interface Held {
  close(): void;
}

let holders = 0;
let held: Held | undefined;
/** Whether the reserve was taken (closed) to accept a connection and must be opened again. */
let lent = false;

function granted(descriptor: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(descriptor).state === "granted";
  } catch {
    return false;
  }
}

/** Opens the reserve descriptor, or returns undefined when none can be had now. */
function open(): Held | undefined {
  try {
    if (granted({ name: "read", path: "/dev/null" })) return Deno.openSync("/dev/null");
    if (granted({ name: "net", host: "127.0.0.1" })) {
      return Deno.listen({ hostname: "127.0.0.1", port: 0, transport: "tcp", tcpBacklog: 1 });
    }
  } catch {
    // Out of descriptors right now (or no permission after all): try again later.
  }
  return undefined;
}

let signalsReady = false;

/**
 * Deno 2.9.6 sets up its signal handling (a socket pair) lazily, the first time
 * something needs it, and panics when that happens while the process is out of
 * descriptors. Setting it up now, with a signal whose default is to be ignored,
 * keeps a server at its descriptor limit alive.
 */
function prepareSignals(): void {
  if (signalsReady) return;
  signalsReady = true;
  try {
    const noop = () => {};
    Deno.addSignalListener("SIGWINCH", noop);
    Deno.removeSignalListener("SIGWINCH", noop);
  } catch {
    // No such signal here (Windows): nothing to prepare.
  }
}

/** A listener starts needing the reserve (pair with `release`). */
export function holdReserve(): void {
  prepareSignals();
  holders++;
  if (!held && !lent) held = open();
}

/** A listener no longer needs the reserve; the last one closes it. */
export function releaseReserve(): void {
  if (--holders > 0) return;
  holders = 0;
  held?.close();
  held = undefined;
}

/**
 * Closes the reserve so that its descriptor can be used for one connection;
 * false when there is no reserve to lend (none could be opened, or it is lent
 * already). Pair a true result with `restoreReserve`.
 */
export function lendReserve(): boolean {
  if (!held && !lent) held = open(); // a reserve that could not be opened earlier
  if (!held) return false;
  held.close();
  held = undefined;
  lent = true;
  return true;
}

/**
 * Opens the reserve again after a lend (if a listener still needs it). Returns
 * whether the reserve is held now: false means descriptors are still short.
 */
export function restoreReserve(): boolean {
  lent = false;
  if (holders > 0 && !held) held = open();
  return held !== undefined;
}

/** Whether a reserve descriptor is open now (for tests). */
export function reserveHeld(): boolean {
  return held !== undefined;
}
