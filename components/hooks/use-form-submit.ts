"use client";
import { useState } from "react";
import type { ActionResult } from "@/lib/actions";

/** A dialog form's submit: pending while the action runs, then its error (the named field's message first). */
export function useFormSubmit(field: string) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(action: () => Promise<ActionResult<unknown>>): Promise<boolean> {
    setPending(true);
    setError(null);
    const res = await action();
    setPending(false);
    if (!res.ok) setError(res.fieldErrors?.[field]?.[0] ?? res.message);
    return res.ok;
  }
  return { pending, setPending, error, setError, submit };
}
