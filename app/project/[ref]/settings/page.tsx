import { CustomDomainCard } from "@/components/projects/custom-domain-card";
import { IdleSetting } from "@/components/projects/idle-setting";
import { RoleNote } from "@/components/projects/role-note";
import { TransferCard } from "@/components/projects/transfer-card";
import { getAccountServices, getCustomDomainService } from "@/lib/services";
import { allows } from "@/lib/orgs/permissions";
import { TitledCard } from "@/components/ui/card";
import { ownedProject } from "../access";

export default async function ProjectSettingsPage({ params }: { params: Promise<{ ref: string }> }) {
  const { user, project, idle, can } = await ownedProject((await params).ref, "settings", "idle");
  if (!idle) throw new Error("The project's idle setting was not read.");
  const [domain, orgs] = await Promise.all([
    getCustomDomainService().find(user, project.ref),
    can.settings ? getAccountServices().organizations.listMine(user) : [],
  ]);
  // Where it may go: organizations where the viewer may create projects (the transfer checks both sides again).
  const targets = orgs.filter((o) => o.id !== project.organizationId && allows(o.role, "project.create")).map((o) => ({ slug: o.slug, name: o.name }));
  return (
    <div className="space-y-4">
      <TitledCard title="Auto-pause" data-testid="settings-section">
        <div className="space-y-3">
          <IdleSetting projectRef={project.ref} initial={idle.minutes} defaultMinutes={idle.defaultMinutes} readOnly={!can.settings} />
          {idle.frozen && (
            <IdleSetting
              kind="frozen"
              projectRef={project.ref}
              initial={idle.frozen.minutes}
              defaultMinutes={idle.frozen.defaultMinutes}
              readOnly={!can.settings}
            />
          )}
          {!can.settings && <RoleNote role={can.role} what="changing the project's settings" />}
        </div>
      </TitledCard>
      <TitledCard title="Custom domain" data-testid="custom-domain-section">
        <CustomDomainCard projectRef={project.ref} initial={domain} readOnly={!can.settings} />
      </TitledCard>
      {can.settings && (
        <TitledCard title="Move to another organization" data-testid="transfer-section">
          <TransferCard projectRef={project.ref} targets={targets} />
        </TitledCard>
      )}
    </div>
  );
}
