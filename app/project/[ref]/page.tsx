import { ProgressCard, ServicesCard } from "@/components/projects/overview-cards";
import { UsageCharts } from "@/components/projects/usage-charts";
import { ownedProject } from "./access";

export default async function ProjectOverviewPage({ params }: { params: Promise<{ ref: string }> }) {
  const { ref } = await params;
  const { usage } = await ownedProject(ref, "", "usage");
  return (
    <>
      <ProgressCard />
      <ServicesCard />
      <UsageCharts points={usage ?? []} />
    </>
  );
}
