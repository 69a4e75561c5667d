// Out of file descriptors (EMFILE): a server under `ulimit -n 256` that holds
// every connection it accepts, hit by 500 clients from another process. Every
// client is decided (greeted, or refused at once) while descriptors are short,
// and once the server releases its connections accepting resumes by itself.
import { ok, strictEqual as is } from "node:assert/strict";
import { WSAEMFILE, WSAENOBUFS } from "../../mod.ts";
import { wsaCodeOf } from "../../src/shared/_deno_errors.ts";
import { Child, waitUntil } from "../fixtures/_process.ts";
import { reports, serverStats } from "../fixtures/_low_fd_reports.ts";

const SERVER = new URL("../fixtures/low_fd_server.ts", import.meta.url).pathname;
const CLIENT = new URL("../fixtures/burst_client.ts", import.meta.url).pathname;
const LIMIT = 256;
const CLIENTS = 500;

interface ClientReport {
  count: number;
  open: number;
  eof: number;
  reset: number;
  failed: number;
  pending: number;
  echoedBy: number[];
}

function burst(port: number, count: number): Child {
  return new Child(Deno.execPath(), [
    "run",
    "--quiet",
    "--no-config",
    "--allow-net=127.0.0.1",
    CLIENT,
    "127.0.0.1",
    String(port),
    String(count),
    "60000",
  ]);
}

/** Asks the burst client for reports until every client is decided (or `limitMs` passes). */
async function decided(client: Child, limitMs: number): Promise<ClientReport> {
  const deadline = performance.now() + limitMs;
  while (true) {
    await client.send("report");
    const report = JSON.parse(await client.line(10_000)) as ClientReport;
    // Decided: greeted (admitted and accepted: it echoed the greeting), refused, or failed to connect.
    const settled = report.pending === 0 && report.open === report.echoedBy.length;
    if (settled || performance.now() > deadline) return report;
  }
}

// On Deno.listen listeners (the TCP transport's default). The native-handle
// listeners (`listener: "handle"`) do not report EMFILE to acceptq: Deno's handle stops
// calling back, so there the arriving connections wait in the OS queue.
Deno.test(
  `under ulimit -n ${LIMIT}, a server (on Deno.listen listeners) holding its connections decides every one of ${CLIENTS} clients ` +
    "while descriptors are short, and accepts again by itself once they are free",
  async () => {
    const file = await Deno.makeTempFile({ prefix: "acceptq-low-fd-" });
    const server = new Child("bash", [
      "-c",
      `ulimit -n ${LIMIT} && exec "${Deno.execPath()}" run --quiet --no-config -A "${SERVER}" "${file}" deno`,
    ]);
    const children = [server];
    try {
      ok(await waitUntil(() => reports(file).length > 0, 20_000), "the server did not start");
      const { port } = reports(file)[0] as { port: number };

      const first = burst(port, CLIENTS);
      children.push(first);
      const report = await decided(first, 30_000);
      const greeted = report.echoedBy.length;
      const refused = report.eof + report.reset;
      is(
        greeted + refused + report.failed,
        CLIENTS,
        `undecided clients: ${JSON.stringify({ ...report, echoedBy: greeted })}`,
      );
      is(report.pending, 0);
      ok(refused > 0, "descriptors never ran short: the test measured nothing");
      ok(greeted > 100, `only ${greeted} clients were accepted`);

      const during = await serverStats(server, file);
      is(during.acceptErrors.length, 0, during.acceptErrors.join("; "));
      is(during.held, greeted);
      is(during.stats.admitted + during.stats.refused, CLIENTS);

      // Descriptors come back: the held connections are closed, and fresh clients are accepted.
      await first.send("finish");
      await server.send("release");
      is((await serverStats(server, file)).held, 0); // commands run in order: the release is done
      const second = burst(port, 50);
      children.push(second);
      const after = await decided(second, 30_000);
      is(
        after.echoedBy.length,
        50,
        `after the release: ${JSON.stringify({ ...after, echoedBy: after.echoedBy.length })}`,
      );
      const resumed = await serverStats(server, file);
      is(resumed.held, 50);
    } finally {
      await server.send("quit").catch(() => {});
      for (const child of children) await child.close();
      await Deno.remove(file);
    }
  },
);

Deno.test("the plain Errors Deno throws out of descriptors (EMFILE, ENFILE) map to WSAEMFILE, not WSAENETDOWN", () => {
  const osError = (code: string) => Object.assign(new Error("Too many open files (os error 24)"), { code });
  is(wsaCodeOf(osError("EMFILE")), WSAEMFILE);
  is(wsaCodeOf(osError("ENFILE")), WSAEMFILE);
  is(wsaCodeOf(osError("ENOBUFS")), WSAENOBUFS);
  is(wsaCodeOf(osError("EWHATEVER"), 1), 1);
});
