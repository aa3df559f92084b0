// Where the app may send a browser after log-in: a path on this site, never
// another origin. Browsers read "/\evil.com" and "/<TAB>/evil.com" as
// "//evil.com" (protocol-relative), so prefix checks on the raw text are not
// enough: the value is parsed the way a browser parses it, and what is
// returned is the parsed path, so the check and the use see the same thing.
const PROBE_ORIGIN = "http://supafleet.invalid";

/** A same-origin path ("/x?y#z") for `value`, or `fallback` when it is anything else. */
export function safeRedirectPath(value: unknown, fallback = "/dashboard"): string {
  const v = Array.isArray(value) ? (value[0] as unknown) : value;
  if (typeof v !== "string" || v.length === 0 || v.length > 2000) return fallback;
  // Only a path; and nothing a URL parser silently drops or rewrites.
  if (!v.startsWith("/") || v.includes("\\") || /[\u0000-\u0020\u007f]/.test(v)) return fallback;
  let url: URL;
  try {
    url = new URL(v, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.com" parses to the path "//evil.com": protocol-relative again when used.
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}

/** next-auth's redirect callback: same-origin only, relative paths resolved on baseUrl. */
export function sameOriginRedirect(url: string, baseUrl: string): string {
  if (url.startsWith("/")) return `${baseUrl}${safeRedirectPath(url, "/")}`;
  try {
    const target = new URL(url);
    if (target.origin === new URL(baseUrl).origin) return `${baseUrl}${safeRedirectPath(`${target.pathname}${target.search}${target.hash}`, "/")}`;
  } catch {
    // not a URL: fall through
  }
  return baseUrl;
}
