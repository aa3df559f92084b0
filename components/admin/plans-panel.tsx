"use client";
// Plans: what each user's projects get (memory, CPUs). The admin makes them,
// marks one as the default, and picks one per user.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { deletePlanAction, savePlanAction, setUserPlanAction } from "@/app/admin/actions";
import type { ActionResult } from "@/lib/actions";
import type { PlanView } from "@/lib/admin/plans";
import { Button } from "@/components/ui/button";

function useRun() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (fn: () => Promise<ActionResult<undefined>>) =>
    start(async () => {
      setError(null);
      const res = await fn();
      if (!res.ok) setError(Object.values(res.fieldErrors ?? {})[0]?.[0] ?? res.message);
      router.refresh();
    });
  return { pending, error, run };
}

export function PlansPanel({ plans, templateDefault }: { plans: PlanView[]; templateDefault: { memoryMb: number; cpus: number } }) {
  const { pending, error, run } = useRun();
  const [name, setName] = useState("");
  const [memory, setMemory] = useState("4096");
  const [cpus, setCpus] = useState("2");
  const [dbDisk, setDbDisk] = useState("");
  const [fileLimit, setFileLimit] = useState("");
  const [backupQuota, setBackupQuota] = useState("");
  const [makeDefault, setMakeDefault] = useState(false);
  const hasDefault = plans.some((p) => p.isDefault);
  return (
    <div className="space-y-3 text-sm">
      <table className="w-full text-left">
        <thead className="text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="py-1.5">Plan</th>
            <th>Memory</th>
            <th>CPUs</th>
            <th>Database disk</th>
            <th>Largest upload</th>
            <th>Backup space</th>
            <th>Users</th>
            <th className="text-right" />
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {!hasDefault && (
            <tr>
              <td className="py-2">
                Template default <span className="text-xs text-zinc-500">(default)</span>
              </td>
              <td>{templateDefault.memoryMb} MiB</td>
              <td>{templateDefault.cpus}</td>
              <td>installation default</td>
              <td>50 MiB</td>
              <td>installation default</td>
              <td>–</td>
              <td />
            </tr>
          )}
          {plans.map((p) => (
            <tr key={p.id} data-testid={`plan-${p.name}`}>
              <td className="py-2">
                {p.name}
                {p.isDefault && <span className="text-xs text-zinc-500"> (default)</span>}
              </td>
              <td>{p.memoryMb} MiB</td>
              <td>{p.cpus}</td>
              <td>{p.dbDiskMb === null ? "installation default" : `${p.dbDiskMb} MiB`}</td>
              <td>{p.fileSizeLimitMb ?? 50} MiB</td>
              <td>{p.backupQuotaMb === null ? "installation default" : `${p.backupQuotaMb} MiB`}</td>
              <td>{p.users}</td>
              <td className="space-x-1 text-right">
                {!p.isDefault && (
                  <Button
                    variant="secondary"
                    className="!px-2 !py-1 text-xs"
                    disabled={pending}
                    onClick={() =>
                      run(() =>
                        savePlanAction({
                          id: p.id,
                          name: p.name,
                          memoryMb: p.memoryMb,
                          cpus: p.cpus,
                          dbDiskMb: p.dbDiskMb,
                          fileSizeLimitMb: p.fileSizeLimitMb,
                          backupQuotaMb: p.backupQuotaMb,
                          makeDefault: true,
                        }),
                      )
                    }
                  >
                    Make default
                  </Button>
                )}
                <Button variant="ghost" className="!px-2 !py-1 text-xs" disabled={pending} onClick={() => run(() => deletePlanAction(p.id))}>
                  Delete
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          run(() =>
            savePlanAction({
              name,
              memoryMb: Number(memory),
              cpus: Number(cpus),
              dbDiskMb: dbDisk.trim() ? Number(dbDisk) : null,
              fileSizeLimitMb: fileLimit.trim() ? Number(fileLimit) : null,
              backupQuotaMb: backupQuota.trim() ? Number(backupQuota) : null,
              makeDefault,
            }),
          );
        }}
      >
        <input
          aria-label="Plan name"
          data-testid="plan-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="name"
          className="w-28 rounded-md border border-zinc-300 px-2 py-1"
        />
        <input
          aria-label="Memory (MiB)"
          data-testid="plan-memory"
          value={memory}
          onChange={(e) => setMemory(e.target.value)}
          inputMode="numeric"
          className="w-20 rounded-md border border-zinc-300 px-2 py-1"
        />{" "}
        MiB
        <input
          aria-label="CPUs"
          data-testid="plan-cpus"
          value={cpus}
          onChange={(e) => setCpus(e.target.value)}
          inputMode="decimal"
          className="w-14 rounded-md border border-zinc-300 px-2 py-1"
        />
        <input
          aria-label="Database disk per project (MiB)"
          data-testid="plan-db-disk"
          value={dbDisk}
          onChange={(e) => setDbDisk(e.target.value)}
          placeholder="db disk MiB"
          inputMode="numeric"
          className="w-28 rounded-md border border-zinc-300 px-2 py-1"
        />
        <input
          aria-label="Largest upload (MiB)"
          data-testid="plan-file-limit"
          value={fileLimit}
          onChange={(e) => setFileLimit(e.target.value)}
          placeholder="upload MiB"
          inputMode="numeric"
          className="w-24 rounded-md border border-zinc-300 px-2 py-1"
        />
        <input
          aria-label="Backup space per user (MiB)"
          data-testid="plan-backup-quota"
          value={backupQuota}
          onChange={(e) => setBackupQuota(e.target.value)}
          placeholder="backups MiB"
          inputMode="numeric"
          className="w-24 rounded-md border border-zinc-300 px-2 py-1"
        />{" "}
        CPUs
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={makeDefault} onChange={(e) => setMakeDefault(e.target.checked)} /> default
        </label>
        <Button type="submit" variant="secondary" className="!px-2 !py-1 text-xs" disabled={pending} data-testid="add-plan">
          Add plan
        </Button>
      </form>
      {error && (
        <p role="alert" className="text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}

export function UserPlanSelect({
  userId,
  email,
  planId,
  plans,
}: {
  userId: string;
  email: string;
  planId: string | null;
  plans: Array<{ id: string; name: string }>;
}) {
  const { pending, error, run } = useRun();
  return (
    <span className="inline-flex items-center gap-1">
      <select
        aria-label={`Plan for ${email}`}
        data-testid={`plan-of-${email}`}
        value={planId ?? ""}
        disabled={pending}
        onChange={(e) => run(() => setUserPlanAction(userId, e.target.value || null))}
        className="rounded-md border border-zinc-300 px-1 py-1 text-xs"
      >
        <option value="">default</option>
        {plans.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
    </span>
  );
}
