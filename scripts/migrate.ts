// Applies the committed migrations to DATABASE_URL (the app also does this at
// start-up): npm run db:migrate
import { migrate } from "@/lib/db/migrate";
import { getEnv } from "@/lib/env";

migrate(getEnv().databaseUrl)
  .then((r) => console.info(r.applied.length ? `applied: ${r.applied.join(", ")}` : "the database is up to date"))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
