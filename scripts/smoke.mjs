#!/usr/bin/env node
// Client smoke test for one Supafleet project, through its public URL, with
// the official supabase-js client and plain HTTP. Operators run it after
// their first real create:
//
//   npm run smoke -- <project-url> <anon-key> <service-role-key> [--resolve host:port:addr]
//
// --resolve sends connections for host:port to addr instead (like curl's): the
// URL, Host header and TLS name stay the project's own, only the address a
// name resolves to changes. (Node cannot resolve *.localhost names itself, and
// its fetch will not send a Host header other than the URL's.)
//
// One line per check: "pass", "fail: <reason>", or "not checked (stand-in)"
// when the answer carries the x-supafleet-standin header that Supafleet's
// echo stand-ins set (an echo is never counted as a pass). Stand-ins that
// behave like the service (test doubles: x-supafleet-standin-mode: double)
// are checked like the real thing, and their passes are reported apart as
// "pass (test double)", never as a pass of a real image. Exit code 1 on any fail.
import { randomBytes } from "node:crypto";
import { lookup as dnsLookup } from "node:dns";
import { createClient } from "@supabase/supabase-js";
import { Agent, fetch as undiciFetch } from "undici";
import WebSocket from "ws";

const USAGE = "usage: smoke.mjs <project-url> <anon-key> <service-role-key> [--resolve host:port:addr]";
const TIMEOUT_MS = 15_000;

function parseArgs(argv) {
  const pos = [];
  let resolve = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--resolve") {
      const m = /^([^:]+):(\d+):(.+)$/.exec(argv[++i] ?? "");
      if (!m) throw new Error(`--resolve wants host:port:addr\n${USAGE}`);
      resolve = { host: m[1].toLowerCase(), port: m[2], addr: m[3] };
    } else pos.push(argv[i]);
  }
  if (pos.length !== 3) throw new Error(USAGE);
  const url = new URL(pos[0]);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`project URL must be http(s): ${pos[0]}`);
  return { url: url.origin, anon: pos[1], service: pos[2], resolve };
}

const args = (() => {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
})();

/** DNS as usual, except the --resolve name, which resolves to its address. */
function lookup(hostname, options, callback) {
  const opts = typeof options === "function" ? {} : options;
  const cb = typeof options === "function" ? options : callback;
  if (args.resolve && hostname.toLowerCase() === args.resolve.host) {
    const family = args.resolve.addr.includes(":") ? 6 : 4;
    return opts.all ? cb(null, [{ address: args.resolve.addr, family }]) : cb(null, args.resolve.addr, family);
  }
  return dnsLookup(hostname, opts, cb);
}

const dispatcher = new Agent({ connect: { lookup } });

// The last response's echo stand-in marker, and whether a behaving test
// double answered anything during the current check, for honest reporting.
let lastStandin = null;
let doubles = new Set();
async function smokeFetch(input, init = {}) {
  const res = await undiciFetch(input, { ...init, dispatcher, signal: init.signal ?? AbortSignal.timeout(TIMEOUT_MS) });
  const standin = res.headers.get("x-supafleet-standin");
  const isDouble = standin !== null && res.headers.get("x-supafleet-standin-mode") === "double";
  if (isDouble) doubles.add(standin);
  lastStandin = isDouble ? null : standin;
  return res;
}

class ResolvingWebSocket extends WebSocket {
  constructor(address, protocols) {
    super(address, protocols, { lookup });
  }
}

const results = [];
class StandIn extends Error {}
async function check(name, fn) {
  lastStandin = null;
  doubles = new Set();
  try {
    const detail = await fn();
    if (doubles.size) {
      results.push({ name, status: "double" });
      console.log(`pass (test double)      ${name}${detail ? ` (${detail})` : ""}: answered by test double "${[...doubles].join(", ")}"`);
    } else {
      results.push({ name, status: "pass" });
      console.log(`pass                    ${name}${detail ? ` (${detail})` : ""}`);
    }
  } catch (err) {
    if (err instanceof StandIn) {
      results.push({ name, status: "standin" });
      console.log(`not checked (stand-in)  ${name}: answered by stand-in "${err.message}"`);
    } else {
      results.push({ name, status: "fail" });
      console.log(`fail                    ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function standinGuard() {
  if (lastStandin) throw new StandIn(lastStandin);
}

async function pgQuery(key, query) {
  const res = await smokeFetch(`${args.url}/pg/query`, {
    method: "POST",
    headers: { apikey: key, authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  return { res, text };
}

const table = `smoke_${randomBytes(4).toString("hex")}`;
const clientOptions = { global: { fetch: smokeFetch }, auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: ResolvingWebSocket } };
const anon = createClient(args.url, args.anon, clientOptions);
const admin = createClient(args.url, args.service, clientOptions);
let tableReady = false;

console.log(`Supafleet smoke test: ${args.url}${args.resolve ? ` (resolving ${args.resolve.host}:${args.resolve.port} to ${args.resolve.addr})` : ""}`);

await check("gateway refuses /pg/ with the anon key", async () => {
  const { res } = await pgQuery(args.anon, "select 1");
  if (res.status !== 401 && res.status !== 403) throw new Error(`expected 401 or 403, got ${res.status}`);
  return `HTTP ${res.status}`;
});

await check("create a table through /pg/ (postgres-meta) with the service key", async () => {
  const ddl = [
    `create table public.${table} (id bigint generated always as identity primary key, note text not null)`,
    `grant select, insert on public.${table} to anon, authenticated, service_role`,
    // Supabase's image creates this publication; add the table when it exists.
    `do $$ begin if exists (select 1 from pg_publication where pubname = 'supabase_realtime') then execute 'alter publication supabase_realtime add table public.${table}'; end if; end $$`,
    `notify pgrst, 'reload schema'`,
  ].join("; ");
  const created = await pgQuery(args.service, ddl);
  standinGuard();
  if (!created.res.ok) throw new Error(`HTTP ${created.res.status}: ${created.text.slice(0, 200)}`);
  const seen = await pgQuery(
    args.service,
    `select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = '${table}'`,
  );
  standinGuard();
  if (!seen.res.ok) throw new Error(`HTTP ${seen.res.status}: ${seen.text.slice(0, 200)}`);
  const rows = JSON.parse(seen.text);
  if (rows[0]?.n !== 1) throw new Error(`table not found afterwards: ${seen.text.slice(0, 200)}`);
  tableReady = true;
  return `public.${table}`;
});

await check("insert and select through REST", async () => {
  if (!tableReady) throw new Error("needs the table from the /pg/ check");
  // PostgREST reloads its schema cache after `notify pgrst` on its own listener, not
  // within the notifying statement: until then the new table is PGRST205. Wait for it, bounded.
  let ins = await admin.from(table).insert({ note: "hello" }).select();
  for (let i = 0; i < 20 && ins.error?.code === "PGRST205"; i++) {
    await new Promise((r) => setTimeout(r, 500));
    ins = await admin.from(table).insert({ note: "hello" }).select();
  }
  standinGuard();
  if (ins.error) throw new Error(`insert: ${ins.error.message}`);
  const sel = await anon.from(table).select("note").eq("note", "hello");
  standinGuard();
  if (sel.error) throw new Error(`select: ${sel.error.message}`);
  if (sel.data?.[0]?.note !== "hello") throw new Error(`select returned ${JSON.stringify(sel.data)}`);
  return `${sel.data.length} row`;
});

await check("sign up a user with Auth", async () => {
  const email = `smoke-${randomBytes(4).toString("hex")}@example.com`;
  const { data, error } = await anon.auth.signUp({ email, password: randomBytes(12).toString("hex") });
  standinGuard();
  if (error) throw new Error(error.message);
  if (!data.user?.id) throw new Error("no user in the answer");
  return email;
});

await check("upload and download a file with Storage", async () => {
  const bucket = `smoke-${randomBytes(4).toString("hex")}`;
  const made = await admin.storage.createBucket(bucket, { public: false });
  standinGuard();
  if (made.error) throw new Error(`createBucket: ${made.error.message}`);
  const body = `smoke ${Date.now()}`;
  const up = await admin.storage.from(bucket).upload("smoke.txt", new Blob([body], { type: "text/plain" }));
  if (up.error) throw new Error(`upload: ${up.error.message}`);
  const down = await admin.storage.from(bucket).download("smoke.txt");
  if (down.error) throw new Error(`download: ${down.error.message}`);
  const text = await down.data.text();
  if (text !== body) throw new Error(`downloaded ${JSON.stringify(text.slice(0, 60))}`);
  return `${bucket}/smoke.txt`;
});

await check("receive a Realtime change", async () => {
  // Probe the socket first: a stand-in marks its 101 answer.
  const probeUrl = `${args.url.replace(/^http/, "ws")}/realtime/v1/websocket?apikey=${encodeURIComponent(args.anon)}&vsn=1.0.0`;
  const marker = await new Promise((resolve, reject) => {
    const ws = new ResolvingWebSocket(probeUrl);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("websocket did not open"));
    }, TIMEOUT_MS);
    ws.on("upgrade", (res) => {
      clearTimeout(timer);
      resolve(res.headers["x-supafleet-standin-mode"] === "double" ? null : (res.headers["x-supafleet-standin"] ?? null));
      ws.terminate();
    });
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`websocket refused: HTTP ${res.statusCode}`));
    });
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  if (marker) throw new StandIn(marker);
  if (!tableReady) throw new Error("needs the table from the /pg/ check");
  const got = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no change received within 15 s")), TIMEOUT_MS);
    const channel = admin
      .channel(`smoke-${table}`)
      .on("postgres_changes", { event: "INSERT", schema: "public", table }, (payload) => {
        clearTimeout(timer);
        resolve(payload);
      })
      .subscribe(async (status) => {
        if (status === "SUBSCRIBED") {
          const ins = await admin.from(table).insert({ note: "realtime" });
          if (ins.error) {
            clearTimeout(timer);
            reject(new Error(`insert: ${ins.error.message}`));
          }
        } else if (status === "CHANNEL_ERROR" || status === "TIMED_OUT") {
          clearTimeout(timer);
          reject(new Error(`channel ${status}`));
        }
      });
    return channel;
  });
  try {
    const payload = await got;
    return `INSERT ${payload.new?.note}`;
  } finally {
    await admin.removeAllChannels();
  }
});

await check("call an Edge Function", async () => {
  const { data, error } = await anon.functions.invoke("hello", { body: { name: "smoke" } });
  standinGuard();
  if (error) throw new Error(error.message);
  return typeof data === "string" ? data.slice(0, 60) : JSON.stringify(data).slice(0, 60);
});

if (tableReady) {
  const dropped = await pgQuery(args.service, `drop table if exists public.${table}`).catch(() => null);
  if (!dropped?.res.ok) console.log(`note: could not drop public.${table}`);
}

const failed = results.filter((r) => r.status === "fail").length;
const passed = results.filter((r) => r.status === "pass").length;
const byDoubles = results.filter((r) => r.status === "double").length;
const standins = results.filter((r) => r.status === "standin").length;
console.log(`smoke: ${passed} passed, ${byDoubles} passed by test doubles, ${failed} failed, ${standins} not checked (stand-in)`);
process.exit(failed ? 1 : 0);
