/**
 * Binds of one provider that share a port, as Windows lets them (Wine's
 * test_reuseaddr): two sockets with SO_REUSEADDR on one address, or a specific
 * address beside a wildcard on the same port, in either order. The OS (Linux,
 * through Deno) refuses both: a Deno listener listens at once, and a listening
 * socket's port cannot be bound again without SO_REUSEPORT, which Deno keeps
 * behind --unstable-net. So the provider keeps one transport endpoint for the
 * port (the first bind's, moved to the wildcard address when a wildcard joins a
 * specific one) and hands each connection to the socket Windows would give it:
 * the first listening socket bound to the exact address the connection reached,
 * else the first listening wildcard socket.
 *
 * @module
 */

import { WSA } from "../shared/errors.ts";
import { canonicalAddress, isWildcard } from "../shared/_sockaddr.ts";
import type { Endpoint, StreamConn } from "../transports/transport.ts";
import type { SocketRecord } from "./_socket_record.ts";

/** What a bind claims: its address and the socket's SO_REUSEADDR / SO_EXCLUSIVEADDRUSE. */
export interface BindClaim {
  address: string;
  reuse: boolean;
  exclusive: boolean;
}

/**
 * Windows' answer to a bind of `next` on a port where `held` is bound (Wine's
 * test_reuseaddr and its tests_exclusive table, IPv4 rows): 0 when both may
 * hold the port, else WSAEADDRINUSE or WSAEACCES.
 * - The same address (or both wildcards): only when both set SO_REUSEADDR;
 *   WSAEACCES when only the newcomer did (and the holder is not exclusive).
 * - A specific address beside a wildcard: allowed, unless the wildcard holder is
 *   exclusive (WSAEACCES) or the newcomer is an exclusive wildcard (WSAEADDRINUSE).
 * - Two different specific addresses never conflict.
 */
export function bindConflict(held: BindClaim, next: BindClaim): number {
  const heldAddress = canonicalAddress(held.address);
  const nextAddress = canonicalAddress(next.address);
  const heldAny = isWildcard(heldAddress);
  const nextAny = isWildcard(nextAddress);
  if (heldAddress === nextAddress || (heldAny && nextAny)) {
    if (held.reuse && next.reuse) return 0;
    return next.reuse && !held.exclusive ? WSA.WSAEACCES : WSA.WSAEADDRINUSE;
  }
  if (heldAny) return held.exclusive ? WSA.WSAEACCES : 0;
  if (nextAny) return next.exclusive ? WSA.WSAEADDRINUSE : 0;
  return 0;
}

/** A socket of a share: its descriptor and record. */
export interface ShareMember {
  s: number;
  rec: SocketRecord;
}

/** The share each shared endpoint belongs to, for the accept pump running on it. */
const SHARES = new WeakMap<Endpoint, PortShare>();

/** The share `endpoint` belongs to, if its port is shared. */
export function shareOf(endpoint: Endpoint): PortShare | undefined {
  return SHARES.get(endpoint);
}

/** One transport endpoint and the sockets that share its port, in bind order. */
export class PortShare {
  /** The endpoint the first bind reserved (or the wildcard it moved to); the member whose `rec.endpoint` it is owns it. */
  real: Endpoint;
  readonly members: ShareMember[] = [];
  /** The endpoint was committed to listening (when a member first listened). */
  listening = false;
  /** While the endpoint's commit to listening is in progress: settles (never rejects) when done. */
  committing: Promise<void> | undefined;

  constructor(real: Endpoint) {
    this.real = real;
    SHARES.set(real, this);
  }

  /**
   * The member `conn` goes to: the first listening member bound to the address
   * it reached, else the first listening wildcard member; undefined when none
   * listens (it is refused).
   */
  route(conn: StreamConn, listening: (s: number) => boolean): ShareMember | undefined {
    const reached = canonicalAddress(conn.local.address);
    let wildcard: ShareMember | undefined;
    for (const member of this.members) {
      if (!listening(member.s)) continue;
      const address = canonicalAddress(member.rec.local!.address);
      if (address === reached) return member;
      if (!wildcard && isWildcard(address)) wildcard = member;
    }
    return wildcard;
  }

  /** Replaces the endpoint (the share moved to the wildcard address); the owner holds the new one. */
  moveTo(real: Endpoint): void {
    const owner = this.owner();
    SHARES.delete(this.real);
    SHARES.set(real, this);
    this.real = real;
    if (owner) owner.rec.endpoint = real;
  }

  /** The member holding the endpoint (its `rec.endpoint`), if any is left. */
  owner(): ShareMember | undefined {
    return this.members.find((m) => m.rec.endpoint === this.real);
  }

  /**
   * Takes `s` out. An owner hands the endpoint to the next member; the last
   * member keeps it (to close it) and the share ends.
   */
  leave(s: number, rec: SocketRecord): void {
    const at = this.members.findIndex((m) => m.s === s);
    if (at >= 0) this.members.splice(at, 1);
    rec.share = undefined;
    if (this.members.length === 0) {
      SHARES.delete(this.real);
    } else if (rec.endpoint === this.real) {
      this.members[0].rec.endpoint = this.real;
      rec.endpoint = undefined;
    }
  }
}
