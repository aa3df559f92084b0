"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { addMemberAction, changeRoleAction, removeMemberAction } from "@/app/organizations/actions";
import { ORG_ROLE_NAMES, ORG_ROLES, type OrgRole } from "@/lib/domain";
import type { MemberView } from "@/lib/orgs/service";
import { addMemberSchema } from "@/lib/validations/organization";
import { useFieldErrors } from "@/components/hooks/use-field-errors";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError, RoleSelect, SubmitCell } from "@/components/orgs/role-form-parts";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

/** What the viewer may do here, decided on the server from their role (the actions check again). */
export interface MemberRights {
  manage: boolean;
  manageOwners: boolean;
}

const assignable = (rights: MemberRights): OrgRole[] => ORG_ROLES.filter((r) => rights.manageOwners || r !== "OWNER");

export function AddMemberForm({ slug, rights }: { slug: string; rights: MemberRights }) {
  const router = useRouter();
  const { pending, setPending, error, setError, fieldErrors, setFieldErrors, showRefusal, checkFields } = useFieldErrors();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const input = { slug, email: String(data.get("email") ?? ""), role: String(data.get("role") ?? "") };
    if (!checkFields(addMemberSchema.safeParse(input))) return;
    setPending(true);
    setError(null);
    setFieldErrors({});
    const res = await addMemberAction(input);
    setPending(false);
    if (!res.ok) return showRefusal(res);
    form.reset();
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start" noValidate data-testid="add-member">
      <FormError error={error} />
      <Field label="Email of an existing account" name="email" type="email" placeholder="dev@example.com" required errors={fieldErrors.email} />
      <RoleSelect id="field-role" roles={assignable(rights)} />
      <SubmitCell pending={pending} label="Add member" pendingLabel="Adding…" />
    </form>
  );
}

function MemberActions({ slug, member, rights, self }: { slug: string; member: MemberView; rights: MemberRights; self: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const may = member.role === "OWNER" ? rights.manageOwners : rights.manage;
  const done = (res: { ok: boolean; message?: string }) => (res.ok ? (setError(null), router.refresh()) : setError(res.message ?? "Refused."));
  return (
    <span className="inline-flex items-center gap-2">
      {error && (
        <span className="text-xs text-red-600" role="alert">
          {error}
        </span>
      )}
      {may && (
        <Select
          aria-label={`Role of ${member.email}`}
          data-testid={`role-${member.userId}`}
          value={member.role}
          onChange={async (e) => done(await changeRoleAction({ slug, userId: member.userId, role: e.target.value }))}
        >
          {assignable(rights).map((r) => (
            <option key={r} value={r}>
              {ORG_ROLE_NAMES[r]}
            </option>
          ))}
        </Select>
      )}
      {(may || self) && (
        <Button
          variant="secondary"
          data-testid={`remove-${member.userId}`}
          onClick={async () => done(await removeMemberAction({ slug, userId: member.userId }))}
        >
          {self ? "Leave" : "Remove"}
        </Button>
      )}
    </span>
  );
}

export function MemberList({
  slug,
  members,
  rights,
  viewerId,
  personal,
}: {
  slug: string;
  members: MemberView[];
  rights: MemberRights;
  viewerId: string;
  personal: boolean;
}) {
  if (members.length === 0) return <EmptyState>No members.</EmptyState>;
  return (
    <div className="overflow-x-auto">
      <Table data-testid="members">
        <TableHeader columns={["Member", "Role", "Two-factor", "Joined", ""]} />
        <TableBody>
          {members.map((m) => (
            <TableRow key={m.userId} data-testid="member-row" data-user-id={m.userId} data-role={m.role}>
              <TableCell className="font-medium">
                {m.name ? `${m.name} · ` : ""}
                {m.email}
              </TableCell>
              <TableCell>{ORG_ROLE_NAMES[m.role]}</TableCell>
              <TableCell>{m.mfaEnabled ? "On" : "Off"}</TableCell>
              <TableCell>{new Date(m.joinedAt).toLocaleDateString("en", { dateStyle: "medium" })}</TableCell>
              <TableCell align="right">
                {!(personal && m.userId === slug) && <MemberActions slug={slug} member={m} rights={rights} self={m.userId === viewerId} />}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
