/** Issue 9: the plan against what a tenant already holds (`npm run plan -- --tenant-export export.json`). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { strict as assert } from "assert";
import { exitCode, planStack } from "../lib/plan/plan";
import { renderText } from "../lib/plan/report";
import { catalog, DEV_STACK } from "./helpers";

const EXPORT = path.join(__dirname, "fixtures", "tenant", "contoso-dev.json");

describe("plan --tenant-export", () => {
    it("reports what exists as import, writes the pulumi import file, and names grants the first update changes", async () => {
        const importFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-import-")), "import.json");
        const plan = await planStack({ configFile: DEV_STACK, catalog, tenantExport: EXPORT, importFile });
        assert.equal(exitCode(plan), 0, JSON.stringify(plan.problems ?? plan.errors));
        const adopted = plan.resources.filter(r => r.action === "import");
        assert.ok(adopted.length > 0 && adopted.every(r => typeof r.importId === "string" && r.importId.length > 0));
        assert.equal(plan.imports!.count, adopted.length);
        const file = JSON.parse(fs.readFileSync(importFile, "utf8"));
        assert.ok(Array.isArray(file.resources) && file.resources.some((r: any) => r.id === adopted[0].importId), "the file adopts what the plan reports");
        assert.match(renderText(plan), new RegExp(`already in the tenant: ${adopted.length} resources? adopted with pulumi import --file`));
        assert.match(renderText(plan), /retained on delete \(adopted, never deleted by this stack\): .*tenant-microsoft-00000003-0000-0000-c000-000000000000/);
    });

    it("plans as before without an export, and refuses an export of another tenant (exit 2)", async () => {
        const plain = await planStack({ configFile: DEV_STACK, catalog });
        assert.equal(plain.imports, undefined);
        assert.ok(plain.resources.every(r => r.action === undefined));
        const other = JSON.parse(fs.readFileSync(EXPORT, "utf8"));
        other.tenantId = "22222222-2222-2222-2222-222222222222";
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-export-")), "other.json");
        fs.writeFileSync(file, JSON.stringify(other));
        const plan = await planStack({ configFile: DEV_STACK, catalog, tenantExport: file });
        assert.equal(exitCode(plan), 2);
        assert.match(plan.problems![0].message, /the export is of tenant 22222222-2222-2222-2222-222222222222, and this stack deploys to 11111111-/);
    });
});
