// Upstream Management API operations Supafleet does not serve. Tools built on
// Supabase's API (the CLI, generated clients) call them; a bare 404 reads as
// "wrong server or wrong path", so each one answers with the operation's id
// and the feature it belongs to. 403 because upstream's document lists
// "Forbidden action" for every operation, so generated clients expect it.
import { UPSTREAM_OPERATIONS, type UpstreamOperation } from "@/lib/api/upstream-operations";

/** What a Supafleet user reads for each upstream tag (the operation's group). */
const FEATURE_OF_TAG: Record<string, string> = {
  Environments: "branching (preview branches and action runs)",
  Domains: "vanity subdomains",
  OAuth: "OAuth apps for the Management API",
  Billing: "billing add-ons",
  Advisors: "the database advisors",
  Analytics: "this logs and usage endpoint",
  Realtime: "Realtime configuration",
  Storage: "this Storage configuration endpoint",
  Rest: "PostgREST configuration",
  Auth: "this Auth endpoint",
  Database: "this database endpoint",
  Secrets: "this keys and secrets endpoint",
  Projects: "this project endpoint",
  Organizations: "this organization endpoint",
  Profile: "this profile endpoint",
  "Edge Functions": "this Edge Functions endpoint",
};

interface Matcher {
  op: UpstreamOperation;
  re: RegExp;
}

// Path parameters are one segment each ({ref}, {function_slug}, …).
const MATCHERS: Matcher[] = UPSTREAM_OPERATIONS.map((op) => ({
  op,
  re: new RegExp("^" + op[1].replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^/}]+\}/g, "[^/]+") + "$"),
}));

/** The upstream operation a request names, if any (a literal path segment wins over a parameter, as in the router). */
export function upstreamOperationFor(method: string, pathname: string): UpstreamOperation | null {
  const m = method.toUpperCase();
  const hits = MATCHERS.filter((x) => x.op[0] === m && x.re.test(pathname));
  if (hits.length === 0) return null;
  // The most literal template: fewest parameters.
  hits.sort((a, b) => (a.op[1].match(/\{/g)?.length ?? 0) - (b.op[1].match(/\{/g)?.length ?? 0));
  return hits[0]!.op;
}

export function unsupportedMessage(op: UpstreamOperation): string {
  const feature = FEATURE_OF_TAG[op[3]] ?? `this ${op[3]} endpoint`;
  return `Supafleet does not offer ${feature}: ${op[0]} ${op[1]} (${op[2]}) is not available on this server. See /v1/openapi.json for the operations it serves.`;
}
