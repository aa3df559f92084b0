// The archive_command is run here by a real /bin/sh, the way Postgres runs it
// (system() with %p and %f replaced, the working directory PGDATA), against a
// temporary folder standing for the archive volume.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ARCHIVE_MOUNT,
  archiveCommand,
  DEFAULT_ARCHIVE_SETTINGS,
  GAP_PREFIX,
  WAL_G_CONF_PATH,
  walArchiveVolume,
  walGConf,
  withWalArchive,
} from "@/lib/stack/wal-archive";
import { dataVolumes, withGeneration } from "@/lib/stack/volumes";
import { LATEST_STACK_VERSION } from "@/lib/stack/template";
import { sampleSpec } from "@/test/support/sample-spec";

function setup(max: number) {
  const root = mkdtempSync(join(tmpdir(), "sf-arch-"));
  const pgdata = join(root, "data");
  const archive = join(root, "archive");
  mkdirSync(join(pgdata, "pg_wal"), { recursive: true });
  mkdirSync(archive);
  const cmd = archiveCommand({ ...DEFAULT_ARCHIVE_SETTINGS, maxPendingSegments: max }, archive);
  const run = (name: string, body: string): number => {
    writeFileSync(join(pgdata, "pg_wal", name), body);
    const line = cmd.replaceAll("%p", `pg_wal/${name}`).replaceAll("%f", name);
    try {
      execFileSync("/bin/sh", ["-c", line], { cwd: pgdata, stdio: "pipe" });
      return 0;
    } catch (err) {
      return (err as { status: number }).status;
    }
  };
  return { archive, run };
}

const seg = (n: number) => `00000001000000000000000${n.toString(16).toUpperCase()}`;

describe("archiveCommand", () => {
  it("copies a segment into the archive under its name, and nothing else stays there", () => {
    const { archive, run } = setup(4);
    expect(run(seg(1), "one")).toBe(0);
    expect(readdirSync(archive)).toEqual([seg(1)]);
    expect(readFileSync(join(archive, seg(1)), "utf8")).toBe("one");
  });

  it("takes a retry of the same bytes as success and refuses other bytes under the same name", () => {
    const { run } = setup(4);
    expect(run(seg(1), "one")).toBe(0);
    expect(run(seg(1), "one")).toBe(0);
    expect(run(seg(1), "other")).not.toBe(0);
  });

  it("past the limit drops a segment with a gap marker and exits 0, but keeps timeline history files", () => {
    const { archive, run } = setup(2);
    expect(run(seg(1), "a")).toBe(0);
    expect(run(seg(2), "b")).toBe(0);
    expect(run(seg(3), "c")).toBe(0);
    expect(run("00000002.history", "h")).toBe(0);
    expect(readdirSync(archive).sort()).toEqual(["00000002.history", seg(1), seg(2), `${GAP_PREFIX}${seg(3)}`].sort());
  });
});

describe("walGConf", () => {
  it("turns archiving on as upstream's commented settings, with no recovery settings outside a restore", () => {
    const text = walGConf(DEFAULT_ARCHIVE_SETTINGS);
    expect(text).toMatch(/^archive_mode = on$/m);
    expect(text).toMatch(/^archive_timeout = 60$/m);
    expect(text).not.toMatch(/recovery_target|restore_command/);
  });

  it("adds the recovery target of a point-in-time restore in UTC", () => {
    const text = walGConf(DEFAULT_ARCHIVE_SETTINGS, { time: new Date("2026-12-07T14:03:26.000Z") });
    expect(text).toMatch(/^recovery_target_time = '2026-12-07 14:03:26\.000\+00'$/m);
    expect(text).toMatch(/^recovery_target_action = 'promote'$/m);
    expect(text).toMatch(/^restore_command = 'cp \/var\/lib\/postgresql\/data\/supafleet_pitr_wal\/%f %p'$/m);
  });

  it("has no single quote inside its archive_command (a postgresql.conf string)", () => {
    expect(archiveCommand(DEFAULT_ARCHIVE_SETTINGS)).not.toContain("'");
  });
});

describe("withWalArchive", () => {
  it("mounts one archive volume into the db, in no generation and outside the data a backup copies", async () => {
    const spec = withWalArchive(await sampleSpec("abcdefghijklmnopqrst", LATEST_STACK_VERSION), DEFAULT_ARCHIVE_SETTINGS);
    const name = walArchiveVolume(spec);
    expect(name).toBe("supafleet-abcdefghijklmnopqrst-wal-archive");
    const db = spec.services.find((x) => x.service === "db")!;
    expect(db.mounts).toContainEqual({ type: "volume", source: name, target: ARCHIVE_MOUNT, readOnly: false });
    expect(db.files.find((f) => f.path === WAL_G_CONF_PATH)?.content).toMatch(/^archive_mode = on$/m);
    expect(spec.services.filter((x) => x.mounts.some((m) => m.type === "volume" && m.source === name)).map((x) => x.service)).toEqual(["db"]);
    const moved = withGeneration(spec, 3);
    expect(walArchiveVolume(moved)).toBe(name);
    expect(moved.services.find((x) => x.service === "db")!.mounts.some((m) => m.type === "volume" && m.source === name)).toBe(true);
    expect(dataVolumes(moved).map((v) => v.name)).not.toContain(name);
  });
});
