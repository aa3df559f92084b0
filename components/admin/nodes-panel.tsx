"use client";
// The Swarm's nodes: capacity, what is committed, this installation's
// projects, state; a node can be drained (it keeps its projects and takes no
// new ones) and taken back.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { setNodeDrainedAction } from "@/app/admin/actions";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";
import type { NodeView } from "@/lib/stack/runtime-port";

/** A node as the runtime port reports it (lib/stack/runtime-port.ts). */
export type NodeRow = NodeView;

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
    <Table>
      <TableHeader columns={["Node", "State", "Memory committed", "CPUs", "Projects", { label: "New projects", align: "right" }]} />
      <TableBody>
        {nodes.map((n) => (
          <TableRow key={n.id} data-testid={`node-${n.id}`}>
            <TableCell>
              <div className="font-medium">
                {n.hostname}
                {n.local ? " (this host)" : ""}
              </div>
              <div className="font-mono text-xs text-zinc-500">
                {n.id.slice(0, 12)} · {n.address} · {n.role}
              </div>
            </TableCell>
            <TableCell className={n.state === "ready" ? "" : "text-red-600"}>
              {n.state}
              {n.availability !== "active" ? ` (${n.availability})` : ""}
              {n.drained ? " · drained" : ""}
            </TableCell>
            <TableCell>
              {gib(n.committedMemoryBytes)} of {gib(n.memoryBytes)}
            </TableCell>
            <TableCell>{(n.nanoCpus / 1e9).toFixed(0)}</TableCell>
            <TableCell title={n.projects.join(", ")}>{n.projects.length}</TableCell>
            <TableCell align="right">
              <DrainButton node={n} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
