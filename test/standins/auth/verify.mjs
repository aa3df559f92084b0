// /verify as supabase/auth v2.196.0 (@0204331) internal/api/verify.go:
// GET takes token + type (+ redirect_to through GetReferrer), finds the user
// by its confirmation token (verifyTokenHash; 403 otp_expired "Email link is
// invalid or has expired" when unknown or older than GOTRUE_MAILER_OTP_EXP),
// confirms (signupVerify -> User.Confirm), issues a session (amr "otp") and
// answers 303 to the redirect with the tokens in the fragment
// (tokens.AccessTokenResponse.AsRedirectURL: url.Values.Encode, keys sorted,
// plus type and an empty `sb`). Errors also go back as a 303 with
// error/error_code/error_description in the fragment (prepErrorRedirectURL).
// POST takes {type, token_hash} (or token + email) and answers the token JSON.
// Only signup (and invite) types are implemented by this double.
import { createHash } from "node:crypto";
import { HTTPError, badRequest, forbidden } from "./errors.mjs";
import { redirect, send } from "./http.mjs";
import { getReferrer } from "./redirects.mjs";
import { validateEmail } from "./signup.mjs";
import { tx } from "./db.mjs";

const OAUTH_ERROR = { 400: "invalid_request", 401: "unauthorized_client", 403: "access_denied", 500: "server_error", 503: "temporarily_unavailable" };

/** Go url.Values.Encode: keys sorted, QueryEscape'd. */
function encodeValues(values) {
  const esc = (s) =>
    encodeURIComponent(s)
      .replace(/%20/g, "+")
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.keys(values)
    .sort()
    .map((k) => `${esc(k)}=${esc(values[k])}`)
    .join("&");
}

async function confirmByTokenHash(ctx, db, type, tokenHash, req) {
  const { config, users, tokens } = ctx;
  if (!["signup", "invite", "recovery", "magiclink", "email_change", "email"].includes(type)) {
    throw badRequest("validation_failed", "Invalid email verification type");
  }
  if (type !== "signup" && type !== "invite") throw new HTTPError(501, "not_implemented", `verify type ${type} is not implemented by the GoTrue test double`);
  const user = await users.byConfirmationToken(db, tokenHash);
  if (!user) throw forbidden("otp_expired", "Email link is invalid or has expired");
  if (user.banned_until && new Date(user.banned_until) > new Date()) throw forbidden("user_banned", "User is banned");
  const sent = user.confirmation_sent_at ? new Date(user.confirmation_sent_at).getTime() : 0;
  if (!sent || sent + config.mailer.otpExp * 1000 < Date.now()) throw forbidden("otp_expired", "Email link is invalid or has expired");
  await users.confirm(db, user);
  await users.updateProviders(db, user.id);
  return tokens.issue(db, user, "otp", req);
}

export async function verifyGet(ctx, req, res, url) {
  const { config, pool } = ctx;
  const q = url.searchParams;
  const token = q.get("token") ?? "";
  const type = q.get("type") ?? "";
  const redirectTo = getReferrer(req, config, q);
  if (!type) throw badRequest("validation_failed", "Verify requires a verification type");
  if (!token) throw badRequest("validation_failed", "Verify requires a token or a token hash");
  if (token.startsWith("pkce_")) throw new HTTPError(501, "not_implemented", "PKCE verification is not implemented by the GoTrue test double");
  let session;
  try {
    session = await tx(pool, (db) => confirmByTokenHash(ctx, db, type, token, req));
  } catch (e) {
    if (!(e instanceof HTTPError)) throw e;
    const u = new URL(redirectTo);
    const frag = { error_code: e.errorCode, error_description: e.message, sb: "" };
    if (OAUTH_ERROR[e.status]) frag.error = OAUTH_ERROR[e.status];
    u.hash = encodeValues(frag);
    return redirect(res, u.toString());
  }
  const values = {
    access_token: session.access_token,
    expires_at: String(session.expires_at),
    expires_in: String(session.expires_in),
    refresh_token: session.refresh_token,
    sb: "",
    token_type: session.token_type,
    type,
  };
  return redirect(res, `${redirectTo}#${encodeValues(values)}`);
}

export async function verifyPost(ctx, req, res, params) {
  const { pool } = ctx;
  const type = typeof params.type === "string" ? params.type : "";
  if (!type) throw badRequest("validation_failed", "Verify requires a verification type");
  const token = typeof params.token === "string" ? params.token : "";
  let tokenHash = typeof params.token_hash === "string" ? params.token_hash : "";
  if ((!token && !tokenHash) || (token && tokenHash)) throw badRequest("validation_failed", "Verify requires either a token or a token hash");
  if (token) {
    if (!params.email) throw badRequest("validation_failed", "Only an email address or phone number should be provided on verify");
    let email;
    try {
      email = validateEmail(params.email);
    } catch {
      throw new HTTPError(422, "validation_failed", "Invalid email format");
    }
    tokenHash = createHash("sha224")
      .update(email + token)
      .digest("hex");
  } else if (params.email || params.phone || params.redirect_to) {
    throw badRequest("validation_failed", "Only the token_hash and type should be provided");
  }
  const session = await tx(pool, (db) => confirmByTokenHash(ctx, db, type, tokenHash, req));
  return send(res, 200, session);
}
