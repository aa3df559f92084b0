// Generates both Prisma clients (SQLite and PostgreSQL) without the native
// schema engine, which cannot be downloaded here and is not needed by a
// client that runs on a driver adapter.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function postgresSchemaFrom(sqliteSchema) {
  const header = "// GENERATED from prisma/schema.prisma by scripts/prisma-generate.mjs. Do not edit.\n";
  return (
    header +
    sqliteSchema
      .replace('output       = "../lib/generated/prisma-sqlite"', 'output       = "../../lib/generated/prisma-pg"')
      .replace('provider = "sqlite"', 'provider = "postgresql"')
  );
}

function main() {
  const sqlite = readFileSync(join(root, "prisma/schema.prisma"), "utf8");
  const pgPath = join(root, "prisma/postgres/schema.prisma");
  mkdirSync(dirname(pgPath), { recursive: true });
  writeFileSync(pgPath, postgresSchemaFrom(sqlite));
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? "/bin/false", PRISMA_HIDE_UPDATE_MESSAGE: "1" };
  const bin = join(root, "node_modules/.bin/prisma");
  for (const schema of ["prisma/schema.prisma", "prisma/postgres/schema.prisma"]) {
    execFileSync(bin, ["generate", "--schema", schema], { cwd: root, env, stdio: "inherit" });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
