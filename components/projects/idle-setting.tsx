"use client";
// The project's idle timeout: paused after this long without a request, and
// woken by the next one; and its frozen time: how long it sleeps frozen
// (memory kept, wakes in well under a second) before it is stopped (memory
// freed). "Default" follows the installation's setting.
import { useState, useTransition } from "react";
import { setFrozenStopAction, setIdleTimeoutAction } from "@/app/project/[ref]/actions";
import { Select } from "@/components/ui/select";

const CHOICES: Array<{ label: string; minutes: number | null }> = [
  { label: "Default", minutes: null },
  { label: "Never", minutes: 0 },
  { label: "1 hour", minutes: 60 },
  { label: "1 day", minutes: 1440 },
  { label: "7 days", minutes: 10080 },
];

const SETTINGS = {
  idle: { label: "Pause when idle for", note: "the next request wakes it", testId: "idle-setting", action: setIdleTimeoutAction, never: "Never" },
  frozen: {
    label: "Keep it frozen (memory kept) for",
    note: "then it is stopped, freeing its memory",
    testId: "frozen-stop-setting",
    action: setFrozenStopAction,
    never: "No frozen sleep",
  },
} as const;

export function IdleSetting({
  projectRef,
  initial,
  defaultMinutes,
  kind = "idle",
  readOnly = false,
}: {
  projectRef: string;
  initial: number | null;
  defaultMinutes: number;
  kind?: keyof typeof SETTINGS;
  /** Shown but not changeable: the viewer's role may not change the project's settings. */
  readOnly?: boolean;
}) {
  const setting = SETTINGS[kind];
  const [value, setValue] = useState(initial);
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const known = CHOICES.some((c) => c.minutes === value);
  return (
    <label className="flex flex-wrap items-center gap-2 text-sm text-zinc-600">
      {setting.label}
      <Select
        data-testid={setting.testId}
        disabled={pending || readOnly}
        value={value === null ? "default" : String(value)}
        onChange={(e) => {
          const minutes = e.target.value === "default" ? null : Number(e.target.value);
          setValue(minutes);
          start(async () => {
            setError(null);
            const res = await setting.action(projectRef, minutes);
            if (!res.ok) setError(res.message);
          });
        }}
      >
        {CHOICES.map((c) => (
          <option key={c.label} value={c.minutes === null ? "default" : String(c.minutes)}>
            {c.minutes === null ? `Default (${defaultMinutes === 0 ? "never" : `${defaultMinutes} min`})` : c.minutes === 0 ? setting.never : c.label}
          </option>
        ))}
        {!known && value !== null && <option value={String(value)}>{value} minutes</option>}
      </Select>
      <span className="text-xs text-zinc-400">{setting.note}</span>
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
    </label>
  );
}
