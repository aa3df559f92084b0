import { AuthSettingsForm } from "@/components/projects/auth-settings-form";
import { RoleNote } from "@/components/projects/role-note";
import { TitledCard } from "@/components/ui/card";
import { ownedProject } from "../access";

export default async function ProjectAuthPage({ params }: { params: Promise<{ ref: string }> }) {
  const { project, can } = await ownedProject((await params).ref, "auth");
  return (
    <TitledCard title="Auth settings" data-testid="auth-section">
      {/* The settings hold the SMTP account: only roles that may change them read them. */}
      {can.settings ? <AuthSettingsForm projectRef={project.ref} /> : <RoleNote role={can.role} what="reading or changing Auth settings" />}
    </TitledCard>
  );
}
