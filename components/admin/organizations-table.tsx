// The admin console's organizations: members, live projects and Owners, as
// the service counted them (lib/admin/organizations.ts).
import type { AdminOrganizationRow } from "@/lib/admin/organizations";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

export function OrganizationsTable({ organizations }: { organizations: AdminOrganizationRow[] }) {
  if (organizations.length === 0) return <EmptyState>No organizations match.</EmptyState>;
  return (
    <Table data-testid="admin-organizations">
      <TableHeader columns={["Organization", "Members", "Projects", "Owners", "Created"]} />
      <TableBody>
        {organizations.map((o) => (
          <TableRow key={o.slug} data-testid={`admin-org-${o.slug}`}>
            <TableCell>
              <span className="font-medium">{o.name}</span>
              {o.personal && <span className="ml-2 text-xs text-zinc-500">personal</span>}
              <div className="font-mono text-xs text-zinc-500">{o.slug}</div>
            </TableCell>
            <TableCell data-testid="org-members">{o.memberCount}</TableCell>
            <TableCell data-testid="org-projects">{o.projectCount}</TableCell>
            <TableCell data-testid="org-owners">{o.owners.join(", ") || "–"}</TableCell>
            <TableCell>{new Date(o.createdAt).toLocaleDateString("en", { dateStyle: "medium" })}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
