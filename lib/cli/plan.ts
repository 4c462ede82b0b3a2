/**
 * npm run plan -- --stack dev | --config FILE | --all  [--format text|json] [--program FILE] [--policy-config FILE] [--preview]
 * Exit: 0 clean, 1 a mandatory violation, a failing flow or a deploy error, 2 invalid input.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { exitCode, planStack, stackFiles, stackNameOf } from "../plan/plan";
import { formatProblem } from "../errors";
import { planInPool, PlanTaskResult } from "../plan/pool";
import { renderText } from "../plan/report";

const USAGE = `usage: npm run plan -- (--stack NAME | --config FILE | --all) [--format text|json] [--program FILE] [--policy-config FILE] [--preview]
  --stack NAME          plan Pulumi.NAME.yaml in the project folder
  --config FILE         plan this stack file
  --all                 plan every Pulumi.*.yaml in the project folder, in parallel
  --format text|json    text for reviewers (default), json for tools (the plan contract)
  --program FILE        plan another Pulumi TypeScript program instead of index.ts
  --policy-config FILE  policy configuration (approvals, options), as for --policy-pack-config
  --tenant-export FILE  start from what the tenant holds (scripts/export-tenant.sh): what exists is reported as import
  --import-file FILE    with --tenant-export: write the pulumi import --file JSON there
  --preview             a first preview: IDs of resources not created yet are unknown
exit codes: 0 clean, 1 mandatory violation / failing flow / deploy error, 2 invalid input`;

/** A usage error: printed with the usage, exit 2. */
class UsageError extends Error {}
function usageError(message: string): never {
    throw new UsageError(message);
}

export async function main(argv: string[]): Promise<number> {
    try {
        return await run(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        console.error(`plan: ${e.message}\n${USAGE}`);
        return 2;
    }
}

async function run(argv: string[]): Promise<number> {
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                all: { type: "boolean" },
                format: { type: "string", default: "text" },
                program: { type: "string" },
                "policy-config": { type: "string" },
                "tenant-export": { type: "string" },
                "import-file": { type: "string" },
                preview: { type: "boolean" },
                help: { type: "boolean", short: "h" },
            },
        }).values;
    } catch (e) {
        usageError((e as Error).message);
    }
    if (args.help) {
        console.log(USAGE);
        return 0;
    }
    if (args.format !== "text" && args.format !== "json") usageError(`--format is "${args.format}"; use text or json`);
    const chosen = [args.stack !== undefined, args.config !== undefined, !!args.all].filter(Boolean).length;
    if (chosen !== 1) usageError("name exactly one of --stack, --config or --all");
    for (const [flag, file] of [
        ["--program", args.program],
        ["--policy-config", args["policy-config"]],
        ["--tenant-export", args["tenant-export"]],
    ] as const) {
        if (file !== undefined && !fs.existsSync(file)) usageError(`${flag} ${file}: no such file`);
    }
    if (args.all) return planAll(args.format, { program: args.program, preview: args.preview, policyConfig: args["policy-config"] });

    const configFile = args.config ?? path.join(process.cwd(), `Pulumi.${args.stack}.yaml`);
    if (!fs.existsSync(configFile)) {
        const stacks = stackFiles(path.dirname(configFile)).map(stackNameOf);
        usageError(`${configFile}: no such stack file${stacks.length ? ` (stacks here: ${stacks.join(", ")})` : ""}`);
    }
    if (args["import-file"] && !args["tenant-export"]) usageError("--import-file goes with --tenant-export");
    const plan = await planStack({
        configFile,
        program: args.program,
        preview: args.preview,
        policyConfig: args["policy-config"],
        tenantExport: args["tenant-export"],
        importFile: args["import-file"],
    });
    console.log(args.format === "json" ? JSON.stringify(plan, null, 2) : renderText(plan));
    return exitCode(plan);
}

/** Every stack file in the folder, planned in parallel worker processes. */
async function planAll(format: string, args: { program?: string; preview?: boolean; policyConfig?: string }): Promise<number> {
    const files = stackFiles(process.cwd());
    if (!files.length) usageError(`no Pulumi.*.yaml in ${process.cwd()}`);
    const results = await planInPool(
        files.map(configFile => ({
            configFile,
            program: args.program,
            preview: args.preview,
            policyConfig: args.policyConfig && path.resolve(args.policyConfig),
        })),
        {
            onResult: (r, done) => console.error(`[${done}/${files.length}] ${progressLine(r)} (${(r.stats.wallMs / 1000).toFixed(1)} s)`),
        },
    );
    const rows = results.map(summaryRow);
    if (format === "json")
        console.log(JSON.stringify({ stacks: results.map(r => r.plan ?? { stack: stackNameOf(r.task.configFile), error: r.error }), summary: rows }, null, 2));
    else {
        for (const r of results) console.log(r.plan ? renderText(r.plan) : `stack ${stackNameOf(r.task.configFile)}: ${r.error}`, "\n");
        console.log(summaryTable(rows));
    }
    return Math.max(...rows.map(r => r.exit));
}

/** One stack's progress: its state first (invalid input, a failed run, or what the plan found). */
export function progressLine(r: PlanTaskResult): string {
    const name = stackNameOf(r.task.configFile);
    if (!r.plan) return `${name}: exit 1, the plan did not run: ${r.error}`;
    const p = r.plan.problems;
    if (p?.length)
        return `${name}: exit 2, invalid input, ${p.length} problem${p.length === 1 ? "" : "s"}, nothing planned: ${formatProblem(p[0])}${p.length > 1 ? " ..." : ""}`;
    const s = r.plan.summary;
    return `${name}: exit ${exitCode(r.plan)}, ${s.resources} resources, ${s.mandatory} mandatory, ${s.advisory} advisory, ${s.failingFlows} failing flows`;
}

/** A row of the --all summary (also in the JSON, as `summary`); counts are null where nothing was planned. */
export interface SummaryRow {
    stack: string;
    tenant: string | null;
    resources: number | null;
    mandatory: number | null;
    advisory: number | null;
    failingFlows: number | null;
    invalidInput: number;
    exit: number;
}

export function summaryRow(r: PlanTaskResult): SummaryRow {
    const stack = stackNameOf(r.task.configFile);
    const planned = r.plan && !r.plan.problems?.length ? r.plan : undefined;
    const s = planned?.summary;
    return {
        stack,
        tenant: planned ? planned.tenant.name : null,
        resources: s?.resources ?? null,
        mandatory: s?.mandatory ?? null,
        advisory: s?.advisory ?? null,
        failingFlows: s?.failingFlows ?? null,
        invalidInput: r.plan?.problems?.length ?? 0,
        exit: r.plan ? exitCode(r.plan) : 1,
    };
}

export function summaryTable(rows: SummaryRow[]): string {
    const head = ["stack", "tenant", "resources", "mandatory", "advisory", "failing flows", "invalid input", "exit"];
    const cells = rows.map(r =>
        [
            r.stack,
            r.tenant ?? "-",
            r.resources,
            r.mandatory,
            r.advisory,
            r.failingFlows,
            r.invalidInput ? `${r.invalidInput} problem${r.invalidInput === 1 ? "" : "s"}` : "-",
            r.exit,
        ].map(c => String(c ?? "-")),
    );
    const widths = head.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)));
    const line = (c: string[]) =>
        c
            .map((x, i) => (i < 2 ? x.padEnd(widths[i]) : x.padStart(widths[i])))
            .join("  ")
            .trimEnd();
    const failed = rows.filter(r => r.exit).length;
    return [
        line(head),
        ...cells.map(line),
        `${rows.length} stacks: ${rows.length - failed} clean, ${failed} not (exit ${Math.max(...rows.map(r => r.exit))})`,
    ].join("\n");
}

if (require.main === module) {
    process.chdir(process.env.INIT_CWD ?? process.cwd());
    main(process.argv.slice(2)).then(
        code => {
            process.exitCode = code;
        },
        e => {
            console.error(`plan: ${(e as Error).message}`);
            process.exitCode = 1;
        },
    );
}
