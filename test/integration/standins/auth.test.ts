// The GoTrue double on the newest template (2026.09-r1: GoTrue v2.196.0, ES256 keys); see auth-suite.ts.
import { authDoubleSuite } from "@/test/integration/standins/auth-suite";

authDoubleSuite("2026.09-r1");
