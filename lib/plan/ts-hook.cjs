/**
 * The TypeScript loader of program runners and plan workers (lib/plan/runners.ts): compiles .ts files with esbuild
 * as they are required, and touches nothing else. tsx's hook, used for the CLIs, also resolves and inspects every
 * JavaScript module a process loads (@pulumi/azuread is thousands), which doubled a runner's start-up; a runner
 * starts for each program a plan or test run meets. Plain JavaScript (tsconfig.json: CommonJS, ES2022), since it
 * is what loads TypeScript.
 */
const fs = require("fs");
const { transformSync } = require("esbuild");

const options = { loader: "ts", format: "cjs", target: "es2022" };

require.extensions[".ts"] = (module, file) => {
    const { code } = transformSync(fs.readFileSync(file, "utf8"), { ...options, sourcefile: file });
    module._compile(code, file);
};
