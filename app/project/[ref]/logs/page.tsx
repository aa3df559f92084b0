import { LogsCard } from "@/components/projects/overview-cards";
import { liveSection } from "../access";

export default liveSection("logs", () => <LogsCard />);
