// A Prisma client on a driver adapter chosen by DATABASE_URL (the process's
// one is built by the composition root, lib/services.ts).
// Both generated clients come from the same schema (only the provider
// differs), so they share one TypeScript surface: `Db`.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "@/lib/generated/prisma-sqlite/client";
import { PrismaClient as PgClient } from "@/lib/generated/prisma-pg/client";
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
