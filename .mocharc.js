// Test files run in parallel worker processes, one per core and at least two: most tests plan stacks, which is CPU
// work (tests/hooks.ts runs in each worker and removes its temporary folders when its file ends).
const os = require("os");

module.exports = {
    require: ["tsx/cjs", "tests/hooks.ts"],
    spec: ["tests/**/*.test.ts"],
    timeout: 60000,
    reporter: "spec",
    parallel: true,
    jobs: Math.max(2, os.cpus().length),
};
