// The database's side of point-in-time recovery: what Supafleet writes into
// the file through which the real image takes its archiving and recovery
// settings. Pure: text in, text out (unit-tested in test/unit/stack/wal-archive.test.ts).
//
// Upstream (supabase/postgres):
// - Dockerfile-17 @010fb48b (and Dockerfile-15 @7db7e1a) copies
//   ansible/files/postgresql_config/custom_walg.conf.j2 to
//   /etc/postgresql-custom/wal-g.conf (owned by postgres) and turns on
//   `include = '/etc/postgresql-custom/wal-g.conf'` in postgresql.conf with sed.
// - custom_walg.conf.j2 @7db7e1a (conf.d/03-wal-g.conf @161cd901 is the same)
//   holds, commented out, what the platform turns on:
//   `archive_mode = on`,
//   `archive_command = '/usr/bin/admin-mgr wal-push %p >> /var/log/wal-g/wal-push.log 2>&1'`,
//   `archive_timeout = 120`, `restore_command = '/usr/bin/admin-mgr wal-fetch %f %p …'`,
//   and `recovery_target_time`, `recovery_target_action = 'promote'`,
//   `recovery_target_timeline`, `recovery_target_inclusive`; then `hot_standby = off`.
// - postgresql.conf.j2 @7db7e1a: `wal_level = logical`, archive_mode unset
//   (off), `max_wal_senders = 10`; pg_hba.conf.j2 @7db7e1a has no
//   `replication` line, so pg_receivewal/pg_basebackup from outside are refused.
// So the path the real image supports is this file, on the db-config volume
// (the template mounts db-config at /etc/postgresql-custom): the same settings
// the platform sets, with an archive_command that copies into a volume
// Supafleet reads instead of calling admin-mgr/wal-g (not in the image's
// PATH for the postgres user, and it ships to Supabase's own bucket).
// archive_mode needs a restart to change (PostgreSQL docs, 19.5.3), so it
// takes effect at the project's next start.
import { InvalidStateError } from "@/lib/errors";
import { LABELS, METADATA_VOLUME, type FileSpec, type StackSpec } from "@/lib/stack/types";

/** Where the file sits in the db container (upstream's path). */
export const WAL_G_CONF_PATH = "/etc/postgresql-custom/wal-g.conf";
/** Where the per-project archive volume is mounted in the db container. */
export const ARCHIVE_MOUNT = "/var/lib/supafleet/wal-archive";
/** Where a point-in-time restore stages the WAL it replays, inside the restored PGDATA (removed once committed). */
export const RESTORE_WAL_DIR = "supafleet_pitr_wal";
export const PGDATA = "/var/lib/postgresql/data";

export interface ArchiveSettings {
  /** Seconds after which a segment with any write in it is closed and archived (bounds the recovery point). */
  archiveTimeoutSeconds: number;
  /**
   * Segments the archive volume may hold before Supafleet has shipped them.
   * Past it a segment is dropped (its name recorded as a gap) rather than
   * failing: a failing archive_command makes Postgres keep every later
   * segment in pg_wal, which fills the database's own disk and stops it.
   */
  maxPendingSegments: number;
}

export const DEFAULT_ARCHIVE_SETTINGS: ArchiveSettings = { archiveTimeoutSeconds: 60, maxPendingSegments: 64 };

/** A gap marker's name for a dropped segment (the shipper reads these). */
export const GAP_PREFIX = "gap.";

/**
 * The shell command Postgres runs for each finished WAL file (`%p` its path
 * relative to PGDATA, `%f` its name; PostgreSQL docs 26.3.1). Rules it keeps:
 * - exit 0 only once the file is durably in the volume (copy to a temporary
 *   name, sync, rename): Postgres recycles the segment after a 0;
 * - a file already archived with the same bytes is success (Postgres retries
 *   a file whose archiving was cut by a crash), with other bytes a failure
 *   (never overwrite: PostgreSQL docs 26.3.1);
 * - past maxPendingSegments, a segment is dropped with a marker (exit 0),
 *   timeline history files never (they are tiny and a restore needs them).
 * No single quote inside: the value is a single-quoted postgresql.conf string.
 */
export function archiveCommand(s: ArchiveSettings, dir: string = ARCHIVE_MOUNT): string {
  if (!Number.isInteger(s.maxPendingSegments) || s.maxPendingSegments < 1) throw new InvalidStateError("maxPendingSegments must be a positive integer.");
  if (!/^\/[A-Za-z0-9._/-]+$/.test(dir)) throw new InvalidStateError("Unexpected archive folder.");
  const d = dir;
  return [
    `d=${d}; f=%f`,
    `if [ -f "$d/$f" ]; then cmp -s %p "$d/$f"; exit $?; fi`,
    `case "$f" in *.history) ;; *) set -- "$d"/[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]*; if [ -e "$1" ] && [ $# -ge ${s.maxPendingSegments} ]; then : > "$d/${GAP_PREFIX}$f"; exit 0; fi;; esac`,
    `cp %p "$d/.$f.tmp" && sync "$d/.$f.tmp" && mv "$d/.$f.tmp" "$d/$f" && sync "$d"`,
  ].join("; ");
}

export interface RecoveryTarget {
  /** The instant to replay to (commits at or before it are kept: recovery_target_inclusive on). */
  time: Date;
}

function quote(value: string): string {
  if (value.includes("'") || value.includes("\n")) throw new InvalidStateError("Unexpected character in a postgresql.conf value.");
  return `'${value}'`;
}

/**
 * The file's content. Archiving always; with a target, also the recovery
 * settings of a point-in-time restore (they act only while recovery.signal
 * exists in PGDATA, which Postgres removes when it promotes).
 */
export function walGConf(s: ArchiveSettings, target?: RecoveryTarget): string {
  if (!Number.isInteger(s.archiveTimeoutSeconds) || s.archiveTimeoutSeconds < 1) throw new InvalidStateError("archiveTimeoutSeconds must be ≥ 1.");
  const lines = [
    "# Written by Supafleet at each start (upstream's custom_walg.conf.j2 settings; see lib/backups/pitr/wal-config.ts).",
    "archive_mode = on",
    `archive_command = ${quote(archiveCommand(s))}`,
    `archive_timeout = ${s.archiveTimeoutSeconds}`,
  ];
  if (target) {
    lines.push(
      `restore_command = ${quote(`cp ${PGDATA}/${RESTORE_WAL_DIR}/%f %p`)}`,
      `recovery_target_time = ${quote(target.time.toISOString().replace("T", " ").replace("Z", "+00"))}`,
      "recovery_target_action = 'promote'",
      // The base backup's own timeline: a restore reads one straight line of WAL.
      "recovery_target_timeline = 'current'",
      "recovery_target_inclusive = on",
    );
  }
  lines.push("hot_standby = off", "");
  return lines.join("\n");
}

/** The volume key of the per-project archive: one per project, in no generation (a restore keeps it), removed with the project. */
export const WAL_ARCHIVE_VOLUME = "wal-archive"; // as UNVERSIONED_VOLUMES in lib/stack/volumes.ts

/**
 * The spec with continuous archiving: the archive volume mounted into the db
 * and wal-g.conf written onto db-config when the db container is made (a
 * point-in-time restore's start adds its recovery target). Pure.
 */
export function withWalArchive(spec: StackSpec, s: ArchiveSettings, target?: RecoveryTarget): StackSpec {
  const db = spec.services.find((x) => x.service === "db");
  const meta = spec.volumes.find((v) => v.labels[LABELS.volume] === METADATA_VOLUME);
  if (!db || !meta) return spec;
  const name = `supafleet-${spec.ref}-${WAL_ARCHIVE_VOLUME}`;
  const file: FileSpec = { path: WAL_G_CONF_PATH, content: walGConf(s, target), mode: 0o644, uid: 0, gid: 0 };
  return {
    ...spec,
    volumes: [...spec.volumes.filter((v) => v.name !== name), { name, labels: { ...meta.labels, [LABELS.volume]: WAL_ARCHIVE_VOLUME } }],
    services: spec.services.map((x) =>
      x !== db
        ? x
        : {
            ...x,
            mounts: [...x.mounts.filter((m) => m.target !== ARCHIVE_MOUNT), { type: "volume" as const, source: name, target: ARCHIVE_MOUNT, readOnly: false }],
            files: [...x.files.filter((f) => f.path !== WAL_G_CONF_PATH), file],
          },
    ),
  };
}

/** The archive volume of a spec built withWalArchive, or null. */
export function walArchiveVolume(spec: StackSpec): string | null {
  return spec.volumes.find((v) => v.labels[LABELS.volume] === WAL_ARCHIVE_VOLUME)?.name ?? null;
}
