/**
 * How the tier policies report: a message for people, and beside it the structured fields tools read (app, resource,
 * permission, type, tier, approval). The engine's report function takes an object ({ message, urn, enforcementLevel },
 * @pulumi/policy server.js makeReportViolationFun) and keeps what it knows; the offline harness keeps the rest.
 * Approved tier-0/1 permissions are reported as advisory findings, so approved risk stays visible in `pulumi preview`.
 */
import { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { TENANT_TAG } from "../../lib/tags";
import { Approval, ApprovalLedger, ApprovalMatch, describeMatch, howToApprove, Subject } from "./approvals";
import { knownString } from "./props";

export interface FindingFields {
    app?: string;
    resource?: string;
    permission?: string;
    type?: string;
    tier?: number | null;
    /** the tenant override of the security team that decided the tier */
    override?: { ticket: string; reason: string };
    /** the approval that covers an approved finding */
    approval?: { ticket: string; approver: string; expires: string; tier0?: boolean };
}

export interface Finding extends FindingFields {
    message: string;
    urn?: string;
    enforcementLevel?: "advisory" | "mandatory";
}

export function reportFinding(report: ReportViolation, finding: Finding): void {
    (report as unknown as (f: Finding) => void)(finding);
}

/** The tenant a resource is deployed to: its azuread provider's tenant, else the stack's declared one. */
export function tenantOf(r: Pick<PolicyResource, "provider"> | undefined, args: Pick<StackValidationArgs, "stackTags">): string | undefined {
    return (r?.provider && knownString(r.provider.props, "tenantId")) || args.stackTags.get(TENANT_TAG) || undefined;
}

/**
 * Judges one finding that needs an approval: reports it as a violation (with the approval that would except it), or,
 * when an approval covers it, as an advisory note of the approved risk. Returns whether it was approved.
 */
export function judgeFinding(
    report: ReportViolation,
    opts: {
        policy: string;
        ledger: ApprovalLedger;
        subject: Subject;
        tier0: boolean;
        tenant?: string;
        message: string;
        urn: string;
        fields: FindingFields;
    },
): boolean {
    const match: ApprovalMatch = opts.ledger.check(opts.subject, opts.tier0, opts.tenant);
    if (match.status === "approved") {
        const a: Approval = match.approval;
        reportFinding(report, {
            ...opts.fields,
            urn: opts.urn,
            enforcementLevel: "advisory",
            approval: { ticket: a.ticket, approver: a.approver, expires: a.expires, ...(a.tier0 ? { tier0: true } : {}) },
            message: `Approved: ${opts.message} Approved by ${a.approver} (${a.ticket}) until ${a.expires}${a.tier0 ? ", tier 0" : ""}.`,
        });
        return true;
    }
    reportFinding(report, {
        ...opts.fields,
        urn: opts.urn,
        message: `${opts.message}${describeMatch(match)} ${howToApprove(opts.policy, opts.subject, opts.tenant ?? opts.ledger.tenant, opts.tier0)}`,
    });
    return false;
}

/** Reports, as advisory findings of the policy, each approval that covered nothing, with the reason. */
export function reportUnusedApprovals(report: ReportViolation, policy: string, ledger: ApprovalLedger, known: Parameters<ApprovalLedger["unused"]>[0]): void {
    for (const { approval: a, reason } of ledger.unused(known)) {
        reportFinding(report, {
            enforcementLevel: "advisory",
            type: a.type,
            app: a.client,
            resource: a.resource,
            permission: a.permission,
            message: `The approval ${a.ticket} (by ${a.approver}) under "${policy}" for ${a.client} ${a.resource ? `on ${a.resource} ` : ""}${a.permission} (${a.type}) did not apply: ${reason}.`,
        });
    }
}
