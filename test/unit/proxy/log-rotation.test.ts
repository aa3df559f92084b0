import { describe, expect, it } from "vitest";
import { InvalidProxyInputError } from "@/lib/errors";
import { renderLogRotation } from "@/lib/proxy/log-rotation";

describe("renderLogRotation", () => {
  it("rotates the named logs daily or past their size, in place (copytruncate), keeping two weeks", () => {
    const conf = renderLogRotation({ logs: ["/srv/data/nginx/log/access.log", "/srv/data/nginx/log/error.log"] });
    expect(conf).toContain("/srv/data/nginx/log/access.log /srv/data/nginx/log/error.log {");
    for (const line of ["daily", "maxsize 100M", "rotate 14", "missingok", "notifempty", "compress", "copytruncate"]) expect(conf).toContain(`\n  ${line}\n`);
    expect(conf).not.toContain("postrotate");
  });

  it.each([
    ["a path with a brace", { logs: ["/srv/log/access.log {\n  postrotate"] }],
    ["a path with a space", { logs: ["/srv/log/a b.log"] }],
    ["a relative path", { logs: ["log/access.log"] }],
    ["a path with ..", { logs: ["/srv/../etc/shadow"] }],
    ["no logs", { logs: [] }],
    ["a size that is not one", { logs: ["/srv/a.log"], maxSize: "100M\n  postrotate" }],
    ["a count out of range", { logs: ["/srv/a.log"], keep: 0 }],
  ])("refuses %s", (_label, input) => {
    expect(() => renderLogRotation(input)).toThrow(InvalidProxyInputError);
  });
});
