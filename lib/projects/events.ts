// The project event log: milestones are appended to ProjectEvent (append-only,
// survives restarts); high-frequency progress (image pull percentages) only
// goes to live subscribers, with the latest value kept for late joiners.
import { EventEmitter } from "node:events";
import type { Db } from "@/lib/db/client";
import { EVENT, type EventKind, type EventLevel } from "@/lib/domain";
import { describeError } from "@/lib/errors";
import type { StackEvent } from "@/lib/stack/types";

export type { EventLevel } from "@/lib/domain";

export interface ProjectEventView {
  id: number | null;
  ref: string;
  at: string;
  level: EventLevel;
  kind: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface LiveProgress {
  images: Record<string, { percent: number; status: string }>;
  services: Record<string, string>;
}

class ProjectEventBus {
  private readonly emitter = new EventEmitter();
  private readonly progress = new Map<string, LiveProgress>();

  constructor() {
    // One listener per open browser tab.
    this.emitter.setMaxListeners(0);
  }

  publish(event: ProjectEventView): void {
    const p = this.progress.get(event.ref) ?? { images: {}, services: {} };
    if (event.kind === "image.pull" && typeof event.data?.image === "string") {
      p.images[event.data.image] = { percent: Number(event.data.percent ?? 0), status: String(event.data.status ?? "") };
    }
    if (event.kind.startsWith("service.") && typeof event.data?.service === "string") {
      p.services[event.data.service] = event.kind.slice("service.".length);
    }
    this.progress.set(event.ref, p);
    this.emitter.emit(event.ref, event);
  }

  snapshot(ref: string): LiveProgress {
    return this.progress.get(ref) ?? { images: {}, services: {} };
  }

  clear(ref: string): void {
    this.progress.delete(ref);
  }

  subscribe(ref: string, fn: (e: ProjectEventView) => void): () => void {
    this.emitter.on(ref, fn);
    return () => this.emitter.off(ref, fn);
  }

  /** Every status write goes through here (lib/projects/context.ts setStatus): open pages follow it without polling. */
  publishStatus(ref: string, change: StatusChange): void {
    this.emitter.emit(`status:${ref}`, change);
  }

  subscribeStatus(ref: string, fn: (change: StatusChange) => void): () => void {
    this.emitter.on(`status:${ref}`, fn);
    return () => this.emitter.off(`status:${ref}`, fn);
  }
}

export interface StatusChange {
  status: string;
  statusReason: string | null;
}

const globalBus = globalThis as unknown as { supafleetEventBus?: ProjectEventBus };
export const eventBus: ProjectEventBus = (globalBus.supafleetEventBus ??= new ProjectEventBus());

/** Appends a milestone to the log and tells live subscribers. */
export async function recordEvent(
  db: Db,
  project: { id: string; ref: string },
  level: EventLevel,
  kind: EventKind,
  message: string,
  data?: Record<string, unknown>,
): Promise<void> {
  const row = await db.projectEvent.create({
    data: { projectId: project.id, level, kind, message, data: data ? JSON.stringify(data) : null },
  });
  eventBus.publish({ id: row.id, ref: project.ref, at: row.at.toISOString(), level, kind, message, data });
}

/** Progress only: not stored. */
export function publishProgress(ref: string, kind: string, message: string, data: Record<string, unknown>): void {
  eventBus.publish({ id: null, ref, at: new Date().toISOString(), level: "INFO", kind, message, data });
}

/** The level a runtime report is kept at: a failure is an error; an unhealthy service or a skipped seed (a slower start) a warning. */
export function provisionEventLevel(e: Pick<StackEvent, "kind">): EventLevel {
  if (e.kind.endsWith("failed")) return "ERROR";
  return e.kind.endsWith("unhealthy") || e.kind === "service.seed_skipped" ? "WARN" : "INFO";
}

/**
 * The one way a runtime report (create, resume, restore, upgrade, a service
 * replaced) becomes the project's event: image pulls are progress, published
 * live and not stored; every other report is recorded at provisionEventLevel
 * with its details. `service` keeps only that service's reports (one replaced
 * container). Never throws: the start it reports on goes on, and a report that
 * could not be recorded is logged.
 */
export function projectEventSink(db: Db, p: { id: string; ref: string }, opts: { service?: string } = {}): (e: StackEvent) => void {
  return (e) => {
    if (opts.service !== undefined && e.service !== opts.service) return;
    const data: Record<string, unknown> = {};
    for (const k of ["service", "image", "percent", "status"] as const) if (e[k] !== undefined) data[k] = e[k];
    const message = e.message ?? [e.kind, e.service ?? e.image].filter(Boolean).join(" ");
    if (e.kind === "image.pull") return publishProgress(p.ref, e.kind, message, data);
    recordEvent(db, p, provisionEventLevel(e), e.kind, message, data).catch((err: unknown) =>
      console.error(`[supafleet] could not record event for ${p.ref}: ${describeError(err)}`),
    );
  };
}

/** Projects whose last delete event is the delete intent: the app died while deleting them. */
export async function interruptedDeletes(db: Db, projectIds: string[]): Promise<Set<string>> {
  const rows = await db.projectEvent.findMany({
    where: { projectId: { in: projectIds }, kind: { in: [EVENT.deleteIntent, EVENT.deleteFailed, EVENT.deleteSucceeded] } },
    orderBy: { id: "asc" },
    select: { projectId: true, kind: true },
  });
  const last = new Map<string, string>();
  for (const r of rows) last.set(r.projectId, r.kind);
  return new Set([...last].filter(([, kind]) => kind === EVENT.deleteIntent).map(([id]) => id));
}
