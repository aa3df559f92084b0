// This installation's identity. Made once, at first start, and kept in its
// own database, so a restored backup keeps it while a second installation (a
// test run, a bench, a staging copy with its own database) gets its own. Every
// Docker resource carries it, and each installation acts only on its own.
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { ConfigError } from "@/lib/errors";

/**
 * The installation's id, made at first start. `preferred` (SUPAFLEET_INSTALLATION_ID) is
 * for a database restored from a backup older than the id itself: the operator
 * gives the old id back (the admin console lists it among "other installations").
 */
export async function ensureInstallationId(db: Db, preferred?: string): Promise<string> {
  const existing = await db.installation.findUnique({ where: { slot: 1 } });
  if (existing) {
    if (preferred && preferred !== existing.installationId) {
      throw new ConfigError(
        `SUPAFLEET_INSTALLATION_ID is ${preferred}, but this database belongs to installation ${existing.installationId}. Unset it, or use the database of ${preferred}.`,
      );
    }
    return existing.installationId;
  }
  try {
    const row = await db.installation.create({ data: { slot: 1, installationId: preferred ?? randomBytes(8).toString("hex") } });
    return row.installationId;
  } catch (err) {
    // Two processes starting on one fresh database: the first row wins.
    if (!isUniqueViolation(err)) throw err;
    return (await db.installation.findUniqueOrThrow({ where: { slot: 1 } })).installationId;
  }
}
