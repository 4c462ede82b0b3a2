import { strict as assert } from "assert";
import * as fs from "fs";
import type { Policies } from "@pulumi/policy";
import { policies } from "../policies/all";
import { BEGIN, END, main, policyTable, README, withTable } from "../scripts/docs-policies";

// README's policy table is generated from the policies' metadata (npm run docs:policies); this keeps them equal.
describe("README policy table (npm run docs:policies)", () => {
    it("is what the policies' metadata says: name, level, option defaults from the config schema, description", () => {
        const readme = fs.readFileSync(README, "utf8");
        const table = readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END)).trim();
        assert.equal(table, policyTable(policies), "README.md is stale: run npm run docs:policies");
        for (const p of policies) assert.ok(table.includes(`| \`${p.name}\` | ${p.enforcementLevel} |`), p.name);
        assert.match(table, /`maxDays` \(default `180`\)/);
    });

    it("changes when a policy's level, description or option default changes", () => {
        const one = (over: Record<string, unknown>): Policies =>
            [
                {
                    name: "azuread-x-require-y",
                    description: "Checks y.",
                    enforcementLevel: "mandatory",
                    configSchema: { properties: { maxDays: { type: "integer", default: 10 } } },
                    validateResource: () => {},
                    ...over,
                },
            ] as any;
        const base = policyTable(one({}));
        assert.match(base, /\| `azuread-x-require-y` \| mandatory \| `maxDays` \(default `10`\) \| Checks y\. \|/);
        assert.notEqual(policyTable(one({ enforcementLevel: "advisory" })), base);
        assert.notEqual(policyTable(one({ description: "Checks z." })), base);
        assert.notEqual(policyTable(one({ configSchema: { properties: { maxDays: { type: "integer", default: 11 } } } })), base);
        assert.match(policyTable(one({ description: "a | b" })), /a \\\| b/, "a pipe in a description does not break the table");
    });

    it("replaces only the text between the markers, and refuses a README without them", () => {
        assert.equal(withTable(`a\n${BEGIN}\nold\n${END}\nb`, "new"), `a\n${BEGIN}\nnew\n${END}\nb`);
        assert.throws(() => withTable("no markers", "t"), /lacks the markers/);
    });

    it("--check exits 0 when README agrees with the code", async () => {
        assert.equal(await main(["--check"]), 0);
    });
});
