// The GoTrue test double's process: as supabase/auth v2.196.0 (@0204331)
// cmd/root_cmd.go, load the configuration (fatal on any error), run the
// migrations, then serve on GOTRUE_API_HOST:GOTRUE_API_PORT until a stop signal.
import { createServer } from "node:http";
import { loadConfig } from "./config.mjs";
import { migrate, openPool, q } from "./db.mjs";
import { Users } from "./users.mjs";
import { Tokens } from "./tokens.mjs";
import { route } from "./routes.mjs";
import { sendError } from "./http.mjs";

// As upstream's main.go (signal.NotifyContext on SIGTERM, SIGHUP and SIGINT,
// first thing) and cmd/serve_cmd.go: log the signal, stop taking connections
// and let those in flight finish (http.Server.Shutdown, which closes idle
// keep-alive ones at once) within a minute, close the database, exit 0.
// Without this, Node as PID 1 ignores SIGTERM and every `docker stop` waited
// out the service's 20 s grace.
let server;
let pool;
let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ level: "info", msg: "received graceful shutdown signal", time: new Date().toISOString() }));
  const done = () => Promise.resolve(pool?.end()).finally(() => process.exit(0));
  if (!server) return void done();
  setTimeout(done, 60_000).unref();
  server.close(done);
  server.closeIdleConnections();
}
for (const signal of ["SIGTERM", "SIGHUP", "SIGINT"]) process.on(signal, shutdown);

function fatal(msg) {
  console.error(JSON.stringify({ level: "fatal", msg, time: new Date().toISOString() }));
  process.exit(1);
}

let config;
try {
  config = loadConfig();
} catch (e) {
  fatal(`Failed to load configuration: ${e.message}`);
}
config.dbNamespaceQ = q(config.dbNamespace);

try {
  pool = openPool(config);
  const count = await migrate(pool, config.dbNamespace);
  console.log(JSON.stringify({ level: "info", msg: "GoTrue migrations applied successfully", count }));
} catch (e) {
  fatal(e.message);
}

const users = new Users(config.dbNamespaceQ);
const ctx = { config, pool, users, tokens: new Tokens(config, users) };

server = createServer((req, res) => {
  route(ctx, req, res).catch((err) => sendError(req, res, err));
});
// A stop signal during the migrations: they ran (as upstream, whose migrate ignores the context); do not start serving.
if (stopping) await new Promise(() => undefined);
server.listen(Number(config.apiPort), config.apiHost || undefined, () => {
  console.log(JSON.stringify({ level: "info", msg: `GoTrue API started on: ${config.apiHost}:${config.apiPort}` }));
});

