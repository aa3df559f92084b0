// The disk quota's lines (pure) and the SQL that switches a database (the
// guard on real stacks: test/integration/projects/disk-quota.test.ts).
import { describe, expect, it } from "vitest";
import { diskState, READ_ONLY_SQL, WRITABLE_SQL } from "@/lib/projects/disk-guard";

describe("the quota's lines", () => {
  it("warns from 80 %, goes read-only from 95 %", () => {
    expect(diskState(79, 100)).toBe("ok");
    expect(diskState(80, 100)).toBe("warn");
    expect(diskState(94, 100)).toBe("warn");
    expect(diskState(95, 100)).toBe("read_only");
    expect(diskState(500, 100)).toBe("read_only");
    expect(diskState(7_700, 8_192)).toBe("warn");
  });

  it("switches only the data database, and ends the sessions opened under the old default but Supafleet's own", () => {
    expect(READ_ONLY_SQL).toMatch(/^SET default_transaction_read_only = off; ALTER DATABASE postgres SET default_transaction_read_only = on;/);
    // Supafleet's own session starts read-only on a read-only database: it must turn that off to switch back.
    expect(WRITABLE_SQL).toMatch(/^SET default_transaction_read_only = off; ALTER DATABASE postgres RESET default_transaction_read_only;/);
    for (const sql of [READ_ONLY_SQL, WRITABLE_SQL]) {
      expect(sql).toContain("pg_terminate_backend");
      expect(sql).toContain("usename <> 'supabase_admin'");
      expect(sql).not.toMatch(/_supabase/);
    }
  });
});
