/** The text plan's header names the tenant, and says plainly when the stack file is too broken to know it. */
import { strict as assert } from "assert";
import { renderText } from "../lib/plan/report";
import { planConfig } from "./helpers";

describe("text plan header", () => {
    it("says the tenant is not known when the stack file is invalid, instead of printing placeholders", async () => {
        const plan = await planConfig({ "entra-consent:apps": {} });
        const header = renderText(plan).split("\n")[0];
        assert.match(header, /^stack \S+: tenant not known \(the stack file is invalid\)$/);
    });
});
