// Lint: typescript-eslint's recommended rules, no import cycles (imports run one way: config -> model -> components
// -> policies -> plan), and a warning for functions too long to read at once.
import tseslint from "typescript-eslint";
import { importX } from "eslint-plugin-import-x";

export default tseslint.config({ ignores: ["node_modules/**", "dist/**", ".bench/**", "data/**"] }, ...tseslint.configs.recommended, {
    plugins: { "import-x": importX },
    settings: { "import-x/resolver": { node: { extensions: [".ts", ".js", ".json"] } } },
    rules: {
        "import-x/no-cycle": ["error", { ignoreExternal: true }],
        "max-lines-per-function": ["warn", { max: 80, skipBlankLines: true, skipComments: true }],
        "@typescript-eslint/no-explicit-any": "off",
        "@typescript-eslint/no-require-imports": "off",
        "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
});
