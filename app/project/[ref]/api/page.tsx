import { ApiKeysCard, SnippetCard } from "@/components/projects/keys-cards";
import { liveSection } from "../access";

export default liveSection("api", () => (
  <>
    <ApiKeysCard />
    <SnippetCard />
  </>
));
