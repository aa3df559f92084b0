import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { TEMPLATE_VERSIONS } from "@/lib/stack/template";
import { DB_DATA_TARGET, SEED_SECRET_ENV, dbSeedPlan, fillScript, seedEnv, seedKey, seedVolumeName } from "@/lib/stack/db-seed";
import type { StackSpec } from "@/lib/stack/types";
import { sampleSpec } from "@/test/support/sample-spec";

const spec = sampleSpec;

const db = (s: StackSpec) => s.services.find((x) => x.service === "db")!;

describe.each([...TEMPLATE_VERSIONS])("db seed plan of template %s", (version) => {
  it("takes the db data volume, and one seed serves every project of the version (same key whatever the secrets and ref)", async () => {
    const a = await spec("aaaaaaaaaaaaaaaaaaaa", version);
    const b = await spec("bbbbbbbbbbbbbbbbbbbb", version);
    const pa = dbSeedPlan(a)!;
    const pb = dbSeedPlan(b)!;
    expect(pa.dataVolume).toBe(db(a).mounts.find((m) => m.target === DB_DATA_TARGET)!.source);
    expect(pa.dataVolume).toContain("aaaaaaaaaaaaaaaaaaaa");
    expect(seedKey(pa, "sha256:1")).toBe(seedKey(pb, "sha256:1"));
    expect(seedKey(pa, "sha256:1")).not.toBe(seedKey(pa, "sha256:2")); // a moved tag is another seed
    // The key never carries a secret.
    for (const k of SEED_SECRET_ENV) if (db(a).env[k]) expect(pa.keyParts).not.toContain(db(a).env[k]);
  });

  it("two projects' db settings differ only in their secrets and ref, so nothing else of a project is baked into a seed", async () => {
    const a = db(await spec("aaaaaaaaaaaaaaaaaaaa", version));
    const b = db(await spec("bbbbbbbbbbbbbbbbbbbb", version));
    const differing = Object.keys(a.env).filter((k) => a.env[k] !== b.env[k]);
    expect(differing.sort()).toEqual([...SEED_SECRET_ENV.filter((k) => k in a.env), "SUPAFLEET_REF"].sort());
    expect(a.files).toEqual(b.files);
  });

  it("runs again every init file that reads a secret, as the superuser (a seed's postgres is demoted); the others read nothing a seed lacks", async () => {
    const s = await spec("aaaaaaaaaaaaaaaaaaaa", version);
    const plan = dbSeedPlan(s)!;
    const env = db(s).env;
    for (const f of db(s).files.filter((x) => x.path.endsWith(".sql"))) {
      const read = [...f.content.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!);
      const secret = read.filter((v) => (SEED_SECRET_ENV as readonly string[]).includes(v));
      const again = plan.reapply.find((r) => r.path === f.path);
      if (secret.length) {
        expect(again, `${f.path} reads ${secret.join(", ")}`).toBeDefined();
        expect(again!.user).toBe("supabase_admin");
      } else expect(again, `${f.path} reads no secret`).toBeUndefined();
      // Anything else it reads is the same for every project (in the seed's key) or the image's own.
      for (const v of read.filter((x) => !secret.includes(x))) expect(v in env || v === "POSTGRES_USER", `${f.path} reads ${v}`).toBe(true);
    }
    expect(plan.reapply.map((r) => r.path)).toContain("/docker-entrypoint-initdb.d/init-scripts/99-roles.sql");
  });

  it("makes the seed with throwaway secrets (one password, as the template has), never the project's", async () => {
    const d = db(await spec("aaaaaaaaaaaaaaaaaaaa", version));
    let n = 0;
    const env = seedEnv(d, () => `throwaway${n++}`);
    for (const k of SEED_SECRET_ENV) if (k in d.env) expect(env[k]).not.toBe(d.env[k]);
    expect(env.PGPASSWORD).toBe(env.POSTGRES_PASSWORD);
    expect(env.POSTGRES_DB).toBe(d.env.POSTGRES_DB);
  });

  it("fills with a script sh accepts, bound to its seed, that never writes over a database", async () => {
    const plan = dbSeedPlan(await spec("aaaaaaaaaaaaaaaaaaaa", version))!;
    const key = seedKey(plan, "sha256:1");
    const script = fillScript(plan, key);
    const check = spawnSync("sh", ["-n", "-c", script], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(script).toContain(`"key":"${key}"`);
    expect(script).toMatch(/if \[ -e "\$data\/PG_VERSION" \]; then .*exit 0; fi/);
    expect(script).toContain("the data volume is not empty");
    expect(script).toContain("-c listen_addresses= "); // the private server listens on no TCP port
    expect(seedVolumeName(key)).toMatch(/^supafleet-dbseed-[0-9a-f]{24}$/);
  });
});

it("a stack without a db data volume has no seed plan", async () => {
  const s = await spec("aaaaaaaaaaaaaaaaaaaa", TEMPLATE_VERSIONS[1]);
  expect(dbSeedPlan({ ...s, services: s.services.filter((x) => x.service !== "db") })).toBeNull();
});
