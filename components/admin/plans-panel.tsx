"use client";
// Plans: what each user's projects get (memory, CPUs). The admin makes them,
// marks one as the default, and picks one per user.
import { useState } from "react";
import { deletePlanAction, savePlanAction, setUserPlanAction } from "@/app/admin/actions";
import type { PlanView } from "@/lib/admin/plans";
import { useRefreshingAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

// The new-plan form's fields; empty optional fields mean "the installation's default".
const PLAN_FIELDS = [
  { key: "name", label: "Plan name", testId: "plan-name", placeholder: "name", width: "w-28" },
  { key: "memory", label: "Memory (MiB)", testId: "plan-memory", inputMode: "numeric", width: "w-20", suffix: "MiB" },
  { key: "cpus", label: "CPUs", testId: "plan-cpus", inputMode: "decimal", width: "w-14", suffix: "CPUs" },
  { key: "dbDisk", label: "Database disk per project (MiB)", testId: "plan-db-disk", placeholder: "db disk MiB", inputMode: "numeric", width: "w-28" },
  { key: "fileLimit", label: "Largest upload (MiB)", testId: "plan-file-limit", placeholder: "upload MiB", inputMode: "numeric", width: "w-24" },
  { key: "backupQuota", label: "Backup space per user (MiB)", testId: "plan-backup-quota", placeholder: "backups MiB", inputMode: "numeric", width: "w-24" },
] as const;

type PlanForm = Record<(typeof PLAN_FIELDS)[number]["key"], string>;

const optionalMb = (v: string) => (v.trim() ? Number(v) : null);
const mbOrDefault = (mb: number | null) => (mb === null ? "installation default" : `${mb} MiB`);

function PlanRow({ plan, pending, run }: { plan: PlanView; pending: boolean; run: ReturnType<typeof useRefreshingAction>["run"] }) {
  return (
    <TableRow data-testid={`plan-${plan.name}`}>
      <TableCell>
        {plan.name}
        {plan.isDefault && <span className="text-xs text-zinc-500"> (default)</span>}
      </TableCell>
      <TableCell>{plan.memoryMb} MiB</TableCell>
      <TableCell>{plan.cpus}</TableCell>
      <TableCell>{mbOrDefault(plan.dbDiskMb)}</TableCell>
      <TableCell>{plan.fileSizeLimitMb ?? 50} MiB</TableCell>
      <TableCell>{mbOrDefault(plan.backupQuotaMb)}</TableCell>
      <TableCell>{plan.users}</TableCell>
      <TableCell align="right" className="space-x-1">
        {!plan.isDefault && (
          <Button
            variant="secondary"
            className="!px-2 !py-1 text-xs"
            disabled={pending}
            onClick={() =>
              run(() =>
                savePlanAction({
                  id: plan.id,
                  name: plan.name,
                  memoryMb: plan.memoryMb,
                  cpus: plan.cpus,
                  dbDiskMb: plan.dbDiskMb,
                  fileSizeLimitMb: plan.fileSizeLimitMb,
                  backupQuotaMb: plan.backupQuotaMb,
                  makeDefault: true,
                }),
              )
            }
          >
            Make default
          </Button>
        )}
        <Button variant="ghost" className="!px-2 !py-1 text-xs" disabled={pending} onClick={() => run(() => deletePlanAction(plan.id))}>
          Delete
        </Button>
      </TableCell>
    </TableRow>
  );
}

export function PlansPanel({ plans, templateDefault }: { plans: PlanView[]; templateDefault: { memoryMb: number; cpus: number } }) {
  const { pending, error, run } = useRefreshingAction();
  const [form, setForm] = useState<PlanForm>({ name: "", memory: "4096", cpus: "2", dbDisk: "", fileLimit: "", backupQuota: "" });
  const [makeDefault, setMakeDefault] = useState(false);
  const hasDefault = plans.some((p) => p.isDefault);
  return (
    <div className="space-y-3 text-sm">
      <Table>
        <TableHeader columns={["Plan", "Memory", "CPUs", "Database disk", "Largest upload", "Backup space", "Users", ""]} />
        <TableBody>
          {!hasDefault && (
            <TableRow>
              <TableCell>
                Template default <span className="text-xs text-zinc-500">(default)</span>
              </TableCell>
              <TableCell>{templateDefault.memoryMb} MiB</TableCell>
              <TableCell>{templateDefault.cpus}</TableCell>
              <TableCell>installation default</TableCell>
              <TableCell>50 MiB</TableCell>
              <TableCell>installation default</TableCell>
              <TableCell>–</TableCell>
              <TableCell />
            </TableRow>
          )}
          {plans.map((p) => (
            <PlanRow key={p.id} plan={p} pending={pending} run={run} />
          ))}
        </TableBody>
      </Table>
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          run(() =>
            savePlanAction({
              name: form.name,
              memoryMb: Number(form.memory),
              cpus: Number(form.cpus),
              dbDiskMb: optionalMb(form.dbDisk),
              fileSizeLimitMb: optionalMb(form.fileLimit),
              backupQuotaMb: optionalMb(form.backupQuota),
              makeDefault,
            }),
          );
        }}
      >
        {PLAN_FIELDS.map((f) => (
          <span key={f.key} className="inline-flex items-center gap-1">
            <Input
              compact
              aria-label={f.label}
              data-testid={f.testId}
              value={form[f.key]}
              onChange={(e) => setForm((prev) => ({ ...prev, [f.key]: e.target.value }))}
              placeholder={"placeholder" in f ? f.placeholder : undefined}
              inputMode={"inputMode" in f ? f.inputMode : undefined}
              className={f.width}
            />
            {"suffix" in f && f.suffix}
          </span>
        ))}
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
  const { pending, error, run } = useRefreshingAction();
  return (
    <span className="inline-flex items-center gap-1">
      <Select
        aria-label={`Plan for ${email}`}
        data-testid={`plan-of-${email}`}
        value={planId ?? ""}
        disabled={pending}
        onChange={(e) => run(() => setUserPlanAction(userId, e.target.value || null))}
      >
        <option value="">default</option>
        {plans.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </Select>
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
    </span>
  );
}
