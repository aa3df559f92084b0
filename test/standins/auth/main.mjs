// The GoTrue test double's process: as supabase/auth v2.196.0 (@0204331)
// cmd/root_cmd.go, load the configuration (fatal on any error), run the
// migrations, then serve on GOTRUE_API_HOST:GOTRUE_API_PORT.
import { createServer } from "node:http";
import { loadConfig } from "./config.mjs";
import { migrate, openPool, q } from "./db.mjs";
import { Users } from "./users.mjs";
import { Tokens } from "./tokens.mjs";
import { route } from "./routes.mjs";
import { sendError } from "./http.mjs";

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

let pool;
try {
  pool = openPool(config);
  const count = await migrate(pool, config.dbNamespace);
  console.log(JSON.stringify({ level: "info", msg: "GoTrue migrations applied successfully", count }));
} catch (e) {
  fatal(e.message);
}

const users = new Users(config.dbNamespaceQ);
const ctx = { config, pool, users, tokens: new Tokens(config, users) };

const server = createServer((req, res) => {
  route(ctx, req, res).catch((err) => sendError(req, res, err));
});
server.listen(Number(config.apiPort), config.apiHost || undefined, () => {
  console.log(JSON.stringify({ level: "info", msg: `GoTrue API started on: ${config.apiHost}:${config.apiPort}` }));
});
