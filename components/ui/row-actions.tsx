import type { ReactNode } from "react";

/** A table row's buttons, right-aligned, with the last action's error under them. */
export function RowActions({ error, children }: { error: string | null; children: ReactNode }) {
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      {children}
      {error && (
        <span role="alert" className="w-full text-right text-xs text-red-600">
          {error}
        </span>
      )}
    </div>
  );
}
