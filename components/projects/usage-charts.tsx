"use client";
// A project's last 24 hours: CPU, memory and network, sampled every 5 minutes
// by the server (lib/projects/usage.ts). Drawn with recharts.
import { Area, AreaChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsagePoint } from "@/lib/projects/usage";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function Chart({
  title,
  unit,
  data,
  keys,
}: {
  title: string;
  unit: string;
  data: UsagePoint[];
  keys: Array<{ key: keyof UsagePoint; color: string; name: string }>;
}) {
  return (
    <figure className="rounded-lg border border-zinc-200 p-3">
      <figcaption className="mb-2 text-xs font-medium uppercase tracking-wide text-zinc-500">{title}</figcaption>
      <div className="h-32">
        <ResponsiveContainer width="100%" height="100%">
          {keys.length === 1 ? (
            <AreaChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" />
              <XAxis dataKey="at" tickFormatter={time} tick={{ fontSize: 10 }} minTickGap={40} />
              <YAxis tick={{ fontSize: 10 }} unit={unit} />
              <Tooltip labelFormatter={(v) => time(String(v))} formatter={(v) => [`${v} ${unit}`, keys[0]!.name]} />
              <Area type="monotone" dataKey={keys[0]!.key} stroke={keys[0]!.color} fill={keys[0]!.color} fillOpacity={0.15} isAnimationActive={false} />
            </AreaChart>
          ) : (
            <LineChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" />
              <XAxis dataKey="at" tickFormatter={time} tick={{ fontSize: 10 }} minTickGap={40} />
              <YAxis tick={{ fontSize: 10 }} unit={unit} />
              <Tooltip labelFormatter={(v) => time(String(v))} />
              {keys.map((k) => (
                <Line key={k.key} type="monotone" dataKey={k.key} name={k.name} stroke={k.color} dot={false} isAnimationActive={false} />
              ))}
            </LineChart>
          )}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function UsageCharts({ points }: { points: UsagePoint[] }) {
  const lastDisk = [...points].reverse().find((p) => p.diskMb !== null)?.diskMb ?? null;
  return (
    <Card data-testid="usage">
      <CardHeader title="Usage, last 24 hours">{lastDisk !== null && <span className="text-sm text-zinc-500">Volumes: {lastDisk} MiB</span>}</CardHeader>
      {points.length === 0 ? (
        <EmptyState>No samples yet: they are taken every 5 minutes while the project runs.</EmptyState>
      ) : (
        <div className="grid gap-3 md:grid-cols-3">
          <Chart title="CPU" unit="%" data={points} keys={[{ key: "cpuPercent", color: "#0ea5e9", name: "CPU" }]} />
          <Chart title="Memory" unit="MiB" data={points} keys={[{ key: "memoryMb", color: "#10b981", name: "Memory" }]} />
          <Chart
            title="Network per 5 min"
            unit="KiB"
            data={points}
            keys={[
              { key: "netRxKb", color: "#6366f1", name: "in" },
              { key: "netTxKb", color: "#f59e0b", name: "out" },
            ]}
          />
        </div>
      )}
    </Card>
  );
}
