// Every project section checks the session and the ownership itself (a
// layout alone is not enough: moving between sections renders only the
// page). Cached per request, so the layout and the page of one request share
// the check when they ask the same.
import { cache, type ReactNode } from "react";
import { notFound, redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getProjectService } from "@/lib/services";
import { sectionHref, type ProjectSection } from "@/components/projects/sections";

export const ownedProject = cache(async (ref: string, section: ProjectSection, want: "usage" | "idle" | "summary" = "summary") => {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${sectionHref(ref, section)}`);
  try {
    return { user, ...(await getProjectService().pageView(user, ref, { usage: want === "usage", idle: want === "idle" })) };
  } catch (err) {
    // Someone else's project and a missing one look the same.
    if (isAppError(err, "not_found")) notFound();
    throw err;
  }
});

/**
 * A section whose cards read the live project from the layout: the page only
 * checks the user and the ownership, then renders them.
 */
export function liveSection(section: ProjectSection, render: () => ReactNode) {
  return async function LiveSectionPage({ params }: { params: Promise<{ ref: string }> }) {
    await ownedProject((await params).ref, section);
    return render();
  };
}
