// The admin console's tables of accounts: those held for approval, and all.
import type { AdminUserRow, PendingUserRow } from "@/lib/admin/service";
import type { PlanView } from "@/lib/admin/plans";
import { ApproveButton, UserControls } from "@/components/admin/admin-controls";
import { UserPlanSelect } from "@/components/admin/plans-panel";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

const ACTIONS = { label: "Actions", align: "right" } as const;

export function PendingUsersTable({ users }: { users: PendingUserRow[] }) {
  return (
    <Table>
      <TableHeader columns={["Email", "Name", "Signed up", ACTIONS]} />
      <TableBody>
        {users.map((u) => (
          <TableRow key={u.id} data-testid={`pending-${u.email}`}>
            <TableCell>{u.email}</TableCell>
            <TableCell>{u.name ?? "–"}</TableCell>
            <TableCell>{new Date(u.createdAt).toUTCString()}</TableCell>
            <TableCell>
              <ApproveButton user={u} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function AccountState({ user }: { user: AdminUserRow }) {
  if (user.disabled) return <span className="text-red-600">Disabled</span>;
  if (user.pendingApproval) return <span className="text-amber-600">Pending approval</span>;
  return <>Active</>;
}

export function UsersTable({ users, plans }: { users: AdminUserRow[]; plans: PlanView[] }) {
  return (
    <Table>
      <TableHeader columns={["Email", "Role", "Projects", "Plan", "Status", ACTIONS]} />
      <TableBody>
        {users.map((u) => (
          <TableRow key={u.id} data-testid={`user-${u.email}`}>
            <TableCell>{u.email}</TableCell>
            <TableCell>{u.role === "ADMIN" ? "Admin" : "User"}</TableCell>
            <TableCell>
              {u.projectCount} / {u.effectiveQuota}
              {u.projectQuota === null ? "" : " (custom)"}
            </TableCell>
            <TableCell>
              <UserPlanSelect userId={u.id} email={u.email} planId={u.planId} plans={plans} />
            </TableCell>
            <TableCell>
              <AccountState user={u} />
            </TableCell>
            <TableCell>
              <UserControls user={u} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
