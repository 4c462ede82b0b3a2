/**
 * Runs CrossGuard policies on recorded resources the way the engine does: validation args with type, props
 * (secrets unwrapped, unknowns behind the engine's unknown-checking proxy), urn, name, opts, provider, stackTags,
 * isType/asType, getConfig and notApplicable; stack policies get every resource with parent, dependencies and
 * property dependencies resolved. The offline plan and the tests use it; `pulumi preview` uses the engine.
 */
import * as fs from "fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import {
    Policies,
    PolicyResource,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    StackValidationArgs,
    StackValidationPolicy,
    ResourceValidationPolicy,
    unknownCheckingProxy,
    UnknownValueError,
} from "@pulumi/policy";
import { formatPath, InputError, InputProblem } from "../errors";
import { didYouMean } from "../suggest";
import { schemaProblems } from "../schema-problems";
import type { Finding, FindingFields } from "../../policies/lib/findings";
import { resolveOverrides, TierOverride } from "../../policies/lib/tiers";
import { withDefaults } from "../../policies/lib/config";
import { PermissionCatalog } from "../catalog";
import type { RecordedResource } from "./run";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type PolicyPackConfig = Record<string, { enforcementLevel?: EnforcementLevel; [option: string]: unknown }>;

/** One policy finding of the plan, as `pulumi preview --policy-pack` reports it. */
export interface Violation extends FindingFields {
    policy: string;
    enforcementLevel: "mandatory" | "advisory";
    urn?: string;
    message: string;
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
/** The policy config key that sets every policy's enforcement level, as `--policy-pack-config` takes it. */
const ALL = "all";

class NotApplicable extends Error {}

/** The engine's own deserializer (internal to @pulumi/policy, so not in its typings): secrets unwrapped, unknowns kept. */
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: { toJavaScript(): unknown }, proxySecrets: boolean): Record<string, any>;
};

/** The SDK's own (internal, untyped) check that a validation or class carries a Pulumi type token. */
const { getPulumiType } = require("@pulumi/policy/policy") as { getPulumiType(obj: unknown): string | undefined };

/**
 * Whether a resource of `type` is of `resourceClass`, as args.isType/asType answer in @pulumi/policy's analyzer
 * (isTypeOf in node_modules/@pulumi/policy/server.js, not exported): the class's `__pulumiType` when it has one,
 * otherwise its `isInstance` asked about `{ __pulumiType: type }`. validateResourceOfType runs only where this holds.
 */
export function isTypeOf(type: string, resourceClass: any): boolean {
    const pulumiType = getPulumiType(resourceClass);
    if (pulumiType) return type === pulumiType;
    const isInstance = resourceClass.isInstance;
    return isInstance && typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** Reads and checks a policy config file (the same JSON `--policy-pack-config` takes); problems are input errors. */
export function loadPolicyConfig(file: string, policies: Policies): PolicyPackConfig {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new InputError([{ path: file, message: `cannot read the policy config: ${(e as Error).message.split("\n")[0]}` }]);
    }
    return validatePolicyConfig(raw, policies, file);
}

export function validatePolicyConfig(raw: unknown, policies: Policies, source = "policy config"): PolicyPackConfig {
    const problems: InputProblem[] = [];
    const at = (...s: (string | number)[]) => formatPath(s, `${source}: `);
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new InputError([{ path: at(), message: "is not a JSON object of policy names" }]);
    const config: PolicyPackConfig = {};
    const names = policies.map(p => p.name);
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false, verbose: true }));
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        if (name === ALL) {
            // The CLI's `all`: an enforcement level for every policy of the pack (a policy's own entry wins).
            const level = typeof value === "string" ? value : (value as { enforcementLevel?: unknown } | null)?.enforcementLevel;
            const extra = value && typeof value === "object" ? Object.keys(value).filter(k => k !== "enforcementLevel") : [];
            if (!LEVELS.includes(level as EnforcementLevel) || extra.length)
                problems.push({
                    path: at(name),
                    message: `${JSON.stringify(value)} is not an enforcement level`,
                    hint: `"all" takes one of ${LEVELS.join(", ")}`,
                });
            else config[ALL] = { enforcementLevel: level as EnforcementLevel };
            continue;
        }
        const policy = policies.find(p => p.name === name);
        if (!policy) {
            problems.push({ path: at(name), message: `no policy is named "${name}"${didYouMean(name, names)}` });
            continue;
        }
        const entry = typeof value === "string" ? { enforcementLevel: value } : value;
        if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
            problems.push({ path: at(name), message: "is neither an enforcement level nor an object of options" });
            continue;
        }
        const schema = {
            type: "object",
            additionalProperties: false,
            properties: { enforcementLevel: { enum: LEVELS }, ...(policy.configSchema?.properties ?? {}) },
            required: policy.configSchema?.required ?? [],
        };
        const validate = ajv.compile(schema);
        if (!validate(entry)) {
            const options = Object.keys(schema.properties);
            problems.push(
                ...schemaProblems(validate.errors ?? [], entry, {
                    root: `${source}: `,
                    under: [name],
                    keyNoun: "option",
                    keysHint: () => `options of ${name}: ${options.join(", ")}`,
                }),
            );
            continue;
        }
        // Tier overrides name catalog permissions: checked here, with did-you-mean, as the engine cannot (it ignores them and reports).
        const tiers = (entry as { tiers?: TierOverride[] }).tiers;
        for (const p of Array.isArray(tiers) ? resolveOverrides(tiers, PermissionCatalog.load()).problems : []) {
            problems.push({ path: at(name, "tiers", p.index, ...(p.field ? [p.field] : [])), message: p.message, hint: p.hint });
        }
        config[name] = entry as PolicyPackConfig[string];
    }
    if (problems.length) throw new InputError(problems, source);
    return config;
}

export interface PolicyRunOptions {
    config?: PolicyPackConfig;
    stackTags?: Record<string, string>;
    /** config of each package's default provider, e.g. { azuread: { tenantId: "..." } } */
    defaultProviderConfig?: Record<string, Record<string, unknown>>;
    stack: string;
    project: string;
    packEnforcementLevel?: EnforcementLevel;
}

function optionsOf(policy: { name: string; configSchema?: { properties: Record<string, any> } }, config: PolicyPackConfig) {
    const { enforcementLevel: _ignored, ...options } = config[policy.name] ?? {};
    return withDefaults<Record<string, unknown>>(policy.configSchema, options);
}

/**
 * The resources as the engine hands them to an analyzer: the program's registrations plus one default provider per
 * package that registered without an explicit provider, and each resource's provider.
 */
export function withDefaultProviders(recorded: RecordedResource[], opts: Pick<PolicyRunOptions, "stack" | "project" | "defaultProviderConfig">) {
    const resources = [...recorded];
    const defaultProviders = new Map<string, RecordedResource>();
    for (const r of recorded) {
        const pkg = r.type.split(":")[0];
        if (!r.custom || r.provider || pkg === "pulumi" || defaultProviders.has(pkg)) continue;
        const props = opts.defaultProviderConfig?.[pkg] ?? {};
        const name = defaultProviderName(r.version);
        const p: RecordedResource = {
            urn: `urn:pulumi:${opts.stack}::${opts.project}::pulumi:providers:${pkg}::${name}`,
            type: `pulumi:providers:${pkg}`,
            name,
            custom: true,
            dependencies: [],
            propertyDependencies: {},
            inputs: props,
            secretInputs: [],
            outputs: { ...props, version: r.version },
        };
        defaultProviders.set(pkg, p);
        resources.unshift(p);
    }
    const byUrn = new Map<string, RecordedResource>();
    for (const r of resources) if (!byUrn.has(r.urn)) byUrn.set(r.urn, r);
    // An explicit provider reference is "<urn>::<id>".
    const providerOf = (r: RecordedResource): RecordedResource | undefined =>
        r.provider ? byUrn.get(r.provider.split("::").slice(0, -1).join("::")) : defaultProviders.get(r.type.split(":")[0]);
    return { resources, providerOf };
}

/** What a policy sees of one resource (type, props, URN, name, options, provider, isType/asType). */
type Describe = (r: RecordedResource, state?: "inputs" | "outputs") => Omit<ResourceValidationArgs, "stackTags" | "getConfig" | "notApplicable">;

/** The resources the engine would analyze (default providers included) and how each is shown to a policy. */
function resourceDescriber(recorded: RecordedResource[], opts: PolicyRunOptions): { resources: RecordedResource[]; describe: Describe } {
    const { resources, providerOf: providerRecord } = withDefaultProviders(recorded, opts);
    const propsOf = (r: RecordedResource, state: "inputs" | "outputs" = "inputs") =>
        unknownCheckingProxy(deserializeProperties({ toJavaScript: () => stripUndefined(r[state]) }, false));
    const providerOf = (r: RecordedResource) => {
        const ref = providerRecord(r);
        return ref ? { type: ref.type, props: propsOf(ref), urn: ref.urn, name: ref.name } : undefined;
    };
    const optsOf = (r: RecordedResource) => ({
        protect: false,
        ignoreChanges: [],
        aliases: [],
        additionalSecretOutputs: [],
        deleteBeforeReplace: false,
        parent: r.parent,
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    });
    /**
     * What resource and stack policies both see of a resource (fresh props each time, as the engine gives each policy):
     * resource policies judge the inputs (Analyze), stack policies the outputs (AnalyzeStack: "the final outputs of each
     * resource", pulumi/pulumi pkg/resource/deploy/step_generator.go), where computed IDs are known after the step.
     */
    const describe: Describe = (r, state = "inputs") => {
        const props = propsOf(r, state);
        return {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: optsOf(r),
            provider: providerOf(r),
            isType: (cls: any) => isTypeOf(r.type, cls),
            asType: ((cls: any) => (isTypeOf(r.type, cls) ? props : undefined)) as any,
        };
    };
    return { resources, describe };
}

/** Every resource with parent, dependencies and property dependencies resolved; built once, read by every stack policy. */
function stackResourcesOf(resources: RecordedResource[], describe: Describe): PolicyResource[] {
    // One node per registration, duplicates included: the engine refuses a duplicate URN, and the plan reports it,
    // but nothing here may hide one of the two from the policies. References resolve to the first registration.
    const list = resources.map(r => ({ ...describe(r, "outputs"), dependencies: [], propertyDependencies: {} }) as PolicyResource);
    const nodes = new Map<string, PolicyResource>();
    list.forEach((n, i) => {
        if (!nodes.has(resources[i].urn)) nodes.set(resources[i].urn, n);
    });
    resources.forEach((r, i) => {
        const n = list[i];
        if (r.parent && nodes.has(r.parent)) n.parent = nodes.get(r.parent);
        n.dependencies = r.dependencies.map(d => nodes.get(d)!).filter(Boolean);
        for (const [k, deps] of Object.entries(r.propertyDependencies)) n.propertyDependencies[k] = deps.map(d => nodes.get(d)!).filter(Boolean);
    });
    return list;
}

/** A policy's level: the policy config's entry for it, then its `all` entry, the policy's own, the pack's; remediate is mandatory. */
function enforcementLevelOf(
    p: { name: string; enforcementLevel?: EnforcementLevel },
    config: PolicyPackConfig,
    packLevel?: EnforcementLevel,
): EnforcementLevel {
    const level = config[p.name]?.enforcementLevel ?? config[ALL]?.enforcementLevel ?? p.enforcementLevel ?? packLevel ?? "advisory";
    return level === "remediate" ? "mandatory" : level;
}

/** Runs one validation as the engine does, turning its reports, a not-applicable, an unknown value or a failure into results. */
function validationRunner(violations: Violation[], errors: string[]) {
    return (p: { name: string }, level: EnforcementLevel, urn: string | undefined, fn: (report: ReportViolation) => unknown) => {
        // As the engine's report function: a message (and URN), or an object whose enforcementLevel overrides the policy's;
        // the structured fields beside the message (app, resource, permission, type, tier, approval) are kept for JSON.
        const report = (message: string | Finding, at?: string) => {
            if (typeof message === "string") {
                violations.push({ policy: p.name, enforcementLevel: level as "mandatory" | "advisory", urn: at ?? urn, message });
                return;
            }
            const { message: text, urn: findingUrn, enforcementLevel, ...fields } = message;
            violations.push({
                policy: p.name,
                enforcementLevel: (enforcementLevel ?? level) as "mandatory" | "advisory",
                urn: findingUrn ?? urn,
                message: text,
                ...fields,
            });
        };
        try {
            const result = fn(report);
            if (result && typeof (result as Promise<void>).then === "function")
                errors.push(`policy ${p.name} is asynchronous, which the offline harness does not run`);
        } catch (e) {
            if (e instanceof NotApplicable) return;
            if (e instanceof UnknownValueError) {
                violations.push({
                    policy: p.name,
                    enforcementLevel: "advisory",
                    urn,
                    message: `can't run policy '${p.name}' during preview: ${(e as Error).message}`,
                });
                return;
            }
            errors.push(`policy ${p.name} failed on ${urn ?? "the stack"}: ${(e as Error).message}`);
        }
    };
}

export function runPolicies(policies: Policies, recorded: RecordedResource[], opts: PolicyRunOptions): { violations: Violation[]; errors: string[] } {
    const config = opts.config ?? {};
    const violations: Violation[] = [];
    const errors: string[] = [];
    const stackTags: ReadonlyMap<string, string> = new Map(Object.entries(opts.stackTags ?? {}));
    const { resources, describe } = resourceDescriber(recorded, opts);
    const run = validationRunner(violations, errors);
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };
    let stackResources: PolicyResource[] | undefined;

    for (const policy of policies) {
        const level = enforcementLevelOf(policy, config, opts.packEnforcementLevel);
        if (level === "disabled") continue;
        const getConfig = () => optionsOf(policy, config) as any;
        if ("validateResource" in policy && policy.validateResource) {
            const validationsOf = validationsByType(policy.validateResource);
            for (const r of resources) {
                const validations = validationsOf(r.type);
                if (!validations.length) continue;
                const args: ResourceValidationArgs = { ...describe(r), stackTags, getConfig, notApplicable };
                for (const v of validations) run(policy, level, r.urn, report => v(args, report));
            }
        }
        if ("validateStack" in policy) {
            const stackPolicy = policy as StackValidationPolicy;
            stackResources ??= stackResourcesOf(resources, describe);
            const args: StackValidationArgs = { resources: stackResources, stackTags, getConfig, notApplicable };
            run(policy, level, undefined, report => stackPolicy.validateStack(args, report));
        }
    }
    return { violations, errors };
}

/**
 * The validations of a resource policy that can apply to a type. One built by validateResourceOfType carries its
 * class's type and on any other type only calls notApplicable (node_modules/@pulumi/policy/policy.js); the analyzer
 * skips it there when it is the policy's only one (server.js). Skipping it in the array form too gives the same
 * findings without an exception per resource and validation.
 */
function validationsByType(validateResource: ResourceValidation | ResourceValidation[]): (type: string) => ResourceValidation[] {
    const typed = [validateResource].flat().map(v => ({ v, type: getPulumiType(v) }));
    return type => typed.filter(t => t.type === undefined || t.type === type).map(t => t.v);
}

/** The engine names a package's default provider after the plugin version: `default_6_9_1` (`default` when unversioned). */
export function defaultProviderName(version: string | undefined): string {
    return version ? `default_${version.replace(/[.-]/g, "_")}` : "default";
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export type { ResourceValidationPolicy };
