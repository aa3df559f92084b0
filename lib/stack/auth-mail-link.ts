// How GoTrue builds the link in its mails (confirmation, invite, recovery,
// email change) from API_EXTERNAL_URL and GOTRUE_MAILER_URLPATHS_*. The join
// rule is a fact of the pinned image (ImageContract.mailLinks), so a tag bump
// re-reads it; the template's URL paths are checked against it in
// test/unit/stack/auth-mail-link.test.ts. Pure.

/**
 * "resolve-reference": Go's `url.URL.ResolveReference` (RFC 3986 5.2): an
 * absolute path replaces the base's path, a relative one replaces its last
 * segment. supabase/auth internal/mailer/templatemailer/templatemailer.go
 * (v2.186.0 @effd662, v2.196.0 @0204331): `externalURL.ResolveReference(path)`;
 * its templatemailer_url_test.go expects https://test.example.com/removedpath
 * + /templates/confirm.html to give https://test.example.com/templates/confirm.html.
 */
export type MailLinkRule = "resolve-reference";

export interface MailLinkParams {
  token: string;
  type: string;
  redirectTo: string;
}

/**
 * encodeRedirectURL in the same file: a redirect that contains `&`, `=` or `#`
 * was not encoded by the caller and is query-escaped; any other is taken as is.
 */
function encodeRedirect(redirectTo: string): string {
  return /[&=#]/.test(redirectTo) ? goQueryEscape(redirectTo) : redirectTo;
}

/** Go's url.QueryEscape: space as '+', unreserved [A-Za-z0-9-_.~] kept, the rest %XX (upper case). */
export function goQueryEscape(s: string): string {
  return Array.from(Buffer.from(s, "utf8"))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
      if (c === " ") return "+";
      return `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/**
 * The link GoTrue mails: getPath(filepath, params) sets the query
 * `token=…&type=…&redirect_to=…` on the parsed URL path, then the external
 * URL resolves it. WHATWG URL resolution gives the same path as Go's
 * ResolveReference for the absolute and relative paths the template uses.
 */
export function mailLink(rule: MailLinkRule, externalUrl: string, urlPath: string, params: MailLinkParams): string {
  if (rule !== "resolve-reference") throw new Error(`unknown mail link rule ${String(rule)}`);
  const query = `token=${goQueryEscape(params.token)}&type=${goQueryEscape(params.type)}&redirect_to=${encodeRedirect(params.redirectTo)}`;
  const base = new URL(externalUrl);
  // An empty path keeps the base's path (Go: ResolveReference with an empty path and a query).
  const resolved = urlPath === "" ? new URL(base.href) : new URL(urlPath, base);
  return `${resolved.origin}${urlPath === "" ? base.pathname.replace(/^\/$/, "") : resolved.pathname}?${query}`;
}
