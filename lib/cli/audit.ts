/**
 * npm run audit -- (--stack NAME | --config FILE) --tenant-export FILE [--outputs FILE] [--format text|json|markdown]
 * Exit: 0 nothing tier 0 outside code, 1 a tier-0 permission held outside code, 2 invalid input.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { PermissionCatalog } from "../catalog";
import { formatProblem, InputError, InputProblem } from "../errors";
import { loadStack, stackNameOf } from "../plan/plan";
import { audit, auditExitCode, AuditResult, Finding, FINDING_KINDS, isTier0OutsideCode } from "../tenant/audit";
import { loadTenantExport } from "../tenant/export";
import { Io, processIo, runAsProcess } from "./io";

const USAGE = `usage: npm run audit -- (--stack NAME | --config FILE) --tenant-export FILE [--outputs FILE] [--format text|json|markdown]
  --stack NAME          audit against Pulumi.NAME.yaml in the project folder
  --config FILE         audit against this stack file
  --tenant-export FILE  the JSON file scripts/export-tenant.sh wrote
  --outputs FILE        \`pulumi stack output --json\` of the deployed stack: its clientIds match apps exactly (else by display name)
  --format              text (default), json (tools) or markdown (a ticket)
exit codes: 0 no tier-0 permission outside code, 1 a tier-0 permission held outside code, 2 invalid input`;

const tierText = (f: Finding) => (f.tier === null ? "-" : `tier ${f.tier}`);
const party = (name: string | null, appId?: string) => (name === null ? "-" : appId && appId !== name ? `${name} (${appId})` : name);

export function renderText(r: AuditResult): string {
    const lines = [
        `audit of stack ${r.stack} against tenant ${r.tenant.name} (${r.tenant.id}), exported ${r.tenant.exportedAt}`,
        `  ${r.tenant.servicePrincipals} service principals, ${r.tenant.grants} delegated grants, ${r.tenant.appRoleAssignments} app role assignments; user consent: ${r.tenant.userConsent}; admin consent requests: ${r.tenant.adminConsentRequests}`,
    ];
    for (const u of r.summary.unmatchedApps) lines.push(`  not found in the tenant: ${u}`);
    if (r.summary.appsMatchedByName.length)
        lines.push(`  matched by name only (pass --outputs to match by client ID): ${r.summary.appsMatchedByName.join(", ")}`);
    for (const kind of FINDING_KINDS) {
        const list = r.findings.filter(f => f.kind === kind);
        if (!list.length) continue;
        lines.push("", `${kind} (${list.length})`);
        for (const f of list) {
            const what = [f.type, f.consentType, f.tier !== null && `tier ${f.tier}`].filter(Boolean).join(", ");
            lines.push(
                `  ${isTier0OutsideCode(f) ? "!" : " "} ${party(f.client, f.clientAppId)}${f.resource ? ` -> ${party(f.resource, f.resourceAppId)}` : ""}${f.permissions.length ? ` [${f.permissions.join(" ")}]` : ""}${what ? ` (${what})` : ""}: ${f.detail}`,
            );
        }
    }
    lines.push(
        "",
        `summary: ${FINDING_KINDS.map(k => `${r.summary[k]} ${k}`).join(", ")}; ${r.summary.tier0OutsideCode} tier-0 outside code${r.summary.tier0OutsideCode ? " (exit 1)" : ""}`,
    );
    return lines.join("\n");
}

const md = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** What a security reviewer pastes into a ticket: a summary, then one table per finding kind. */
export function renderMarkdown(r: AuditResult): string {
    const out = [
        `## Consent audit: stack \`${r.stack}\`, tenant ${md(r.tenant.name)} (\`${r.tenant.id}\`)`,
        "",
        `Export of ${r.tenant.exportedAt}: ${r.tenant.servicePrincipals} service principals, ${r.tenant.grants} delegated grants, ${r.tenant.appRoleAssignments} app role assignments. User consent: **${r.tenant.userConsent}**; admin consent requests: ${r.tenant.adminConsentRequests}.`,
        "",
        r.summary.tier0OutsideCode
            ? `**${r.summary.tier0OutsideCode} tier-0 permission grant(s) held outside code.**`
            : "No tier-0 permission is held outside code.",
        "",
        "| Finding | Count |",
        "|---|---|",
        ...FINDING_KINDS.map(k => `| ${k} | ${r.summary[k]} |`),
    ];
    if (r.summary.appsMatchedByName.length)
        out.push(
            "",
            `Matched by name only (anyone who registers an app can take a name; \`--outputs\` matches by client ID): ${r.summary.appsMatchedByName.join(", ")}.`,
        );
    if (r.summary.unmatchedApps.length) out.push("", "Stack apps not found in the tenant:", "", ...r.summary.unmatchedApps.map(u => `- ${md(u)}`));
    for (const kind of FINDING_KINDS) {
        const list = r.findings.filter(f => f.kind === kind);
        if (!list.length) continue;
        out.push("", `### ${kind}`, "", "| Client | Resource | Permissions | Type | Tier | Consent | Detail |", "|---|---|---|---|---|---|---|");
        for (const f of list) {
            out.push(
                `| ${md(party(f.client, f.clientAppId))} | ${md(party(f.resource, f.resourceAppId))} | ${md(f.permissions.map(p => `\`${p}\``).join(" ") || "-")} | ${f.type ?? "-"} | ${tierText(f)} | ${f.consentType ?? "-"} | ${md(f.detail)} |`,
            );
        }
    }
    return out.join("\n");
}

function readOutputs(file: string, cwd: string): Record<string, string> {
    const problem = (message: string): never => {
        throw new InputError([{ path: `--outputs ${file}`, message, hint: "the output of `pulumi stack output --json`" }], path.basename(file));
    };
    let data: unknown;
    try {
        data = JSON.parse(fs.readFileSync(path.resolve(cwd, file), "utf8"));
    } catch (e) {
        return problem((e as Error).message.split("\n")[0]);
    }
    const ids = (data as { clientIds?: unknown } | null)?.clientIds;
    if (!ids || typeof ids !== "object" || Array.isArray(ids)) return problem("has no clientIds map");
    for (const [k, v] of Object.entries(ids)) if (typeof v !== "string") problem(`clientIds.${k} is not a string`);
    return ids as Record<string, string>;
}

export async function main(argv: string[], io: Pick<Io, "out" | "err" | "cwd"> = processIo(), now?: Date): Promise<number> {
    const out = (t: string) => io.out(t);
    const err = (t: string) => io.err(t);
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                "tenant-export": { type: "string" },
                outputs: { type: "string" },
                format: { type: "string", default: "text" },
                help: { type: "boolean", short: "h" },
            },
        }).values;
    } catch (e) {
        err(`audit: ${(e as Error).message}\n${USAGE}`);
        return 2;
    }
    if (args.help) {
        out(USAGE);
        return 0;
    }
    const usage = (message: string) => {
        err(`audit: ${message}\n${USAGE}`);
        return 2;
    };
    if (!["text", "json", "markdown"].includes(args.format!)) return usage(`--format is "${args.format}"; use text, json or markdown`);
    if ((args.stack === undefined) === (args.config === undefined)) return usage("name exactly one of --stack or --config");
    if (!args["tenant-export"]) return usage("--tenant-export FILE is required");
    const configFile = path.resolve(io.cwd, args.config ?? `Pulumi.${args.stack}.yaml`);
    if (!fs.existsSync(configFile)) return usage(`${configFile}: no such stack file`);
    try {
        const catalog = PermissionCatalog.load();
        const { model } = loadStack(configFile, catalog);
        if (!model) return usage(`${configFile} declares no entra-consent:tenant / entra-consent:apps to audit against`);
        const data = loadTenantExport(path.resolve(io.cwd, args["tenant-export"]));
        if (data.tenantId.toLowerCase() !== model.tenant.id) {
            throw new InputError([
                {
                    path: `${path.basename(args["tenant-export"])}: tenantId`,
                    message: `is ${data.tenantId} but the stack declares tenant ${model.tenant.id}`,
                    hint: "export the tenant this stack deploys to",
                },
            ]);
        }
        const clientIds = args.outputs ? readOutputs(args.outputs, io.cwd) : undefined;
        const result = audit(data, model, catalog, { stack: stackNameOf(configFile), clientIds, now });
        out(args.format === "json" ? JSON.stringify(result, null, 2) : args.format === "markdown" ? renderMarkdown(result) : renderText(result));
        return auditExitCode(result);
    } catch (e) {
        if (!(e instanceof InputError)) throw e;
        const problems: InputProblem[] = e.problems;
        err(`audit: invalid input, ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map(p => `  - ${formatProblem(p)}`).join("\n")}`);
        return 2;
    }
}

if (require.main === module) runAsProcess("audit", main);
