import type { CookiesOptions, NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getEnv } from "@/lib/env";
import { isAppError, type RateLimitedError } from "@/lib/errors";
import { addressOf } from "@/lib/rate-limit";
import type { HeaderSource } from "@/lib/rate-limit/client-ip";
import { getAccountServices, getDb, getRateLimiter } from "@/lib/services";
import type { Role } from "@/lib/users/service";
import { getAuthSecret, getMasterKey } from "@/lib/server-keys";
import { secondFactor } from "@/lib/users/two-factor";
import { sameOriginRedirect } from "@/lib/validations/redirect";

/** `rate_limited:<seconds>`: the error next-auth carries to the login form and the 429 wrapper. */
export const RATE_LIMITED_PREFIX = "rate_limited:";

/**
 * Credentials `authorize`, separate so tests can call it. next-auth turns a
 * thrown Error's message into `?error=<message>`; we throw our error codes
 * (never raw messages) so the login page can show a precise sentence.
 */
export async function authorizeCredentials(credentials: Record<string, string> | undefined, req?: { headers?: HeaderSource }) {
  try {
    const address = addressOf(req?.headers ?? {});
    const user = await getAccountServices().users.authenticate({ email: credentials?.email ?? "", password: credentials?.password ?? "" }, address);
    // Then the TOTP code (or this browser's re-login ticket after a password change).
    const { sessionVersion } = await secondFactor(
      { db: getDb(), masterKey: getMasterKey(), limiter: getRateLimiter() },
      user.id,
      { code: credentials?.code || undefined, ticket: credentials?.ticket || undefined },
      { address },
    );
    return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion };
  } catch (err) {
    if (isAppError(err, "rate_limited")) throw new Error(`${RATE_LIMITED_PREFIX}${(err as RateLimitedError).retryAfterSeconds}`);
    if (isAppError(err)) throw new Error(err.code);
    throw err;
  }
}

/**
 * Under TLS the session and callback cookies get the `__Host-` prefix (next-auth
 * gives only `__Secure-` to them; its CSRF cookie already has `__Host-`). A
 * browser accepts a `__Host-` cookie only from a Secure response, with Path=/
 * and without Domain, so a tenant page on a sibling subdomain (`<ref>.<domain>`)
 * cannot plant a session cookie for the panel with Domain=<domain> (cookie
 * tossing). Over plain http the names stay as next-auth makes them.
 */
export function sessionCookies(secure: boolean): Partial<CookiesOptions> | undefined {
  if (!secure) return undefined;
  const options = { httpOnly: true, sameSite: "lax" as const, path: "/", secure: true };
  return {
    sessionToken: { name: "__Host-next-auth.session-token", options },
    callbackUrl: { name: "__Host-next-auth.callback-url", options },
  };
}

let options: NextAuthOptions | undefined;

export function getAuthOptions(): NextAuthOptions {
  options ??= {
    secret: getAuthSecret(),
    // __Secure-/__Host- cookie names and the Secure flag whenever the public URL is https.
    useSecureCookies: getEnv().publicScheme === "https",
    cookies: sessionCookies(getEnv().publicScheme === "https"),
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
          code: { label: "Two-factor code", type: "text" },
          ticket: { label: "Re-login ticket", type: "hidden" },
        },
        authorize: authorizeCredentials,
      }),
    ],
    callbacks: {
      redirect: ({ url, baseUrl }) => sameOriginRedirect(url, baseUrl),
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.role = (user as { role?: Role }).role ?? "USER";
          // Checked on every request against the account's (lib/auth/session.ts).
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user) {
          session.user.id = token.sub ?? "";
          session.user.role = token.role === "ADMIN" ? "ADMIN" : "USER";
          session.user.sv = token.sv ?? 0;
        }
        return session;
      },
    },
  };
  return options;
}
