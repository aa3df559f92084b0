// The project page's sections and their addresses: one list for the sidebar
// and for each section page's log-in redirect. A plain module (not a client
// one), so server pages can call sectionHref.
export const PROJECT_SECTIONS = [
  { path: "", label: "Overview" },
  { path: "api", label: "API and keys" },
  { path: "database", label: "Database" },
  { path: "auth", label: "Auth" },
  { path: "functions", label: "Edge Functions" },
  { path: "logs", label: "Logs" },
  { path: "backups", label: "Backups" },
  { path: "settings", label: "Settings" },
] as const;

export type ProjectSection = (typeof PROJECT_SECTIONS)[number]["path"];

/** A section's address: the page's login redirect and the sidebar use the same one. */
export function sectionHref(ref: string, section: ProjectSection): string {
  return `/project/${encodeURIComponent(ref)}${section ? `/${section}` : ""}`;
}
