import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { PermissionCatalog } from "../lib/catalog";
import { readStackFile } from "../lib/config/stack";
import { PlanOptions, planStack, PROJECT_ROOT } from "../lib/plan/plan";

export const catalog = PermissionCatalog.load();
export const DEV_STACK = path.join(PROJECT_ROOT, "Pulumi.dev.yaml");
export const TENANT_ID = "11111111-1111-1111-1111-111111111111";

/** The sample dev stack's config map, a fresh copy each call, to change one thing per test. */
export function devConfig(): Record<string, any> {
    return structuredClone(readStackFile(DEV_STACK).config) as Record<string, any>;
}

/** The dev stack's `entra-consent:*` values as the raw config object buildModel takes. */
export function devRaw(): { tenant: any; apps: any } {
    const c = devConfig();
    return { tenant: c["entra-consent:tenant"], apps: c["entra-consent:apps"] };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-test-"));
let n = 0;

/** Writes a stack file for a config map (in a folder of its own) and returns its path. */
export function writeStack(config: Record<string, unknown>, stack = "dev"): string {
    const dir = path.join(tmp, String(++n));
    fs.mkdirSync(dir);
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, YAML.stringify({ config }));
    return file;
}

export function planConfig(config: Record<string, unknown>, opts: Partial<PlanOptions> = {}) {
    return planStack({ configFile: writeStack(config), catalog, ...opts });
}

export function byType<T extends { type: string }>(resources: T[], suffix: string): T[] {
    return resources.filter(r => r.type.endsWith(`:${suffix}`));
}
