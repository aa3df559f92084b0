// The API prefixes nginx sends past the Studio gate (lib/stack/gateway-routes.ts)
// against the templates' own gateway routes: every API route is covered, and
// no prefix takes a path the gateway would give Studio.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GATEWAY_API_PREFIXES, isGatewayApiPath, isPlainStudioTarget } from "@/lib/stack/gateway-routes";

interface Route {
  prefix: string;
  studio: boolean;
}

function kongRoutes(): Route[] {
  const doc = parse(readFileSync("templates/supabase/2026.02-r1/volumes/api/kong.yml", "utf8")) as {
    services: { name: string; url: string; routes: { paths: string[] }[] }[];
  };
  return doc.services.flatMap((s) => s.routes.flatMap((r) => r.paths.map((prefix) => ({ prefix, studio: s.url.startsWith("http://studio:") }))));
}

function envoyRoutes(): Route[] {
  // The template's one placeholder in a match, as Supafleet fills it (lib/stack/build-stack-spec.ts).
  const text = readFileSync("templates/supabase/2026.09-r1/volumes/api/envoy/lds.template.yaml", "utf8").replace(
    "${WELL_KNOWN_OAUTH_PATH}",
    "/.well-known/oauth-authorization-server/auth/v1",
  );
  type EnvoyRoute = { match: { prefix?: string; path?: string }; route?: { cluster?: string } };
  const doc = parse(text) as {
    resources: { filter_chains: { filters: { typed_config: { route_config?: { virtual_hosts: { routes: EnvoyRoute[] }[] } } }[] }[] }[];
  };
  const hosts = doc.resources.flatMap((r) => r.filter_chains.flatMap((c) => c.filters.flatMap((f) => f.typed_config.route_config?.virtual_hosts ?? [])));
  return hosts.flatMap((h) => h.routes.map((r) => ({ prefix: r.match.prefix ?? r.match.path ?? "", studio: r.route?.cluster === "studio" })));
}

describe.each([
  ["Kong (2026.02-r1)", kongRoutes],
  ["Envoy (2026.09-r1)", envoyRoutes],
])("the gateway's routes in %s", (_name, routesOf) => {
  const routes = routesOf();

  it("are read (a parser that found nothing would pass everything)", () => {
    expect(routes.filter((r) => !r.studio).length).toBeGreaterThan(8);
    expect(routes.some((r) => r.studio && r.prefix === "/")).toBe(true);
  });

  it("send every path under an API prefix to an API route, and every API route is under one", () => {
    for (const r of routes.filter((x) => !x.studio)) expect(isGatewayApiPath(r.prefix), r.prefix).toBe(true);
    for (const p of GATEWAY_API_PREFIXES) {
      // The most specific route for the prefix itself is an API route, never Studio's catch-all.
      const best = routes.filter((r) => p.startsWith(r.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
      if (p.startsWith("/.well-known/") && !routes.some((r) => r.prefix === p)) continue; // Kong has no such route: its catch-all is Studio, and nginx's API location only skips the gate
      expect(best?.studio, `${p} → ${best?.prefix}`).toBe(false);
    }
  });
});

describe("isPlainStudioTarget", () => {
  it("accepts Studio's own paths and refuses raw targets a gateway could route elsewhere", () => {
    for (const ok of ["/", "/project/default", "/api/platform/pg-meta/default/query?key=x", "/_next/static/chunks/a.js", "/rest"])
      expect(isPlainStudioTarget(ok), ok).toBe(true);
    for (const bad of ["", "x", "/rest/v1/t", "/Rest/V1/t", "/functions/v1/../x", "/a/./b", "//functions/v1/f", "/%2E%2E/x", "/a%2fb", "/a\\b", "/graphql/v1x"])
      expect(isPlainStudioTarget(bad), bad).toBe(false);
  });
});
