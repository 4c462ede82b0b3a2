/**
 * The offline plan (README.md, "The offline plan"): validate a stack file, run a program against a simulated
 * tenant under Pulumi's mock runtime, and report resources, violations, flows and a summary.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { PermissionCatalog } from "../catalog";
import { loadTenantExport, TenantExport } from "../tenant/export";
import { ImportPlan, planImports } from "../tenant/imports";
import { adoptedProblems, tenantConsentSettings, tenantSeed } from "../tenant/seed";
import { attributeProblems, projectFileIn, readProjectFile, resolveConfig } from "../config/project";
import { Origin, rawStackConfig, readStackFile } from "../config/stack";
import { InputError, InputProblem } from "../errors";
import { buildModel, ConsentModel } from "../model";
import { tenantState } from "../sim/tenant";
import { AppSummary, consentSummary } from "../summary";
import { policies as packPolicies } from "../../policies/all";
import type { Policies } from "@pulumi/policy";
import { TYPE_PREFIX } from "../resource-types";
import { TENANT_TAG } from "../tags";
import { Flow, isFailing, predictFlows } from "../flows";
import { loadPolicyConfig, PolicyPackConfig, runPolicies, Violation } from "./policies";
import { ProgramRun, RecordedResource, UNKNOWN } from "./run";
import { ProgramRunner, programRunners, TaskStats } from "./runners";
import { maskPaths, redact, secretStrings } from "./secrets";
import { duplicateUrnErrors } from "./duplicates";

const TENANT_COMPONENT_TYPE = `${TYPE_PREFIX}:TenantConsent`;
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
export const DEFAULT_PROGRAM = path.join(PROJECT_ROOT, "index.ts");

export interface PlanResult {
    stack: string;
    tenant: { id: string; name: string; userConsent?: string };
    resources: {
        urn: string;
        type: string;
        name: string;
        parent: string | null;
        inputs: Record<string, unknown>;
        retainOnDelete?: true;
        /** inputs the engine keeps from the state once the resource exists (the program's `ignoreChanges`) */
        ignoreChanges?: string[];
        action?: "import";
        importId?: string;
    }[];
    violations: Violation[];
    flows: Flow[];
    summary: { resources: number; mandatory: number; advisory: number; failingFlows: number; errors: number };
    /** why the deploy would fail in the tenant (rejections, program errors): exit 1 */
    errors: string[];
    /** who holds what (the consent model), when the program is this project's */
    consent?: Record<string, AppSummary>;
    /** input problems: exit 2 */
    problems?: InputProblem[];
    /** the program's stack outputs (client IDs, identifier URIs, ...), as planned */
    outputs?: Record<string, unknown>;
    /** with --tenant-export: what already exists and is adopted (`pulumi import --file`), and what the first update changes */
    imports?: {
        count: number;
        updates: ImportPlan["updates"];
        notImported: ImportPlan["notImported"];
        appsMatchedByName: ImportPlan["appsMatchedByName"];
        file?: string;
        /** the imported resources' names, for entra-consent:adopted (retained on delete) */
        adopted: string[];
        /** imported resources entra-consent:adopted does not list yet: destroy would delete them */
        notRetained: string[];
        /** with importFile: the entra-consent:adopted config block written beside it */
        adoptedFile?: string;
    };
    /** where the time went, in milliseconds (the benchmark reads it) */
    timings?: { programMs: number; policiesMs: number };
}

export interface PlanOptions {
    /** Pulumi.<stack>.yaml */
    configFile: string;
    /** defaults to this project's index.ts */
    program?: string;
    /** a first preview: IDs of resources not created yet are unknown */
    preview?: boolean;
    catalog?: PermissionCatalog;
    /** simulate a deploy signed in to another tenant */
    signedInTenantId?: string;
    /** the policy pack's config file (approvals, options), as `--policy-pack-config` takes it */
    policyConfig?: string;
    /** the policies to run (default: the whole pack) */
    policies?: Policies;
    /** the processes that run the program (default: this process's warm runners) */
    runners?: ProgramRunner;
    /** what the plan cost: the runner's CPU and memory plus this process's CPU for judging (the benchmark reads it) */
    onStats?: (stats: TaskStats) => void;
    /** a tenant export (scripts/export-tenant.sh): what exists is reported as `import` */
    tenantExport?: string;
    /** with tenantExport: where to write the `pulumi import --file` JSON */
    importFile?: string;
}

export const stackNameOf = (file: string): string =>
    path
        .basename(file)
        .replace(/^Pulumi\./, "")
        .replace(/\.ya?ml$/, "");

/** The stack files (Pulumi.<stack>.yaml) of a folder, sorted, as absolute paths. */
export function stackFiles(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .filter(f => /^Pulumi\..+\.ya?ml$/.test(f))
        .sort()
        .map(f => path.resolve(dir, f));
}

/** What plan output shows of an input: unknowns marked, secrets (at any depth) never shown. */
function displayInputs(r: RecordedResource): Record<string, unknown> {
    const show = (v: unknown): unknown =>
        v === UNKNOWN
            ? "<unknown>"
            : Array.isArray(v)
              ? v.map(show)
              : v && typeof v === "object"
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, show(x)]))
                : v;
    return maskPaths(show(r.inputs) as Record<string, unknown>, r.secretInputs);
}

/** A run that did not come back (the runner crashed, or sent what is not a run): a deploy error, so the plan fails closed. */
function failedRun(error: string): ProgramRun {
    return { resources: [], outputs: {}, errors: [`the program did not run to the end: ${error}`], rejections: [] };
}

export function exitCode(plan: PlanResult): 0 | 1 | 2 {
    if (plan.problems?.length) return 2;
    return plan.summary.mandatory || plan.summary.failingFlows || plan.errors.length ? 1 : 0;
}

function emptyPlan(stack: string, tenant: { id: string; name: string }, problems: InputProblem[]): PlanResult {
    return {
        stack,
        tenant,
        resources: [],
        violations: [],
        flows: [],
        errors: [],
        problems,
        summary: { resources: 0, mandatory: 0, advisory: 0, failingFlows: 0, errors: 0 },
    };
}

/**
 * Loads and validates a stack file with what it inherits from the Pulumi.yaml beside it (lib/config/project.ts):
 * the resolved config (as `pulumi up` gives it to the program), the model when it declares this project's config,
 * InputError otherwise, each problem naming the file its value came from.
 */
export function loadStack(configFile: string, catalog: PermissionCatalog): { config: Record<string, unknown>; model?: ConsentModel; tenantId: string } {
    const file = readStackFile(configFile);
    const projectFile = projectFileIn(path.dirname(configFile));
    const { config, sourceOf } = resolveConfig(projectFile ? readProjectFile(projectFile) : undefined, file);
    let origins: Origin[] = [];
    try {
        const resolved = rawStackConfig(config);
        origins = resolved.origins;
        const { raw, azureadTenantId } = resolved;
        // Another program (--program) may not use this project's config: then the tenant comes from azuread:tenantId.
        if (Object.keys(raw).length === 0 && azureadTenantId) return { config, tenantId: azureadTenantId };
        const model = buildModel(raw, catalog, { azureadTenantId });
        const unknownAdopted = adoptedProblems(model);
        if (unknownAdopted.length) throw new InputError(unknownAdopted);
        return { config, model, tenantId: model.tenant.id };
    } catch (e) {
        if (e instanceof InputError && projectFile) throw new InputError(attributeProblems(e.problems, sourceOf, origins, configFile));
        throw e;
    }
}

/** Each package's default-provider config from the stack config (`azuread:tenantId` -> azuread.tenantId). */
function providerConfig(config: Record<string, unknown>): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [key, value] of Object.entries(config)) {
        const [pkg, name] = key.split(":");
        if (!name || pkg === "entra-consent") continue;
        (out[pkg] ??= {})[name] = value;
    }
    return out;
}

/** A tenant export (scripts/export-tenant.sh) of the stack's own tenant; anything else is an input error. */
function loadExportFor(file: string, tenantId: string): TenantExport {
    const data = loadTenantExport(file);
    if (data.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
        throw new InputError([
            {
                path: `${file}: tenantId`,
                message: `the export is of tenant ${data.tenantId}, and this stack deploys to ${tenantId}`,
                hint: "export the stack's own tenant",
            },
        ]);
    }
    return data;
}

/**
 * What the stack declares that already exists in the tenant is adopted, not created: each such resource is marked
 * `import` with its ID, the plan lists grants whose scopes the first update changes, and writes the file
 * `pulumi import --file` takes (lib/tenant/imports.ts).
 */
function addImports(plan: PlanResult, existing: TenantExport, model: ConsentModel, adopted: Record<string, string>, importFile?: string): void {
    const azureadVersion = require("@pulumi/azuread/package.json").version as string;
    const imports = planImports(existing, plan.resources, model, { azureadVersion });
    // The simulated tenant adopted what lib/tenant/seed.ts predicted; the import file must adopt exactly that.
    const named = new Set(imports.imports.map(i => i.name));
    const differ = [...Object.keys(adopted).filter(n => !named.has(n)), ...[...named].filter(n => !(n in adopted))];
    if (differ.length) {
        plan.errors.push(`internal: the simulated tenant and the import file adopt different resources: ${differ.sort().join(", ")}`);
        plan.summary.errors = plan.errors.length;
    }
    const ids = new Map(imports.imports.map(i => [i.urn, i.id]));
    for (const r of plan.resources) {
        const id = ids.get(r.urn);
        if (id) Object.assign(r, { action: "import", importId: id });
    }
    const names = [...named].sort();
    const adoptedFile = importFile && `${importFile.replace(/\.json$/i, "")}.adopted.yaml`;
    plan.imports = {
        count: imports.imports.length,
        updates: imports.updates,
        notImported: imports.notImported,
        appsMatchedByName: imports.appsMatchedByName,
        ...(importFile ? { file: importFile } : {}),
        adopted: names,
        notRetained: names.filter(n => !plan.resources.some(r => r.name === n && r.retainOnDelete)),
        ...(adoptedFile ? { adoptedFile } : {}),
    };
    if (importFile) fs.writeFileSync(importFile, JSON.stringify(imports.file, null, 2) + "\n");
    // The program reads entra-consent:adopted at deploy time (it has no export then): the block to add to the stack file.
    if (adoptedFile) fs.writeFileSync(adoptedFile, YAML.stringify({ config: { "entra-consent:adopted": names } }));
}

export async function planStack(opts: PlanOptions): Promise<PlanResult> {
    const catalog = opts.catalog ?? PermissionCatalog.load();
    const stack = stackNameOf(opts.configFile);
    const policies = opts.policies ?? packPolicies;
    let loaded: ReturnType<typeof loadStack>;
    let policyConfig: PolicyPackConfig = {};
    let existing: TenantExport | undefined;
    try {
        loaded = loadStack(opts.configFile, catalog);
        if (opts.policyConfig) policyConfig = loadPolicyConfig(opts.policyConfig, policies);
        if (opts.tenantExport) existing = loadExportFor(opts.tenantExport, loaded.tenantId);
    } catch (e) {
        if (e instanceof InputError) return emptyPlan(stack, { id: "", name: "" }, e.problems);
        throw e;
    }
    const { model, config, tenantId } = loaded;
    const tenantOptions = {
        tenantId,
        signedInTenantId: opts.signedInTenantId,
        preview: opts.preview,
        existingPrincipalIds: model?.apps.flatMap(a => (a.managedIdentity && "principalId" in a.managedIdentity ? [a.managedIdentity.principalId] : [])),
        // With an export, the simulated tenant starts from what the tenant holds.
        ...(existing && !opts.preview ? { seed: tenantSeed(existing, model) } : {}),
    };
    const started = performance.now();
    // The program runs in a process of its own (lib/plan/runners.ts): it cannot reach what judges it, and sends data back.
    const ran = await (opts.runners ?? programRunners()).run({
        program: opts.program ?? DEFAULT_PROGRAM,
        config,
        stack,
        tenant: tenantOptions,
        preview: opts.preview,
    });
    const run = ran.result?.run ?? failedRun(ran.error ?? "no answer");
    const programDone = performance.now();
    const cpu = process.cpuUsage();
    const resources = run.resources.map(r => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent ?? null,
        inputs: displayInputs(r),
        ...(r.retainOnDelete ? { retainOnDelete: true as const } : {}),
        ...(r.ignoreChanges?.length ? { ignoreChanges: r.ignoreChanges } : {}),
    }));
    const judged = runPolicies(policies, run.resources, {
        config: policyConfig,
        stack,
        project: "entra-consent",
        stackTags: { [TENANT_TAG]: tenantId },
        defaultProviderConfig: providerConfig(config),
    });
    const policiesDone = performance.now();
    // Token requests are predicted against what the deploy leaves in the tenant (a preview creates nothing),
    // for programs that build the tenant from this config with our components.
    const builtByComponents = run.resources.some(r => r.type === TENANT_COMPONENT_TYPE);
    const judgedUnder = model && existing ? { ...model, tenant: tenantConsentSettings(existing, model) } : model;
    const flows = judgedUnder && builtByComponents && !opts.preview && ran.result ? predictFlows(judgedUnder, tenantState(ran.result.tenant), catalog) : [];
    const errors = [...duplicateUrnErrors(run.resources), ...run.errors, ...judged.errors];
    const plan: PlanResult = {
        stack,
        tenant: { id: tenantId, name: model?.tenant.name ?? stack, userConsent: model?.tenant.userConsent },
        resources,
        violations: judged.violations,
        flows,
        summary: {
            resources: resources.length,
            mandatory: judged.violations.filter(v => v.enforcementLevel === "mandatory").length,
            advisory: judged.violations.filter(v => v.enforcementLevel === "advisory").length,
            failingFlows: flows.filter(isFailing).length,
            errors: errors.length,
        },
        errors,
        consent: model ? consentSummary(model) : undefined,
        outputs: run.outputs,
        timings: { programMs: Math.round(programDone - started), policiesMs: Math.round(policiesDone - programDone) },
    };
    if (existing && model && !opts.preview) addImports(plan, existing, model, tenantOptions.seed?.adopted ?? {}, opts.importFile);
    const used = process.cpuUsage(cpu);
    opts.onStats?.({ wallMs: performance.now() - started, cpuMs: ran.stats.cpuMs + (used.user + used.system) / 1000, rssBytes: ran.stats.rssBytes });
    // Nothing the plan prints shows a secret: not a policy's message, a program's error or a stack output quoting one.
    return redact(plan, secretStrings(run.resources));
}
