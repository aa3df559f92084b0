// An organization's audit log, one page of it, newest first (lib/audit/log.ts).
// Server-rendered: nothing here is interactive but the links.
import Link from "next/link";
import type { AuditLine } from "@/lib/audit/chain";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState } from "@/components/ui/empty-state";

function details(data: AuditLine["data"]): string {
  if (!data) return "";
  return Object.entries(data)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}

export function AuditTable({ entries }: { entries: AuditLine[] }) {
  if (entries.length === 0) return <EmptyState>Nothing recorded yet.</EmptyState>;
  return (
    <Table data-testid="audit-entries">
      <TableHeader columns={["#", "When (UTC)", "Who", "Action", "Target", "Details"]} />
      <TableBody>
        {entries.map((e) => (
          <TableRow key={e.seq} data-testid="audit-entry">
            <TableCell className="font-mono text-xs text-zinc-500">{e.seq}</TableCell>
            <TableCell className="whitespace-nowrap font-mono text-xs">{e.at.replace("T", " ").slice(0, 19)}</TableCell>
            <TableCell>
              {e.actor?.email ?? "Supafleet"}
              {e.via === "api" && <span className="ml-1 text-xs text-zinc-500">(via API)</span>}
            </TableCell>
            <TableCell className="font-mono text-xs">{e.action}</TableCell>
            <TableCell className="font-mono text-xs">{e.target}</TableCell>
            <TableCell className="text-xs text-zinc-600">{details(e.data)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function AuditPager({ slug, page, pageSize, total }: { slug: string; page: number; pageSize: number; total: number }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => `/organizations/${encodeURIComponent(slug)}/audit?page=${p}`;
  return (
    <nav className="flex items-center gap-3 text-sm" aria-label="Audit log pages">
      {page > 1 && (
        <Link href={href(page - 1)} className="underline">
          Newer
        </Link>
      )}
      <span className="text-zinc-500">
        Page {page} of {pages} · {total} entries
      </span>
      {page < pages && (
        <Link href={href(page + 1)} className="underline">
          Older
        </Link>
      )}
    </nav>
  );
}
