import { DatabaseCard, StudioCard } from "@/components/projects/keys-cards";
import { liveSection } from "../access";

export default liveSection("database", () => (
  <>
    <DatabaseCard />
    <StudioCard />
  </>
));
