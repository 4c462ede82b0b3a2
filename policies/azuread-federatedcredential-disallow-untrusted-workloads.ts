import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ApplicationFederatedIdentityCredential } from "@pulumi/azuread/applicationFederatedIdentityCredential";
import { ApplicationFlexibleFederatedIdentityCredential } from "@pulumi/azuread/applicationFlexibleFederatedIdentityCredential";
import { FederatedIdentityCredential } from "@pulumi/azure-native/managedidentity/federatedIdentityCredential";
import { policyOptions } from "./lib/config";
import { DEFAULT_ALLOWED_ISSUERS, expressionProblem, issuerAllowed, subjectProblem } from "../lib/federated";
import { decodeName } from "../lib/ids";
import { Approval, ApprovalLedger, approvalsConfigSchema, Subject } from "./lib/approvals";
import { judgeFinding, tenantOf } from "./lib/findings";

const name = "azuread-federatedcredential-disallow-untrusted-workloads";

/** What a credential trusts, read from its props; the values are judged at run time whatever their static types. */
interface Trust {
    issuer: unknown;
    subject?: unknown;
    expression?: unknown;
}

export const federatedCredentialDisallowUntrustedWorkloads: ResourceValidationPolicy = {
    name,
    description:
        "Rejects a federated credential (plain, flexible, or azure-native's on a managed identity) trusting an issuer outside `allowedIssuers`, or whose subject or `claimsMatchingExpression` matches any repository, branch, tag, environment or namespace, or does not parse; without an approval (`type: federated-credential`, `resource` the issuer, `permission` the subject or expression).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            ...approvalsConfigSchema.properties,
            allowedIssuers: {
                type: "array",
                items: { type: "string", minLength: 1 },
                default: DEFAULT_ALLOWED_ISSUERS,
                description: "issuers a federated credential may trust; * is one DNS label or path segment, {tenant} the stack's tenant ID",
            },
        },
    },
    validateResource: [
        validateResourceOfType(ApplicationFederatedIdentityCredential, (c, args, report) => judge({ issuer: c.issuer, subject: c.subject }, args, report)),
        validateResourceOfType(ApplicationFlexibleFederatedIdentityCredential, (c, args, report) =>
            judge({ issuer: c.issuer, expression: c.claimsMatchingExpression }, args, report),
        ),
        // a user-assigned managed identity trusts external tokens the same way (subject, or the preview's expression,
        // which this SDK version's typings do not name)
        validateResourceOfType(FederatedIdentityCredential, (c, args, report) => {
            const p: Record<string, any> = c;
            judge({ issuer: p.issuer, subject: p.subject, expression: p.claimsMatchingExpression?.value ?? p.claimsMatchingExpression }, args, report);
        }),
    ],
};

function judge({ issuer, subject, expression }: Trust, args: ResourceValidationArgs, report: ReportViolation) {
    const { approvals, allowedIssuers } = policyOptions<{ approvals: Approval[]; allowedIssuers: string[] }>(
        federatedCredentialDisallowUntrustedWorkloads,
        args,
    );
    const tenant = tenantOf(args, args);
    const problems: string[] = [];
    if (typeof issuer !== "string") problems.push("it names no issuer");
    else if (!issuerAllowed(issuer, allowedIssuers, tenant))
        problems.push(`it trusts tokens from ${issuer}, an issuer that is not allowed (allowedIssuers: ${allowedIssuers.join(", ")})`);
    const matched = expression ?? subject;
    const tooBroad =
        expression !== undefined && expression !== null
            ? typeof expression === "string"
                ? expressionProblem(expression)
                : "has a claims expression that is not a string"
            : typeof subject === "string"
              ? subjectProblem(subject)
              : "names neither a subject nor a claims expression";
    if (tooBroad)
        problems.push(
            `${expression !== undefined && expression !== null ? `its expression ${JSON.stringify(expression)}` : `its subject ${JSON.stringify(subject)}`} ${tooBroad}`,
        );
    if (!problems.length) return;
    const app = decodeName(args.name)?.app;
    const s: Subject = {
        type: "federated-credential",
        clientNames: [...(app ? [app] : []), args.name],
        resourceNames: [String(issuer)],
        permissionNames: [String(matched)],
    };
    judgeFinding(report, {
        policy: name,
        ledger: new ApprovalLedger(approvals, tenant),
        subject: s,
        tier0: false,
        tenant,
        urn: args.urn,
        message: `The federated credential ${args.name}: ${problems.join("; ")}. A workload this tenant does not control could sign in as the app, with all its permissions.`,
        fields: { app: s.clientNames[0], resource: String(issuer), permission: String(matched), type: "federated-credential" },
    });
}
