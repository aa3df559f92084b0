// The filter between the old cluster's pg_dumpall and the new cluster's psql
// in a Postgres major upgrade (lib/docker/pg-upgrade.ts): whole lines that
// cannot apply to a fresh cluster are left out; every other byte passes as it is.
import { Transform, type TransformCallback } from "node:stream";

/**
 * pg_dumpall lines that cannot apply to the new cluster: it already has the
 * superuser it runs as (initdb made it), which can be neither created again
 * nor dropped. Its ALTER ROLE (attributes, password) still applies.
 */
export function skippedDumpLines(superuser: string): Set<string> {
  return new Set([`CREATE ROLE ${superuser};`, `DROP ROLE IF EXISTS ${superuser};`, `DROP ROLE ${superuser};`]);
}

/**
 * pg_dumpall lines that must run otherwise on the new cluster (null: as they are):
 * - With --clean it drops and recreates the postgres database; the new
 *   cluster's pg_cron launcher (preloaded, as the real images preload it, and
 *   connected to `cron.database_name = 'postgres'`) holds a session there, so a
 *   plain DROP fails with "being accessed by other users". WITH (FORCE)
 *   (PostgreSQL 13+) ends that session first; the launcher comes back once the
 *   database exists again.
 * - postgres is restored a superuser: the image demoted it after its init
 *   scripts had made objects only a superuser may own (the webhooks' event
 *   trigger), and the restore gives them back to it. Upstream does the same
 *   around its pg_upgrade (initiate.sh makes postgres a superuser; complete.sh
 *   ends with `ALTER USER postgres WITH NOSUPERUSER`, PG17_PATCHES' last step).
 */
export function rewriteDumpLine(line: string): string | null {
  if (line === "DROP DATABASE postgres;" || line === "DROP DATABASE IF EXISTS postgres;") return `${line.slice(0, -1)} WITH (FORCE);`;
  if (line.startsWith("ALTER ROLE postgres WITH NOSUPERUSER "))
    return line.replace("ALTER ROLE postgres WITH NOSUPERUSER ", "ALTER ROLE postgres WITH SUPERUSER ");
  return null;
}

/** Drops whole lines that are in `skip` and replaces those `rewrite` rewrites; everything else passes byte for byte. */
export class LineFilter extends Transform {
  private rest: Buffer = Buffer.alloc(0);
  dropped = 0;

  constructor(
    private readonly skip: Set<string>,
    private readonly rewrite: (line: string) => string | null = () => null,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      const line = buf.subarray(start, nl + 1);
      // Only short lines can be skipped or rewritten ones: a long line (a row of data) is never decoded.
      const text = line.length < 400 ? line.toString("utf8").replace(/\r?\n$/, "") : null;
      const other = text === null ? null : this.rewrite(text);
      if (text !== null && this.skip.has(text)) this.dropped++;
      else if (other !== null) this.push(Buffer.from(`${other}\n`));
      else this.push(line);
      start = nl + 1;
    }
    this.rest = Buffer.from(buf.subarray(start));
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.rest.length && !this.skip.has(this.rest.toString("utf8"))) this.push(this.rest);
    cb();
  }
}
