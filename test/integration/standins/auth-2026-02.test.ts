// The GoTrue double on the previous template (2026.02-r1: GoTrue v2.186.0, HS256 only); see auth-suite.ts.
import { authDoubleSuite } from "@/test/integration/standins/auth-suite";

authDoubleSuite("2026.02-r1");
