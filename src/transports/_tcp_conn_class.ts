/**
 * Deno's TcpConn class, for handing an accepted native handle's socket over
 * as a genuine Deno.TcpConn (`HandleStream.detach`, which the HTTP engine
 * uses). Deno makes a TcpConn from a resource id only internally and exports
 * no constructor, so the class is learned once per process from one loopback
 * connection (127.0.0.1, closed at once) when the first native listener
 * listens. Where that is not allowed (a narrower `--allow-net`) or fails,
 * `tcpConnFromRid` gives undefined and accepted connections are not detached.
 *
 * @module
 */

type TcpConnClass = new (rid: number, remoteAddr: Deno.NetAddr, localAddr: Deno.NetAddr) => Deno.TcpConn;

let tcpConnClass: TcpConnClass | undefined;
let learning = false;

/** Starts learning the class (once); never throws or rejects. */
export function learnTcpConnClass(): void {
  if (learning) return;
  learning = true;
  let listener: Deno.TcpListener;
  try {
    listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  } catch {
    return; // not allowed here: no detach
  }
  const port = listener.addr.port;
  Promise.all([listener.accept(), Deno.connect({ hostname: "127.0.0.1", port })]).then(
    ([accepted, connected]) => {
      tcpConnClass = accepted.constructor as TcpConnClass;
      accepted.close();
      connected.close();
    },
    () => {},
  ).finally(() => listener.close());
}

/** A Deno.TcpConn over the resource `rid`, or undefined while the class is not known. */
export function tcpConnFromRid(
  rid: number,
  local: Deno.NetAddr,
  remote: Deno.NetAddr,
): Deno.TcpConn | undefined {
  return tcpConnClass && new tcpConnClass(rid, remote, local);
}

/** Whether `tcpConnFromRid` can make connections now. */
export function knowsTcpConnClass(): boolean {
  return tcpConnClass !== undefined;
}
