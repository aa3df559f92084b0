// nginx-workers reads process titles from /proc: children of this process
// stand in for nginx's workers under the titles nginx gives them.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { acceptingWorkers, stillAccepting } from "@/lib/proxy/nginx-workers";

const children: ChildProcess[] = [];
function titled(title: string): number {
  const c = spawn("bash", ["-c", `exec -a "${title}" sleep 30`], { stdio: "ignore" });
  children.push(c);
  return c.pid!;
}
async function until(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 20));
}

afterAll(() => children.forEach((c) => c.kill("SIGKILL")));

describe("nginx workers from /proc", () => {
  it("counts a worker as accepting until it is titled shutting down or gone, and ignores other children", async () => {
    const accepting = titled("nginx: worker process");
    const leaving = titled("nginx: worker process is shutting down");
    const other = titled("nginx: cache manager process");
    await until(async () => ((await acceptingWorkers(process.pid)) ?? []).includes(accepting));
    const seen = (await acceptingWorkers(process.pid)) ?? [];
    expect(seen).toContain(accepting);
    expect(seen).not.toContain(leaving);
    expect(seen).not.toContain(other);

    expect(await stillAccepting([accepting, leaving, other])).toEqual([accepting]);
    children[0].kill("SIGKILL");
    await until(async () => (await stillAccepting([accepting])).length === 0);
    expect(await stillAccepting([accepting])).toEqual([]);
  });

  it("says it cannot tell (null) for a process without children", async () => {
    expect(await acceptingWorkers(1 << 22)).toBeNull();
  });
});
