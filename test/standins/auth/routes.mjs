// The routes this double serves, as supabase/auth v2.196.0 (@0204331)
// internal/api/api.go mounts them (paths without the gateway's /auth/v1),
// with token.go (password and refresh_token grants), user.go (GET /user),
// logout.go and settings.go. Anything else GoTrue serves is answered 501
// "not implemented by the GoTrue test double", never with a made-up success.
import bcrypt from "bcryptjs";
import { HTTPError, OAuthError, badRequest, unprocessable } from "./errors.mjs";
import { MARKERS, formValues, jsonParams, send } from "./http.mjs";
import { checkPasswordStrength, signup, validatePhone } from "./signup.mjs";
import { verifyGet, verifyPost } from "./verify.mjs";
import { userJSON } from "./users.mjs";
import { tx } from "./db.mjs";

const INVALID_LOGIN = "Invalid login credentials";

function settings(config) {
  const providers = [
    "apple",
    "azure",
    "bitbucket",
    "discord",
    "facebook",
    "snapchat",
    "figma",
    "fly",
    "github",
    "gitlab",
    "google",
    "keycloak",
    "kakao",
    "linkedin",
    "linkedin_oidc",
    "notion",
    "spotify",
    "slack",
    "slack_oidc",
    "workos",
    "twitch",
    "twitter",
    "email",
    "phone",
    "zoom",
  ];
  const external = { anonymous_users: config.anonymousEnabled };
  for (const p of providers) external[p] = false;
  external.email = config.emailEnabled;
  external.phone = config.phoneEnabled;
  return {
    external,
    disable_signup: config.disableSignup,
    mailer_autoconfirm: config.mailer.autoconfirm,
    phone_autoconfirm: config.sms.autoconfirm,
    sms_provider: config.sms.provider,
    saml_enabled: false,
    saml_private_key_next_configured: false,
    passkeys_enabled: false,
  };
}

/** token.go ResourceOwnerPasswordGrant */
async function passwordGrant(ctx, req, res) {
  const { config, pool, users, tokens } = ctx;
  const p = await jsonParams(req);
  const aud = req.headers["x-jwt-aud"] || config.jwt.aud;
  const email = typeof p.email === "string" ? p.email : "";
  let phone = typeof p.phone === "string" ? p.phone : "";
  const password = typeof p.password === "string" ? p.password : "";
  if (email && phone) throw badRequest("validation_failed", "Only an email address or phone number should be provided on login.");
  let user;
  if (email) {
    if (!config.emailEnabled) throw unprocessable("email_provider_disabled", "Email logins are disabled");
    user = await users.byEmail(pool, email, aud);
  } else if (phone) {
    if (!config.phoneEnabled) throw unprocessable("phone_provider_disabled", "Phone logins are disabled");
    phone = phone.replace(/^\+/, "").replace(/ /g, "");
    user = await users.byPhone(pool, phone, aud);
  } else {
    throw badRequest("validation_failed", "missing email or phone");
  }
  if (!user || !user.encrypted_password) throw badRequest("invalid_credentials", INVALID_LOGIN);
  if (user.banned_until && new Date(user.banned_until) > new Date()) throw badRequest("user_banned", "User is banned");
  const valid = await bcrypt.compare(password, user.encrypted_password);
  let weak;
  if (valid) {
    try {
      checkPasswordStrength(config, password);
    } catch (e) {
      if (e.reasons) weak = { message: e.message, reasons: e.reasons };
    }
  }
  if (!valid) throw badRequest("invalid_credentials", INVALID_LOGIN);
  if (email && !user.email_confirmed_at) throw badRequest("email_not_confirmed", "Email not confirmed");
  if (phone && !user.phone_confirmed_at) throw badRequest("phone_not_confirmed", "Phone not confirmed");
  const token = await tx(pool, (db) => tokens.issue(db, user, "password", req));
  return send(res, 200, weak ? { ...token, weak_password: weak } : token, { "sb-auth-user-id": user.id });
}

async function refreshGrant(ctx, req, res) {
  const p = await jsonParams(req);
  const token = await tx(ctx.pool, (db) => ctx.tokens.refresh(db, typeof p.refresh_token === "string" ? p.refresh_token : ""));
  return send(res, 200, token);
}

async function logout(ctx, req, res, url) {
  const { pool, tokens } = ctx;
  const scope = url.searchParams.get("scope") ?? "";
  if (!["", "global", "local", "others"].includes(scope)) throw badRequest("validation_failed", `Unsupported logout scope "${scope}"`);
  const { user, session } = await tokens.authenticate(pool, req);
  const t = (n) => `${ctx.config.dbNamespaceQ}.${n}`;
  await tx(pool, async (db) => {
    // models.LogoutSession / LogoutAllExceptMe / Logout: sessions go, their refresh tokens and amr claims cascade.
    if (session && scope === "local") await db.query(`DELETE FROM ${t("sessions")} WHERE id = $1`, [session.id]);
    else if (session && scope === "others") await db.query(`DELETE FROM ${t("sessions")} WHERE user_id = $1 AND id <> $2`, [user.id, session.id]);
    else await db.query(`DELETE FROM ${t("sessions")} WHERE user_id = $1`, [user.id]);
  });
  return send(res, 204);
}

export async function route(ctx, req, res) {
  const url = new URL(req.url, "http://localhost");
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const m = req.method;
  if (path === "/health" && m === "GET") {
    return send(res, 200, { version: "v2.196.0-standin", name: "GoTrue", description: "GoTrue is a user registration and authentication API" });
  }
  if (path === "/settings" && m === "GET") return send(res, 200, settings(ctx.config));
  if (path === "/signup" && m === "POST") return signup(ctx, req, res, await jsonParams(req), url);
  if (path === "/verify" && m === "GET") return verifyGet(ctx, req, res, url);
  if (path === "/verify" && m === "POST") return verifyPost(ctx, req, res, await jsonParams(req));
  if (path === "/token" && m === "POST") {
    const grant = (await formValues(req, url)).get("grant_type") ?? "";
    if (grant === "password") return passwordGrant(ctx, req, res);
    if (grant === "refresh_token") return refreshGrant(ctx, req, res);
    if (["id_token", "pkce", "web3"].includes(grant))
      throw new HTTPError(501, "not_implemented", `grant_type ${grant} is not implemented by the GoTrue test double`);
    throw badRequest("invalid_credentials", "unsupported_grant_type");
  }
  if (path === "/user" && m === "GET") {
    const { user } = await ctx.tokens.authenticate(ctx.pool, req);
    return send(res, 200, userJSON(user, await ctx.users.identities(ctx.pool, user.id)));
  }
  if (path === "/logout" && m === "POST") return logout(ctx, req, res, url);
  if (path === "/user" && m === "PUT") throw new HTTPError(501, "not_implemented", "PUT /user is not implemented by the GoTrue test double");
  if (["/signup", "/verify", "/token", "/user", "/logout", "/settings", "/health"].includes(path)) {
    // chi: 405 for a known path with another method.
    return send(res, 405, undefined);
  }
  if (GOTRUE_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) {
    throw new HTTPError(501, "not_implemented", `${m} ${path} is not implemented by the GoTrue test double`);
  }
  // chi's default NotFound for a path GoTrue does not mount.
  res.writeHead(404, { ...MARKERS, "content-type": "text/plain; charset=utf-8" });
  res.end("404 page not found\n");
}

// The other paths api.go mounts (v2.196.0): answered 501, never a made-up success.
const GOTRUE_PATHS = ["/.well-known", "/callback", "/authorize", "/invite", "/recover", "/resend", "/magiclink", "/otp", "/reauthenticate", "/user", "/factors", "/passkeys", "/sso", "/saml", "/admin", "/oauth"];

export { OAuthError, validatePhone };
