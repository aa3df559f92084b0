import { CustomDomainCard } from "@/components/projects/custom-domain-card";
import { IdleSetting } from "@/components/projects/idle-setting";
import { getCustomDomainService } from "@/lib/services";
import { TitledCard } from "@/components/ui/card";
import { ownedProject } from "../access";

export default async function ProjectSettingsPage({ params }: { params: Promise<{ ref: string }> }) {
  const { user, project, idle } = await ownedProject((await params).ref, "settings", "idle");
  if (!idle) throw new Error("The project's idle setting was not read.");
  const domain = await getCustomDomainService().find(user, project.ref);
  return (
    <div className="space-y-4">
      <TitledCard title="Auto-pause" data-testid="settings-section">
        <div className="space-y-3">
          <IdleSetting projectRef={project.ref} initial={idle.minutes} defaultMinutes={idle.defaultMinutes} />
          {idle.frozen && <IdleSetting kind="frozen" projectRef={project.ref} initial={idle.frozen.minutes} defaultMinutes={idle.frozen.defaultMinutes} />}
        </div>
      </TitledCard>
      <TitledCard title="Custom domain" data-testid="custom-domain-section">
        <CustomDomainCard projectRef={project.ref} initial={domain} />
      </TitledCard>
    </div>
  );
}
