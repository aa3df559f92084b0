// Request/response plumbing of the double: JSON answers as GoTrue's sendJSON,
// errors as internal/api/errors.go (supabase/auth v2.196.0 @0204331), the
// 1 MB body limit (api.go limitRequestBody(1 << 20)), and the stand-in
// markers on every answer.
import { HTTPError, OAuthError, WeakPasswordError } from "./errors.mjs";

export const MARKERS = { "x-supafleet-standin": "auth", "x-supafleet-standin-mode": "double" };
const API_VERSION_HEADER = "x-supabase-api-version";

export function send(res, status, body, headers = {}) {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...MARKERS, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers });
  res.end(text);
}

export function redirect(res, location) {
  // http.Redirect(w, r, url, http.StatusSeeOther)
  res.writeHead(303, { ...MARKERS, location, "content-type": "text/html; charset=utf-8" });
  res.end(`<a href="${location.replace(/&/g, "&amp;").replace(/"/g, "&#34;")}">See Other</a>.\n\n`);
}

/** apiversions.go DetermineClosestAPIVersion: "2024-01-01" or later, or the initial version. */
function apiVersion(req) {
  const raw = req.headers[API_VERSION_HEADER];
  if (!raw || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return null;
  return raw >= "2024-01-01" ? "2024-01-01" : null;
}

export function sendError(req, res, err) {
  const version = apiVersion(req);
  const vh = version ? { "X-Supabase-Api-Version": version } : {};
  if (err instanceof WeakPasswordError) {
    const body = version
      ? { code: "weak_password", message: err.message, weak_password: { reasons: err.reasons } }
      : { code: 422, error_code: "weak_password", msg: err.message, weak_password: { reasons: err.reasons } };
    return send(res, 422, body, { ...vh, "x-sb-error-code": "weak_password" });
  }
  if (err instanceof OAuthError) return send(res, 400, { error: err.error, error_description: err.message }, vh);
  if (err instanceof HTTPError) {
    const code = err.errorCode || (err.status === 500 ? "unexpected_failure" : "unknown");
    const hdr = err.errorCode ? { "x-sb-error-code": err.errorCode } : {};
    const body = version ? { code, message: err.message } : { code: err.status, error_code: code, msg: err.message };
    return send(res, err.status, body, { ...vh, ...hdr });
  }
  console.error(JSON.stringify({ level: "error", msg: `Unhandled server error: ${err?.stack ?? err}` }));
  const msg = "Unexpected failure, please check server logs for more information";
  return send(res, 500, version ? { code: "unexpected_failure", message: msg } : { code: 500, error_code: "unexpected_failure", msg }, vh);
}

export async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > 1 << 20) throw new HTTPError(413, "request_entity_too_large", `Request body too large (max ${1 << 20} bytes)`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** helpers.go retrieveRequestParams: the body as JSON. */
export async function jsonParams(req) {
  const text = await readBody(req);
  try {
    const v = JSON.parse(text);
    if (v === null || typeof v !== "object" || Array.isArray(v))
      throw new Error(`json: cannot unmarshal ${Array.isArray(v) ? "array" : typeof v} into Go value`);
    return v;
  } catch (e) {
    throw new HTTPError(400, "bad_json", `Could not parse request body as JSON: ${e.message}`);
  }
}

/** Form values as Go's r.FormValue: query, then an urlencoded body. */
export async function formValues(req, url) {
  const out = new URLSearchParams(url.search);
  if ((req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(await readBody(req))) if (!out.has(k)) out.set(k, v);
  }
  return out;
}
