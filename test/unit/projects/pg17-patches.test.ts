// The steps a 15 → 17 conversion applies after its restore, against upstream's
// complete.sh (supabase/postgres ansible/files/admin_api_scripts/pg_upgrade_scripts,
// read @010fb48b) and upgrade-pg17.sh (supabase/supabase docker/utils, @0b79087a).
// The SQL runs for real on the stand-in 17 in test/integration/projects/upgrade.test.ts.
import { describe, expect, it } from "vitest";
import { configVolumeScript, DB_CONFIG_TARGET } from "@/lib/docker/pg-config-volume";
import { PG17_PATCHES, VAULT_CHECK } from "@/lib/projects/pg17-patches";

const index = (what: RegExp) => {
  const i = PG17_PATCHES.findIndex((p) => what.test(p.what));
  expect(i, String(what)).toBeGreaterThanOrEqual(0);
  return i;
};
const guard = (ext: string) => `IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = '${ext}')`;

describe("the patches after a 15 → 17 conversion", () => {
  it("come in upstream's order: Wrappers' references before Vault's re-encryption, the Vault check after it, postgres demoted last", () => {
    expect(index(/Wrappers/)).toBe(0);
    expect(index(/Wrappers/)).toBeLessThan(index(/re-encrypted/));
    expect(index(/re-encrypted/)).toBeLessThan(index(/decrypt$/));
    expect(index(/pg_net/)).toBeLessThan(index(/pg_cron/));
    expect(PG17_PATCHES.at(-1)!.sql).toBe("ALTER ROLE postgres WITH NOSUPERUSER;");
  });

  it("touch an extension's objects only when the database has that extension", () => {
    const byExt: Array<[RegExp, string]> = [
      [/pg_net/, "pg_net"],
      [/pg_cron/, "pg_cron"],
      [/re-encrypted/, "supabase_vault"],
      [/decrypt$/, "supabase_vault"],
    ];
    for (const [what, ext] of byExt) {
      const sql = PG17_PATCHES[index(what)]!.sql;
      // The guard returns before the first statement that names the extension's objects.
      const guarded = sql.indexOf(guard(ext));
      expect(guarded, `${what} is guarded by ${ext}`).toBeGreaterThan(0);
      const firstUse = sql.search(/\b(net|cron|vault)\.[a-z_]+/);
      expect(firstUse, `${what} names no object before its guard`).toBeGreaterThan(guarded);
    }
    expect(PG17_PATCHES[index(/Wrappers/)]!.sql).toContain("IF NOT (EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'wrappers') AND EXISTS");
    expect(PG17_PATCHES[index(/pgmq/)]!.sql).toMatch(/IF EXISTS \(SELECT FROM pg_catalog\.pg_extension WHERE extname = 'pgmq'\) THEN UPDATE/);
  });

  it("rewrite pg_cron's jobs from the superuser to postgres and keep the jobs when the extension is made again in pg_catalog", () => {
    const sql = PG17_PATCHES[index(/pg_cron/)]!.sql;
    expect(sql).toContain("UPDATE cron.job SET username = 'postgres' WHERE username = 'supabase_admin'");
    expect(sql).toContain("CREATE EXTENSION pg_cron SCHEMA pg_catalog");
    expect(sql.indexOf("AS SELECT * FROM cron.job;")).toBeLessThan(sql.indexOf("DROP EXTENSION pg_cron"));
    expect(sql.indexOf("INSERT INTO cron.job SELECT")).toBeGreaterThan(sql.indexOf("CREATE EXTENSION pg_cron"));
  });

  it("fail the upgrade only when Vault's secrets no longer decrypt; everything else is a warning, as upstream's `|| true`", () => {
    expect(PG17_PATCHES.filter((p) => p.fatal).map((p) => p.sql)).toEqual([VAULT_CHECK]);
    expect(VAULT_CHECK).toMatch(/decrypted_secret IS NULL/);
    expect(VAULT_CHECK).toMatch(/RAISE EXCEPTION/);
    // Re-encryption decrypts with pgsodium under the secret's key_id and encrypts with Vault's key 0, keeping the nonce.
    const re = PG17_PATCHES[index(/re-encrypted/)]!.sql;
    expect(re).toMatch(/pgsodium\.crypto_aead_det_decrypt\(.*s\.key_id, s\.nonce\)/s);
    expect(re).toMatch(/key_id := 0,.*nonce := s\.nonce/s);
    expect(re).toMatch(/key_id = NULL\s+WHERE\s+key_id IS NOT NULL/);
  });
});

describe("db-config for the new image", () => {
  it("gets conf.d first, then every file goes to the new image's postgres (as upgrade-pg17.sh's start_pg17)", () => {
    const script = configVolumeScript();
    expect(DB_CONFIG_TARGET).toBe("/etc/postgresql-custom");
    expect(script).toBe("set -eu; mkdir -p '/etc/postgresql-custom'/conf.d; chown -R postgres:postgres '/etc/postgresql-custom'");
    expect(configVolumeScript("/a b'c")).toBe(`set -eu; mkdir -p '/a b'\\''c'/conf.d; chown -R postgres:postgres '/a b'\\''c'`);
  });
});
