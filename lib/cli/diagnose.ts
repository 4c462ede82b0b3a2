/**
 * npm run diagnose -- (--stack NAME | --config FILE | --all) [--format text|json] [--outputs FILE] "<error text>"
 * The error text may also come on standard input ("-"). Exit: 0 diagnosed, 2 invalid input, a text without a code,
 * or a code this tool does not know (named, with Microsoft's lookup URL).
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import YAML from "yaml";
import { PermissionCatalog } from "../catalog";
import { diagnose, DiagnoseResult, KNOWN_CODES, lookupUrl, parseAadstsError, ParsedError, PlannedStack } from "../diagnose";
import { formatProblem, InputError } from "../errors";
import { exitCode, loadStack, planStack, stackFiles, stackNameOf } from "../plan/plan";
import { planInPool } from "../plan/pool";
import { Io, processIo, runAsProcess, UsageError } from "./io";

const USAGE = `usage: npm run diagnose -- (--stack NAME | --config FILE | --all) [--format text|json] [--outputs FILE] "<error text>"
  --stack NAME      look in Pulumi.NAME.yaml          --all       look in every Pulumi.*.yaml here
  --config FILE     look in this stack file           --format    text (default) or json
  --outputs FILE    \`pulumi stack output --json\` of the deployed stack, so its real client IDs are known
  "<error text>"    the whole AADSTS error as Entra printed it; "-" reads it from standard input`;

function fail(message: string): never {
    throw new UsageError(message);
}

const FACT_WORDS: Record<string, string> = {
    clientId: "client ID",
    clientName: "client name",
    resource: "resource",
    resourceName: "resource name",
    tenant: "tenant",
    redirectUri: "redirect URI",
    user: "user",
    identityProvider: "identity provider",
};

function factsOf(p: ParsedError): string[] {
    return [
        p.clientId && `client ${p.clientId}${p.clientName ? ` (${p.clientName})` : ""}`,
        !p.clientId && p.clientName && `client "${p.clientName}"`,
        p.resource && `resource ${p.resource}${p.resourceName ? ` (${p.resourceName})` : ""}`,
        !p.resource && p.resourceName && `resource "${p.resourceName}"`,
        p.scopes && `scopes ${p.scopes.join(" ")}`,
        p.tenant && `tenant ${p.tenant}`,
        p.redirectUri && `redirect URI ${p.redirectUri}`,
        p.user && `user ${p.user}${p.identityProvider ? ` from ${p.identityProvider}` : ""}`,
        p.correlationId && `correlation ID ${p.correlationId}`,
        p.timestamp && `at ${p.timestamp}`,
        p.redacted && `redacted in the text: ${p.redacted.map(f => FACT_WORDS[f] ?? f).join(", ")}`,
    ].filter((f): f is string => !!f);
}

export function renderDiagnosis(r: DiagnoseResult, cwd = process.cwd()): string {
    const lines = [`${r.code}: ${r.meaning}.`, `  source: ${r.source}`];
    const facts = factsOf(r.parsed);
    if (facts.length) lines.push(`  from the error: ${facts.join(", ")}`);
    for (const d of r.diagnoses) {
        lines.push("", d.stack === "-" ? "no stack matches" : `stack ${d.stack}, tenant ${d.tenant.name} (${d.tenant.id})${d.app ? `, app ${d.app}` : ""}`);
        for (const f of d.flows) lines.push(`  flow     ${f.flow} to ${f.resource} [${f.permissions.join(" ")}]: ${f.outcome}${f.code ? ` ${f.code}` : ""}`);
        lines.push(`  planned  ${d.planned}`, `  cause    ${d.cause}`);
        if (d.fix)
            lines.push(`  fix      in ${path.relative(cwd, d.fix.file) || d.fix.file}: set ${d.fix.key} to ${JSON.stringify(d.fix.value)}, then pulumi up`);
        if (d.action) lines.push(`  action   ${d.action}`);
    }
    return lines.join("\n");
}

export async function main(argv: string[] = process.argv.slice(2), io: Io = processIo()): Promise<number> {
    try {
        return await run(argv, io);
    } catch (e) {
        if (e instanceof UsageError) {
            io.err(`diagnose: ${e.message}\n${USAGE}`);
            return 2;
        }
        if (e instanceof InputError) {
            io.err(e.message);
            return 2;
        }
        throw e;
    }
}

async function run(argv: string[], io: Io): Promise<number> {
    let parsedArgs;
    try {
        parsedArgs = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                all: { type: "boolean" },
                format: { type: "string", default: "text" },
                outputs: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
        });
    } catch (e) {
        fail((e as Error).message);
    }
    const { values: args, positionals } = parsedArgs;
    if (args.help) {
        io.out(USAGE);
        return 0;
    }
    if (args.format !== "text" && args.format !== "json") fail(`--format is "${args.format}"; use text or json`);
    if ([args.stack !== undefined, args.config !== undefined, !!args.all].filter(Boolean).length !== 1) fail("name exactly one of --stack, --config or --all");
    if (positionals.length !== 1) fail("give the error text as one argument (quote it), or - to read it from standard input");
    const text = positionals[0] === "-" ? io.stdin() : positionals[0];
    const parsed = parseAadstsError(text);
    if ("error" in parsed) {
        io.err(`diagnose: ${parsed.error}`);
        return 2;
    }
    if (!parsed.known) {
        const facts = factsOf(parsed);
        io.err(
            `diagnose: AADSTS${parsed.code} is not a code this tool diagnoses; look it up at ${lookupUrl(parsed.code)}${facts.length ? `\n  from the error: ${facts.join(", ")}` : ""}\n  known codes: ${KNOWN_CODES.join(", ")}`,
        );
        return 2;
    }

    const files = args.all ? stackFiles(io.cwd) : [path.resolve(io.cwd, args.config ?? `Pulumi.${args.stack}.yaml`)];
    for (const f of files) if (!fs.existsSync(f)) fail(`${f}: no such stack file`);
    if (!files.length) fail(`no Pulumi.*.yaml in ${io.cwd}`);
    const catalog = PermissionCatalog.load();
    const plans =
        files.length > 1
            ? (await planInPool(files.map(configFile => ({ configFile })))).map(r => r.plan)
            : [await planStack({ configFile: files[0], catalog })];
    const stacks: PlannedStack[] = [];
    for (const [i, file] of files.entries()) {
        const plan = plans[i];
        if (!plan || exitCode(plan) === 2) {
            io.err(`diagnose: ${path.basename(file)} is not a valid stack:\n${(plan?.problems ?? []).map(p => `  - ${formatProblem(p)}`).join("\n")}`);
            return 2;
        }
        const model = loadStack(file, catalog).model;
        if (!model) continue;
        if (args.outputs) plan.outputs = { ...plan.outputs, ...readOutputs(path.resolve(io.cwd, args.outputs)) };
        stacks.push({ stack: stackNameOf(file), file, model, plan });
    }
    const result = diagnose(parsed, stacks, catalog);
    io.out(args.format === "json" ? JSON.stringify(result, null, 2) : renderDiagnosis(result, io.cwd));
    return 0;
}

function readOutputs(file: string): Record<string, unknown> {
    try {
        return YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        fail(`--outputs ${file}: ${(e as Error).message.split("\n")[0]}`);
    }
}

if (require.main === module) runAsProcess("diagnose", main);
