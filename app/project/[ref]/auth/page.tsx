import { AuthSettingsForm } from "@/components/projects/auth-settings-form";
import { TitledCard } from "@/components/ui/card";
import { ownedProject } from "../access";

export default async function ProjectAuthPage({ params }: { params: Promise<{ ref: string }> }) {
  const { project } = await ownedProject((await params).ref, "auth");
  return (
    <TitledCard title="Auth settings" data-testid="auth-section">
      <AuthSettingsForm projectRef={project.ref} />
    </TitledCard>
  );
}
