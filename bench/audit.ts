/**
 * npm run bench:audit [-- --sizes 1000x5000,10000x50000]
 * Audits the dev stack against synthetic tenant exports of N service principals x M app role assignments
 * (bench/tenant-export.ts): prints the export's size, the time to load and validate it, and the audit's time.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { PermissionCatalog } from "../lib/catalog";
import { loadStack, PROJECT_ROOT } from "../lib/plan/plan";
import { audit, AuditResult } from "../lib/tenant/audit";
import { loadTenantExport } from "../lib/tenant/export";
import { syntheticExport } from "./tenant-export";

export interface AuditMeasure {
    servicePrincipals: number;
    assignments: number;
    bytes: number;
    loadMs: number;
    auditMs: number;
    findings: number;
    result: AuditResult;
}

export function measureAudit(servicePrincipals: number, assignments: number): AuditMeasure {
    const catalog = PermissionCatalog.load();
    const model = loadStack(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), catalog).model!;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-audit-")), "export.json");
    fs.writeFileSync(file, JSON.stringify(syntheticExport(servicePrincipals, assignments, catalog)));
    const t0 = performance.now();
    const data = loadTenantExport(file);
    const t1 = performance.now();
    const result = audit(data, model, catalog, { stack: "dev", now: new Date("2026-11-26T12:00:00Z") });
    const t2 = performance.now();
    const bytes = fs.statSync(file).size;
    fs.rmSync(path.dirname(file), { recursive: true });
    return {
        servicePrincipals: data.servicePrincipals.length,
        assignments: data.appRoleAssignments.length,
        bytes,
        loadMs: Math.round(t1 - t0),
        auditMs: Math.round(t2 - t1),
        findings: result.findings.length,
        result,
    };
}

if (require.main === module) {
    const { values } = parseArgs({ options: { sizes: { type: "string", default: "1000x5000,10000x50000" } } });
    for (const size of values.sizes!.split(",")) {
        const [sps, assignments] = size.split("x").map(Number);
        if (!(sps > 0 && assignments > 0)) {
            console.error(`bench:audit: --sizes entry "${size}" is not N x M (e.g. 10000x50000)`);
            process.exit(2);
        }
        const m = measureAudit(sps, assignments);
        console.log(
            `${m.servicePrincipals} service principals, ${m.assignments} assignments (${(m.bytes / 1e6).toFixed(1)} MB): load+validate ${m.loadMs} ms, audit ${m.auditMs} ms, ${m.findings} findings`,
        );
    }
}
