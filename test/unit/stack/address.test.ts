// A project's public address, from its ref and the installation's settings,
// and back: what nginx names a server, what the stack and the connection
// strings are told, and how the activity log finds the project again.
import { describe, expect, it } from "vitest";
import { originOf, projectAddress, refOfHost } from "@/lib/stack/address";
import { renderNginxConfig } from "@/lib/proxy/render-nginx-config";

const A = "abcdefghijklmnopqrst";

describe("a project's public address", () => {
  it("is <ref>.<root domain>, its URL in the configured scheme, the port only when it is not the scheme's default", () => {
    expect(projectAddress(A, { rootDomain: "cloud.example.com", publicScheme: "https" })).toEqual({
      host: `${A}.cloud.example.com`,
      url: `https://${A}.cloud.example.com`,
    });
    expect(projectAddress(A, { rootDomain: "localhost", publicScheme: "http", publicPort: 8080 }).url).toBe(`http://${A}.localhost:8080`);
    expect(projectAddress(A, { rootDomain: "localhost", publicScheme: "http", publicPort: 80 }).url).toBe(`http://${A}.localhost`);
    expect(projectAddress(A, { rootDomain: "cloud.test", publicScheme: "https", publicPort: 443 }).url).toBe(`https://${A}.cloud.test`);
    expect(projectAddress(A, { rootDomain: "cloud.test", publicScheme: "https", publicPort: 80 }).url).toBe(`https://${A}.cloud.test:80`);
    expect(originOf("http", "cloud.test", undefined)).toBe("http://cloud.test");
  });

  it("reads back to the ref from a Host header, in any case and with a port; anything else names no project", () => {
    const s = { rootDomain: "cloud.test" };
    expect(refOfHost(`${A}.cloud.test`, s)).toBe(A);
    expect(refOfHost(`${A.toUpperCase()}.CLOUD.test:8443`, s)).toBe(A);
    expect(refOfHost("cloud.test", s)).toBeNull();
    expect(refOfHost(`${A}.cloud.test.evil.test`, s)).toBeNull();
    expect(refOfHost(`${A}.evilcloud.test`, s)).toBeNull();
    expect(refOfHost(`db.${A}.cloud.test`, s)).toBeNull();
    expect(refOfHost(`x${A}.cloud.test`, s)).toBeNull();
  });

  it("is the inverse of itself, and the server name nginx renders for the project", () => {
    const settings = { rootDomain: "cloud.example.com", publicScheme: "https" as const };
    const { host } = projectAddress(A, settings);
    expect(refOfHost(host, settings)).toBe(A);
    const conf = renderNginxConfig([{ ref: A, status: "ACTIVE_HEALTHY", kongPort: 54321 }], {
      rootDomain: settings.rootDomain,
      scheme: "https",
      appUpstream: { host: "127.0.0.1", port: 3000 },
      httpListen: { port: 8080 },
      pagesDir: "/srv/pages",
      clientMaxBodySize: "50m",
    });
    // The route map's line for the project (lib/proxy/render-nginx-config.ts).
    expect(conf).toContain(`\n  ${host} 127.0.0.1:54321;\n`);
  });
});
