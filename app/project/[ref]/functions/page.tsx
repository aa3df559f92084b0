import { getProjectService } from "@/lib/services";
import { FunctionsTable } from "@/components/projects/functions-table";
import { TitledCard } from "@/components/ui/card";
import { ownedProject } from "../access";

export default async function ProjectFunctionsPage({ params }: { params: Promise<{ ref: string }> }) {
  const { user, project } = await ownedProject((await params).ref, "functions");
  const functions = await getProjectService().listFunctions(user, project.ref);
  return (
    <TitledCard title="Edge Functions">
      <FunctionsTable functions={functions} apiUrl={project.apiUrl} />
    </TitledCard>
  );
}
