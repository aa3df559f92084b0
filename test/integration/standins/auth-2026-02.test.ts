// The GoTrue double on the previous template (2026.02-r1: GoTrue v2.186.0, HS256 only); see auth-suite.ts.
// A project of its own: the newest template's suites share newest-template.test.ts's.
import { authDoubleSuite } from "@/test/integration/standins/auth-suite";
import { standinProjectForFile } from "@/test/support/standin-project";

authDoubleSuite("2026.02-r1", standinProjectForFile({ domain: "auth-double.test", portRange: { start: 55750, end: 55799 }, stackVersion: "2026.02-r1" }));
