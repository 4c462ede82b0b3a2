/**
 * Runs a Pulumi TypeScript program under Pulumi's mock runtime, backed by a simulated tenant, and records
 * every resource registration the way the engine sees it: type, name, parent, dependencies, property
 * dependencies and inputs (unknowns kept as such). Policies and reports read these records.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PermissionCatalog } from "../catalog";
import { SECRET_MASK, SecretPath } from "./secrets";
import { RejectionRecord, SimulatedTenant, SimulatedTenantOptions, TenantSnapshot } from "../sim/tenant";

/** The SDK's wire sentinels: a value not known yet, and the signature that marks a secret. */
export const UNKNOWN = pulumi.runtime.unknownValue;
const { specialSecretSig: SECRET_SIG, specialSigKey: SIG_KEY } = pulumi.runtime;

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    custom: boolean;
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** inputs as the engine receives them: unknown values are UNKNOWN, secrets are { secret: true, value } */
    inputs: Record<string, unknown>;
    /** where secrets sit in the inputs, at any depth (`["credentials", 0, "value"]`); plan output masks each */
    secretInputs: SecretPath[];
    /**
     * the resource's state after the step (the tenant's answer: inputs plus computed IDs), secrets unwrapped,
     * unknowns kept: what the engine's AnalyzeStack judges (it passes each resource's outputs, not its inputs)
     */
    outputs: Record<string, unknown>;
    /** where secrets sit in the outputs (the provider's secret outputs, secrets the program passed) */
    secretOutputs?: SecretPath[];
    /** the provider package version the SDK registered with (the engine names default providers after it) */
    version?: string;
    /** left in the tenant when removed from the program or when the stack is destroyed */
    retainOnDelete?: boolean;
    /** inputs the engine keeps from state on update (e.g. a fixed client secret's endDate) */
    ignoreChanges?: string[];
}

export interface ProgramRun {
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
    /** why the program did not complete: tenant rejections, program errors */
    errors: string[];
    rejections: RejectionRecord[];
}

export interface RunOptions {
    program: string;
    /** the stack's config map; object values are passed as JSON, as the engine does */
    config: Record<string, unknown>;
    project?: string;
    stack: string;
    tenant: SimulatedTenant;
    /** a first preview: outputs of resources not created yet are unknown */
    preview?: boolean;
    /**
     * Hands records over as they are made, `every` at a time, instead of keeping them to the end; the run's `resources`
     * then lists only those not handed over. A runner sends them on to the plan while the program runs: a 5,000-app
     * stack's records then never sit in the runner all at once, nor in one message at the end.
     */
    handOver?: { every: number; records: (batch: RecordedResource[]) => void };
}

/**
 * Wire values -> plain values; unknowns stay the sentinel. Secrets are unwrapped, their paths recorded (inputs and
 * outputs, which policies judge as the engine gives them), or replaced by SECRET_MASK (stack outputs, which the plan prints).
 */
function fromWire(v: unknown, secrets: { paths: SecretPath[]; mask?: boolean } = { paths: [] }, at: SecretPath = []): unknown {
    if (Array.isArray(v)) return v.map((x, i) => fromWire(x, secrets, [...at, i]));
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) {
            secrets.paths.push(at); // a secret inside a secret is covered by the outer path
            return secrets.mask ? SECRET_MASK : fromWire(o.value, { paths: [] }, at);
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromWire(x, secrets, [...at, k])]));
    }
    return v;
}

/** The record of one registration: the request as the engine receives it, and the tenant's answer. */
function recordOf(req: any, resp: any): RecordedResource {
    const secretInputs: SecretPath[] = [];
    const inputs = fromWire(req.getObject()?.toJavaScript() ?? {}, { paths: secretInputs }) as Record<string, unknown>;
    const secretOutputs: SecretPath[] = [];
    // Bridged providers keep the resource ID in the state as `id`; the mock answers it beside the state.
    const outputs = {
        ...(resp.getId() ? { id: resp.getId() } : {}),
        ...(fromWire(resp.getObject()?.toJavaScript() ?? {}, { paths: secretOutputs }) as Record<string, unknown>),
    };
    const propDeps: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
        propDeps[key] = deps.getUrnsList();
    });
    return {
        urn: resp.getUrn(),
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent() || undefined,
        custom: req.getCustom(),
        provider: req.getProvider() || undefined,
        dependencies: req.getDependenciesList(),
        propertyDependencies: propDeps,
        inputs,
        secretInputs,
        outputs,
        ...(secretOutputs.length ? { secretOutputs } : {}),
        version: req.getVersion() || undefined,
        retainOnDelete: req.getRetainondelete() || undefined,
        ...(req.getIgnorechangesList().length ? { ignoreChanges: req.getIgnorechangesList() } : {}),
    };
}

/** Makes the mock monitor name URNs as the engine does, answer invokes cheaply and record every registration. */
function instrumentMonitor(opts: RunOptions, projectName: string, resources: RecordedResource[], errors: string[]): void {
    const monitor = pulumi.runtime.getMonitor() as any;
    // The engine qualifies a child's type with every ancestor's (`TenantConsent$AppAccess$...`); the mock keeps only the
    // parent's. Name URNs as the engine does, so findings carry the URNs `pulumi preview --policy-pack` prints.
    // (the root stack's own type is left out, as the engine's generateURN does).
    monitor.newUrn = (parent: string | undefined, type: string, name: string) => {
        const parentType = parent?.split("::")[2];
        const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
        return `urn:pulumi:${opts.stack}::${projectName}::${qualified}::${name}`;
    };
    // The mock answers an invoke as a protobuf Struct, and the SDK then prints that message into a debug line it builds
    // whether or not anyone logs; for Graph's service principal (hundreds of roles and scopes) that was half of a small
    // stack's plan. Answer with the same serialized properties (secrets and unknowns as the SDK marks them), unencoded.
    const invoke = monitor.invoke.bind(monitor);
    monitor.invoke = async (req: any, callback: (err: unknown, resp?: unknown) => void) => {
        const token: string = req.getTok();
        if (token === "pulumi:pulumi:getResource") return invoke(req, callback);
        try {
            const inputs = pulumi.runtime.deserializeProperties(req.getArgs());
            const answer = await pulumi.runtime.serializeProperties("", opts.tenant.call({ token, inputs, provider: req.getProvider() }));
            callback(null, { getFailuresList: () => [], getReturn: () => ({ toJavaScript: () => answer }), toString: () => `InvokeResponse ${token}` });
        } catch (err) {
            callback(err);
        }
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) =>
        register(req, (err: any, resp: any) => {
            if (!err) {
                resources.push(recordOf(req, resp));
                if (opts.handOver && resources.length >= opts.handOver.every) opts.handOver.records(resources.splice(0));
            } else {
                errors.push(`${req.getType()}::${req.getName()}: ${err.message ?? err}`);
            }
            callback(err, resp);
        });
}

/**
 * Turns off, for the run, what only the engine's process reads, and returns what puts it back: source positions and
 * promise-leak traces are for the engine's diagnostics, and capturing a source-mapped stack trace per resource and per
 * promise is most of the runtime's cost.
 */
function quietRuntime(): () => void {
    const resourceClass = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };
    const stackTrace = resourceClass.stackTrace;
    const stackTraceLimit = Error.stackTraceLimit;
    resourceClass.stackTrace = () => [];
    Error.stackTraceLimit = 0;
    // The runtime wraps each of its promises (four per output property of every resource) in two more and tags each
    // with a label string, to list promises still pending when the engine's process exits. A runner is not that
    // process and is reused; untagged, a 5,000-app stack needs about a quarter less memory (npm run bench).
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(p: Promise<T>, ctx: string) => Promise<T> };
    const debuggablePromise = debuggable.debuggablePromise;
    debuggable.debuggablePromise = p => p;
    return () => {
        resourceClass.stackTrace = stackTrace;
        debuggable.debuggablePromise = debuggablePromise;
        Error.stackTraceLimit = stackTraceLimit;
    };
}

/** Runs the program in the mocked stack; returns its stack outputs as the engine would store them, secrets masked. */
async function runInStack(program: string): Promise<Record<string, unknown>> {
    delete require.cache[require.resolve(program)];
    // The program's exports as it returned them (Outputs, with their secretness), not the stack's resolved values.
    let exports: Record<string, unknown> = {};
    await pulumi.runtime.runInPulumiStack(async () => {
        const mod = require(program);
        let exported = mod && mod.__esModule && "default" in mod ? mod.default : mod;
        if (typeof exported === "function") exported = await exported();
        exports = exported ?? {};
        return exported;
    });
    await (pulumi.runtime as any).waitForRPCs?.();
    // Stack outputs as the engine would store them (secrets wrapped, then masked here; unknowns as the sentinel).
    const serialized = await pulumi.runtime.serializeProperties("outputs", exports, { keepOutputValues: false });
    return fromWire(serialized, { paths: [], mask: true }) as Record<string, unknown>;
}

export async function runProgram(opts: RunOptions): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
    const errors: string[] = [];
    const strings: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.config)) {
        if (v && typeof v === "object" && "secure" in (v as object)) continue; // encrypted values need the stack's key: not offline
        strings[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    const projectName = opts.project ?? "entra-consent";
    pulumi.runtime.setAllConfig(strings, []);
    await pulumi.runtime.setMocks(opts.tenant, projectName, opts.stack, opts.preview ?? false);
    instrumentMonitor(opts, projectName, resources, errors);
    const addError = (message: string) => {
        if (!errors.some(e => e.includes(message.split("\n")[0]))) errors.push(message);
    };
    // A failed registration rejects promises nobody awaits; collect them instead of crashing.
    const onRejection = (reason: unknown) => addError(reason instanceof Error ? reason.message : String(reason));
    process.on("unhandledRejection", onRejection);
    const restore = quietRuntime();
    let outputs: Record<string, unknown> = {};
    try {
        outputs = await runInStack(path.resolve(opts.program));
    } catch (e) {
        addError(e instanceof Error ? e.message : String(e));
    } finally {
        await new Promise(r => setImmediate(r));
        process.off("unhandledRejection", onRejection);
        restore();
    }
    return { resources, outputs, errors, rejections: opts.tenant.rejections.map(r => ({ status: r.status, resource: r.resource, message: r.message })) };
}

/** What the plan asks a program runner (lib/plan/worker.ts) to do: plain data, as it crosses a process boundary. */
export interface RunTask {
    program: string;
    config: Record<string, unknown>;
    stack: string;
    preview?: boolean;
    tenant: Omit<SimulatedTenantOptions, "catalog">;
}
export interface RunResult {
    run: ProgramRun;
    tenant: TenantSnapshot;
}

/** Runs a program against a fresh simulated tenant; the runner process calls this. */
export async function runTask(task: RunTask, catalog: PermissionCatalog, handOver?: RunOptions["handOver"]): Promise<RunResult> {
    const tenant = new SimulatedTenant({ ...task.tenant, catalog });
    const run = await runProgram({ program: task.program, config: task.config, stack: task.stack, tenant, preview: task.preview, handOver });
    return { run, tenant: tenant.snapshot() };
}
