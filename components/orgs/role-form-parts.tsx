"use client";
// The parts the two "add someone with a role" forms share (add a member,
// invite by email): the role picker, the form-wide error row, the submit cell.
import { ORG_ROLE_NAMES, type OrgRole } from "@/lib/domain";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";

export function RoleSelect({ id, roles }: { id: string; roles: readonly OrgRole[] }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-700">
        Role
      </label>
      <Select id={id} name="role" defaultValue="DEVELOPER" className="block w-full py-2">
        {roles.map((r) => (
          <option key={r} value={r}>
            {ORG_ROLE_NAMES[r]}
          </option>
        ))}
      </Select>
    </div>
  );
}

export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <div className="sm:col-span-3">
      <Alert>{error}</Alert>
    </div>
  );
}

export function SubmitCell({ pending, label, pendingLabel }: { pending: boolean; label: string; pendingLabel: string }) {
  return (
    <div className="pt-6">
      <Button type="submit" variant="brand" disabled={pending}>
        {pending ? pendingLabel : label}
      </Button>
    </div>
  );
}
