// Request headers PostgREST reads for a table request, and the Content-Range it
// answers (PostgREST/postgrest v14.17: src/PostgREST/ApiRequest/Preferences.hs,
// src/PostgREST/RangeQuery.hs, ApiRequest.hs getRanges, Plan.hs media negotiation).
"use strict";
const { apiError, PgrstError } = require("./errors");

/** Accept, by quality: "json" or "singular"; 406 PGRST107 when none is offered. */
function negotiate(accept) {
  const entries = (accept ?? "*/*")
    .split(",")
    .map((p, i) => {
      const [type, ...params] = p.split(";").map((s) => s.trim());
      const q = params.find((x) => /^q=/.test(x));
      return { type: type.toLowerCase(), q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((e) => e.type && e.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { type } of entries) {
    if (type === "application/json" || type === "*/*" || type === "application/*") return "json";
    if (type === "application/vnd.pgrst.object+json" || type === "application/vnd.pgrst.object") return "singular";
    if (/^(text\/csv|text\/plain|text\/xml|application\/octet-stream|application\/geo\+json|application\/vnd\.pgrst\.(plan|array))/.test(type)) {
      throw apiError.notImplemented(`the media type ${type}`);
    }
  }
  throw apiError.mediaType(entries.map((e) => e.type));
}

const KNOWN = {
  "resolution=merge-duplicates": ["resolution", "merge-duplicates"],
  "resolution=ignore-duplicates": ["resolution", "ignore-duplicates"],
  "return=representation": ["return", "representation"],
  "return=minimal": ["return", "minimal"],
  "return=headers-only": ["return", "headers-only"],
  "count=exact": ["count", "exact"],
  "count=planned": ["count", "planned"],
  "count=estimated": ["count", "estimated"],
  "tx=commit": ["tx", "commit"],
  "tx=rollback": ["tx", "rollback"],
  "missing=default": ["missing", "default"],
  "missing=null": ["missing", "null"],
  "handling=strict": ["handling", "strict"],
  "handling=lenient": ["handling", "lenient"],
};

/** Preferences.fromHeaders: the first value of each kind wins; unknown ones are ignored unless handling=strict. */
function preferences(prefer) {
  const prefs = (prefer ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const out = {};
  for (const p of prefs) {
    const k = KNOWN[p];
    if (k && out[k[0]] === undefined) out[k[0]] = k[1];
  }
  // tx= is honoured only with db-tx-end *-allow-override (not set by the templates): ignored.
  delete out.tx;
  const invalid = prefs.filter((p) => !KNOWN[p] && !p.startsWith("timezone=") && !p.startsWith("max-affected="));
  if (out.handling === "strict" && invalid.length) throw apiError.invalidPreferences(invalid);
  if (out.count === "planned" || out.count === "estimated") throw apiError.notImplemented(`Prefer: count=${out.count}`);
  if (out.missing === "default") throw apiError.notImplemented("Prefer: missing=default");
  if (out.return === "headers-only") throw apiError.notImplemented("Prefer: return=headers-only");
  if (prefs.some((p) => p.startsWith("max-affected=") || p.startsWith("timezone="))) throw apiError.notImplemented("Prefer: max-affected/timezone");
  // prefAppliedHeader's order.
  out.applied = ["resolution", "missing", "return", "count", "handling"].filter((k) => out[k] !== undefined).map((k) => `${k}=${out[k]}`);
  return out;
}

/**
 * getRanges: the Range header (GET only, "^([0-9]+)-([0-9]*)$") intersected
 * with limit/offset; limit=0 is allowed, any other empty range is 416 PGRST103.
 */
function requestedRange(method, header, q) {
  if (method !== "GET" && method !== "HEAD" && (q.limit !== undefined || q.offset !== undefined)) {
    throw apiError.notImplemented("limit/offset on a write");
  }
  let lo = 0;
  let hi = Infinity;
  let headerEmpty = false;
  const m = method === "GET" && header !== undefined ? /^([0-9]+)-([0-9]*)$/.exec(header) : null;
  if (m) {
    lo = Number(m[1]);
    if (m[2] !== "") hi = Number(m[2]);
    headerEmpty = lo > hi;
  }
  const off = q.offset ?? 0;
  const limHi = q.limit === undefined ? Infinity : off + q.limit - 1;
  if (q.limit === 0) return { offset: off || undefined, limit: 0 };
  const lower = Math.max(lo, off);
  const upper = Math.min(hi, limHi);
  if (lower > upper) {
    throw apiError.invalidRange(headerEmpty ? "The lower boundary must be lower than or equal to the upper boundary in the Range header." : "Limit should be greater than or equal to zero.");
  }
  return { offset: lower || undefined, limit: upper === Infinity ? undefined : upper - lower + 1 };
}

/** rangeStatusHeader / contentRangeH. */
function contentRange(offset, pageTotal, total) {
  const lower = offset ?? 0;
  const upper = lower + pageTotal - 1;
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : "*";
  const header = `${range}/${total ?? "*"}`;
  let status = 200;
  if (total !== undefined) {
    if (lower > total) status = 416;
    else if (1 + upper - lower < total) status = 206;
  }
  return { status, header };
}

module.exports = { negotiate, preferences, requestedRange, contentRange, PgrstError };
