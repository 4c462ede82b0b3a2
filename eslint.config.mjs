// Lint: typescript-eslint's recommended rules; imports run one way (the layers of scripts/layers.mjs: shared <- config
// <- model <- tenant <- components <- policies <- plan, type-only imports included); no import cycles; a warning for functions
// too long to read at once. import-x/no-cycle skips `import type`, so `npm run lint` also runs scripts/check-imports.ts,
// which counts every import.
import path from "node:path";
import { fileURLToPath } from "node:url";
import tseslint from "typescript-eslint";
import { importX } from "eslint-plugin-import-x";
import { LAYERS, PACK_MAY_IMPORT } from "./scripts/layers.mjs";

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const order = LAYERS.map(l => l.name).join(" <- ");
// Each layer may not import any layer above it; the policy pack (published alone) imports only what PACK_MAY_IMPORT names.
const zones = LAYERS.flatMap((layer, i) => {
    const above = LAYERS.slice(i + 1).flatMap(l => l.paths);
    const upward = above.length ? [{ target: layer.paths, from: above, message: `${layer.name} may not import a higher layer (${order}).` }] : [];
    if (layer.name !== "policies") return upward;
    const below = LAYERS.slice(0, i).filter(l => !PACK_MAY_IMPORT.includes(l.name));
    return [...upward, { target: layer.paths, from: below.flatMap(l => l.paths), message: `the policy pack imports only ${PACK_MAY_IMPORT.join(", ")}.` }];
});

export default tseslint.config(
    { ignores: ["node_modules/**", "dist/**", ".bench/**", "data/**"] },
    ...tseslint.configs.recommended,
    {
        plugins: { "import-x": importX },
        settings: { "import-x/resolver": { node: { extensions: [".ts", ".js", ".json"] } } },
        rules: {
            "import-x/no-cycle": ["error", { ignoreExternal: true }],
            "import-x/no-restricted-paths": ["error", { basePath: ROOT, zones }],
            "max-lines-per-function": ["warn", { max: 80, skipBlankLines: true, skipComments: true }],
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        // A mocha describe() callback is a list of tests, not a function to split; the tests in it stay short.
        files: ["tests/**/*.test.ts"],
        rules: { "max-lines-per-function": "off" },
    },
);
