// Which of nginx's worker processes still accept connections, read from
// /proc. On a reload the master starts the new workers, sleeps 100 ms ("allow
// new processes to start"), and only then sends the old ones the shutdown
// signal (nginx src/os/unix/ngx_process_cycle.c, ngx_master_process_cycle).
// Until an old worker handles it, it keeps accepting and answers with the old
// config. When it does, it sets its title to "worker process is shutting
// down" and closes its listening sockets in the same step
// (ngx_worker_process_cycle), so that title means "no longer accepting".
import { readdir, readFile } from "node:fs/promises";

const SHUTTING_DOWN = "shutting down";

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOENT/ESRCH: the process is gone; EACCES: /proc hides it from us.
    if (code === "ENOENT" || code === "ESRCH" || code === "EACCES") return null;
    throw err;
  }
}

async function childrenOf(pid: number): Promise<number[]> {
  const listed = await readOrNull(`/proc/${pid}/task/${pid}/children`);
  if (listed !== null) return listed.split(/\s+/).filter(Boolean).map(Number);
  // Kernels without CONFIG_PROC_CHILDREN: find them by their parent.
  const out: number[] = [];
  for (const name of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readOrNull(`/proc/${name}/stat`);
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) : NaN;
    if (ppid === pid) out.push(Number(name));
  }
  return out;
}

function title(cmdline: string): string {
  return cmdline.replaceAll("\0", " ").trim();
}

/**
 * The master's workers that accept connections now. null when /proc does
 * not show them (another PID namespace, hidepid): the caller cannot tell.
 */
export async function acceptingWorkers(masterPid: number): Promise<number[] | null> {
  const children = await childrenOf(masterPid);
  return children.length === 0 ? null : stillAccepting(children);
}

/** Of the given workers, those that still accept: alive and not shutting down. */
export async function stillAccepting(pids: readonly number[]): Promise<number[]> {
  const out: number[] = [];
  for (const pid of pids) {
    const cmd = await readOrNull(`/proc/${pid}/cmdline`);
    // A zombie (exited, not yet reaped) has an empty cmdline: it accepts nothing.
    // A reused pid that is no nginx worker is not one of them either.
    if (cmd === null || cmd === "") continue;
    const t = title(cmd);
    if (t.includes("worker process") && !t.includes(SHUTTING_DOWN)) out.push(pid);
  }
  return out;
}
