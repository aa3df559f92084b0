// The project throttles, charged by the service itself so that every door
// (dashboard actions, the Management API, anything added later) pays the same:
// creates per account and per client address, and the other actions that
// tear down or start a whole stack (delete, restart, resume, retry) likewise.
// The backup service charges the same: a clone as a create, a restore and an
// undelete (bringing back a deleted project) as lifecycle actions.
// Every attempt counts, before any work, as the log-in throttle does: a flood
// of refused attempts costs the flooder, not the host.
import type { RateLimiter } from "@/lib/rate-limit/limiter";
import type { RateLimitName } from "@/lib/rate-limit/rules";
import type { ScopeOptions } from "@/lib/projects/queries";
import type { SessionUser } from "@/lib/auth/actor";

/** Who is asking, beyond the actor: the client address key (lib/rate-limit/client-ip.ts). */
export interface ClientOptions {
  /**
   * The client's address key. Without it every caller shares the key
   * "unknown": limits then apply to all of them together rather than to nobody.
   */
  address?: string;
}

export type CallOptions = ScopeOptions & ClientOptions;

export type ThrottledAction = "create" | "lifecycle";

const RULES: Record<ThrottledAction, { user: RateLimitName; ip: RateLimitName }> = {
  create: { user: "createUser", ip: "createIp" },
  lifecycle: { user: "lifecycleUser", ip: "lifecycleIp" },
};

/**
 * Charges one attempt of `action` to the actor and to the client address.
 * An administrator acting as one (admin console, admin tokens) is trusted and
 * not charged: they clean up after abusers. Without a limiter (tests and
 * benches that build a service of their own) nothing is charged.
 */
export async function chargeAttempt(limiter: RateLimiter | undefined, action: ThrottledAction, actor: SessionUser, opts: CallOptions = {}): Promise<void> {
  if (!limiter) return;
  if (opts.asAdmin && actor.role === "ADMIN") return;
  const rule = RULES[action];
  await limiter.consume(rule.user, actor.id);
  await limiter.consume(rule.ip, opts.address ?? "unknown");
}
