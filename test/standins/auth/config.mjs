// GoTrue's configuration as supabase/auth v2.196.0 (@0204331) loads it:
// internal/conf/confload/confload.go loadGlobal = envconfig.Process("gotrue")
// (kelseyhightower/envconfig v1.4.0: key GOTRUE_<STRUCT>_<FIELD>, then the
// `envconfig` alt name unprefixed; a default only when the variable is unset;
// a set-but-empty bool or int fails to parse), then ApplyDefaults and
// Validate (internal/conf/configuration.go). Any error is fatal at start
// (cmd/root_cmd.go: "Failed to load configuration: %+v").
import { parseJwtKeys, validateJwtKeys } from "./jwt-keys.mjs";
import { compileGlob } from "./glob.mjs";

import { ConfigError } from "./errors.mjs";
export { ConfigError };

const env = process.env;
const has = (k) => Object.prototype.hasOwnProperty.call(env, k);

/** envconfig ParseError.Error() */
function parseError(key, field, type, value, detail) {
  return new ConfigError(`envconfig.Process: assigning ${key} to ${field}: converting '${value}' to type ${type}. details: ${detail}`);
}

// strconv.ParseBool
const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

function read(key, opts = {}) {
  let value;
  let ok = has(key);
  if (ok) value = env[key];
  else if (opts.alt && has(opts.alt)) {
    ok = true;
    value = env[opts.alt];
  }
  if (!ok && opts.def !== undefined) value = opts.def;
  if (!ok && opts.def === undefined) {
    if (opts.required) throw new ConfigError(`required key ${key} missing value`);
    return undefined;
  }
  return value;
}

function str(key, opts) {
  return read(key, opts) ?? "";
}

function bool(key, field, def) {
  const v = read(key, { def });
  if (v === undefined) return false;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw parseError(key, field, "bool", v, `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function int(key, field, def) {
  const v = read(key, { def });
  if (v === undefined) return 0;
  if (!/^[+-]?\d+$/.test(v)) throw parseError(key, field, "int", v, `strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** []string: comma-separated, empty (or blank) gives an empty list. */
function list(key) {
  const v = read(key);
  if (v === undefined || v.trim() === "") return [];
  return v.split(",");
}

const UNITS = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
/** time.Duration via time.ParseDuration, in milliseconds. */
function duration(key, field) {
  const v = read(key);
  if (v === undefined) return 0;
  if (v === "0") return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0;
  let m;
  let at = 0;
  const body = v.replace(/^[+-]/, "");
  while ((m = re.exec(body))) {
    ms += Number(m[1]) * UNITS[m[2]];
    at = re.lastIndex;
  }
  if (at === 0 || at !== body.length) throw parseError(key, field, "time.Duration", v, `time: invalid duration ${JSON.stringify(v)}`);
  return v.startsWith("-") ? -ms : ms;
}

/** net/url.ParseRequestURI: an absolute URL or an absolute path. */
function parseRequestURI(raw) {
  if (raw.startsWith("/")) return new URL(raw, "http://placeholder");
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw)) throw new ConfigError(`parse ${JSON.stringify(raw)}: invalid URI for request`);
  return new URL(raw);
}

export function loadConfig() {
  const c = {
    apiHost: str("GOTRUE_API_HOST"),
    apiPort: str("GOTRUE_API_PORT", { alt: "PORT", def: "8081" }),
    externalURL: str("GOTRUE_API_API_EXTERNAL_URL", { alt: "API_EXTERNAL_URL", required: true }),
    dbDriver: str("GOTRUE_DB_DRIVER", { required: true }),
    dbURL: str("GOTRUE_DB_DATABASE_URL", { alt: "DATABASE_URL", required: true }),
    dbNamespace: str("GOTRUE_DB_DB_NAMESPACE", { alt: "DB_NAMESPACE", def: "auth" }),
    siteURL: str("GOTRUE_SITE_URL", { required: true }),
    uriAllowList: list("GOTRUE_URI_ALLOW_LIST"),
    disableSignup: bool("GOTRUE_DISABLE_SIGNUP", "DisableSignup"),
    jwt: {
      secret: str("GOTRUE_JWT_SECRET", { required: true }),
      exp: int("GOTRUE_JWT_EXP", "Exp"),
      aud: str("GOTRUE_JWT_AUD"),
      adminRoles: list("GOTRUE_JWT_ADMIN_ROLES"),
      defaultGroupName: str("GOTRUE_JWT_DEFAULT_GROUP_NAME"),
      issuer: str("GOTRUE_JWT_ISSUER"),
      keyID: str("GOTRUE_JWT_KEY_ID"),
      keys: [],
    },
    emailEnabled: bool("GOTRUE_EXTERNAL_EMAIL_ENABLED", "Enabled", "true"),
    phoneEnabled: bool("GOTRUE_EXTERNAL_PHONE_ENABLED", "Enabled", "false"),
    anonymousEnabled: bool("GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED", "Enabled", "false"),
    mailer: {
      autoconfirm: bool("GOTRUE_MAILER_AUTOCONFIRM", "Autoconfirm"),
      allowUnverifiedEmailSignIns: bool("GOTRUE_MAILER_ALLOW_UNVERIFIED_EMAIL_SIGN_INS", "AllowUnverifiedEmailSignIns", "false"),
      otpExp: int("GOTRUE_MAILER_OTP_EXP", "OtpExp"),
      otpLength: int("GOTRUE_MAILER_OTP_LENGTH", "OtpLength"),
      urlPaths: {
        invite: str("GOTRUE_MAILER_URLPATHS_INVITE"),
        confirmation: str("GOTRUE_MAILER_URLPATHS_CONFIRMATION"),
        recovery: str("GOTRUE_MAILER_URLPATHS_RECOVERY"),
        emailChange: str("GOTRUE_MAILER_URLPATHS_EMAIL_CHANGE"),
      },
    },
    smtp: {
      maxFrequency: duration("GOTRUE_SMTP_MAX_FREQUENCY", "MaxFrequency"),
      host: str("GOTRUE_SMTP_HOST"),
      port: int("GOTRUE_SMTP_PORT", "Port", "587"),
      user: str("GOTRUE_SMTP_USER"),
      pass: str("GOTRUE_SMTP_PASS"),
      adminEmail: str("GOTRUE_SMTP_ADMIN_EMAIL"),
      senderName: str("GOTRUE_SMTP_SENDER_NAME"),
    },
    sms: { autoconfirm: bool("GOTRUE_SMS_AUTOCONFIRM", "Autoconfirm"), provider: str("GOTRUE_SMS_PROVIDER") },
    passwordMinLength: int("GOTRUE_PASSWORD_MIN_LENGTH", "MinLength"),
    security: {
      refreshTokenRotationEnabled: bool("GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED", "RefreshTokenRotationEnabled", "true"),
      refreshTokenReuseInterval: int("GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL", "RefreshTokenReuseInterval"),
    },
  };
  const keys = read("GOTRUE_JWT_KEYS");
  if (keys !== undefined) c.jwt.keys = parseJwtKeys(keys);
  applyDefaults(c);
  validate(c);
  return c;
}

// configuration.go ApplyDefaults
function applyDefaults(c) {
  if (c.jwt.adminRoles.length === 0) c.jwt.adminRoles = ["service_role", "supabase_admin"];
  if (c.jwt.exp === 0) c.jwt.exp = 3600;
  if (c.mailer.autoconfirm && c.mailer.allowUnverifiedEmailSignIns) {
    throw new ConfigError("cannot enable both GOTRUE_MAILER_AUTOCONFIRM and GOTRUE_MAILER_ALLOW_UNVERIFIED_EMAIL_SIGN_INS");
  }
  for (const k of ["invite", "confirmation", "recovery", "emailChange"]) if (c.mailer.urlPaths[k] === "") c.mailer.urlPaths[k] = "/verify";
  if (c.mailer.otpExp === 0) c.mailer.otpExp = 86400;
  if (c.mailer.otpLength < 6 || c.mailer.otpLength > 10) c.mailer.otpLength = 6;
  if (c.smtp.maxFrequency === 0) c.smtp.maxFrequency = 60_000;
  // glob.MustCompile(uri, '.', '/'): a pattern that does not compile panics at start.
  c.uriAllowGlobs = c.uriAllowList.map((p) => compileGlob(p));
  if (c.passwordMinLength < 6) c.passwordMinLength = 6;
}

// configuration.go Validate: API (ParseRequestURI of the external URL), SMTP, JWT keys.
function validate(c) {
  c.externalURLParsed = parseRequestURI(c.externalURL);
  validateJwtKeys(c.jwt);
  c.smtp.fromAddress = c.smtp.adminEmail;
}
