// A clone gets new secrets but the same data, and the data holds the old
// project's secrets: its roles' passwords and its JWT settings. Before any
// other service starts, the clone's database (started alone) gets the new
// ones by running, with the clone's environment, the template's own init
// scripts that put secrets into the database (templates/supabase/volumes/db:
// roles.sql sets the service roles' passwords from POSTGRES_PASSWORD, jwt.sql
// the JWT secret and expiry), plus the two roles the image itself gives
// POSTGRES_PASSWORD (supabase/postgres migrations/db/migrate.sh: postgres and
// supabase_admin). test/unit/backups/rotate.test.ts holds the template to
// this: those scripts must exist and only ALTER.
import { InvalidStateError } from "@/lib/errors";
import type { ProjectSecrets } from "@/lib/stack/secrets";
import type { StackSpec } from "@/lib/stack/types";

/** The db init scripts (mounted files) that write secrets into the database. */
export const SECRET_SCRIPTS = /\/docker-entrypoint-initdb\.d\/init-scripts\/\d+-(roles|jwt)\.sql$/;

export function secretScripts(spec: StackSpec): string[] {
  const db = spec.services.find((s) => s.service === "db");
  const paths = (db?.files ?? [])
    .map((f) => f.path)
    .filter((p) => SECRET_SCRIPTS.test(p))
    .sort();
  if (paths.length !== 2)
    throw new InvalidStateError("The template's db init scripts for roles and the JWT secret were not found; a clone cannot give its database new secrets.");
  return paths;
}

export function rotationScript(spec: StackSpec, secrets: ProjectSecrets): string {
  // Generated from [A-Za-z0-9] (lib/stack/secrets.ts); checked, since it is put in SQL.
  if (!/^[A-Za-z0-9]{16,128}$/.test(secrets.postgresPassword)) throw new InvalidStateError("Unexpected password format.");
  return [
    `ALTER ROLE supabase_admin WITH PASSWORD '${secrets.postgresPassword}';`,
    `DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'postgres') THEN EXECUTE format('ALTER ROLE postgres WITH PASSWORD %L', '${secrets.postgresPassword}'); END IF; END $$;`,
    ...secretScripts(spec).map((p) => `\\i ${p}`),
    "",
  ].join("\n");
}
