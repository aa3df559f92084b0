// What upstream applies to a database converted from Postgres 15 to 17 before
// anyone uses it: supabase/postgres
// ansible/files/admin_api_scripts/pg_upgrade_scripts/complete.sh (read @010fb48b),
// which supabase/supabase docker/utils/upgrade-pg17.sh (@0b79087a) runs after
// its pg_upgrade. In its order: Wrappers' Vault references
// (execute_wrappers_patch), then execute_patches (pg_net grants, pg_cron in
// pg_catalog with its jobs run as postgres, pgmq's owner, Vault's secrets
// re-encrypted for the pgsodium-less Vault, the predefined roles postgres
// holds), then `ALTER USER postgres WITH NOSUPERUSER`.
//
// Supafleet converts by dump and restore (lib/docker/pg-upgrade.ts), not
// pg_upgrade: every extension is created anew, at the new image's default
// version, by the superuser that loads the dump, and its configuration rows
// (cron.job, vault.secrets, …) are loaded as they were. So each patch is
// guarded as upstream guards it, by the extension being there (a project
// without pg_cron gets nothing of pg_cron's), and is written to reach
// upstream's end state from a restore too.
//
// Upstream runs these with `|| true`. Here each is a warning when it fails,
// except what would lose data silently: Vault's secrets. When the new
// database cannot decrypt every secret it restored (the re-encryption failed,
// or the two images' Vaults differ in a way not handled here), the upgrade is
// refused and goes back to the untouched old data (VAULT_CHECK).
import { SUPERUSER } from "@/lib/docker/psql-session";

export interface ConversionPatch {
  what: string;
  sql: string;
  /** A failure fails the upgrade (it rolls back); otherwise it is a warning, as upstream's `|| true`. */
  fatal: boolean;
}

const has = (ext: string) => `EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = '${ext}')`;

/** Wrappers newer than 0.4.5 name a Vault secret by its id, not its key_id (complete.sh execute_wrappers_patch: run before Vault's secrets lose their key_id). */
const WRAPPERS_VAULT_IDS = `DO $$
DECLARE
  srv record;
  opt record;
  secret_id uuid;
BEGIN
  IF NOT (${has("wrappers")} AND ${has("supabase_vault")}) THEN RETURN; END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_available_extension_versions
                 WHERE name = 'wrappers' AND string_to_array(version, '.')::int[] > ARRAY[0, 4, 5]) THEN RETURN; END IF;
  IF NOT EXISTS (SELECT FROM information_schema.columns WHERE table_schema = 'vault' AND table_name = 'secrets' AND column_name = 'key_id') THEN RETURN; END IF;
  FOR srv IN SELECT srvname, srvoptions FROM pg_catalog.pg_foreign_server WHERE srvoptions IS NOT NULL LOOP
    FOR opt IN SELECT split_part(o, '=', 1) AS name, split_part(o, '=', 2) AS value FROM unnest(srv.srvoptions) AS o LOOP
      EXECUTE 'SELECT id FROM vault.secrets WHERE $1 IN (id::text, key_id::text) LIMIT 1' INTO secret_id USING opt.value;
      IF secret_id IS NOT NULL THEN
        EXECUTE format('ALTER SERVER %I OPTIONS (SET %I %L)', srv.srvname, opt.name, secret_id);
      END IF;
    END LOOP;
  END LOOP;
END
$$;`;

const NET_FUNCS = [
  "net.http_get(url text, params jsonb, headers jsonb, timeout_milliseconds integer)",
  "net.http_post(url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer)",
];

/** pg_net's functions run as their owner, on the net schema, for the API roles only (complete.sh execute_patches, pg_net). */
const PG_NET_GRANTS = `DO $$
BEGIN
  IF NOT ${has("pg_net")} THEN RETURN; END IF;
  GRANT USAGE ON SCHEMA net TO supabase_functions_admin, postgres, anon, authenticated, service_role;
${NET_FUNCS.map(
  (f) => `  ALTER FUNCTION ${f} SECURITY DEFINER;
  ALTER FUNCTION ${f} SET search_path = net;
  REVOKE ALL ON FUNCTION ${f} FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION ${f} TO supabase_functions_admin, postgres, anon, authenticated, service_role;`,
).join("\n")}
END
$$;`;

/**
 * pg_cron in pg_catalog, owned by the superuser, its jobs and their history
 * kept, and the jobs the superuser ran now run as postgres (complete.sh
 * execute_patches, pg_cron). Upstream recreates the extension when pg_upgrade
 * left it owned by postgres; a restore creates it as the superuser, so here it
 * is recreated only when it is not the superuser's or not in pg_catalog, and
 * the jobs' user is rewritten either way: that is the state upstream's
 * upgrade ends in.
 */
const PG_CRON = `DO $$
BEGIN
  IF NOT ${has("pg_cron")} THEN RETURN; END IF;
  IF EXISTS (SELECT FROM pg_catalog.pg_extension
             WHERE extname = 'pg_cron' AND (extowner::regrole::text <> '${SUPERUSER}' OR extnamespace <> 'pg_catalog'::regnamespace)) THEN
    CREATE TEMPORARY TABLE supafleet_cron_job ON COMMIT DROP AS SELECT * FROM cron.job;
    CREATE TEMPORARY TABLE supafleet_cron_job_run_details ON COMMIT DROP AS SELECT * FROM cron.job_run_details;
    DROP EXTENSION pg_cron;
    CREATE EXTENSION pg_cron SCHEMA pg_catalog;
    INSERT INTO cron.job SELECT * FROM supafleet_cron_job;
    INSERT INTO cron.job_run_details SELECT * FROM supafleet_cron_job_run_details;
    PERFORM setval('cron.jobid_seq', coalesce(max(jobid), 0) + 1, false) FROM cron.job;
    PERFORM setval('cron.runid_seq', coalesce(max(runid), 0) + 1, false) FROM cron.job_run_details;
  END IF;
  UPDATE cron.job SET username = 'postgres' WHERE username = '${SUPERUSER}';
END
$$;`;

/** pgmq belongs to postgres (complete.sh execute_patches, pgmq). */
const PGMQ_OWNER = `DO $$
BEGIN
  IF ${has("pgmq")} THEN UPDATE pg_catalog.pg_extension SET extowner = 'postgres'::regrole WHERE extname = 'pgmq'; END IF;
END
$$;`;

/**
 * Vault 0.3.0 dropped pgsodium: a secret still encrypted under a pgsodium
 * key (key_id set) is decrypted with pgsodium, with the old additional data,
 * and encrypted again by Vault's own function under its key 0, with the same
 * nonce; postgres and service_role get back what pgsodium's functions gave
 * them (complete.sh execute_patches, Vault; supabase/vault @90d64838
 * sql/supabase_vault--0.2.8--0.3.0.sql does the same in its own update).
 * The root key both use is the db-config volume's pgsodium_root.key, which the
 * conversion carries over unchanged.
 */
const VAULT_REENCRYPT = `DO $$
BEGIN
  IF NOT ${has("supabase_vault")} THEN RETURN; END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_available_extension_versions WHERE name = 'supabase_vault' AND version = '0.3.0') THEN RETURN; END IF;
  IF (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'supabase_vault') <> '0.2.8' THEN
    GRANT USAGE ON SCHEMA vault TO postgres WITH GRANT OPTION;
    GRANT SELECT, DELETE, TRUNCATE, REFERENCES ON vault.secrets, vault.decrypted_secrets TO postgres WITH GRANT OPTION;
    GRANT EXECUTE ON FUNCTION vault.create_secret, vault.update_secret, vault._crypto_aead_det_decrypt TO postgres WITH GRANT OPTION;
    GRANT USAGE ON SCHEMA vault TO service_role;
    GRANT SELECT, DELETE ON vault.secrets, vault.decrypted_secrets TO service_role;
    GRANT EXECUTE ON FUNCTION vault.create_secret, vault.update_secret, vault._crypto_aead_det_decrypt TO service_role;
  END IF;
  IF EXISTS (SELECT FROM vault.secrets WHERE key_id IS NOT NULL) THEN
    EXECUTE $q$
      UPDATE vault.secrets s
      SET secret = encode(
            vault._crypto_aead_det_encrypt(
              message := pgsodium.crypto_aead_det_decrypt(decode(s.secret, 'base64'),
                           convert_to(s.id || s.description || s.created_at || s.updated_at, 'utf8'), s.key_id, s.nonce),
              additional := convert_to(s.id::text, 'utf8'),
              key_id := 0,
              context := 'pgsodium'::bytea,
              nonce := s.nonce),
            'base64'),
          key_id = NULL
      WHERE key_id IS NOT NULL
    $q$;
  END IF;
END
$$;`;

/**
 * Ours, not upstream's: every secret the old database had must decrypt on the
 * new one. A secret that does not (an error, or NULL for a stored secret)
 * fails the upgrade, which then goes back to the old data, where it still
 * decrypts.
 */
export const VAULT_CHECK = `DO $$
DECLARE
  bad bigint;
BEGIN
  IF NOT ${has("supabase_vault")} THEN RETURN; END IF;
  SELECT count(*) INTO bad FROM vault.decrypted_secrets WHERE secret IS NOT NULL AND decrypted_secret IS NULL;
  IF bad > 0 THEN
    RAISE EXCEPTION '% Vault secret(s) do not decrypt on the new database', bad;
  END IF;
END
$$;`;

/** What postgres holds on 16+ (complete.sh execute_patches: predefined roles, ADMIN OPTION from 16 on, where CREATEROLE alone no longer administers a role). */
const PREDEFINED_ROLES = `DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 160000 THEN
    GRANT pg_create_subscription TO postgres;
    GRANT anon, authenticated, service_role, authenticator, pg_monitor, pg_read_all_data, pg_signal_backend TO postgres WITH ADMIN OPTION;
  END IF;
  GRANT pg_monitor, pg_read_all_data, pg_signal_backend TO postgres;
END
$$;`;

/** In upstream's order (complete.sh complete_pg_upgrade: 3.1, then 4.1, then the NOSUPERUSER line), and the Vault check last of Vault's. */
export const PG17_PATCHES: readonly ConversionPatch[] = [
  { what: "Wrappers' Vault secret references", sql: WRAPPERS_VAULT_IDS, fatal: false },
  { what: "pg_net's grants", sql: PG_NET_GRANTS, fatal: false },
  { what: "pg_cron in pg_catalog, its jobs run as postgres", sql: PG_CRON, fatal: false },
  { what: "pgmq's owner", sql: PGMQ_OWNER, fatal: false },
  { what: "Vault's secrets re-encrypted", sql: VAULT_REENCRYPT, fatal: false },
  { what: "Vault's secrets decrypt", sql: VAULT_CHECK, fatal: true },
  { what: "postgres's predefined roles", sql: PREDEFINED_ROLES, fatal: false },
  { what: "postgres not a superuser", sql: "ALTER ROLE postgres WITH NOSUPERUSER;", fatal: false },
];
