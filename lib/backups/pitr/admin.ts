// What the admin sees of continuous archiving: projects whose archive dropped
// a segment (a gap) in the last week, or whose last shipping attempt failed,
// in the same list as failing backups (the admin's backups page).
import { EVENT } from "@/lib/domain";
import type { BackupContext } from "@/lib/backups/context";

export interface WalProblem {
  ref: string;
  name: string;
  ownerEmail: string;
  at: string;
  error: string;
}

export async function walProblems(b: BackupContext, now = new Date()): Promise<WalProblem[]> {
  const since = new Date(now.getTime() - 7 * 86_400_000);
  const gaps = await b.db.walSegment.findMany({
    where: { gap: true, closedAt: { gte: since }, project: { status: { not: "REMOVED" } } },
    include: { project: { select: { ref: true, name: true, owner: { select: { email: true } } } } },
    orderBy: { closedAt: "desc" },
    take: 200,
  });
  const failures = await b.db.projectEvent.findMany({
    where: { kind: EVENT.walShipFailed, at: { gte: new Date(now.getTime() - 86_400_000) }, project: { status: { not: "REMOVED" } } },
    include: { project: { select: { ref: true, name: true, owner: { select: { email: true } } } } },
    orderBy: { at: "desc" },
    take: 50,
  });
  const out: WalProblem[] = [];
  const seen = new Set<string>();
  for (const g of gaps) {
    if (seen.has(`gap:${g.project.ref}`)) continue;
    seen.add(`gap:${g.project.ref}`);
    out.push({
      ref: g.project.ref,
      name: g.project.name,
      ownerEmail: g.project.owner.email,
      at: g.closedAt.toISOString(),
      error: `WAL segment ${g.name} dropped (archive volume full): point-in-time recovery cannot cross it`,
    });
  }
  for (const f of failures) {
    if (seen.has(`ship:${f.project.ref}`)) continue;
    seen.add(`ship:${f.project.ref}`);
    out.push({ ref: f.project.ref, name: f.project.name, ownerEmail: f.project.owner.email, at: f.at.toISOString(), error: f.message });
  }
  return out;
}
