/**
 * The baseline: the same resources (types, names, parents, inputs) registered under Pulumi's plain mock
 * runtime with trivial mocks and no simulated tenant, one stack at a time, in a reused process of the plan's pool
 * (runInPool in lib/plan/pool.ts: it sends { index, task } and takes { index, result }).
 */
import * as pulumi from "@pulumi/pulumi";

class PlainResource extends pulumi.CustomResource {
    constructor(type: string, name: string, inputs: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super(type, name, inputs, opts);
    }
}

interface Replay {
    stack: string;
    resources: { type: string; name: string; parent: string | null; urn: string; inputs: Record<string, unknown> }[];
}

process.on("message", async ({ index, task: replay }: { index: number; task: Replay }) => {
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await pulumi.runtime.setMocks(
        {
            newResource: args => ({ id: `${args.name}-id`, state: args.inputs }),
            call: args => args.inputs,
        },
        "entra-consent",
        replay.stack,
    );
    await pulumi.runtime.runInPulumiStack(async () => {
        const byUrn = new Map<string, pulumi.Resource>();
        for (const r of replay.resources) {
            if (r.type === "pulumi:pulumi:Stack") continue;
            const parent = r.parent ? byUrn.get(r.parent) : undefined;
            const custom = r.type.includes(":index/") || r.type.startsWith("azure-native:");
            const res = custom ? new PlainResource(r.type, r.name, r.inputs, { parent }) : new pulumi.ComponentResource(r.type, r.name, {}, { parent });
            byUrn.set(r.urn, res);
        }
        return {};
    });
    await (pulumi.runtime as any).waitForRPCs();
    const used = process.cpuUsage(cpu);
    process.send!({
        index,
        result: {
            wallMs: Number(process.hrtime.bigint() - started) / 1e6,
            cpuMs: (used.user + used.system) / 1000,
            rssBytes: process.resourceUsage().maxRSS * 1024,
        },
    });
});
