// One Prisma client per process, on a driver adapter chosen by DATABASE_URL.
// Both generated clients come from the same schema (only the provider
// differs), so they share one TypeScript surface: `Db`.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "@/lib/generated/prisma-sqlite/client";
import { PrismaClient as PgClient } from "@/lib/generated/prisma-pg/client";
import { getEnv } from "@/lib/env";
import { sqliteFilePath } from "@/lib/db/migrate";

export type Db = InstanceType<typeof SqliteClient>;

export function createDb(url: string): Db {
  if (url.startsWith("file:")) {
    const adapter = new PrismaBetterSqlite3({ url: sqliteFilePath(url), timeout: 10_000 });
    return new SqliteClient({ adapter });
  }
  const adapter = new PrismaPg({ connectionString: url, max: 10 });
  // The Postgres client is generated from the same models; its model API is
  // identical, only the provider string differs, so it is used as `Db`.
  return new PgClient({ adapter }) as unknown as Db;
}

const globalForDb = globalThis as unknown as { supafleetDb?: Db };

/** The process-wide client (kept on globalThis so Next dev reloads reuse it). */
export function getDb(): Db {
  globalForDb.supafleetDb ??= createDb(getEnv().databaseUrl);
  return globalForDb.supafleetDb;
}
