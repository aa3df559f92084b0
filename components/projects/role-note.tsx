// Said where a control is left out for the viewer's role: which role they
// have and what it does not allow, so they know to ask an Owner or Administrator.
import { roleReason } from "@/lib/orgs/capabilities";
import type { OrgRole } from "@/lib/domain";

export function RoleNote({ role, what, testId = "role-note" }: { role: OrgRole; what: string; testId?: string }) {
  return (
    <p className="text-xs text-zinc-500" data-testid={testId}>
      {roleReason(role, what)}
    </p>
  );
}
