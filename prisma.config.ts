import { defineConfig } from "prisma/config";

// The CLI only needs a URL for migrate commands on machines that have the
// schema engine; Supafleet itself applies migrations with scripts/migrate.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/supafleet.db" },
});
