"use client";
// The Swarm's nodes: capacity, what is committed, this installation's
// projects, state; a node can be drained (it keeps its projects and takes no
// new ones) and taken back.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { setNodeDrainedAction } from "@/app/admin/actions";
import { Button } from "@/components/ui/button";

export interface NodeRow {
  id: string;
  hostname: string;
  address: string;
  role: string;
  state: string;
  availability: string;
  drained: boolean;
  local: boolean;
  memoryBytes: number;
  nanoCpus: number;
  committedMemoryBytes: number;
  projects: string[];
}

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;

function DrainButton({ node }: { node: NodeRow }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="secondary"
        disabled={pending}
        data-testid={`node-drain-${node.id}`}
        onClick={() =>
          start(async () => {
            const res = await setNodeDrainedAction({ nodeId: node.id, drained: !node.drained });
            setError(res.ok ? null : res.message);
            router.refresh();
          })
        }
      >
        {node.drained ? "Take new projects" : "Drain"}
      </Button>
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
    </span>
  );
}

export function NodesPanel({ nodes }: { nodes: NodeRow[] }) {
  return (
    <table className="w-full text-left text-sm">
      <thead className="text-xs uppercase tracking-wide text-zinc-500">
        <tr>
          <th className="py-1.5">Node</th>
          <th>State</th>
          <th>Memory committed</th>
          <th>CPUs</th>
          <th>Projects</th>
          <th className="text-right">New projects</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {nodes.map((n) => (
          <tr key={n.id} data-testid={`node-${n.id}`}>
            <td className="py-2">
              <div className="font-medium">
                {n.hostname}
                {n.local ? " (this host)" : ""}
              </div>
              <div className="font-mono text-xs text-zinc-500">
                {n.id.slice(0, 12)} · {n.address} · {n.role}
              </div>
            </td>
            <td className={n.state === "ready" ? "" : "text-red-600"}>
              {n.state}
              {n.availability !== "active" ? ` (${n.availability})` : ""}
              {n.drained ? " · drained" : ""}
            </td>
            <td>
              {gib(n.committedMemoryBytes)} of {gib(n.memoryBytes)}
            </td>
            <td>{(n.nanoCpus / 1e9).toFixed(0)}</td>
            <td title={n.projects.join(", ")}>{n.projects.length}</td>
            <td className="py-2 text-right">
              <DrainButton node={n} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
