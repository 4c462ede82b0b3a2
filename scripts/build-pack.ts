/**
 * npm run build:pack [-- --out DIR]: the publishable policy pack. `pulumi policy publish` uploads a pack's folder
 * alone and installs its package.json dependencies, so policies/ (which imports ../lib, ../components and reads the
 * catalog) is bundled with esbuild into one index.js with the catalog inside; @pulumi/policy and @pulumi/pulumi stay
 * real dependencies (the policy SDK must be the one the CLI talks to). The same source serves the program, the
 * offline plan and this bundle: nothing is copied by hand.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { build } from "esbuild";

const ROOT = path.resolve(__dirname, "..");
export const DEFAULT_OUT = path.join(ROOT, "dist", "policy-pack");
/** Runtime dependencies of the bundle; their versions are the project's own. */
const EXTERNAL = ["@pulumi/policy", "@pulumi/pulumi"];

export async function buildPack(out = DEFAULT_OUT): Promise<string> {
    const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const packPackage = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "package.json"), "utf8"));
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    await build({
        entryPoints: [path.join(ROOT, "policies", "index.ts")],
        outfile: path.join(out, "index.js"),
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        external: EXTERNAL,
        legalComments: "linked",
        logLevel: "warning",
    });
    fs.copyFileSync(path.join(ROOT, "policies", "PulumiPolicy.yaml"), path.join(out, "PulumiPolicy.yaml"));
    fs.copyFileSync(path.join(ROOT, "NOTICE"), path.join(out, "NOTICE"));
    fs.writeFileSync(
        path.join(out, "package.json"),
        JSON.stringify(
            {
                name: packPackage.name,
                version: rootPackage.version,
                description: rootPackage.description,
                license: rootPackage.license,
                main: "index.js",
                engines: rootPackage.engines,
                dependencies: Object.fromEntries(EXTERNAL.map(d => [d, rootPackage.dependencies[d]])),
            },
            null,
            2,
        ) + "\n",
    );
    return out;
}

if (require.main === module) {
    const { values } = parseArgs({ options: { out: { type: "string" } } });
    buildPack(values.out ? path.resolve(values.out) : undefined).then(
        out => console.log(`policy pack built in ${path.relative(process.cwd(), out) || "."}: pulumi policy publish ${path.relative(process.cwd(), out)}`),
        e => {
            console.error(`build:pack: ${(e as Error).message}`);
            process.exitCode = 1;
        },
    );
}
