// What the REST stand-in's suite (rest-suite.ts) asks of its project
// (test/support/standin-project.ts): requests to /rest/v1 and /pg/ through
// nginx and the template's gateway, supabase-js, and users' access tokens
// signed the way GoTrue signs them.
import { randomUUID } from "node:crypto";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { WebSocket } from "undici";
import type { StandinProject } from "@/test/support/standin-project";

type RealtimeTransport = NonNullable<NonNullable<NonNullable<Parameters<typeof createClient>[2]>["realtime"]>["transport"]>;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface RestInit {
  method?: string;
  /** The apikey header (default: the project's anon key). */
  key?: string;
  /** The Bearer token: default the key, null for no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
  body?: unknown;
}

export class RestProject {
  constructor(private readonly project: () => StandinProject) {}

  get url(): string {
    return this.project().url;
  }

  /** A request to /rest/v1 through nginx and the gateway, its body parsed when it is JSON. */
  async rest(path: string, init: RestInit = {}): Promise<Answer> {
    const p = this.project();
    const key = init.key ?? p.anonKey;
    const headers: Record<string, string> = { apikey: key, ...init.headers };
    const token = init.token === undefined ? key : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const res = await p.fetch(`${p.url}/rest/v1${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** SQL through /pg/ (the real postgres-meta) with the service key, as scripts/smoke.mjs does. */
  async pgQuery(query: string): Promise<unknown> {
    const p = this.project();
    const res = await p.fetch(`${p.url}/pg/query`, {
      method: "POST",
      headers: { apikey: p.serviceRoleKey, authorization: `Bearer ${p.serviceRoleKey}`, "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`/pg/query: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }

  /** supabase-js with the anon key, and a user's access token when given. */
  client(token: string | null): SupabaseClient {
    const p = this.project();
    return createClient(p.url, p.anonKey, {
      global: { fetch: p.fetch },
      auth: { persistSession: false, autoRefreshToken: false },
      // Node 20 has no global WebSocket; supabase-js's realtime client wants one (unused here).
      realtime: { transport: WebSocket as unknown as RealtimeTransport },
      ...(token ? { accessToken: async () => token } : {}),
    });
  }

  /** An access token's claims as GoTrue issues them (supabase/auth internal/tokens AccessTokenClaims). */
  claimsFor(sub: string, now: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      iss: `${this.url}/auth/v1`,
      sub,
      aud: "authenticated",
      exp: now + 3600,
      iat: now,
      email: `${sub.slice(0, 8)}@example.com`,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {},
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "password", timestamp: now }],
      session_id: randomUUID(),
      is_anonymous: false,
      ...extra,
    };
  }

  /** HS256 with the project's JWT secret (the legacy way; another secret when given). */
  signHs256(claims: Record<string, unknown>, secret?: string): Promise<string> {
    return this.project().signHs256(claims, secret);
  }

  /** ES256 with the project's signing key, as GoTrue signs with GOTRUE_JWT_KEYS. */
  signEs256(claims: Record<string, unknown>): Promise<string> {
    return this.project().signEs256(claims);
  }
}
