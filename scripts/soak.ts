// Soak test (not in CI): a real TCP server under `ulimit -n 256` pushed to about ten times its
// descriptors, in waves, for a bounded time.
//
//   deno task soak [--seconds 60] [--limit 256] [--factor 10] [--bound-ms 2000] [--listener deno|handle]
//
// `--listener handle` runs the server on the native-handle listeners instead, which Deno does not
// tell of EMFILE: there arrivals wait undecided in the OS queue, and the soak fails (a control).
//
// The server is tests/fixtures/low_fd_server.ts on the TCP transport's default listeners
// (Deno.listen), in a process of its own under `ulimit -n <limit>`, on 127.0.0.1:0. It accepts
// every connection it can, greets it with "ok\n" and holds it. This process is the client: each
// wave opens <limit × factor> connections at once, waits until every one is decided, holds the
// accepted ones for a moment, then both sides close them (release) and the next wave reconnects.
//
// Checked throughout, exit code 1 if any check fails:
// - every attempt whose handshake ends is decided within the bound: greeted ("ok\n": accepted and
//   answered) or refused (end of stream or reset, before any byte); none is left undecided;
// - every connect ends (the kernel may drop SYNs while the OS queue is full, so a connect may take
//   a few SYN retries; one still pending after CONNECT_LIMIT_MS counts as undecided too);
// - the server process stays alive and its accept loop never fails;
// - after the load, with the connections released, a final wave of fresh clients is all accepted,
//   and the server is back to the descriptors it had before the load.
import { Child, macrotask, waitUntil } from "../tests/fixtures/_process.ts";
import { reports, serverStats } from "../tests/fixtures/_low_fd_reports.ts";

const SERVER = new URL("../tests/fixtures/low_fd_server.ts", import.meta.url).pathname;
/** How long a connect may take before it counts as undecided (SYN retries at 1, 3, 7 s). */
const CONNECT_LIMIT_MS = 15_000;
/** How long the accepted connections of a wave are held before the release. */
const HOLD_MS = 1_000;
/** Clients of the final (recovery) wave, all of which must be accepted. */
const RECOVERY_CLIENTS = 50;

function option(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(Deno.args[at + 1]);
  if (!(value > 0) || !Number.isFinite(value)) {
    console.error(`--${name} takes a positive number, got ${Deno.args[at + 1]}`);
    Deno.exit(2);
  }
  return value;
}
const seconds = option("seconds", 60);
const limit = Math.floor(option("limit", 256));
const factor = option("factor", 10);
const boundMs = option("bound-ms", 2_000);
const perWave = Math.round(limit * factor);
const listenerKind = Deno.args[Deno.args.indexOf("--listener") + 1] === "handle" ? "handle" : "deno";

type Outcome = "accepted" | "refused" | "undecided" | "failed";

interface Attempt {
  outcome: Outcome;
  /** ms from the end of the handshake to the decision (undefined when there was none) */
  decisionMs?: number;
  /** ms from the connect call to the end of the handshake */
  connectMs: number;
  error?: string;
  conn?: Deno.TcpConn;
}

/**
 * A reset as a client sees it: ConnectionReset; ConnectionRefused when it beat the handshake;
 * NotConnected when it landed between the handshake and Deno.connect's own getpeername.
 */
const isRefusal = (name: string) =>
  name === "ConnectionReset" || name === "ConnectionRefused" || name === "NotConnected";

function closeQuietly(conn: Deno.TcpConn | undefined): void {
  try {
    conn?.close();
  } catch {
    // closed already
  }
}

/** One connection attempt: connects, then waits for the greeting or the refusal, within the bounds. */
async function attempt(port: number): Promise<Attempt> {
  const start = performance.now();
  // Not Deno.connect({ signal }): Deno 2.9 leaks the socket of an aborted connect. A late connect is
  // closed when it ends.
  const connecting = Deno.connect({ hostname: "127.0.0.1", port });
  let late = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tooLate = new Promise<"late">((resolve) =>
    timer = setTimeout(() => resolve("late"), CONNECT_LIMIT_MS)
  );
  let conn: Deno.TcpConn;
  try {
    const first = await Promise.race([connecting, tooLate]);
    if (first === "late") {
      late = true;
      connecting.then(closeQuietly, () => {});
      return { outcome: "undecided", connectMs: CONNECT_LIMIT_MS, error: "connect still pending" };
    }
    conn = first;
  } catch (error) {
    const name = (error as Error).name;
    const connectMs = performance.now() - start;
    // Reset as the handshake ended: refused at once.
    if (isRefusal(name)) return { outcome: "refused", decisionMs: 0, connectMs };
    return { outcome: "failed", connectMs, error: name };
  } finally {
    if (!late) clearTimeout(timer);
  }
  const connected = performance.now();
  const connectMs = connected - start;
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    closeQuietly(conn); // ends the pending read
  }, boundMs);
  const buf = new Uint8Array(16);
  let got = "";
  try {
    while (!got.includes("\n")) {
      const n = await conn.read(buf);
      if (n === null) break;
      got += new TextDecoder().decode(buf.subarray(0, n));
    }
  } catch (error) {
    if (!timedOut) {
      clearTimeout(watchdog);
      closeQuietly(conn);
      const name = (error as Error).name;
      const decisionMs = performance.now() - connected;
      return isRefusal(name) || name === "BrokenPipe"
        ? { outcome: "refused", decisionMs, connectMs }
        : { outcome: "failed", connectMs, error: name };
    }
  }
  clearTimeout(watchdog);
  if (timedOut) return { outcome: "undecided", connectMs, error: `no decision within ${boundMs} ms` };
  const decisionMs = performance.now() - connected;
  if (got === "ok\n") return { outcome: "accepted", decisionMs, connectMs, conn };
  closeQuietly(conn);
  if (got === "") return { outcome: "refused", decisionMs, connectMs };
  return { outcome: "failed", connectMs, error: `unexpected greeting ${JSON.stringify(got)}` };
}

const totals = { attempts: 0, accepted: 0, refused: 0, undecided: 0, failed: 0 };
let maxDecisionMs = 0;
let maxConnectMs = 0;
const problems: string[] = [];

function count(results: Attempt[]): void {
  for (const r of results) {
    totals.attempts++;
    totals[r.outcome]++;
    if (r.decisionMs !== undefined) maxDecisionMs = Math.max(maxDecisionMs, r.decisionMs);
    maxConnectMs = Math.max(maxConnectMs, r.connectMs);
  }
  const errors = new Set(results.filter((r) => r.error).map((r) => r.error));
  if (errors.size) problems.push(`errors: ${[...errors].join(", ")}`);
}

const file = await Deno.makeTempFile({ prefix: "acceptq-soak-" });
const server = new Child("bash", [
  "-c",
  `ulimit -n ${limit} && exec "${Deno.execPath()}" run --quiet --no-config -A "${SERVER}" "${file}" ${listenerKind}`,
]);
let serverExited: Deno.CommandStatus | undefined;
server.process.status.then((status) => serverExited = status);
const held: Deno.TcpConn[] = [];
const hardStop = setTimeout(() => {
  console.error(`soak: still running ${seconds + 120} s after the start; killing the server and giving up`);
  try {
    server.process.kill("SIGKILL");
  } catch {
    // exited already
  }
  Deno.exit(1);
}, (seconds + 120) * 1000);

let exitCode = 0;
try {
  if (!(await waitUntil(() => reports(file).length > 0, 20_000, 20))) {
    throw new Error(`the server did not start; its stderr: ${await server.stderr}`);
  }
  const { port } = reports(file)[0] as { port: number };
  const baseline = await serverStats(server, file);
  console.log(
    `soak: server on 127.0.0.1:${port} under ulimit -n ${limit} on ${listenerKind} listeners (${baseline.fds} descriptors open), ` +
      `${perWave} connection attempts a wave for ${seconds} s, decision bound ${boundMs} ms`,
  );

  const start = performance.now();
  let wave = 0;
  while (performance.now() - start < seconds * 1000) {
    wave++;
    const results = await Promise.all(Array.from({ length: perWave }, () => attempt(port)));
    count(results);
    for (const r of results) if (r.conn) held.push(r.conn);
    const during = await serverStats(server, file);
    const by = (o: Outcome) => results.filter((r) => r.outcome === o).length;
    console.log(
      `wave ${wave}: accepted ${by("accepted")}, refused ${by("refused")}, undecided ${by("undecided")}, ` +
        `failed ${by("failed")}; server holds ${during.held}, ${during.fds} descriptors`,
    );
    if (serverExited) break;
    // Hold, then release on both sides.
    await macrotask(HOLD_MS);
    for (const conn of held.splice(0)) closeQuietly(conn);
    await server.send("release");
  }
  const loadSeconds = (performance.now() - start) / 1000;

  // Recovery: released, the server accepts every fresh client and is back to its descriptors.
  const released = await serverStats(server, file);
  const recovery = await Promise.all(Array.from({ length: RECOVERY_CLIENTS }, () => attempt(port)));
  const recovered = recovery.filter((r) => r.outcome === "accepted").length;
  for (const r of recovery) closeQuietly(r.conn);
  await server.send("release");
  const end = await serverStats(server, file);

  if (serverExited) problems.push(`the server exited (code ${serverExited.code})`);
  if (totals.undecided) problems.push(`${totals.undecided} attempts left undecided`);
  if (totals.failed) problems.push(`${totals.failed} attempts failed otherwise`);
  if (totals.refused === 0) problems.push("nothing was refused: descriptors never ran short");
  if (end.acceptErrors.length) problems.push(`accept loop failed: ${end.acceptErrors.join("; ")}`);
  if (recovered !== RECOVERY_CLIENTS) {
    problems.push(`recovery: ${recovered} of ${RECOVERY_CLIENTS} fresh clients accepted`);
  }
  if (end.fds > baseline.fds) {
    problems.push(`server descriptors ${end.fds} at the end, ${baseline.fds} before`);
  }

  console.log(JSON.stringify(
    {
      waves: wave,
      loadSeconds: Math.round(loadSeconds * 10) / 10,
      ...totals,
      maxDecisionMs: Math.round(maxDecisionMs),
      maxConnectMs: Math.round(maxConnectMs),
      serverStats: end.stats,
      serverFds: { before: baseline.fds, afterRelease: released.fds, end: end.fds },
      recovery: `${recovered}/${RECOVERY_CLIENTS}`,
      serverAlive: !serverExited,
    },
    null,
    2,
  ));
} catch (error) {
  problems.push(String(error));
} finally {
  for (const conn of held.splice(0)) closeQuietly(conn);
  await server.send("quit").catch(() => {});
  await server.close();
  clearTimeout(hardStop);
  await Deno.remove(file).catch(() => {});
}
if (problems.length) {
  console.log(`soak: FAILED\n- ${[...new Set(problems)].join("\n- ")}`);
  exitCode = 1;
} else {
  console.log("soak: passed");
}
Deno.exit(exitCode);
