// POST /signup as supabase/auth v2.196.0 (@0204331) internal/api/signup.go
// (Signup, validateSignupParams, ToUserModel, signupNewUser), with
// password.go checkPasswordStrength, mail.go validateEmail/sendConfirmation
// and phone.go validatePhone. Email and phone sign-ups; anonymous and PKCE
// are not implemented by this double and are refused (501) rather than
// answered differently from GoTrue.
import { createHash, randomInt, randomUUID } from "node:crypto";
import bcrypt from "bcryptjs";
import { HTTPError, WeakPasswordError, badRequest, internal, unprocessable } from "./errors.mjs";
import { send } from "./http.mjs";
import { getReferrer } from "./redirects.mjs";
import { confirmationBody, mailLink, sendMail } from "./mailer.mjs";
import { userJSON } from "./users.mjs";
import { tx } from "./db.mjs";

const MAX_PASSWORD_LENGTH = 72;
// github.com/badoux/checkmail ValidateFormat's pattern
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function checkPasswordStrength(config, password) {
  if (password.length > MAX_PASSWORD_LENGTH) throw badRequest("validation_failed", `Password cannot be longer than ${MAX_PASSWORD_LENGTH} characters`);
  if (password.length < config.passwordMinLength) {
    throw new WeakPasswordError(`Password should be at least ${config.passwordMinLength} characters.`, ["length"]);
  }
}

export function validateEmail(email) {
  if (!email) throw badRequest("validation_failed", "An email address is required");
  if (email.length > 255) throw badRequest("validation_failed", "An email address is too long");
  if (!EMAIL.test(email)) throw badRequest("validation_failed", "Unable to validate email address: invalid format");
  return email.toLowerCase();
}

export function validatePhone(phone) {
  const p = phone.replace(/^\+/, "").replace(/ /g, "");
  if (!/^[1-9][0-9]{1,14}$/.test(p)) throw badRequest("validation_failed", "Invalid phone number format (E.164 required)");
  return p;
}

/** crypto.GenerateOtp + GenerateTokenHash (sha224 hex of email+otp). */
export function confirmationToken(email, otpLength) {
  const otp = String(randomInt(0, 10 ** otpLength)).padStart(otpLength, "0");
  return createHash("sha224")
    .update(email + otp)
    .digest("hex");
}

/**
 * bcrypt at Go's DefaultCost (10) with the $2a$ prefix golang.org/x/crypto/bcrypt
 * writes. bcryptjs writes $2b$; the two compute the same hash for passwords
 * under 255 bytes (2b only fixed a length wrap-around), and passwords here
 * are at most 72.
 */
export const hashPassword = async (password) => (await bcrypt.hash(password, 10)).replace(/^\$2b\$/, () => "$2a$");

export async function signup(ctx, req, res, params, url) {
  const { config, pool, users, tokens } = ctx;
  if (config.disableSignup) throw unprocessable("signup_disabled", "Signups not allowed for this instance");
  const email = typeof params.email === "string" ? params.email : "";
  let phone = typeof params.phone === "string" ? params.phone : "";
  const password = typeof params.password === "string" ? params.password : "";
  const data = params.data && typeof params.data === "object" ? params.data : {};
  if (!email && !phone) {
    if (!config.anonymousEnabled) throw unprocessable("anonymous_provider_disabled", "Anonymous sign-ins are disabled");
    throw new HTTPError(501, "not_implemented", "anonymous sign-ins are not implemented by the GoTrue test double");
  }
  const provider = email ? "email" : "phone";
  if (!password) throw badRequest("validation_failed", "Signup requires a valid password");
  checkPasswordStrength(config, password);
  if (email && phone) throw badRequest("validation_failed", "Only an email address or phone number should be provided on signup.");
  if (params.code_challenge) throw new HTTPError(501, "not_implemented", "PKCE sign-ups are not implemented by the GoTrue test double");
  const aud = req.headers["x-jwt-aud"] || config.jwt.aud;
  let normalizedEmail = "";
  if (provider === "email") {
    if (!config.emailEnabled) throw badRequest("email_provider_disabled", "Email signups are disabled");
    normalizedEmail = validateEmail(email);
  } else {
    if (!config.phoneEnabled) throw badRequest("phone_provider_disabled", "Phone signups are disabled");
    phone = validatePhone(phone);
  }
  const redirectTo = getReferrer(req, config, url.searchParams);
  const hash = await hashPassword(password);

  const outcome = await tx(pool, async (db) => {
    let user = provider === "email" ? await users.byEmail(db, normalizedEmail, aud) : await users.byPhone(db, phone, aud);
    if (user) {
      const confirmed = provider === "email" ? user.email_confirmed_at : user.phone_confirmed_at;
      if (confirmed) return { exists: user };
    } else {
      user = await users.create(db, {
        email: provider === "email" ? normalizedEmail : null,
        phone: provider === "phone" ? phone : null,
        passwordHash: hash,
        aud,
        role: config.jwt.defaultGroupName,
        userMetaData: data,
        appMetaData: { provider, providers: [provider] },
      });
      const identityData =
        provider === "email"
          ? { sub: user.id, email: normalizedEmail, email_verified: false, phone_verified: false }
          : { sub: user.id, phone, email_verified: false, phone_verified: false };
      for (const [k, v] of Object.entries(data)) if (!(k in identityData)) identityData[k] = v;
      await users.createIdentity(db, user, provider, identityData);
    }
    if (provider === "email") {
      if (config.mailer.autoconfirm) await users.confirm(db, user);
      else await sendConfirmation(ctx, db, user, redirectTo);
    } else if (config.sms.autoconfirm) {
      await users.confirmPhone(db, user);
    } else {
      // sendPhoneConfirmation: sms_provider.GetSmsProvider fails without a configured provider.
      throw internal("Unable to get SMS provider");
    }
    user = await users.byId(db, user.id);
    if (user.email_confirmed_at || user.phone_confirmed_at) return { token: await tokens.issue(db, user, "password", req) };
    return { user: userJSON(user, await users.identities(db, user.id)) };
  });

  if (outcome.exists) {
    if (config.mailer.autoconfirm || config.sms.autoconfirm) throw unprocessable("user_already_exists", "User already registered");
    // sanitizeUser: an obfuscated user, so an existing address cannot be told apart.
    const now = new Date().toISOString();
    return send(res, 200, {
      ...userJSON({
        ...outcome.exists,
        id: randomUUID(),
        role: "",
        created_at: now,
        updated_at: now,
        confirmation_sent_at: now,
        last_sign_in_at: null,
        confirmed_at: null,
        email_confirmed_at: null,
        phone_confirmed_at: null,
        raw_user_meta_data: data,
        raw_app_meta_data: { provider, providers: [provider] },
        aud,
        email: provider === "email" ? outcome.exists.email : "",
        phone: provider === "phone" ? outcome.exists.phone : "",
      }),
      identities: [],
    });
  }
  return send(res, 200, outcome.token ?? outcome.user);
}

/** mail.go sendConfirmation: frequency limit, new token hash, mail, then the stored token. */
async function sendConfirmation(ctx, db, user, redirectTo) {
  const { config, users } = ctx;
  if (user.confirmation_sent_at && new Date(user.confirmation_sent_at).getTime() + config.smtp.maxFrequency > Date.now()) {
    const left = Math.floor((new Date(user.confirmation_sent_at).getTime() + config.smtp.maxFrequency - Date.now()) / 1000);
    throw new HTTPError(429, "over_email_send_rate_limit", `For security purposes, you can only request this after ${left} seconds.`);
  }
  const token = confirmationToken(user.email, config.mailer.otpLength);
  const link = mailLink(config.externalURL, config.mailer.urlPaths.confirmation, token, "signup", redirectTo);
  try {
    await sendMail(config, user.email, "Confirm your email address", confirmationBody(link));
  } catch (e) {
    console.error(JSON.stringify({ level: "error", msg: "Error sending confirmation email", error: String(e?.message ?? e) }));
    throw internal("Error sending confirmation email");
  }
  await users.setConfirmationToken(db, user, token);
}
