// A project page's live feed (app/api/projects/[ref]/events): the project as
// it is, the stored events after the page's last one, then the process's live
// provisioning progress and every status write (lib/projects/context.ts
// setStatus) for as long as the page listens. Owner only, like the page.
import { eventBus, type LiveProgress, type ProjectEventView, type StatusChange } from "@/lib/projects/events";
import type { ProjectContext } from "@/lib/projects/context";
import * as queries from "@/lib/projects/queries";
import type { SessionUser } from "@/lib/auth/actor";

export interface FeedListener {
  /** A stored event (id set) or a live progress step (id null). */
  event(e: ProjectEventView): void;
  status(change: StatusChange): void;
}

export interface EventFeed {
  project: queries.ProjectSummary;
  /** Stored events after the page's last one, oldest first. */
  stored: Awaited<ReturnType<typeof queries.listEvents>>;
  /** The latest progress now, for a page that joins a start already under way. */
  progress(): LiveProgress;
  /** Live events and status changes until the returned function is called. */
  listen(to: FeedListener): () => void;
}

export async function eventFeed(ctx: ProjectContext, actor: SessionUser, ref: string, opts: { afterId?: number } = {}): Promise<EventFeed> {
  const project = queries.summary(ctx, await queries.findOwned(ctx, actor, ref, { action: "project.read" }));
  const stored = await queries.listEvents(ctx, actor, ref, { afterId: opts.afterId });
  return {
    project,
    stored,
    progress: () => eventBus.snapshot(ref),
    listen(to) {
      const unsubscribe = eventBus.subscribe(ref, (e) => to.event(e));
      // One publisher for every open tab: status writes (lib/projects/context.ts setStatus).
      const unsubscribeStatus = eventBus.subscribeStatus(ref, (change) => to.status(change));
      return () => {
        unsubscribe();
        unsubscribeStatus();
      };
    },
  };
}
