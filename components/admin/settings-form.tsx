"use client";
// The installation's defaults: sign-up, quotas, admission and idle pause.
// Its shape is the settings view (lib/settings/service.ts) and what it sends
// is the settings schema's input (lib/validations/admin.ts): no third copy.
import { useState } from "react";
import { useRefreshingAction } from "@/components/hooks/use-action";
import { saveSettingsAction } from "@/app/admin/actions";
import type { SystemSettingsView } from "@/lib/settings/service";
import type { SettingsInput } from "@/lib/validations/admin";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

type NumberKey = "signupsPerIpPerDay" | "defaultProjectQuota" | "memoryCommitPercent" | "minFreeDiskMb" | "idleTimeoutMin";

const NUMBERS: ReadonlyArray<{ key: NumberKey; testId: string; before: string; after?: string; width: string }> = [
  { key: "signupsPerIpPerDay", testId: "signups-per-ip", before: "Sign-ups per address per day", width: "w-20" },
  { key: "defaultProjectQuota", testId: "default-quota", before: "Default projects per user", width: "w-20" },
  { key: "memoryCommitPercent", testId: "commit-percent", before: "Running projects’ plans may add up to", after: "% of the host’s memory", width: "w-20" },
  { key: "minFreeDiskMb", testId: "min-free-disk", before: "Refuse creates below", after: "MiB of free disk", width: "w-24" },
  {
    key: "idleTimeoutMin",
    testId: "idle-timeout",
    before: "Pause projects idle for",
    after: "minutes (0 = never; the next request wakes them)",
    width: "w-24",
  },
];

export function SettingsForm({ initial }: { initial: SystemSettingsView }) {
  const { pending, error, run } = useRefreshingAction();
  const [signup, setSignup] = useState(initial.signupEnabled);
  const [approval, setApproval] = useState(initial.signupRequiresApproval);
  const [numbers, setNumbers] = useState<Record<NumberKey, string>>(
    () => Object.fromEntries(NUMBERS.map((n) => [n.key, String(initial[n.key])])) as Record<NumberKey, string>,
  );
  const save = () => {
    const input: SettingsInput = {
      signupEnabled: signup,
      signupRequiresApproval: approval,
      ...(Object.fromEntries(NUMBERS.map((n) => [n.key, Number(numbers[n.key])])) as Record<NumberKey, number>),
    };
    run(() => saveSettingsAction(input));
  };
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" data-testid="signup-enabled" checked={signup} onChange={(e) => setSignup(e.target.checked)} /> Public sign-up enabled
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" data-testid="signup-approval" checked={approval} onChange={(e) => setApproval(e.target.checked)} /> Hold new accounts for
        approval
      </label>
      {NUMBERS.map((n) => (
        <label key={n.key} className="flex items-center gap-2 text-sm">
          {n.before}
          <Input
            compact
            data-testid={n.testId}
            value={numbers[n.key]}
            onChange={(e) => setNumbers((prev) => ({ ...prev, [n.key]: e.target.value }))}
            inputMode="numeric"
            className={n.width}
          />
          {n.after}
        </label>
      ))}
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
