// Which projects were asked for, read from nginx itself: every project's
// server block writes "<msec> <host>" lines to one activity log (buffered,
// flushed every few seconds). Reading keeps an offset and, once the file is
// large, empties it (nginx appends, so the next line lands at the start);
// lines written between the read and the emptying are lost, a few seconds of
// activity at most, which an idle clock counted in minutes does not feel.
import { open, stat, truncate } from "node:fs/promises";
import { refOfHost } from "@/lib/stack/address";

export interface ActivitySource {
  /** The latest request time per project ref since the last read. */
  read(): Promise<Map<string, Date>>;
}

/** The log_format the renderer declares for the activity log. */
export const ACTIVITY_LOG_FORMAT = "$msec $host";

/** Parses activity lines into the latest time per ref of `rootDomain` or of an active custom hostname (pure; unit-tested). */
export function parseActivity(text: string, rootDomain: string, customHosts?: ReadonlyMap<string, string>): Map<string, Date> {
  const latest = new Map<string, Date>();
  for (const line of text.split("\n")) {
    const m = /^(\d+(?:\.\d+)?) (\S+)$/.exec(line.trim());
    if (!m) continue;
    // The inverse of the address rule the server names were rendered with.
    const ref = refOfHost(m[2]!, { rootDomain }, customHosts);
    if (!ref) continue;
    const at = new Date(Math.round(Number(m[1]) * 1000));
    const prev = latest.get(ref);
    if (!prev || prev < at) latest.set(ref, at);
  }
  return latest;
}

export class NginxActivityLog implements ActivitySource {
  private offset = 0;

  constructor(
    private readonly path: string,
    private readonly rootDomain: string,
    private readonly emptyAtBytes = 8 * 1024 * 1024,
    /** Active custom hostnames to their refs (lib/domains), read at each read: a custom host's requests count for its project. */
    private readonly customHosts?: () => Promise<ReadonlyMap<string, string>>,
  ) {}

  async read(): Promise<Map<string, Date>> {
    let size: number;
    try {
      size = (await stat(this.path)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
      throw err;
    }
    // Emptied or replaced since the last read: start from the top.
    if (size < this.offset) this.offset = 0;
    if (size === this.offset) return new Map();
    const fh = await open(this.path, "r");
    let text: string;
    try {
      const buf = Buffer.alloc(size - this.offset);
      await fh.read(buf, 0, buf.length, this.offset);
      // Only whole lines; a line nginx is still writing waits for the next read.
      const end = buf.lastIndexOf(0x0a) + 1;
      text = buf.subarray(0, end).toString("utf8");
      this.offset += end;
    } finally {
      await fh.close();
    }
    if (this.offset >= this.emptyAtBytes) {
      await truncate(this.path, 0);
      this.offset = 0;
    }
    return parseActivity(text, this.rootDomain, this.customHosts ? await this.customHosts() : undefined);
  }
}
