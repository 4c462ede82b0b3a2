/**
 * Issue 7, class 7: dates that do not parse. A credential end or start that is not a real RFC 3339 timestamp, or a
 * relative lifetime that is not a Go duration, is a mandatory violation of the lifetime policies, never "no expiry".
 * (The azuread provider validates endDate/startDate as RFC 3339 and endDateRelative as a Go duration:
 * registry docs for azuread_application_password, "endDate ... formatted as an RFC3339 date string".)
 */
import { strict as assert } from "assert";
import { credentialLifetime, parseGoDuration, parseTimestamp } from "../policies/lib/lifetime";
import { mandatoryOf, planRaw } from "./policy-helpers";

const PASSWORD = "azuread-applicationpassword-limit-lifetime";
const CERT = "azuread-applicationcertificate-limit-lifetime";

describe("credential dates (pure)", () => {
    it("reads Go durations unit by unit, longest unit first", () => {
        assert.equal(parseGoDuration("500ms"), 500);
        assert.equal(parseGoDuration("1h500ms"), 3600e3 + 500);
        assert.equal(parseGoDuration("1.5h"), 1.5 * 3600e3);
        assert.equal(parseGoDuration("2m3s"), 123e3);
        assert.equal(parseGoDuration("1500us"), 1.5);
        assert.equal(parseGoDuration("0"), 0);
        assert.equal(parseGoDuration("-24h"), -24 * 3600e3);
        for (const bad of ["", "h", "24", "24 h", "1d", "1y", "P180D", "24h ", "1h-1m", "ms", "4320hh", "+"])
            assert.equal(parseGoDuration(bad), undefined, bad);
    });

    it("reads RFC 3339 timestamps of real calendar dates only", () => {
        assert.equal(parseTimestamp("2027-01-31T00:00:00Z"), Date.UTC(2027, 0, 31));
        assert.equal(parseTimestamp("2028-02-29T12:00:00+02:00"), Date.UTC(2028, 1, 29, 10));
        assert.equal(parseTimestamp("2027-01-31T00:00:00.250Z"), Date.UTC(2027, 0, 31) + 250);
        for (const bad of [
            "2026-02-30T00:00:00Z",
            "2027-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01",
            "tomorrow",
            "31/01/2027",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00+25:00",
            "",
        ]) {
            assert.equal(parseTimestamp(bad), undefined, bad);
        }
    });

    it("reports what does not parse instead of reading it as unset", () => {
        const now = new Date("2026-01-01T00:00:00Z");
        assert.deepEqual(credentialLifetime({ endDate: "2026-02-30T00:00:00Z" }, now).kind, "invalid");
        assert.deepEqual(credentialLifetime({ endDate: "tomorrow" }, now).kind, "invalid");
        assert.deepEqual(credentialLifetime({ startDate: "yesterday", endDateRelative: "24h" }, now).kind, "invalid");
        assert.deepEqual(credentialLifetime({ endDateRelative: "180d" }, now).kind, "invalid");
        assert.deepEqual(credentialLifetime({ endDate: 1798761600000 }, now).kind, "invalid");
        assert.deepEqual(credentialLifetime({ endDateRelative: "500ms" }, now), { kind: "days", days: 500 / 86400e3 });
    });
});

describe("lifetime policies: dates that do not parse are mandatory violations", () => {
    for (const [policy, key] of [
        [PASSWORD, "password"],
        [CERT, "certificate"],
    ] as const) {
        it(`${policy}: endDate not a calendar date, in a raw program`, async () => {
            for (const endDate of ["2026-02-30T00:00:00Z", "tomorrow", "2099-12-31"]) {
                const v = mandatoryOf(await planRaw({ [key]: { endDate } }), policy);
                assert.equal(v.length, 1, `${endDate}: ${JSON.stringify(v)}`);
                assert.match(v[0].message, new RegExp(`endDate "${endDate}" does not parse.*not read as "no expiry".*RFC 3339`));
            }
        });

        it(`${policy}: startDate or endDateRelative that does not parse`, async () => {
            let v = mandatoryOf(await planRaw({ [key]: { startDate: "now", endDateRelative: "24h" } }), policy);
            assert.match(v[0]?.message ?? "", /startDate "now" does not parse/);
            v = mandatoryOf(await planRaw({ [key]: { endDateRelative: "30d" } }), policy);
            assert.match(v[0]?.message ?? "", /endDateRelative "30d" does not parse.*Go duration/);
        });

        it(`${policy}: a valid short lifetime still passes, a start in the future does not shorten a long one`, async () => {
            assert.deepEqual(mandatoryOf(await planRaw({ [key]: { endDateRelative: "720h" } }), policy), []);
            const year = new Date().getUTCFullYear();
            const v = mandatoryOf(await planRaw({ [key]: { startDate: `${year + 5}-01-01T00:00:00Z`, endDate: `${year + 5}-02-01T00:00:00Z` } }), policy);
            assert.equal(v.length, 1, "usable until five years from now by whoever holds it today");
        });
    }
});
