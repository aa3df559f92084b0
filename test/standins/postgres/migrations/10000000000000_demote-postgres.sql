-- STAND-IN for the migration the supabase/postgres images ship as
-- /docker-entrypoint-initdb.d/migrations/10000000000000_demote-postgres.sql
-- (supabase/postgres migrations/db/migrations/, read @7db7e1a; Dockerfile-15
-- and Dockerfile-17: `COPY migrations/db /docker-entrypoint-initdb.d/`).
-- migrate.sh runs it as supabase_admin with the other migrations, after the
-- init-scripts (which run as postgres while it is still a superuser) and,
-- by its name, before the template's 97-/99- migration files. It gives
-- postgres the stand-in's schemas' privileges, then takes SUPERUSER away: on
-- a running project postgres is not a superuser.
GRANT ALL ON DATABASE postgres TO postgres;
GRANT ALL ON SCHEMA auth, extensions, storage TO postgres;
GRANT ALL ON ALL TABLES IN SCHEMA auth, storage, extensions TO postgres;
GRANT ALL ON ALL SEQUENCES IN SCHEMA auth, storage, extensions TO postgres;
GRANT ALL ON ALL ROUTINES IN SCHEMA auth, storage, extensions TO postgres;
ALTER ROLE postgres NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS;
