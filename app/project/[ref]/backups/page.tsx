import { BackupsPanel } from "@/components/backups/backups-panel";
import { TitledCard } from "@/components/ui/card";
import { ownedProject } from "../access";

export default async function ProjectBackupsPage({ params }: { params: Promise<{ ref: string }> }) {
  const { project, can } = await ownedProject((await params).ref, "backups");
  return (
    <TitledCard title="Backups">
      <BackupsPanel projectRef={project.ref} projectName={project.name} can={can} />
    </TitledCard>
  );
}
