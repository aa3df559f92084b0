"use client";
import { useEffect, useRef, useState } from "react";

import { SERVICE_NAMES as SERVICES } from "@/lib/stack/types";
import { Select } from "@/components/ui/select";

/** Reconnects when the project status changes (containers come and go). */
export function LogViewer({ projectRef, status }: { projectRef: string; status: string }) {
  const [service, setService] = useState<string>("db");
  const [follow, setFollow] = useState(true);
  const [lines, setLines] = useState<Array<{ stream: string; line: string; time?: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    const es = new EventSource(`/api/projects/${projectRef}/logs?service=${service}&tail=200&follow=${follow ? 1 : 0}`);
    // A new stream starts a new view: cleared when it opens, not in the effect body.
    es.addEventListener("open", () => {
      setLines([]);
      setError(null);
    });
    es.addEventListener("line", (e) => {
      const l = JSON.parse((e as MessageEvent<string>).data) as { stream: string; line: string; time?: string };
      setLines((prev) => [...prev.slice(-999), l]);
    });
    es.addEventListener("error", (e) => {
      const data = (e as MessageEvent<string>).data;
      if (data) setError((JSON.parse(data) as { message: string }).message);
      es.close();
    });
    es.addEventListener("end", () => es.close());
    return () => es.close();
  }, [projectRef, service, follow, status]);

  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines]);

  return (
    <div>
      <div className="mb-2 flex items-center gap-3 text-sm">
        <label className="flex items-center gap-2">
          Service
          <Select data-testid="log-service" value={service} onChange={(e) => setService(e.target.value)}>
            {SERVICES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </Select>
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
      </div>
      {error && <p className="mb-2 text-sm text-red-600">{error}</p>}
      <pre ref={box} data-testid="log-lines" className="h-64 overflow-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-5 text-zinc-100">
        {lines.length === 0 ? (
          <span className="text-zinc-500">No log lines yet.</span>
        ) : (
          lines.map((l, i) => (
            <div key={i} className={l.stream === "stderr" ? "text-amber-300" : undefined}>
              {l.time && <span className="text-zinc-500">{l.time.slice(11, 19)} </span>}
              {l.line}
            </div>
          ))
        )}
      </pre>
    </div>
  );
}
