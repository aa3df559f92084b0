// Where a project is reached from outside: `<ref>.<root domain>`, and its URL
// on the installation's public scheme and port. One rule, read both ways: the
// nginx server names, the API URL the stack is told (API_EXTERNAL_URL), the
// connection strings' host and the pooler certificate's names go from ref to
// address; the activity log goes from a request's Host back to the ref. A
// project's own (custom) domains extend exactly these two functions.
import { REF_PATTERN } from "@/lib/validations/project";

/** The installation's public face, as lib/env.ts reads it. */
export interface AddressSettings {
  rootDomain: string;
  publicScheme: "http" | "https";
  /** The port users reach nginx on; absent (or the scheme's default): not written in URLs. */
  publicPort?: number | null;
}

export interface ProjectAddress {
  /** e.g. "abcdefghijklmnopqrst.cloud.example.com" */
  host: string;
  /** e.g. "https://abcdefghijklmnopqrst.cloud.example.com" (with ":port" when not the scheme's default) */
  url: string;
}

/** scheme://host, with the port only when it is not the scheme's default. */
export function originOf(scheme: "http" | "https", host: string, port?: number | null): string {
  const defaultPort = scheme === "https" ? 443 : 80;
  return `${scheme}://${host}${port && port !== defaultPort ? `:${port}` : ""}`;
}

/** The project's public host and URL. */
export function projectAddress(ref: string, s: AddressSettings): ProjectAddress {
  const host = `${ref}.${s.rootDomain}`;
  return { host, url: originOf(s.publicScheme, host, s.publicPort) };
}

/**
 * Every public host of a project, its own first: <ref>.<domain>, then its
 * active custom hostname (lib/domains), if any. The nginx server names, the
 * certificates and the hosts Auth answers for (GOTRUE_MAILER_EXTERNAL_HOSTS) are these.
 */
export function projectHosts(ref: string, s: AddressSettings, customHost?: string | null): string[] {
  const own = projectAddress(ref, s).host;
  return customHost && customHost !== own ? [own, customHost] : [own];
}

/** The URL users are given for a project: its active custom hostname's when it has one (Supabase's rule once a custom domain is active). */
export function projectPublicUrl(ref: string, s: AddressSettings, customHost?: string | null): string {
  return customHost ? originOf(s.publicScheme, customHost, s.publicPort) : projectAddress(ref, s).url;
}

/**
 * The ref a request's Host names (any case, with or without a port), or null
 * when it names no project of this installation. `customHosts` maps active
 * custom hostnames to their refs.
 */
export function refOfHost(hostHeader: string, s: Pick<AddressSettings, "rootDomain">, customHosts?: ReadonlyMap<string, string>): string | null {
  const host = hostHeader.trim().toLowerCase().replace(/:\d+$/, "");
  const custom = customHosts?.get(host);
  if (custom !== undefined) return custom;
  const suffix = `.${s.rootDomain.toLowerCase()}`;
  if (!host.endsWith(suffix)) return null;
  const ref = host.slice(0, -suffix.length);
  return REF_PATTERN.test(ref) ? ref : null;
}
