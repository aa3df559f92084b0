// The engine's event stream, narrowed to one installation's containers. The
// stream ends when the engine restarts or the connection drops; the caller
// reconnects (lib/projects/monitor.ts).
import type Docker from "dockerode";
import { LABELS } from "@/lib/stack/types";

export interface ContainerEvent {
  ref: string;
  service: string | null;
  /** die, start, stop, kill, oom, destroy, health_status: healthy, … */
  action: string;
}

const ACTIONS = ["start", "die", "stop", "kill", "oom", "destroy", "pause", "unpause", "health_status"];

/** Resolves when the stream ends (engine restart, dropped connection) or `signal` aborts; rejects if it cannot be opened. */
export async function watchContainerEvents(docker: Docker, installationId: string, onEvent: (e: ContainerEvent) => void, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const stream = (await docker.getEvents({
    filters: JSON.stringify({ type: ["container"], event: ACTIONS, label: [`${LABELS.managed}=true`] }),
  })) as NodeJS.ReadableStream & { destroy?: () => void };
  await new Promise<void>((resolve) => {
    let buffered = "";
    const finish = () => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = () => {
      stream.destroy?.();
      finish();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    stream.on("data", (chunk: Buffer | string) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        let e: { Action?: string; Actor?: { Attributes?: Record<string, string> } };
        try {
          e = JSON.parse(line) as typeof e;
        } catch {
          continue; // a line cut by a dropped connection
        }
        const attrs = e.Actor?.Attributes ?? {};
        const ref = attrs[LABELS.ref];
        const installation = attrs[LABELS.installation];
        // Other installations' events are none of this one's business; unlabelled
        // (pre-installation) ones are checked against the database by the caller.
        if (!ref || (installation !== undefined && installation !== installationId)) continue;
        if (attrs[LABELS.role]) continue; // metadata helpers
        onEvent({ ref, service: attrs[LABELS.service] ?? null, action: e.Action ?? "" });
      }
    });
    stream.on("end", finish);
    stream.on("close", finish);
    stream.on("error", finish);
  });
}
