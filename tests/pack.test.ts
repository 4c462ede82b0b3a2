/**
 * The publishable policy pack under the runner the Pulumi CLI uses: `npm run build:pack` output, copied alone to a
 * temporary folder (its declared dependencies linked in, as `pulumi policy publish` installs them), started with
 * @pulumi/pulumi/cmd/run-policy-pack (the pack folder as working directory, the port on the first stdout line) and
 * called over the Analyzer gRPC protocol. Its diagnostics must equal the offline plan's violations: what
 * `pulumi preview --policy-pack` sees is what the offline plan shows.
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../policies/all";
import { runPolicies, withDefaultProviders } from "../lib/plan/policies";
import { RecordedResource, runProgram } from "../lib/plan/run";
import { SimulatedTenant } from "../lib/sim/tenant";
import { buildPack } from "../scripts/build-pack";
import { catalog, devConfig, TENANT_ID } from "./helpers";
import { approval } from "./policy-helpers";

const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
const emptyProto = require("google-protobuf/google/protobuf/empty_pb");

const ROOT = path.resolve(__dirname, "..");
const RUNNER = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack", "index.js");
const APP_TIERS = "azuread-approleassignment-disallow-privileged-permissions";
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

const clean = (o: Record<string, unknown>) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
const struct = (o: Record<string, unknown>) => Struct.fromJavaScript(clean(o) as any);

function call<T>(client: any, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

describe("the publishable policy pack under the Pulumi CLI's policy-pack runner", function () {
    this.timeout(120_000);
    let pack: ChildProcess | undefined;
    let client: any;
    let dir: string;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-pack-"));
        const built = await buildPack(path.join(dir, "build"));
        const alone = path.join(dir, "published");
        fs.mkdirSync(alone);
        for (const f of fs.readdirSync(built)) fs.copyFileSync(path.join(built, f), path.join(alone, f));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(alone, "node_modules"), "dir");
        pack = spawn(process.execPath, [RUNNER, "127.0.0.1:1", "."], { cwd: alone, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        pack.stderr!.on("data", d => {
            stderr += d;
        });
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            pack!.stdout!.on("data", d => {
                out += d;
                if (out.includes("\n")) resolve(out.split("\n")[0].trim());
            });
            pack!.on("exit", code => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
        });
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });
    after(() => {
        client?.close();
        pack?.kill();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("contains nothing but the bundle, its manifest and package.json with real dependencies", () => {
        const files = fs.readdirSync(path.join(dir, "build")).sort();
        assert.deepEqual(
            files.filter(f => f !== "index.js.LEGAL.txt"),
            ["NOTICE", "PulumiPolicy.yaml", "index.js", "package.json"],
        );
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "build", "package.json"), "utf8"));
        assert.deepEqual(Object.keys(pkg.dependencies).sort(), ["@pulumi/policy", "@pulumi/pulumi"]);
        assert.doesNotMatch(fs.readFileSync(path.join(dir, "build", "index.js"), "utf8"), /require\("\.\.?\//, "no relative require outside the bundle");
    });

    it("describes every policy of the pack", async () => {
        const info = await call<any>(client, "getAnalyzerInfo", new emptyProto.Empty());
        assert.deepEqual(
            info
                .getPoliciesList()
                .map((p: any) => p.getName())
                .sort(),
            policies.map(p => p.name).sort(),
        );
    });

    it("reports on the dev stack exactly what the offline plan reports (policy, level, URN)", async () => {
        const config = devConfig();
        config["entra-consent:apps"]["orders-reports"].application["microsoft-graph"].push("Sites.Read.All", "RoleManagement.ReadWrite.Directory");
        const policyConfig = {
            [APP_TIERS]: {
                approvals: [approval({ client: "orders-reports", resource: "microsoft-graph", permission: "Sites.Read.All", type: "application" })],
            },
        };
        const tenant = new SimulatedTenant({ tenantId: TENANT_ID, catalog });
        const run = await runProgram({ program: path.join(ROOT, "index.ts"), config, stack: "dev", tenant });
        const opts = {
            stack: "dev",
            project: "entra-consent",
            stackTags: { "entra-consent:tenant": TENANT_ID },
            defaultProviderConfig: { azuread: { tenantId: TENANT_ID } },
            config: policyConfig,
        };
        const offline = runPolicies(policies, run.resources, opts);
        assert.deepEqual(offline.errors, []);

        const stackReq = new analyzerProto.AnalyzerStackConfigureRequest();
        stackReq.setStack("dev");
        stackReq.setProject("entra-consent");
        stackReq.getTagsMap().set("entra-consent:tenant", TENANT_ID);
        await call(client, "configureStack", stackReq);
        const configure = new analyzerProto.ConfigureAnalyzerRequest();
        for (const p of policies) {
            const pc = new analyzerProto.PolicyConfig();
            pc.setEnforcementlevel(LEVELS.indexOf(p.enforcementLevel ?? "advisory"));
            pc.setProperties(struct((policyConfig as Record<string, Record<string, unknown>>)[p.name] ?? {}));
            configure.getPolicyconfigMap().set(p.name, pc);
        }
        await call(client, "configure", configure);

        const { resources, providerOf } = withDefaultProviders(run.resources, opts);
        const provider = (r: RecordedResource) => {
            const p = providerOf(r);
            if (!p) return undefined;
            const msg = new analyzerProto.AnalyzerProviderResource();
            msg.setType(p.type);
            msg.setUrn(p.urn);
            msg.setName(p.name);
            msg.setProperties(struct(p.inputs));
            return msg;
        };
        const diagnostics: { policy: string; level: string; urn: string }[] = [];
        // a resource policy's diagnostic without a URN is about the resource analyzed: the engine attributes it so
        const collect = (res: any, analyzed = "") => {
            for (const d of res.getDiagnosticsList())
                diagnostics.push({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], urn: d.getUrn() || analyzed });
        };
        for (const r of resources) {
            const req = new analyzerProto.AnalyzeRequest();
            req.setType(r.type);
            req.setUrn(r.urn);
            req.setName(r.name);
            req.setProperties(struct(r.inputs));
            req.setOptions(new analyzerProto.AnalyzerResourceOptions());
            const p = provider(r);
            if (p) req.setProvider(p);
            collect(await call(client, "analyze", req), r.urn);
        }
        const stack = new analyzerProto.AnalyzeStackRequest();
        stack.setResourcesList(
            resources.map(r => {
                const msg = new analyzerProto.AnalyzerResource();
                msg.setType(r.type);
                msg.setUrn(r.urn);
                msg.setName(r.name);
                msg.setProperties(struct(r.outputs));
                msg.setOptions(new analyzerProto.AnalyzerResourceOptions());
                if (r.parent) msg.setParent(r.parent);
                msg.setDependenciesList(r.dependencies);
                for (const [k, urns] of Object.entries(r.propertyDependencies)) {
                    const deps = new analyzerProto.AnalyzerPropertyDependencies();
                    deps.setUrnsList(urns);
                    msg.getPropertydependenciesMap().set(k, deps);
                }
                const p = provider(r);
                if (p) msg.setProvider(p);
                return msg;
            }),
        );
        collect(await call(client, "analyzeStack", stack));

        const key = (v: { policy: string; level: string; urn?: string }) => `${v.policy} ${v.level} ${v.urn ?? ""}`;
        const expected = offline.violations.map(v => key({ policy: v.policy, level: v.enforcementLevel, urn: v.urn })).sort();
        assert.ok(
            expected.some(k => k.startsWith(`${APP_TIERS} mandatory`)) && expected.some(k => k.startsWith(`${APP_TIERS} advisory`)),
            "the case judges a denial and an approval",
        );
        assert.deepEqual(diagnostics.map(key).sort(), expected);
    });
});
