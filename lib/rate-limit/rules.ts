// The throttling rules, as plain data. Each rule reads "POINTS/WINDOW/BLOCK":
// at most POINTS attempts per WINDOW seconds per key; the attempt that goes
// over locks the key for BLOCK seconds, doubled for each further lock-out of
// the same key within a day (backoff), up to the maximum block.

export interface RateLimitRule {
  points: number;
  windowSec: number;
  blockSec: number;
}

export type RateLimitName = "loginAccount" | "loginIp" | "signupIp" | "createUser" | "createIp" | "lifecycleUser" | "lifecycleIp";

export interface RateLimitRules {
  rules: Record<RateLimitName, RateLimitRule>;
  /** ceiling of a backed-off block, seconds */
  maxBlockSec: number;
}

/** What each limit counts, for messages ("Too many <what>"). */
export const LIMIT_SUBJECT: Record<RateLimitName, string> = {
  loginAccount: "failed log-ins for this account from your address",
  loginIp: "failed log-ins from your address",
  signupIp: "sign-up attempts from your address",
  createUser: "project creations",
  createIp: "project creations from your address",
  lifecycleUser: "project deletes, restarts, resumes, restores and undeletes",
  lifecycleIp: "project deletes, restarts, resumes, restores and undeletes from your address",
};

export const DEFAULT_RULES: Record<RateLimitName, string> = {
  // 5 wrong passwords in 15 min lock the account for 1 min, then 2, 4, ... min
  loginAccount: "5/900/60",
  loginIp: "30/900/300",
  signupIp: "10/3600/600",
  createUser: "10/3600/300",
  createIp: "20/3600/300",
  // Deletes, restarts, resumes and retries each tear down or start a whole stack.
  lifecycleUser: "30/3600/300",
  lifecycleIp: "60/3600/300",
};

export const DEFAULT_MAX_BLOCK_SEC = 3600;

const RULE = /^(\d{1,6})\/(\d{1,7})\/(\d{1,7})$/;

/** Parses "POINTS/WINDOW/BLOCK"; returns an error sentence instead of throwing (env names the variable). */
export function parseRule(text: string): RateLimitRule | string {
  const m = RULE.exec(text.trim());
  if (!m) return `must look like POINTS/WINDOW_SECONDS/BLOCK_SECONDS, e.g. ${DEFAULT_RULES.loginAccount}`;
  const [points, windowSec, blockSec] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (points < 1) return "POINTS must be at least 1";
  if (windowSec < 1 || blockSec < 1) return "WINDOW and BLOCK must be at least 1 second";
  return { points, windowSec, blockSec };
}

/** Block length for the n-th lock-out (1-based) of one key within a day. */
export function backoffSeconds(rule: RateLimitRule, strike: number, maxBlockSec: number): number {
  const exp = Math.min(Math.max(strike, 1) - 1, 30);
  return Math.min(rule.blockSec * 2 ** exp, Math.max(maxBlockSec, rule.blockSec));
}
