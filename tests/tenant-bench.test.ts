import { strict as assert } from "assert";
import { measureAudit } from "../bench/audit";

describe("audit at scale (bench/audit.ts)", () => {
    it("audits 10,000 service principals and 50,000 assignments in seconds", () => {
        const m = measureAudit(10000, 50000);
        assert.deepEqual([m.servicePrincipals, m.assignments], [10000, 50000]);
        assert.ok(m.loadMs + m.auditMs < 5000, `load ${m.loadMs} ms + audit ${m.auditMs} ms`);
        // the synthetic tenant exercises every kind the audit indexes: outside code on Graph and on own APIs, per-user grants
        const s = m.result.summary;
        assert.ok(s["outside-code"] > 1000 && s.privileged > 100 && s.tier0OutsideCode > 10, JSON.stringify(s));
        assert.ok(m.result.findings.some(f => f.kind === "outside-code" && f.consentType === "Principal"));
        assert.ok(m.result.findings.some(f => f.kind === "outside-code" && f.resource?.startsWith("SaaS app")));
    });
});
