// Which instants a project can be restored to, from which base backup, and
// what retention may delete. Pure (unit-tested in test/unit/backups/pitr).
//
// A base backup (lib/docker/data-archive.ts, pg_backup_start/stop) is
// consistent from its finish on; from there Postgres replays archived WAL one
// segment after another (PostgreSQL docs 26.3.4). So a base backup reaches
// every instant from its finish to the close of the last segment of an
// unbroken run starting at its first segment. A missing segment (a gap the
// archive_command recorded when the archive volume was full, or one never
// shipped) ends the run: instants after it need a later base backup.
import { InvalidStateError } from "@/lib/errors";

/** A WAL segment file name: timeline, log, segment (8 hex digits each). */
export const SEGMENT_NAME = /^[0-9A-F]{24}$/;

export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

export interface SegmentPos {
  timeline: number;
  /** The segment's number along the WAL (log × segments per log + seg). */
  n: bigint;
}

export function parseSegment(name: string, segmentBytes = DEFAULT_SEGMENT_BYTES): SegmentPos {
  if (!SEGMENT_NAME.test(name)) throw new InvalidStateError(`Not a WAL segment name: ${name.slice(0, 40)}`);
  const perLog = 0x100000000n / BigInt(segmentBytes);
  const seg = BigInt(`0x${name.slice(16, 24)}`);
  if (seg >= perLog) throw new InvalidStateError(`Not a WAL segment name for ${segmentBytes}-byte segments: ${name}`);
  return { timeline: Number.parseInt(name.slice(0, 8), 16), n: BigInt(`0x${name.slice(8, 16)}`) * perLog + seg };
}

export function segmentName(pos: SegmentPos, segmentBytes = DEFAULT_SEGMENT_BYTES): string {
  const perLog = 0x100000000n / BigInt(segmentBytes);
  const hex = (v: bigint | number) => v.toString(16).toUpperCase().padStart(8, "0");
  return `${hex(pos.timeline)}${hex(pos.n / perLog)}${hex(pos.n % perLog)}`;
}

export interface BaseBackup {
  id: string;
  /** From here on the restored cluster is consistent (pg_backup_stop). */
  consistentAt: Date;
  /** The first WAL segment it needs (backup_label's START WAL LOCATION file). */
  startSegment: string;
}

export interface ShippedSegment {
  name: string;
  /** When the segment was closed (its file's time in the archive volume): every commit in it is at or before. */
  closedAt: Date;
}

export interface Reach {
  backup: BaseBackup;
  from: Date;
  to: Date;
  /** The segments a restore from it to `to` replays, in order. */
  segments: string[];
}

/** What each base backup reaches with the shipped segments (gaps are simply not among them). */
export function reaches(bases: BaseBackup[], shipped: ShippedSegment[], segmentBytes = DEFAULT_SEGMENT_BYTES): Reach[] {
  const byKey = new Map<string, ShippedSegment>();
  for (const s of shipped) if (SEGMENT_NAME.test(s.name)) byKey.set(s.name, s);
  const out: Reach[] = [];
  for (const b of bases) {
    const start = parseSegment(b.startSegment, segmentBytes);
    const segments: string[] = [];
    let to = b.consistentAt;
    for (let n = start.n; ; n++) {
      const name = segmentName({ timeline: start.timeline, n }, segmentBytes);
      const s = byKey.get(name);
      if (!s) break;
      segments.push(name);
      if (s.closedAt > to) to = s.closedAt;
    }
    // Without its own segments archived the base backup still restores to its consistent point (its WAL is inside it).
    out.push({ backup: b, from: b.consistentAt, to, segments });
  }
  return out.sort((x, y) => x.from.getTime() - y.from.getTime());
}

export interface Window {
  /** Merged ranges of restorable instants, oldest first. */
  ranges: Array<{ from: Date; to: Date }>;
}

export function pitrWindow(r: Reach[]): Window {
  const ranges: Array<{ from: Date; to: Date }> = [];
  for (const x of r) {
    const last = ranges[ranges.length - 1];
    if (last && x.from <= last.to) {
      if (x.to > last.to) last.to = x.to;
    } else ranges.push({ from: x.from, to: x.to });
  }
  return { ranges };
}

export type Plan = { kind: "exact"; reach: Reach; target: Date } | { kind: "nearest"; reach: Reach; target: Date; asked: Date } | { kind: "none" };

/**
 * The base backup to restore for `asked`: the newest whose reach holds it
 * (least WAL to replay). When none does, the nearest restorable instant
 * instead (the page shows it before anything stops).
 */
export function planRestore(r: Reach[], asked: Date): Plan {
  const holding = r.filter((x) => x.from <= asked && asked <= x.to);
  if (holding.length) return { kind: "exact", reach: holding[holding.length - 1]!, target: asked };
  let best: { reach: Reach; target: Date; d: number } | null = null;
  for (const x of r) {
    const target = asked < x.from ? x.from : x.to;
    const d = Math.abs(target.getTime() - asked.getTime());
    if (!best || d < best.d) best = { reach: x, target, d };
  }
  return best ? { kind: "nearest", reach: best.reach, target: best.target, asked } : { kind: "none" };
}
