"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import {
  approveUserAction,
  adminDeleteAction,
  adminPauseAction,
  adminResumeAction,
  saveSettingsAction,
  setUserDisabledAction,
  setUserQuotaAction,
  setUserRoleAction,
  unlockAccountAction,
} from "@/app/admin/actions";
import type { ActionResult } from "@/lib/actions";
import { ACTIVE_STATUSES, isStatusIn, STATUS } from "@/lib/domain";
import type { SettingsValues } from "@/lib/validations/admin";
import { Button } from "@/components/ui/button";
import { DeleteProjectDialog } from "@/components/projects/delete-project-dialog";

function useAction() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (fn: () => Promise<ActionResult<undefined>>) =>
    start(async () => {
      setError(null);
      const res = await fn();
      if (!res.ok) setError(res.message);
      router.refresh();
    });
  return { pending, error, run };
}

export function UserControls({ user }: { user: { id: string; email: string; role: string; disabled: boolean; projectQuota: number | null } }) {
  const { pending, error, run } = useAction();
  const [quota, setQuota] = useState(user.projectQuota === null ? "" : String(user.projectQuota));
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <form
        className="flex items-center gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          run(() => setUserQuotaAction(user.id, quota.trim() === "" ? null : Number(quota)));
        }}
      >
        <input
          aria-label={`Quota for ${user.email}`}
          value={quota}
          onChange={(e) => setQuota(e.target.value)}
          placeholder="default"
          inputMode="numeric"
          className="w-20 rounded-md border border-zinc-300 px-2 py-1 text-xs"
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
      {error && (
        <span role="alert" className="w-full text-right text-xs text-red-600">
          {error}
        </span>
      )}
    </div>
  );
}

export function ProjectControls({ project }: { project: { ref: string; name: string; status: string } }) {
  const { pending, error, run } = useAction();
  const active = isStatusIn(project.status, ACTIVE_STATUSES);
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
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
      {error && (
        <span role="alert" className="w-full text-right text-xs text-red-600">
          {error}
        </span>
      )}
    </div>
  );
}

export function ApproveButton({ user }: { user: { id: string; email: string } }) {
  const { pending, error, run } = useAction();
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <Button
        variant="primary"
        className="!px-2 !py-1 text-xs"
        disabled={pending}
        data-testid={`approve-${user.email}`}
        onClick={() => run(() => approveUserAction(user.id))}
      >
        Approve
      </Button>
      {error && (
        <span role="alert" className="w-full text-right text-xs text-red-600">
          {error}
        </span>
      )}
    </div>
  );
}

export function SettingsForm({ initial }: { initial: SettingsValues }) {
  const { pending, error, run } = useAction();
  const [signup, setSignup] = useState(initial.signupEnabled);
  const [quota, setQuota] = useState(String(initial.defaultProjectQuota));
  const [approval, setApproval] = useState(initial.signupRequiresApproval);
  const [perIp, setPerIp] = useState(String(initial.signupsPerIpPerDay));
  const [commit, setCommit] = useState(String(initial.memoryCommitPercent));
  const [disk, setDisk] = useState(String(initial.minFreeDiskMb));
  const [idle, setIdle] = useState(String(initial.idleTimeoutMin));
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        run(() =>
          saveSettingsAction({
            signupEnabled: signup,
            defaultProjectQuota: Number(quota),
            signupRequiresApproval: approval,
            signupsPerIpPerDay: Number(perIp),
            memoryCommitPercent: Number(commit),
            minFreeDiskMb: Number(disk),
            idleTimeoutMin: Number(idle),
          }),
        );
      }}
    >
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" data-testid="signup-enabled" checked={signup} onChange={(e) => setSignup(e.target.checked)} /> Public sign-up enabled
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" data-testid="signup-approval" checked={approval} onChange={(e) => setApproval(e.target.checked)} /> Hold new accounts for
        approval
      </label>
      <label className="flex items-center gap-2 text-sm">
        Sign-ups per address per day
        <input
          data-testid="signups-per-ip"
          value={perIp}
          onChange={(e) => setPerIp(e.target.value)}
          inputMode="numeric"
          className="w-20 rounded-md border border-zinc-300 px-2 py-1"
        />
      </label>
      <label className="flex items-center gap-2 text-sm">
        Default projects per user
        <input
          data-testid="default-quota"
          value={quota}
          onChange={(e) => setQuota(e.target.value)}
          inputMode="numeric"
          className="w-20 rounded-md border border-zinc-300 px-2 py-1"
        />
      </label>
      <label className="flex items-center gap-2 text-sm">
        Running projects’ plans may add up to
        <input
          data-testid="commit-percent"
          value={commit}
          onChange={(e) => setCommit(e.target.value)}
          inputMode="numeric"
          className="w-20 rounded-md border border-zinc-300 px-2 py-1"
        />
        % of the host’s memory
      </label>
      <label className="flex items-center gap-2 text-sm">
        Refuse creates below
        <input
          data-testid="min-free-disk"
          value={disk}
          onChange={(e) => setDisk(e.target.value)}
          inputMode="numeric"
          className="w-24 rounded-md border border-zinc-300 px-2 py-1"
        />
        MiB of free disk
      </label>
      <label className="flex items-center gap-2 text-sm">
        Pause projects idle for
        <input
          data-testid="idle-timeout"
          value={idle}
          onChange={(e) => setIdle(e.target.value)}
          inputMode="numeric"
          className="w-24 rounded-md border border-zinc-300 px-2 py-1"
        />
        minutes (0 = never; the next request wakes them)
      </label>
      <Button type="submit" variant="primary" disabled={pending} data-testid="save-settings">
        {pending ? "Saving…" : "Save"}
      </Button>
      {error && (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      )}
    </form>
  );
}
