"use client";
// Starts the upgrade of every project still on an older template version
// (each backs up first where backups exist, and rolls back if it does not
// come up healthy; see lib/projects/upgrade.ts).
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { upgradeAllProjectsAction } from "@/app/admin/actions";
import { Button } from "@/components/ui/button";

export function UpgradeAll({ latest, behind }: { latest: string; behind: number }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <span className="text-zinc-600">
        {behind === 0 ? `Every project runs template ${latest}.` : `${behind} project${behind === 1 ? "" : "s"} on an older template than ${latest}.`}
      </span>
      {behind > 0 && (
        <Button
          variant="secondary"
          disabled={pending}
          data-testid="upgrade-all"
          onClick={() =>
            start(async () => {
              const res = await upgradeAllProjectsAction();
              setMessage(res.ok ? `Upgrading ${res.data.length} project(s).` : res.message);
              router.refresh();
            })
          }
        >
          {pending ? "Starting…" : `Upgrade all to ${latest}`}
        </Button>
      )}
      {message && (
        <span role="status" className="text-zinc-600">
          {message}
        </span>
      )}
    </div>
  );
}
