// The rate limits and bounds of the environment (sign-up, log-in, create,
// streams, the Management API, nginx's per-client limits), parsed with the
// rest by lib/env.ts. Each error names its variable, as lib/env.ts's do.
import { z } from "zod";
import { DEFAULT_MAX_BLOCK_SEC, DEFAULT_RULES, parseRule, type RateLimitRule, type RateLimitRules } from "@/lib/rate-limit/rules";

/** POINTS/WINDOW/BLOCK (seconds), e.g. 5/900/60. */
const limitRule = (def: string) =>
  z
    .string()
    .default(def)
    .transform((v, ctx): RateLimitRule => {
      const rule = parseRule(v);
      if (typeof rule === "string") {
        ctx.addIssue({ code: "custom", message: rule });
        return z.NEVER;
      }
      return rule;
    });

/** nginx's per-client limit (lib/proxy/nginx-limits.ts): requests per second, the burst served at once, open requests. */
export interface NginxLimit {
  ratePerSec: number;
  burst: number;
  connections: number;
}

export const DEFAULT_NGINX_LIMITS = {
  // A panel page load is a few dozen requests (scripts, styles, data).
  app: "30/200/64",
  // Each request to a sleeping project asks the app's wake gate; API clients are held while it wakes.
  gated: "10/40/32",
} as const;

/** RATE/BURST/CONNECTIONS, e.g. 30/200/64. */
const nginxLimit = (def: string) =>
  z
    .string()
    .default(def)
    .transform((v, ctx): NginxLimit => {
      const m = /^(\d{1,6})\/(\d{1,7})\/(\d{1,7})$/.exec(v.trim());
      const [ratePerSec, burst, connections] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
      if (!m || ratePerSec < 1 || burst < 1 || connections < 1) {
        ctx.addIssue({ code: "custom", message: `must look like REQUESTS_PER_SECOND/BURST/CONNECTIONS (each at least 1), e.g. ${def}` });
        return z.NEVER;
      }
      return { ratePerSec, burst, connections };
    });

export const limitsEnvShape = {
  SUPAFLEET_LIMIT_LOGIN_ACCOUNT: limitRule(DEFAULT_RULES.loginAccount),
  SUPAFLEET_LIMIT_LOGIN_IP: limitRule(DEFAULT_RULES.loginIp),
  SUPAFLEET_LIMIT_SIGNUP_IP: limitRule(DEFAULT_RULES.signupIp),
  SUPAFLEET_LIMIT_CREATE_USER: limitRule(DEFAULT_RULES.createUser),
  SUPAFLEET_LIMIT_CREATE_IP: limitRule(DEFAULT_RULES.createIp),
  SUPAFLEET_LIMIT_LIFECYCLE_USER: limitRule(DEFAULT_RULES.lifecycleUser),
  SUPAFLEET_LIMIT_LIFECYCLE_IP: limitRule(DEFAULT_RULES.lifecycleIp),
  SUPAFLEET_LIMIT_MAX_BLOCK: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(DEFAULT_MAX_BLOCK_SEC),
  SUPAFLEET_STREAMS_PER_USER: z.coerce.number().int().min(1).max(1000).default(6),
  // Management API requests per minute and access token.
  SUPAFLEET_API_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(120),
  // Largest Edge Function deploy (its files), in MB (binary), per function.
  SUPAFLEET_FUNCTION_MAX_MB: z.coerce.number().int().min(1).max(500).default(20),
  // nginx, per client address: on the app's server, and on idle-paused projects (per project).
  SUPAFLEET_NGINX_LIMIT_APP: nginxLimit(DEFAULT_NGINX_LIMITS.app),
  SUPAFLEET_NGINX_LIMIT_GATED: nginxLimit(DEFAULT_NGINX_LIMITS.gated),
};

type Parsed = z.infer<z.ZodObject<typeof limitsEnvShape>>;

export interface LimitsEnv {
  rateLimits: RateLimitRules;
  /** Open event/log streams one user may hold at once. */
  streamsPerUser: number;
  /** Management API requests allowed per minute and access token. */
  apiRateLimit: number;
  /** Largest Edge Function deploy, in bytes of its files. */
  functionMaxBytes: number;
  /** nginx's per-client limits; past them nginx answers 429 (lib/proxy/nginx-limits.ts). */
  nginxLimits: { app: NginxLimit; gated: NginxLimit };
}

export function limitsEnvOf(e: Parsed): LimitsEnv {
  return {
    rateLimits: {
      rules: {
        loginAccount: e.SUPAFLEET_LIMIT_LOGIN_ACCOUNT,
        loginIp: e.SUPAFLEET_LIMIT_LOGIN_IP,
        signupIp: e.SUPAFLEET_LIMIT_SIGNUP_IP,
        createUser: e.SUPAFLEET_LIMIT_CREATE_USER,
        createIp: e.SUPAFLEET_LIMIT_CREATE_IP,
        lifecycleUser: e.SUPAFLEET_LIMIT_LIFECYCLE_USER,
        lifecycleIp: e.SUPAFLEET_LIMIT_LIFECYCLE_IP,
      },
      maxBlockSec: e.SUPAFLEET_LIMIT_MAX_BLOCK,
    },
    streamsPerUser: e.SUPAFLEET_STREAMS_PER_USER,
    apiRateLimit: e.SUPAFLEET_API_RATE_LIMIT,
    functionMaxBytes: e.SUPAFLEET_FUNCTION_MAX_MB * 1024 * 1024,
    nginxLimits: { app: e.SUPAFLEET_NGINX_LIMIT_APP, gated: e.SUPAFLEET_NGINX_LIMIT_GATED },
  };
}
