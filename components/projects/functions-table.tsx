// The project's deployed Edge Functions (deployed through the Management
// API, e.g. `supabase functions deploy --use-api`).
import type { EdgeFunctionRow } from "@/lib/projects/edge-functions";
import { EmptyState } from "@/components/ui/empty-state";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

export function FunctionsTable({ functions, apiUrl }: { functions: EdgeFunctionRow[]; apiUrl: string }) {
  if (functions.length === 0)
    return (
      <EmptyState title="No functions deployed" data-testid="functions-empty">
        Deploy one with <code className="font-mono">supabase functions deploy --use-api</code>; it is served at{" "}
        <code className="font-mono">{apiUrl}/functions/v1/&lt;name&gt;</code>.
      </EmptyState>
    );
  return (
    <Table data-testid="functions">
      <TableHeader columns={["Function", "Version", "Status", "JWT", "Updated"]} />
      <TableBody>
        {functions.map((f) => (
          <TableRow key={f.id} data-testid={`function-${f.slug}`}>
            <TableCell>
              <div className="font-medium">{f.name}</div>
              <div className="font-mono text-xs text-zinc-500">{f.slug}</div>
            </TableCell>
            <TableCell>{f.version}</TableCell>
            <TableCell>
              <Badge tone={f.status === "ACTIVE" ? "green" : "zinc"}>{f.status.toLowerCase()}</Badge>
            </TableCell>
            <TableCell>{f.verifyJwt ? "verified" : "not verified"}</TableCell>
            <TableCell className="text-zinc-500">{f.updatedAt.toLocaleString("en")}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
