"use client";
import { useState } from "react";
import {
  approveUserAction,
  adminDeleteAction,
  adminPauseAction,
  adminResumeAction,
  setUserDisabledAction,
  setUserQuotaAction,
  setUserRoleAction,
  unlockAccountAction,
} from "@/app/admin/actions";
import { ACTIVE_STATUSES, isStatusIn, STATUS } from "@/lib/domain";
import { useRefreshingAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { RowActions } from "@/components/ui/row-actions";
import { Input } from "@/components/ui/input";
import { DeleteProjectDialog } from "@/components/projects/delete-project-dialog";

export function UserControls({ user }: { user: { id: string; email: string; role: string; disabled: boolean; projectQuota: number | null } }) {
  const { pending, error, run } = useRefreshingAction();
  const [quota, setQuota] = useState(user.projectQuota === null ? "" : String(user.projectQuota));
  return (
    <RowActions error={error}>
      <form
        className="flex items-center gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          run(() => setUserQuotaAction(user.id, quota.trim() === "" ? null : Number(quota)));
        }}
      >
        <Input
          compact
          aria-label={`Quota for ${user.email}`}
          value={quota}
          onChange={(e) => setQuota(e.target.value)}
          placeholder="default"
          inputMode="numeric"
          className="w-20"
        />
        <Button type="submit" variant="secondary" className="!px-2 !py-1 text-xs" disabled={pending}>
          Set
        </Button>
      </form>
      <Button
        variant="secondary"
        className="!px-2 !py-1 text-xs"
        disabled={pending}
        onClick={() => run(() => setUserRoleAction(user.id, user.role === "ADMIN" ? "USER" : "ADMIN"))}
      >
        {user.role === "ADMIN" ? "Demote" : "Promote"}
      </Button>
      <Button
        variant={user.disabled ? "secondary" : "danger"}
        className="!px-2 !py-1 text-xs"
        disabled={pending}
        data-testid={`toggle-${user.email}`}
        onClick={() => run(() => setUserDisabledAction(user.id, !user.disabled))}
      >
        {user.disabled ? "Enable" : "Disable"}
      </Button>
      <Button
        variant="secondary"
        className="!px-2 !py-1 text-xs"
        disabled={pending}
        data-testid={`unlock-${user.email}`}
        title="Lift this account's log-in lock from every address (after too many wrong passwords)"
        onClick={() => run(() => unlockAccountAction(user.id))}
      >
        Unlock log-in
      </Button>
    </RowActions>
  );
}

export function ProjectControls({ project }: { project: { ref: string; name: string; status: string } }) {
  const { pending, error, run } = useRefreshingAction();
  const active = isStatusIn(project.status, ACTIVE_STATUSES);
  return (
    <RowActions error={error}>
      {active && (
        <Button variant="secondary" className="!px-2 !py-1 text-xs" disabled={pending} onClick={() => run(() => adminPauseAction(project.ref))}>
          Pause
        </Button>
      )}
      {project.status === STATUS.INACTIVE && (
        <Button variant="secondary" className="!px-2 !py-1 text-xs" disabled={pending} onClick={() => run(() => adminResumeAction(project.ref))}>
          Resume
        </Button>
      )}
      <DeleteProjectDialog
        projectRef={project.ref}
        name={project.name}
        onDelete={async (confirmRef) => {
          const res = await adminDeleteAction({ ref: project.ref, confirmRef });
          return res;
        }}
      />
    </RowActions>
  );
}

export function ApproveButton({ user }: { user: { id: string; email: string } }) {
  const { pending, error, run } = useRefreshingAction();
  return (
    <RowActions error={error}>
      <Button
        variant="primary"
        className="!px-2 !py-1 text-xs"
        disabled={pending}
        data-testid={`approve-${user.email}`}
        onClick={() => run(() => approveUserAction(user.id))}
      >
        Approve
      </Button>
    </RowActions>
  );
}
