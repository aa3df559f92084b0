// internal/utilities/request.go (supabase/auth v2.196.0 @0204331):
// GetReferrer takes the `redirect_to` header, then form value, then the
// Referer header, when IsRedirectURLValid; otherwise GOTRUE_SITE_URL.
// IsRedirectURLValid: same scheme, host and port as the site URL (any port
// on a loopback host, url_validator.go isLocalhost), no decimal-IP hosts,
// IP hosts only when loopback, ordinary host names only for http(s), else a
// GOTRUE_URI_ALLOW_LIST glob matching the URL without its fragment.
import { isIP } from "node:net";

const LOCAL = new Set(["localhost", "127.0.0.1", "::1", "0.0.0.0", "::"]);
const hostOf = (u) => u.hostname.replace(/^\[|\]$/g, "");

function goParse(raw) {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

export function isRedirectURLValid(config, redirectURL) {
  if (!redirectURL) return false;
  const base = goParse(config.siteURL);
  const ref = goParse(redirectURL);
  if (!base || !ref) return false;
  const rh = hostOf(ref);
  if (hostOf(base) === rh && base.protocol === ref.protocol && (base.port === ref.port || LOCAL.has(rh.toLowerCase()))) return true;
  const scheme = ref.protocol.replace(/:$/, "").toLowerCase();
  const isHTTP = scheme === "http" || scheme === "https";
  if (/^[0-9]+$/.test(rh)) return false;
  if (isIP(rh)) return rh === "::1" || rh.startsWith("127.");
  if (isHTTP && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(rh)) return false;
  const matchAgainst = redirectURL.split("#")[0];
  return config.uriAllowGlobs.some((g) => g.match(matchAgainst));
}

export function getReferrer(req, config, form) {
  const fromRequest = req.headers["redirect_to"] || form?.get("redirect_to") || "";
  if (isRedirectURLValid(config, fromRequest)) return fromRequest;
  const referer = req.headers.referer ?? "";
  if (isRedirectURLValid(config, referer)) return referer;
  return config.siteURL;
}
