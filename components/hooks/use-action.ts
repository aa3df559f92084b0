"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { ActionResult } from "@/lib/actions";

/**
 * Runs a server action in a transition, keeps its error (a field's message
 * first, else the action's) and refreshes the page's server data after it.
 */
export function useRefreshingAction() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (fn: () => Promise<ActionResult<unknown>>) =>
    start(async () => {
      setError(null);
      const res = await fn();
      if (!res.ok) setError(Object.values(res.fieldErrors ?? {})[0]?.[0] ?? res.message);
      router.refresh();
    });
  return { pending, error, run };
}
