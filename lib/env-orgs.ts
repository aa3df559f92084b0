// Organization settings of the environment (issue 31), parsed with the rest by
// lib/env.ts. Each error names its variable, as lib/env.ts's do.
import { z } from "zod";

/** At most `points` invitations per `windowSec` seconds. */
export interface InviteLimit {
  points: number;
  windowSec: number;
}

export const orgsEnvShape = {
  // Days an organization's audit log entries are kept; older ones are pruned (the newest entry always stays).
  SUPAFLEET_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  // Invitations one organization may send: POINTS/WINDOW (seconds).
  SUPAFLEET_LIMIT_INVITES_ORG: z
    .string()
    .default("20/3600")
    .transform((v, ctx): InviteLimit => {
      const m = /^(\d{1,6})\/(\d{1,8})$/.exec(v.trim());
      const [points, windowSec] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
      if (!m || points < 1 || windowSec < 1) {
        ctx.addIssue({ code: "custom", message: "must look like INVITATIONS/WINDOW_SECONDS (each at least 1), e.g. 20/3600" });
        return z.NEVER;
      }
      return { points, windowSec };
    }),
};

type Parsed = z.infer<z.ZodObject<typeof orgsEnvShape>>;

export interface OrgsEnv {
  /** Days audit entries are kept. */
  auditRetentionDays: number;
  /** Invitations per organization. */
  invitesPerOrg: InviteLimit;
}

export function orgsEnvOf(e: Parsed): OrgsEnv {
  return { auditRetentionDays: e.SUPAFLEET_AUDIT_RETENTION_DAYS, invitesPerOrg: e.SUPAFLEET_LIMIT_INVITES_ORG };
}
