"use client";
import { useEffect } from "react";

/** Runs `load` now and every `everyMs` while mounted: from timers, never synchronously in the effect. */
export function usePolling(load: () => Promise<void>, everyMs: number): void {
  useEffect(() => {
    const first = setTimeout(() => void load(), 0);
    const t = setInterval(() => void load(), everyMs);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [load, everyMs]);
}
