// Shipping a project's archived WAL (lib/stack/wal-archive.ts) from its
// archive volume to the backup store, gzip'd and encrypted with the project's
// backup key exactly as backups are (lib/backups/take.ts). Order of a file's
// steps, so a crash at any point loses nothing: the object is written (it
// exists only once complete, lib/backups/store.ts), then its row, then the
// file leaves the volume. A file already recorded is only removed; a file
// written but not recorded is written again under the same key.
// A gap marker (a segment the archive_command dropped, the volume being full)
// becomes a gap row and an event for the owner; the admin sees it too
// (BackupService.adminView).
import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream";
import { createGzip } from "node:zlib";
import { EVENT } from "@/lib/domain";
import { describeError, InvalidStateError } from "@/lib/errors";
import { SEGMENT_NAME } from "@/lib/backups/pitr/window";
import { recordEvent } from "@/lib/projects/events";
import { secretsOf } from "@/lib/projects/context";
import { dataOpsOf, walArchiveOf } from "@/lib/stack/runtime-port";
import type { BackupContext } from "@/lib/backups/context";
import { EncryptStream } from "@/lib/backups/crypto-stream";
import { HashTap } from "@/lib/backups/format";
import { walKeyFor } from "@/lib/backups/store";
import { projectKey } from "@/lib/backups/take";

export interface ShipResult {
  shipped: number;
  gaps: number;
  /** false: the db was not running, nothing was looked at. */
  looked: boolean;
}

/** Last failure per ref, so a failing project makes one event per distinct failure, not one per tick. */
const lastFailure = new Map<string, string>();

/** Ships what the project's archive holds now. */
export async function shipProject(b: BackupContext, p: { id: string; ref: string }): Promise<ShipResult> {
  const ops = walArchiveOf(b.provisioner);
  try {
    const files = await ops.list(p.ref);
    if (!files) return { shipped: 0, gaps: 0, looked: false };
    const known = new Map(
      (await b.db.walSegment.findMany({ where: { projectId: p.id, name: { in: files.map((f) => f.name) } }, select: { name: true, gap: true } })).map((r) => [
        r.name,
        r.gap,
      ]),
    );
    const done: Array<{ name: string; gap: boolean }> = [];
    let shipped = 0;
    let gaps = 0;
    for (const f of files) {
      if (f.gap) {
        if (!known.has(f.name)) {
          await b.db.walSegment.create({ data: { id: randomUUID(), projectId: p.id, name: f.name, gap: true, closedAt: f.closedAt } });
          await recordEvent(
            b.db,
            p,
            "ERROR",
            EVENT.walGap,
            `WAL segment ${f.name} was dropped: the archive volume was full (Supafleet could not ship fast enough). Point-in-time recovery cannot cross it until the next backup.`,
          );
          gaps++;
        }
        done.push(f);
        continue;
      }
      if (known.get(f.name) === false) {
        done.push(f); // shipped before a crash cut the removal short
        continue;
      }
      const { key, sealed } = await projectKey(b, p);
      const objectKey = walKeyFor(b.provisioner.installationId, p.ref, f.name);
      const raw = await ops.read(p.ref, f.name);
      const tap = new HashTap();
      const body = pipeline(raw, createGzip({ level: b.config.gzipLevel }), new EncryptStream(key, p.ref, sealed), tap, () => undefined);
      await b.store.write(objectKey, body);
      const checksum = tap.digest();
      await b.db.walSegment.upsert({
        where: { projectId_name: { projectId: p.id, name: f.name } },
        create: { id: randomUUID(), projectId: p.id, name: f.name, objectKey, sizeBytes: f.sizeBytes, checksum, closedAt: f.closedAt },
        update: { objectKey, sizeBytes: f.sizeBytes, checksum, closedAt: f.closedAt, gap: false },
      });
      done.push(f);
      shipped++;
    }
    await ops.remove(p.ref, done);
    lastFailure.delete(p.ref);
    return { shipped, gaps, looked: true };
  } catch (err) {
    const reason = describeError(err);
    if (lastFailure.get(p.ref) !== reason) {
      lastFailure.set(p.ref, reason);
      await recordEvent(b.db, p, "ERROR", EVENT.walShipFailed, `Shipping WAL to the backup store failed: ${reason}`).catch(() => undefined);
    }
    throw err;
  }
}

/**
 * Closes the segment being written (pg_switch_wal, as the superuser) so what
 * was committed until now reaches the archive, then ships. For a restore to
 * "just now" and for tests; archive_timeout does the same on its own.
 */
export async function flushAndShip(b: BackupContext, p: Parameters<typeof secretsOf>[1] & { id: string; ref: string }): Promise<ShipResult> {
  // pg_walfile_name of what pg_switch_wal returns is the segment it just closed (or, with nothing
  // written since the last switch, the last one closed before).
  // txid_current() first: a commit record at now, so recovery to any instant until now meets a
  // commit after it (recovery_target_time stops only at a commit; PostgreSQL docs 19.5.5).
  const out = await dataOpsOf(b.provisioner, "backups").runSql(p.ref, "SELECT txid_current();\nSELECT pg_walfile_name(pg_switch_wal());\n", {
    password: secretsOf(b.projects, p).postgresPassword,
  });
  const closed = out.trim().split("\n").at(-1)?.trim() ?? "";
  if (!SEGMENT_NAME.test(closed)) throw new InvalidStateError(`Unexpected answer from pg_switch_wal: ${closed.slice(0, 80)}`);
  // The archiver runs on its own: wait (bounded) until that segment is in the archive volume or already shipped.
  const ops = walArchiveOf(b.provisioner);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await ops.list(p.ref))?.some((f) => f.name === closed)) break;
    if (await b.db.walSegment.findUnique({ where: { projectId_name: { projectId: p.id, name: closed } } })) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return shipProject(b, p);
}

export class WalShipper {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly b: BackupContext,
    private readonly everyMs: number,
  ) {}

  start(): void {
    if (this.timer || !this.b.provisioner.walArchive || !this.b.projects.config.walArchive) return;
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over the projects that can hold data; never two at once. */
  tick(): Promise<void> {
    this.ticking ??= (async () => {
      try {
        const projects = await this.b.db.project.findMany({
          where: { status: { not: "REMOVED" }, activatedAt: { not: null } },
          select: { id: true, ref: true },
        });
        // Failures are recorded as project events (shipProject).
        for (const p of projects) await shipProject(this.b, p).catch(() => undefined);
      } catch (err) {
        console.error(`[supafleet] WAL shipping failed: ${describeError(err)}`);
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }
}
