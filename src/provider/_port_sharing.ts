/**
 * Ports shared as Windows shares them: the SO_REUSEADDR / SO_EXCLUSIVEADDRUSE
 * bind rules among this provider's own sockets, a specific address beside a
 * wildcard on one port (either order) on one transport endpoint, and the
 * share's listening (one pump per shared port, routing each arrival to the most
 * specific listening member). The share itself is `PortShare` (_port_share.ts).
 *
 * @module
 */

import { type CoreOps, SocketState, StatField } from "../core/_abi.ts";
import { wsaCodeOf } from "../shared/_deno_errors.ts";
import { WSA } from "../shared/errors.ts";
import { canonicalAddress, isWildcard, type SockAddr } from "../shared/_sockaddr.ts";
import type { Endpoint, Transport } from "../transports/transport.ts";
import type { Acceptor } from "./_acceptor.ts";
import { bindConflict, PortShare, type ShareMember } from "./_port_share.ts";
import type { RecordTable } from "./_records.ts";
import { failRecord, type SocketRecord } from "./_socket_record.ts";

/** The port sharing of one provider. */
export class PortSharing {
  readonly #transport: Transport;
  readonly #core: CoreOps;
  readonly #records: RecordTable<SocketRecord>;
  readonly #acceptor: Acceptor;
  readonly #osBacklog: number | "backlog";

  constructor(
    transport: Transport,
    core: CoreOps,
    records: RecordTable<SocketRecord>,
    acceptor: Acceptor,
    osBacklog: number | "backlog",
  ) {
    this.#transport = transport;
    this.#core = core;
    this.#records = records;
    this.#acceptor = acceptor;
    this.#osBacklog = osBacklog;
  }

  /**
   * Where a stream bind of `addr` (a given port) stands among this provider's
   * own bound sockets on that port, by Windows' rules (`bindConflict`): a
   * negated WSAEADDRINUSE / WSAEACCES, the socket whose endpoint the bind can
   * share (its endpoint's address is a wildcard or `addr`'s own), or 0 when no
   * socket of this provider holds the port (the transport decides).
   */
  holder(s: number, rec: SocketRecord, addr: SockAddr): number | ShareMember {
    const claim = { address: addr.address, reuse: rec.reuseAddress, exclusive: rec.exclusiveAddress };
    let host: ShareMember | undefined;
    for (const [t, held] of this.#records.entries()) {
      if (t === s || !(held.endpoint || held.share) || held.local?.port !== addr.port) continue;
      if (held.local.family !== addr.family) continue;
      const code = bindConflict(
        { address: held.local.address, reuse: held.reuseAddress, exclusive: held.exclusiveAddress },
        claim,
      );
      if (code) return -code;
      const real = held.share?.real ?? held.endpoint!;
      const covered = isWildcard(real.local.address) ||
        canonicalAddress(real.local.address) === canonicalAddress(addr.address);
      // A wildcard beside a specific address shares that address's endpoint: Linux refuses the wildcard.
      if (!host && (covered || isWildcard(addr.address))) host = { s: t, rec: held };
    }
    return host ?? 0;
  }

  /**
   * Makes `rec` (bound to `addr`) a member of `host`'s port share, making the
   * share when there is none. A wildcard joining a specific address moves the
   * share's endpoint to the wildcard first. Returns 0 or a negated code.
   */
  join(s: number, rec: SocketRecord, host: ShareMember, addr: SockAddr): number {
    let share = host.rec.share;
    if (!share) {
      share = new PortShare(host.rec.endpoint!);
      share.listening = this.#core.stat(host.s, StatField.State) === SocketState.Listening;
      share.members.push(host);
      host.rec.share = share;
    }
    if (isWildcard(addr.address) && !isWildcard(share.real.local.address)) {
      const moved = this.#moveToWildcard(share, addr);
      if (moved < 0) {
        if (share.members.length === 1) share.leave(host.s, host.rec);
        return moved;
      }
    }
    share.members.push({ s, rec });
    rec.share = share;
    rec.local = { family: addr.family, address: addr.address, port: share.real.local.port };
    return 0;
  }

  /**
   * Moves a share held on a specific address to the wildcard `addr` on the same
   * port (Linux refuses the wildcard while the specific address is held), so that
   * connections to the port's other addresses reach the wildcard socket. The
   * specific endpoint closes: connections still in its OS queue are reset. A
   * listening share listens again and its pump moves along. Returns 0 or a
   * negated code (the specific reservation is then taken back).
   */
  #moveToWildcard(share: PortShare, addr: SockAddr): number {
    const old = share.real;
    const owner = share.owner()!;
    const backlog = this.#osBacklog === "backlog"
      ? this.#core.stat(owner.s, StatField.Backlog) || 1
      : this.#osBacklog;
    old.close();
    let real: Endpoint;
    try {
      real = this.#transport.bind({ family: addr.family, address: addr.address, port: old.local.port });
    } catch (error) {
      try {
        share.moveTo(this.#transport.bind(old.local));
        this.listen(share, backlog);
      } catch (lost) {
        for (const m of share.members) failRecord(m.rec, lost);
      }
      return -wsaCodeOf(error, WSA.WSAEADDRINUSE);
    }
    share.moveTo(real);
    this.listen(share, backlog);
    return 0;
  }

  /**
   * A listening share's (new) endpoint listens with an OS queue of `backlog`
   * and gets its pump, on the owner: one pump per shared port, routing each
   * arrival. Its members' connects wait for the commit (`share.committing`).
   */
  listen(share: PortShare, backlog: number): void {
    if (!share.listening) return;
    const owner = share.owner()!;
    const committing = share.real.listen(backlog);
    this.#acceptor.pump(owner.s, owner.rec, share.real).catch((error) => failRecord(owner.rec, error));
    if (!committing) return;
    const settled: Promise<void> = committing.then(
      () => {
        if (share.committing === settled) share.committing = undefined;
      },
      (error) => {
        if (share.committing === settled) share.committing = undefined;
        for (const m of share.members) failRecord(m.rec, error);
      },
    );
    share.committing = settled;
  }
}
