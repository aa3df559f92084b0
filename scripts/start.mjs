// Production server: Next.js behind a plain node:http server whose only job
// is to tell the app who is really connected. It overwrites the
// x-supafleet-peer header with the TCP peer's address on every request, so a
// client can neither forge it nor leave a copy of its own; lib/rate-limit/
// client-ip.ts decides from it whether X-Real-IP (set by our nginx) is
// believed. Usage: node scripts/start.mjs [-H host] [-p port]
import { createServer } from "node:http";
import next from "next";

const PEER_HEADER = "x-supafleet-peer";

function arg(names, fallback) {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) if (names.includes(argv[i]) && argv[i + 1] !== undefined) return argv[i + 1];
  return fallback;
}

const hostname = arg(["-H", "--hostname"], "127.0.0.1");
const port = Number(arg(["-p", "--port"], process.env.SUPAFLEET_APP_PORT ?? "3000"));
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`[supafleet] bad port: ${port}`);
  process.exit(1);
}

const app = next({ dev: false, hostname, port, dir: process.cwd() });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  // Node lower-cases header names; rawHeaders keeps duplicates, headers does not.
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  handle(req, res).catch((err) => {
    console.error("[supafleet] request failed:", err);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.on("upgrade", (_req, socket) => socket.destroy());
server.listen(port, hostname, () => console.info(`[supafleet] app listening on http://${hostname}:${port}`));

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    // Streams (SSE) keep connections open; do not wait for them forever.
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
