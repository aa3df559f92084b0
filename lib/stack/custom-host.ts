// What a project's active custom hostname (lib/domains) changes in its stack,
// besides the public URL buildStackSpec is given (API_EXTERNAL_URL,
// AUTH_EXTERNAL_URL and SUPABASE_PUBLIC_URL, hence Storage's STORAGE_PUBLIC_URL):
//  - Auth answers for both hosts: GOTRUE_MAILER_EXTERNAL_HOSTS, read by
//    supabase/auth v2.196.0 (the pinned image) in internal/conf/configuration.go
//    (MailerConfiguration.ExternalHosts, split on commas by envconfig) and used
//    in internal/api/middleware.go isValidExternalHost: a request whose
//    X-Forwarded-Host (or Host) is listed gets mail links on https://<that host>;
//  - the site URL follows the new host when it was the project's own address.
// Pure.
import type { AuthSettings } from "@/lib/stack/auth-config";
import type { StackSpec } from "@/lib/stack/types";

/** The auth service's environment with every host it answers for. */
export function withExternalHosts(spec: StackSpec, hosts: readonly string[]): StackSpec {
  if (hosts.length < 2) return spec;
  return {
    ...spec,
    services: spec.services.map((s) => (s.service === "auth" ? { ...s, env: { ...s.env, GOTRUE_MAILER_EXTERNAL_HOSTS: hosts.join(",") } } : s)),
  };
}

/** The site URL moved to the custom host's URL when it was the project's own URL; anything the owner chose stays. */
export function siteUrlFollowing(settings: AuthSettings | undefined, ownUrl: string, customUrl: string | null): AuthSettings | undefined {
  if (!settings || !customUrl) return settings;
  const strip = (u: string) => u.replace(/\/+$/, "");
  return strip(settings.siteUrl) === strip(ownUrl) ? { ...settings, siteUrl: customUrl } : settings;
}
