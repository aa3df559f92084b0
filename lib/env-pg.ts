// The shared Postgres port (lib/proxy/pg-router.ts), parsed with the rest by
// lib/env.ts: `off`, a port, or `address:port`. Unset: on at 0.0.0.0:5432 when
// the site speaks HTTPS (its own certificate or ACME), as Supabase's pooler
// hosts answer on 5432; off otherwise. Each error names the variable.
import { z } from "zod";

export const pgRouterEnvShape = {
  SUPAFLEET_PG_ROUTER: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === "off" || parseListen(v) !== null, {
      message: "must be off, a port (5432) or an IPv4 address and port (0.0.0.0:5432)",
    })
    .optional(),
};

type Parsed = z.infer<z.ZodObject<typeof pgRouterEnvShape>> & {
  SUPAFLEET_TLS_CERT?: string;
  SUPAFLEET_TLS_KEY?: string;
  SUPAFLEET_ACME_DIRECTORY?: string;
};

/** Where the front door listens; the port is also the one connection strings name. */
export interface PgRouterEnv {
  host: string;
  port: number;
}

export const DEFAULT_PG_ROUTER: PgRouterEnv = { host: "0.0.0.0", port: 5432 };

function parseListen(v: string): PgRouterEnv | null {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d{1,5})$/.exec(v);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  if (m[1] && m[1].split(".").some((o) => Number(o) > 255)) return null;
  return { host: m[1] ?? DEFAULT_PG_ROUTER.host, port };
}

export function pgRouterEnvOf(e: Parsed): PgRouterEnv | undefined {
  const v = e.SUPAFLEET_PG_ROUTER;
  if (v === "off") return undefined;
  if (v !== undefined) return parseListen(v) ?? undefined;
  const https = (e.SUPAFLEET_TLS_CERT !== undefined && e.SUPAFLEET_TLS_KEY !== undefined) || e.SUPAFLEET_ACME_DIRECTORY !== undefined;
  return https ? DEFAULT_PG_ROUTER : undefined;
}
