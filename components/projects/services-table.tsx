// The project's containers as the engine reports them: state, health,
// restarts and start time per service.
import type { ServiceStatus } from "@/lib/projects/provisioner";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

const HEALTH_STYLE: Record<string, string> = { unhealthy: "text-red-600", healthy: "text-emerald-700" };

export function ServicesTable({ services }: { services: ServiceStatus[] }) {
  if (services.length === 0) return <EmptyState>No containers.</EmptyState>;
  return (
    <Table>
      <TableHeader columns={["Service", "State", "Health", "Restarts", "Started"]} />
      <TableBody>
        {services.map((svc) => (
          <TableRow key={svc.service} data-testid={`service-${svc.service}`}>
            <TableCell className="font-medium">{svc.service}</TableCell>
            <TableCell>{svc.state}</TableCell>
            <TableCell className={HEALTH_STYLE[svc.health] ?? "text-zinc-500"}>{svc.health}</TableCell>
            <TableCell>{svc.restartCount}</TableCell>
            <TableCell className="text-zinc-500">{svc.startedAt ? new Date(svc.startedAt).toLocaleTimeString("en") : "—"}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
