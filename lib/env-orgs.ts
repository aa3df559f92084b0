// Organization settings of the environment (issue 31), parsed with the rest by
// lib/env.ts. Each error names its variable, as lib/env.ts's do.
import { z } from "zod";
import { parseRule, type RateLimitRule } from "@/lib/rate-limit/rules";

export const orgsEnvShape = {
  // Days an organization's audit log entries are kept; older ones are pruned (the newest entry always stays).
  SUPAFLEET_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  // Invitations one organization may send: POINTS/WINDOW/BLOCK (seconds), as SUPAFLEET_LIMIT_* read.
  SUPAFLEET_LIMIT_INVITES_ORG: z
    .string()
    .default("20/3600/600")
    .transform((v, ctx): RateLimitRule => {
      const rule = parseRule(v);
      if (typeof rule === "string") {
        ctx.addIssue({ code: "custom", message: rule });
        return z.NEVER;
      }
      return rule;
    }),
};

type Parsed = z.infer<z.ZodObject<typeof orgsEnvShape>>;

export interface OrgsEnv {
  /** Days audit entries are kept. */
  auditRetentionDays: number;
  /** Invitations per organization. */
  invitesPerOrg: RateLimitRule;
}

export function orgsEnvOf(e: Parsed): OrgsEnv {
  return { auditRetentionDays: e.SUPAFLEET_AUDIT_RETENTION_DAYS, invitesPerOrg: e.SUPAFLEET_LIMIT_INVITES_ORG };
}
