// One psql session inside a project's db container, kept open across several
// statements: PostgreSQL's non-exclusive base backup must be started and
// stopped by the same session, and a temporary replication slot lives exactly
// as long as the session. If Supafleet dies, the exec's stdin closes, psql
// exits, and Postgres drops the slot and aborts the backup by itself.
//
// It connects as the image's superuser over TCP to 127.0.0.1 with the
// container's own PGPASSWORD: supabase/postgres trusts 127.0.0.1
// (ansible/files/postgresql_config/pg_hba.conf.j2 at 7db7e1a: `host all all
// 127.0.0.1/32 trust`), its `postgres` role is no superuser
// (migrations/db/migrations/10000000000000_demote-postgres.sql), and its
// superuser is supabase_admin (Dockerfile-15: ENV POSTGRES_USER=supabase_admin,
// password = POSTGRES_PASSWORD per migrations/db/migrate.sh).
import type Docker from "dockerode";
import { randomBytes } from "node:crypto";
import { InvalidStateError } from "@/lib/errors";
import { startExec, type ExecHandle } from "@/lib/docker/exec-stream";

export const SUPERUSER = "supabase_admin";

export function psqlCommand(extra: string[] = []): string[] {
  return ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", SUPERUSER, "-d", "postgres", ...extra];
}

export class PsqlSession {
  private out = "";
  private waiters: Array<{ marker: string; resolve: (s: string) => void; reject: (e: Error) => void }> = [];
  private closed: Error | null = null;

  private constructor(private readonly h: ExecHandle) {
    h.stdout.on("data", (d: Buffer) => {
      this.out += d.toString("utf8");
      this.drain();
    });
    const end = () => {
      this.closed ??= new InvalidStateError(`psql ended: ${h.stderr().trim().slice(0, 1000) || "no message"}`);
      for (const w of this.waiters.splice(0)) w.reject(this.closed);
    };
    h.stdout.on("end", end);
    h.stdout.on("close", end);
    h.stdout.on("error", end);
  }

  static async open(docker: Docker, containerName: string, env?: string[]): Promise<PsqlSession> {
    return new PsqlSession(await startExec(docker, containerName, psqlCommand(), { stdin: true, env }));
  }

  private drain(): void {
    while (this.waiters.length) {
      const w = this.waiters[0]!;
      const at = this.out.indexOf(`${w.marker}\n`);
      if (at < 0) return;
      const text = this.out.slice(0, at);
      this.out = this.out.slice(at + w.marker.length + 1);
      this.waiters.shift();
      w.resolve(text);
    }
  }

  /** Runs statements; resolves with their unaligned, tuples-only output. */
  query(sql: string): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    const marker = `__supafleet_${randomBytes(6).toString("hex")}__`;
    const p = new Promise<string>((resolve, reject) => this.waiters.push({ marker, resolve, reject }));
    this.h.socket.write(`${sql.trim()}\n\\echo ${marker}\n`);
    return p;
  }

  /** Ends the session (stdin closed; psql exits). */
  async close(): Promise<void> {
    this.h.socket.end();
    await this.h.exitCode().catch(() => undefined);
  }
}
