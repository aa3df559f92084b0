// A custom hostname's states, in upstream's words: the `status` enum of
// UpdateCustomHostnameResponse in Supabase's Management API (supabase/cli
// packages/api/src/generated/openapi.json @627e534b4f2b5f2f367e7e9a46fc4a0975a92ebe).
// What each means here:
//  - 1_not_started: never stored (upstream's state before initialize);
//  - 2_initiated: the owner named the hostname; the DNS records are shown, not yet found;
//  - 3_challenge_verified: the resolver found the CNAME and the TXT record; the certificate is on its way;
//  - 4_origin_setup_completed: the certificate is on disk (or the installation issues none): ready to activate;
//  - 5_services_reconfigured: nginx serves the project at the hostname, Auth and Storage use it.
export const CUSTOM_HOSTNAME_STATUSES = [
  "1_not_started",
  "2_initiated",
  "3_challenge_verified",
  "4_origin_setup_completed",
  "5_services_reconfigured",
] as const;

export type CustomHostnameStatus = (typeof CUSTOM_HOSTNAME_STATUSES)[number];

export const HOSTNAME_STATUS = {
  notStarted: "1_not_started",
  initiated: "2_initiated",
  verified: "3_challenge_verified",
  originReady: "4_origin_setup_completed",
  active: "5_services_reconfigured",
} as const satisfies Record<string, CustomHostnameStatus>;

export function isHostnameStatus(v: string): v is CustomHostnameStatus {
  return (CUSTOM_HOSTNAME_STATUSES as readonly string[]).includes(v);
}

/** Verified or later: the hostname is proven the owner's, so it may get a certificate. */
export function isVerified(s: string): boolean {
  return s === HOSTNAME_STATUS.verified || s === HOSTNAME_STATUS.originReady || s === HOSTNAME_STATUS.active;
}

/**
 * A verified hostname moves on to "origin ready" once its certificate is on
 * disk, or at once when the installation issues no certificates (plain HTTP).
 * Pure: the caller says what it found.
 */
export function settledStatus(stored: CustomHostnameStatus, certificate: { acme: boolean; issued: boolean }): CustomHostnameStatus {
  if (stored === HOSTNAME_STATUS.verified && (!certificate.acme || certificate.issued)) return HOSTNAME_STATUS.originReady;
  return stored;
}
