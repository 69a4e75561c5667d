// Winsock error codes the core can return, negated, as its results.
// Values are the Windows SDK's (winerror.h / winsock2.h). The TypeScript side
// defines the same table in src/shared/errors.ts; tests/core/errors_agree_test.ts checks that
// the two agree.

/** An I/O-area count out of range (the C equivalent is a bad pointer or length). */
@inline export const WSAEFAULT: i32 = 10014;
/** Invalid argument: not bound, not listening, bad configuration. */
@inline export const WSAEINVAL: i32 = 10022;
/** No free descriptor in the socket table. */
@inline export const WSAEMFILE: i32 = 10024;
/** Nothing to take: the listener's queue is empty. */
@inline export const WSAEWOULDBLOCK: i32 = 10035;
/** A connect is already in progress on this socket. */
@inline export const WSAEALREADY: i32 = 10037;
/** The descriptor is not a live socket (never created, closed, or stale). */
@inline export const WSAENOTSOCK: i32 = 10038;
/** The socket type is neither SOCK_STREAM nor SOCK_DGRAM. */
@inline export const WSAESOCKTNOSUPPORT: i32 = 10044;
/** The operation needs a stream socket (listen or accept on a datagram socket). */
@inline export const WSAEOPNOTSUPP: i32 = 10045;
/** The ring arena has no block large enough for the listener's queue. */
@inline export const WSAENOBUFS: i32 = 10055;
/** The socket is already connected. */
@inline export const WSAEISCONN: i32 = 10056;
/** The listener's queue already holds `backlog` connections. */
@inline export const WSAECONNREFUSED: i32 = 10061;
/** `init` has not been called. */
@inline export const WSANOTINITIALISED: i32 = 10093;
