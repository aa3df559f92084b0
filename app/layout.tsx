import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

// Every page depends on the signed-in user; nothing is prerendered at build
// time (which would also read secrets during the build).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Supafleet", template: "%s · Supafleet" },
  description: "Your own Supabase cloud: an isolated Supabase stack per project, on your hardware.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
