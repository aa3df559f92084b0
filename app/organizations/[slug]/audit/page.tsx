import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getAccountServices, getAuditLog } from "@/lib/services";
import { SiteHeader } from "@/components/site-header";
import { AuditPager, AuditTable } from "@/components/orgs/audit-log";
import { TitledCard } from "@/components/ui/card";

export const metadata = { title: "Audit log" };

export default async function AuditPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ page?: string }> }) {
  const [{ slug }, { page }] = await Promise.all([params, searchParams]);
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=/organizations/${encodeURIComponent(slug)}/audit`);
  const notMember = (err: unknown): never => {
    // Not a member and no such organization look the same.
    if (isAppError(err, "not_found")) notFound();
    throw err;
  };
  const org = await getAccountServices().organizations.get(user, slug).catch(notMember);
  const log = getAuditLog();
  const view = await log.page(user, slug, Number(page ?? 1)).catch(notMember);
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-10">
        <div>
          <p className="text-sm text-zinc-500">
            <Link href={`/organizations/${encodeURIComponent(org.slug)}`} className="underline">
              {org.name}
            </Link>
          </p>
          <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
          <p className="mt-1 text-sm text-zinc-500">
            Who did what, and when; kept {log.retentionDays} days. Each entry carries the hash of the one before it: an export can be checked offline with{" "}
            <span className="font-mono">npx tsx scripts/verify-audit.ts export.jsonl --head &lt;hash&gt;</span>.
          </p>
        </div>
        <TitledCard title="Entries">
          <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
            <AuditPager slug={org.slug} page={view.page} pageSize={view.pageSize} total={view.total} />
            <a
              href={`/api/organizations/${encodeURIComponent(org.slug)}/audit`}
              className="text-sm font-medium text-brand-700 underline"
              data-testid="audit-export"
            >
              Export (JSON lines)
            </a>
          </div>
          <AuditTable entries={view.entries} />
          {view.head && (
            <p className="mt-3 break-all text-xs text-zinc-500" data-testid="audit-head">
              Head: entry {view.head.seq}, <span className="font-mono">{view.head.hash}</span>
            </p>
          )}
        </TitledCard>
      </main>
    </>
  );
}
