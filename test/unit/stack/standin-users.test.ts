// The stand-ins must run as their image contract's user (a stand-in running as
// root forgave the wrong kong.yml owner for months). Parsed from the stand-in
// Dockerfiles, so a drift fails here before any image is built; the smoke and
// stack integration tests then run them for real.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTemplate, TEMPLATE_VERSIONS } from "@/lib/stack/template";
import { STANDIN_DIRS } from "@/test/support/standin-images";

/** uid:gid the image's processes start as, from its USER line and the useradd that created that user. */
function dockerfileUser(dir: string): { uid: number; gid: number | null } {
  const text = readFileSync(join("test/standins", dir, "Dockerfile"), "utf8");
  const user = [...text.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
  if (!user) return { uid: 0, gid: 0 };
  if (/^\d+$/.test(user)) {
    const add = new RegExp(`useradd[^\\n]*-u ${user}\\b([^\\n]*)`).exec(text);
    const gid = add ? /-g (\d+)/.exec(add[1]!)?.[1] : undefined;
    // No passwd entry for a bare uid: Docker runs it with group root.
    return { uid: Number(user), gid: add ? (gid ? Number(gid) : null) : 0 };
  }
  const add = new RegExp(`useradd([^\\n]*) ${user}\\b`).exec(text);
  if (!add) throw new Error(`${dir}: USER ${user} is not created by a useradd line`);
  const uid = Number(/-u (\d+)/.exec(add[1]!)?.[1]);
  const g = /-g (\d+)/.exec(add[1]!)?.[1];
  return { uid, gid: g ? Number(g) : /-U\b/.test(add[1]!) ? uid : null };
}

describe.each(TEMPLATE_VERSIONS)("stand-in images for %s", (version) => {
  it("start as the user and group of their image contract", () => {
    const { contracts, compose } = loadTemplate(version);
    for (const service of Object.keys(compose.services)) {
      const c = contracts[service]!;
      const dir = STANDIN_DIRS[`${service}@${version}`] ?? STANDIN_DIRS[service];
      expect(dir, `${service}@${version} has a stand-in`).toBeDefined();
      const got = dockerfileUser(dir!);
      if (c.startsAsRoot.value) {
        expect(got, service).toEqual({ uid: 0, gid: 0 });
        continue;
      }
      expect(got.uid, service).toBe(c.user.uid);
      if (c.user.gid !== null) expect(got.gid, service).toBe(c.user.gid);
    }
  });
});
