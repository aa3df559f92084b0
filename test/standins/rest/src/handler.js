// One table request, in PostgREST's order (PostgREST/postgrest v14.17,
// src/PostgREST/App.hs postgrestResponse): the JWT (Auth.hs, before anything
// else), the schema cache, the request (ApiRequest.hs: resource, schema by
// Accept-/Content-Profile, action, query string, ranges, payload), the plan
// (table, columns, media type), then one transaction that first sets what
// Query/PreQuery.hs txVarQuery sets (search_path, role, request.jwt.claims,
// request.method, request.path, request.headers, request.cookies, the
// app.settings.*), then runs the statement, so PostgreSQL itself enforces
// grants and row-level security. Answers as src/PostgREST/Response.hs and RangeQuery.hs.
"use strict";
const { apiError, fromPgError, PgrstError } = require("./errors");
const { authenticate } = require("./jwt");
const { parseQueryString } = require("./query-params");
const { tableHint } = require("./schema-cache");
const { readSql, insertSql, updateSql, deleteSql } = require("./sql");
const { negotiate, preferences, requestedRange, contentRange } = require("./http-bits");

const JSON_CT = "application/json; charset=utf-8";

function resourceOf(rawPath, config) {
  const segs = rawPath.split("/").slice(1).map((s) => decodeURIComponent(s));
  if (segs.length === 1 && segs[0] === "") return config.openapiMode === "disabled" ? null : { root: true };
  if (segs.length === 1) return { table: segs[0] };
  if (segs.length === 2 && segs[0] === "rpc") return { rpc: segs[1] };
  return null;
}

function schemaOf(config, method, headers) {
  const h = ["POST", "PATCH", "PUT", "DELETE"].includes(method) ? headers["content-profile"] : headers["accept-profile"];
  if (h === undefined) return { schema: config.schemas[0], byProfile: config.schemas.length !== 1 };
  if (!config.schemas.includes(h)) throw apiError.unacceptableSchema(h, config.schemas);
  return { schema: h, byProfile: true };
}

/** ApiRequest/Payload.hs: the JSON body's columns (all objects must have the same keys, unless ?columns= names them). */
function payloadColumns(body, q) {
  let json;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw apiError.invalidBody("Empty or invalid json");
  }
  if (q.columns) return { json, columns: q.columns };
  const rows = Array.isArray(json) ? json : [json];
  if (rows.some((r) => !r || typeof r !== "object" || Array.isArray(r))) throw apiError.invalidBody("All object keys must match");
  const keys = rows.length ? Object.keys(rows[0]) : [];
  const same = rows.every((r) => Object.keys(r).length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(r, k)));
  if (!same) throw apiError.invalidBody("All object keys must match");
  return { json, columns: keys };
}

/** The transaction: txVarQuery's settings, then the statement. Throws PgrstError or a pg error. */
async function runTx(pool, config, ctx, stmt, readOnly, check) {
  // Error.hs: a connection that cannot be had is PGRST000 (503), v14.17's message.
  const client = await pool.connect().catch((e) => {
    throw new PgrstError(503, "PGRST000", "Database connection error.", e.message || null);
  });
  try {
    await client.query(readOnly ? "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY" : "BEGIN ISOLATION LEVEL READ COMMITTED");
    const settings = [
      ["search_path", [ctx.schema, ...config.extraSearchPath].map((s) => `"${s.replace(/"/g, '""')}"`).join(", ")],
      ["role", ctx.auth.role],
      ["request.jwt.claims", JSON.stringify(ctx.auth.claims)],
      ["request.method", ctx.method],
      ["request.path", ctx.rawPath],
      ["request.headers", JSON.stringify(ctx.headers)],
      ["request.cookies", JSON.stringify(ctx.cookies)],
      ...config.appSettings,
    ];
    const values = settings.flat();
    await client.query(`select ${settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(", ")}`, values);
    const { rows } = await client.query(stmt.text, stmt.values);
    const row = rows[0];
    check(row);
    await client.query("COMMIT");
    return row;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Returns {status, headers, body}. */
async function handle(state, req, rawPath, rawQuery, body) {
  const { config, pool } = state;
  const method = req.method;
  const auth = authenticate(config, req.headers.authorization);
  const authed = auth.role !== config.anonRole;
  const cache = state.cache;
  if (!cache) throw apiError.noSchemaCache();
  const resource = resourceOf(rawPath, config);
  if (!resource) throw apiError.invalidResourcePath();
  const { schema, byProfile } = schemaOf(config, method, req.headers);
  const profile = byProfile ? { "Content-Profile": schema } : {};
  if (resource.rpc !== undefined) throw apiError.notImplemented("calling functions (/rpc/)");
  if (resource.root) {
    if (method !== "GET" && method !== "HEAD") throw apiError.unsupportedMethod(method);
    // A minimal OpenAPI root: the stand-in does not describe the tables.
    const doc = JSON.stringify({ swagger: "2.0", info: { title: "PostgREST API (Supafleet stand-in)", version: "14" }, basePath: "/", paths: {} });
    return { status: 200, headers: { "Content-Type": "application/openapi+json; charset=utf-8", ...profile }, body: method === "HEAD" ? "" : doc };
  }
  if (!["GET", "HEAD", "POST", "PATCH", "DELETE", "PUT", "OPTIONS"].includes(method)) throw apiError.unsupportedMethod(method);
  if (method === "PUT") throw apiError.notImplemented("PUT (single-row upsert)");
  const q = parseQueryString(rawQuery);
  const prefs = preferences(req.headers.prefer);
  const range = requestedRange(method, req.headers.range, q);
  // ApiRequest.hs reads the payload before Plan.hs looks the table up.
  const payload = method === "POST" || method === "PATCH" ? payloadColumns(body, q) : null;
  const table = cache.lookup(schema, resource.table);
  if (!table) throw apiError.tableNotFound(schema, resource.table, tableHint(cache, schema, resource.table));
  if (method === "OPTIONS") return { status: 200, headers: { "Access-Control-Allow-Origin": "*", Allow: "OPTIONS,GET,HEAD,POST,PATCH,DELETE" }, body: "" };
  const media = negotiate(req.headers.accept);
  const singular = media === "singular";
  const ctType = singular ? "application/vnd.pgrst.object+json; charset=utf-8" : JSON_CT;
  const ctx = { schema, auth, method, rawPath, headers: state.headersOf(req), cookies: state.cookiesOf(req) };
  const qi = { schema, name: table.name };
  const representation = prefs.return === "representation";
  const applied = (list) => (list.length ? { "Preference-Applied": list.join(", ") } : {});
  const singularCheck = (row) => {
    if (singular && Number(row.page_total) !== 1) throw apiError.singularity(Number(row.page_total));
  };
  const run = (stmt, readOnly, check = singularCheck) => runTx(pool, config, ctx, stmt, readOnly, check).catch((e) => Promise.reject(fromPgError(e, authed)));

  if (method === "GET" || method === "HEAD") {
    // ReadPlan: the page is also bounded by db-max-rows.
    let { offset, limit } = range;
    if (config.maxRows !== undefined) limit = limit === undefined ? config.maxRows : Math.min(limit, config.maxRows);
    const count = prefs.count === "exact";
    const row = await run(readSql(qi, q, { offset, limit, count, singular }), true);
    const total = count ? Number(row.total_result_set) : undefined;
    const { status, header } = contentRange(offset, Number(row.page_total), total);
    if (status === 416) {
      const e = apiError.invalidRange(`An offset of ${offset} was requested, but there are only ${total ?? 0} rows.`);
      e.headers = { "Content-Range": header };
      throw e;
    }
    return {
      status,
      headers: { "Content-Range": header, "Content-Type": ctType, ...profile, ...applied(prefs.applied.filter((p) => /^(count|handling)=/.test(p))) },
      body: method === "HEAD" ? "" : row.body,
    };
  }

  if (method === "DELETE") {
    const row = await run(deleteSql(qi, q, { representation, singular }), false);
    const headers = { "Content-Range": prefs.count === "exact" ? `*/${row.page_total}` : "*/*", ...applied(prefs.applied.filter((p) => !/^(resolution|missing)=/.test(p))) };
    if (!representation) return { status: 204, headers, body: "" };
    return { status: 200, headers: { ...headers, "Content-Type": ctType, ...profile }, body: row.body };
  }

  const { json, columns } = payload;
  for (const c of columns) if (!table.columns.includes(c)) throw apiError.columnNotFound(table.name, c);
  if (method === "POST") {
    let conflict;
    const target = q.onConflict ?? table.pk;
    if (prefs.resolution && target.length > 0) conflict = { resolution: prefs.resolution, columns: target };
    const row = await run(insertSql(qi, q, JSON.stringify(json), columns, { representation, singular, conflict }), false);
    const headers = { "Content-Range": prefs.count === "exact" ? `*/${row.page_total}` : "*/*", ...applied(prefs.applied.filter((p) => conflict || !p.startsWith("resolution="))) };
    if (!representation) return { status: 201, headers, body: "" };
    return { status: 201, headers: { ...headers, "Content-Type": ctType, ...profile }, body: row.body };
  }
  // PATCH
  const row = await run(updateSql(qi, q, JSON.stringify(json), columns, { representation, singular }), false);
  const n = Number(row.page_total);
  const headers = { "Content-Range": n > 0 ? `0-${n - 1}/${prefs.count === "exact" ? n : "*"}` : `*/${prefs.count === "exact" ? n : "*"}`, ...applied(prefs.applied.filter((p) => !p.startsWith("resolution="))) };
  if (!representation) return { status: 204, headers, body: "" };
  return { status: 200, headers: { ...headers, "Content-Type": ctType, ...profile }, body: row.body };
}

module.exports = { handle, PgrstError };
