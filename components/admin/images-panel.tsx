"use client";
// The template's images on the engine, and a button to pull the missing ones
// before the first create (progress per image while it runs).
import { useEffect, useState } from "react";
import { imagesStatusAction, pullImagesAction } from "@/app/admin/actions";
import type { PullState } from "@/lib/images/puller";
import { Button } from "@/components/ui/button";

export function ImagesPanel({ initial }: { initial: PullState }) {
  const [state, setState] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!state.running) return;
    const t = setInterval(async () => {
      const res = await imagesStatusAction();
      if (res.ok) setState(res.data);
    }, 2000);
    return () => clearInterval(t);
  }, [state.running]);
  const missing = state.images.filter((i) => !i.present).length;
  return (
    <div className="space-y-3 text-sm">
      <p className="text-zinc-600">
        {missing === 0
          ? "Every image of the stack template is on this host."
          : `${missing} of ${state.images.length} images are not on this host yet; the first create would pull them.`}
      </p>
      <ul className="space-y-1 font-mono text-xs" data-testid="template-images">
        {state.images.map((i) => (
          <li key={i.image} className="flex justify-between gap-4">
            <span>{i.image}</span>
            <span className={i.present ? "text-emerald-700" : "text-zinc-500"}>
              {i.present ? "present" : state.running ? `${i.percent ?? 0}% ${i.status}` : "missing"}
            </span>
          </li>
        ))}
      </ul>
      {state.error && (
        <p role="alert" className="text-red-600">
          Pull failed: {state.error}
        </p>
      )}
      {error && (
        <p role="alert" className="text-red-600">
          {error}
        </p>
      )}
      <Button
        variant="secondary"
        disabled={state.running || missing === 0}
        onClick={async () => {
          setError(null);
          const res = await pullImagesAction();
          if (res.ok) setState(res.data);
          else setError(res.message);
        }}
      >
        {state.running ? "Pulling…" : "Pull missing images"}
      </Button>
    </div>
  );
}
