// The project's containers as the engine reports them: state, health,
// restarts and start time per service.
import type { ServiceStatus } from "@/lib/projects/provisioner";

export function ServicesTable({ services }: { services: ServiceStatus[] }) {
  if (services.length === 0) return <p className="text-sm text-zinc-500">No containers.</p>;
  return (
    <table className="w-full text-left text-sm">
      <thead className="text-xs uppercase tracking-wide text-zinc-500">
        <tr>
          <th className="py-1.5">Service</th>
          <th>State</th>
          <th>Health</th>
          <th>Restarts</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {services.map((svc) => (
          <tr key={svc.service} data-testid={`service-${svc.service}`}>
            <td className="py-1.5 font-medium">{svc.service}</td>
            <td>{svc.state}</td>
            <td className={svc.health === "unhealthy" ? "text-red-600" : svc.health === "healthy" ? "text-emerald-700" : "text-zinc-500"}>{svc.health}</td>
            <td>{svc.restartCount}</td>
            <td className="text-zinc-500">{svc.startedAt ? new Date(svc.startedAt).toLocaleTimeString("en") : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
