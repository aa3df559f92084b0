// The gate in front of a project asleep for idleness, or waking from it.
// nginx asks it before each request (auth_request, lib/proxy/nginx-project-blocks.ts):
// "pass" lets nginx send the request, unchanged, to the project's gateway;
// anything else makes nginx fetch the answer from the app's wake route
// (lib/projects/wake-http.ts). The first request starts the wake.
//
// API clients are held until the project can answer them, then passed: a
// wake on existing data takes about five seconds (bench/RESULTS.md), well
// within any client's timeout, and a client without retry logic gets its
// answer from the first request. Requests to PostgREST and Auth pass once the
// request path is healthy ("stack.serving"); any other path (Storage,
// Realtime, Functions, Studio's API) once every service is. Browsers are not held: they get the "waking up" page at once,
// which reloads itself. Holds are bounded per project, per owner (one owner's
// many waking projects cannot take the whole pool from everyone else) and in
// all; a hold that does not fit, or outlasts WAKE_HOLD_MS, is answered 503
// with Retry-After.
import { ACTIVE_STATUSES, EVENT, isStatusIn, startEvent, STATUS } from "@/lib/domain";
import { eventBus } from "@/lib/projects/events";
import { wakeProject, type WakeState } from "@/lib/projects/idle";
import type { ProjectContext } from "@/lib/projects/context";
import { servedByRequestPath } from "@/lib/stack/start-order";
import { WAKE_HOLD_MS } from "@/lib/proxy/wake-protocol";

export const MAX_HOLDS_PER_PROJECT = 64;
export const MAX_HOLDS_PER_OWNER = 128;
export const MAX_HOLDS = 512;

export type GateAnswer = { pass: true } | { pass: false; state: WakeState };

export interface GateRequest {
  /** An API client (apikey header or JSON asked for): held; a browser is not. */
  api: boolean;
  /** The request's path as nginx received it ($request_uri). */
  uri: string;
  signal?: AbortSignal;
}

const holds = new Map<string, number>();
const ownerHolds = new Map<string, number>();
let held = 0;

function release(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}

export async function wakeGate(ctx: ProjectContext, ref: string, req: GateRequest, holdMs = WAKE_HOLD_MS): Promise<GateAnswer> {
  const state = await wakeProject(ctx, ref);
  if (state === "awake") return { pass: true };
  if (state !== "waking") return { pass: false, state };
  const need = req.api && servedByRequestPath(req.uri) ? "serving" : "active";
  if (!req.api) return meets(await readiness(ctx, ref), need) ? { pass: true } : { pass: false, state };
  const owner = (await ctx.db.project.findFirst({ where: { ref }, select: { ownerId: true } }))?.ownerId ?? "";
  // Checked and taken with no await in between: parallel requests cannot overshoot.
  const mine = holds.get(ref) ?? 0;
  const theirs = ownerHolds.get(owner) ?? 0;
  if (mine >= MAX_HOLDS_PER_PROJECT || theirs >= MAX_HOLDS_PER_OWNER || held >= MAX_HOLDS) return { pass: false, state };
  holds.set(ref, mine + 1);
  ownerHolds.set(owner, theirs + 1);
  held++;
  try {
    return (await untilReady(ctx, ref, need, holdMs, req.signal)) ? { pass: true } : { pass: false, state };
  } finally {
    held--;
    release(holds, ref);
    release(ownerHolds, owner);
  }
}

type Readiness = "active" | "serving" | "starting" | "stopped";
type Need = "serving" | "active";

const meets = (r: Readiness, need: Need) => r === "active" || (need === "serving" && r === "serving");

/** Where the project's start stands, from the database: its status, and whether this start said "serving". */
async function readiness(ctx: ProjectContext, ref: string): Promise<Readiness> {
  const p = await ctx.db.project.findFirst({ where: { ref, status: { not: STATUS.REMOVED } }, select: { id: true, status: true } });
  if (!p) return "stopped";
  if (isStatusIn(p.status, ACTIVE_STATUSES)) return "active";
  if (p.status !== STATUS.RESTORING) return "stopped";
  const last = await ctx.db.projectEvent.findFirst({
    // Any step that begins this start counts after an earlier start's "serving".
    where: { projectId: p.id, kind: { in: ["stack.serving", EVENT.wakeRequested, startEvent("resume", "queued"), startEvent("resume", "started")] } },
    orderBy: { id: "desc" },
    select: { kind: true },
  });
  return last?.kind === "stack.serving" ? "serving" : "starting";
}

/** Resolves true once the project reaches `need`, false when its start ends otherwise, the time is up or the client went away. */
function untilReady(ctx: ProjectContext, ref: string, need: Need, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      offEvents();
      offStatus();
      signal?.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), ms);
    // Subscribed before the database is read: nothing said in between is missed.
    const offEvents = eventBus.subscribe(ref, (e) => {
      if (need === "serving" && e.kind === "stack.serving") finish(true);
    });
    const offStatus = eventBus.subscribeStatus(ref, (c) => {
      if (c.status === STATUS.RESTORING) return;
      finish(isStatusIn(c.status, ACTIVE_STATUSES));
    });
    // A client that left while the wake was being asked for is not waited for either.
    if (signal?.aborted) return finish(false);
    signal?.addEventListener("abort", onAbort, { once: true });
    void readiness(ctx, ref).then(
      (r) => {
        if (meets(r, need)) finish(true);
        else if (r === "stopped") finish(false);
      },
      () => finish(false),
    );
  });
}
