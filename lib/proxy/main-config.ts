import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface MainConfigInput {
  siteConfPath: string;
  pidPath: string;
  errorLogPath: string;
  accessLogPath: string;
  tempDir: string;
  user: string;
}

export const NGINX_TEMPLATE_DIR = resolve(process.cwd(), "nginx");

/** Fills nginx/nginx.conf. Values are paths and a user name we choose, never user input. */
export function renderMainConfig(input: MainConfigInput): string {
  return readFileSync(resolve(NGINX_TEMPLATE_DIR, "nginx.conf"), "utf8")
    .replaceAll("__SITE_CONF__", input.siteConfPath)
    .replaceAll("__PID__", input.pidPath)
    .replaceAll("__ERROR_LOG__", input.errorLogPath)
    .replaceAll("__ACCESS_LOG__", input.accessLogPath)
    .replaceAll("__TEMP_DIR__", input.tempDir)
    .replaceAll("__USER__", input.user);
}
