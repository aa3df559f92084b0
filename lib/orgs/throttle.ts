// Caps on "add an existing account as a member": its answer says whether an
// address has an account ("No account with this email"), so an Owner or
// Administrator could otherwise test addresses in a loop. Two counters on the
// installation's limiter (lib/rate-limit/limiter.ts, in the app's database):
// one per person adding, charged before anything is looked up (so it also caps
// guessing organization slugs), and one per organization, charged only once
// the role check passed (so no outsider can use up an organization's).
import type { RateLimiter } from "@/lib/rate-limit/limiter";

/** Generous for a team joining at once (invitation links are for more), tight for probing addresses. */
export const ADD_MEMBER_CAPS = {
  user: { points: 20, windowSec: 3600, subject: "members added (by you)" },
  organization: { points: 50, windowSec: 3600, subject: "members added to this organization" },
} as const;

export type MemberLimiter = Pick<RateLimiter, "consumeCap">;

export async function chargeAddMember(limiter: MemberLimiter, by: "user" | "organization", key: string): Promise<void> {
  const cap = ADD_MEMBER_CAPS[by];
  await limiter.consumeCap(`orgs:add-member:${by}`, key, cap.points, cap.windowSec, cap.subject);
}
