// One project on the newest template for the suites that only read or write
// their own things in it (issue 27: a stack takes 15-30 s to make, these
// suites a few seconds each): the stand-ins (REST, Storage, Functions, Auth),
// the Management API's functions and SQL endpoint, scripts/smoke.mjs, and the
// pooler's TLS and the shared Postgres port in front of it. Each suite keeps its describe and test names; the project and
// its nginx come from test/support/standin-project.ts and are removed at the
// end. Every suite uses names of its own (tables, buckets, functions,
// secrets), so none depends on another's leftovers. The order matters only
// for what changes the project: the Management API's secrets restart the
// functions container (after the Functions stand-in's tests, which put files
// in its volume), and Auth's settings recreate the auth container and turn
// e-mail confirmation on (last, after the smoke script's sign-up).
import { functionsApiSuite } from "@/test/integration/api/functions-suite";
import { sqlBoundsSuite } from "@/test/integration/api/sql-bounds-suite";
import { poolerTlsSuite } from "@/test/integration/projects/pooler-tls-suite";
import { pgRouterSuite } from "@/test/integration/projects/pg-router-suite";
import { smokeSuite } from "@/test/integration/smoke/smoke-suite";
import { authDoubleSuite } from "@/test/integration/standins/auth-suite";
import { functionsStandinSuite } from "@/test/integration/standins/functions-suite";
import { restStandinSuite } from "@/test/integration/standins/rest-suite";
import { storageStandinSuite } from "@/test/integration/standins/storage-suite";
import { standinProjectForFile } from "@/test/support/standin-project";

const project = standinProjectForFile({ domain: "standins.test", portRange: { start: 55700, end: 55749 } });

restStandinSuite(project);
storageStandinSuite(project);
functionsStandinSuite(project);
poolerTlsSuite(project);
pgRouterSuite(project);
smokeSuite(project);
functionsApiSuite(project);
sqlBoundsSuite(project);
authDoubleSuite("2026.09-r1", project);
