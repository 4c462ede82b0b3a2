// The layers of entra-consent, lowest first. A file may import files of its own layer and of the layers below it,
// never above: config -> model -> tenant -> components -> policies -> plan, with shared names and types at the bottom.
// eslint.config.mjs turns this table into import-x/no-restricted-paths zones; scripts/check-imports.ts checks the
// same table (type-only imports included, which import-x skips) and finds import cycles.
// Paths are relative to the repository root; a path ending in "/" is a folder.
export const LAYERS = [
    {
        name: "shared",
        why: "names, IDs, type tokens, tags, errors, the catalog and rules both the program and the policy pack use",
        paths: [
            "data/",
            "lib/errors.ts",
            "lib/suggest.ts",
            "lib/ids.ts",
            "lib/resource-types.ts",
            "lib/tags.ts",
            "lib/catalog.ts",
            "lib/redirects.ts",
            "lib/federated.ts",
            "lib/credentials.ts",
        ],
    },
    { name: "config", why: "the stack config's schema and its validation", paths: ["lib/config/schema.ts", "lib/config/validate.ts"] },
    {
        name: "model",
        why: "the consent model built from config (lib/config/stack.ts reads a stack file into one)",
        paths: ["lib/model.ts", "lib/summary.ts", "lib/preflight.ts", "lib/config/stack.ts", "lib/config/project.ts"],
    },
    {
        name: "tenant",
        why: "what a tenant holds: its export, audit, import matching, and the simulated tenant the plan runs against",
        paths: ["lib/tenant/", "lib/sim/"],
    },
    { name: "components", why: "the Pulumi components that build the model's resources", paths: ["components/"] },
    { name: "policies", why: "the CrossGuard policy pack", paths: ["policies/"] },
    {
        name: "plan",
        why: "the offline plan and its flows, the review of a change, rollouts, CLIs, programs, scripts, benches, tests",
        paths: [
            "lib/plan/",
            "lib/review/",
            "lib/rollout/",
            "lib/cli/",
            "lib/flows.ts",
            "lib/diagnose.ts",
            "index.ts",
            "examples/",
            "scripts/",
            "bench/",
            "tests/",
        ],
    },
];

/** Extra rule: the policy pack is published alone (scripts/build-pack.ts bundles it), so it reads only shared files. */
export const PACK_MAY_IMPORT = ["shared", "policies"];
