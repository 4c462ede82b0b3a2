/**
 * Issue 9, credentials that rotate, and certificates from config.
 * azuread's ApplicationPassword (registry docs, "azuread.ApplicationPassword", and
 * node_modules/@pulumi/azuread/applicationPassword.d.ts): endDate is RFC 3339 and forces a new resource, rotateWhenChanged
 * "will force recreation of the password when they change", endDateRelative is deprecated. ApplicationCertificate
 * (applicationCertificate.d.ts): type AsymmetricX509Cert, encoding pem, value, endDate, startDate.
 */
import { strict as assert } from "assert";
import { generateKeyPairSync, X509Certificate } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { readCertificatePem, secretSlots } from "../lib/credentials";
import { InputError } from "../lib/errors";
import { buildModel } from "../lib/model";
import { PlanResult } from "../lib/plan/plan";
import { renderText } from "../lib/plan/report";
import { runProgram } from "../lib/plan/run";
import { SimulatedTenant } from "../lib/sim/tenant";
import { catalog, devConfig, devRaw, TENANT_ID } from "./helpers";
import { mandatoryOf, planDev } from "./policy-helpers";

const DAY = 24 * 3600 * 1000;
const at = (iso: string) => new Date(iso);
// A self-signed public certificate valid ten years from 2026-11-26 (its private key was discarded when it was made).
const PEM = fs.readFileSync(path.join(__dirname, "fixtures", "certificates", "self-signed-10y.pem"), "utf8");
const NOT_AFTER = Date.parse(new X509Certificate(PEM).validTo);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
// A private key made for the test only: never a key in the repository.
const PRIVATE_KEY = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;

function problems(raw: unknown): string[] {
    try {
        buildModel(raw, catalog);
    } catch (e) {
        if (e instanceof InputError) return e.problems.map(p => `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`);
        throw e;
    }
    return [];
}

describe("client secret rotation: the schedule (pure)", () => {
    const cfg = { expiresInDays: 90, rotateAfterDays: 30 };

    it("without rotateAfterDays: one secret under the name stacks deployed before use, ending expiresInDays from now", () => {
        const slots = secretSlots({ expiresInDays: 90 }, at("2026-11-26T12:34:56.789Z"));
        assert.deepEqual(slots, [{ name: "client-secret", endDate: "2027-02-24T12:34:56Z", current: true }]);
    });

    it("the rotation key stays the same within a period and changes at the period boundary, for each slot", () => {
        // 30-day periods from the Unix epoch: slot a's boundary at day 20790 (2026-12-03), slot b's 15 days later
        const boundaryA = 20790 * DAY;
        const before = secretSlots(cfg, new Date(boundaryA - 1000));
        const after = secretSlots(cfg, new Date(boundaryA));
        const early = secretSlots(cfg, new Date(boundaryA - 14 * DAY));
        assert.equal(before[0].rotationKey, early[0].rotationKey, "same period, same key: no replacement");
        assert.notEqual(before[0].rotationKey, after[0].rotationKey, "slot a rotates at its boundary");
        assert.equal(before[1].rotationKey, after[1].rotationKey, "slot b does not rotate at a's boundary");
        assert.equal(after[0].rotationKey, "a:2026-12-03T00:00:00Z");
        assert.equal(before[0].rotatesOn, "2026-12-03T00:00:00Z");
        const boundaryB = boundaryA + 15 * DAY;
        assert.notEqual(secretSlots(cfg, new Date(boundaryB - 1000))[1].rotationKey, secretSlots(cfg, new Date(boundaryB))[1].rotationKey);
        // the end date moves with the key (both force a replacement, in the same step)
        assert.equal(after[0].endDate, iso(boundaryA + 90 * DAY));
    });

    it("two slots overlap: an up at least every rotateAfterDays/2 days never deletes the secret the previous run handed out", () => {
        for (const [r, e] of [
            [30, 90],
            [7, 8],
            [179, 180],
        ]) {
            const c = { expiresInDays: e, rotateAfterDays: r };
            const gap = (r / 2) * DAY; // the longest gap between ups this holds for
            let previous = secretSlots(c, at("2026-01-01T00:00:00Z"));
            const created = new Map(previous.map(s => [s.rotationKey!, Date.parse("2026-01-01T00:00:00Z")]));
            let outputChanges = 0;
            for (let t = Date.parse("2026-01-01T00:00:00Z") + gap * 0.37; t < Date.parse("2027-06-01T00:00:00Z"); t += gap * 0.9) {
                const slots = secretSlots(c, new Date(t));
                const handedOut = previous.find(s => s.current)!;
                const replaced = previous.filter(p => !slots.some(s => s.rotationKey === p.rotationKey));
                assert.ok(!replaced.includes(handedOut), `r=${r}: the up at ${iso(t)} deletes the secret the previous up handed out`);
                assert.ok(replaced.length <= 1, "one slot rotates at a time");
                for (const s of slots) {
                    if (!created.has(s.rotationKey!)) created.set(s.rotationKey!, t);
                    const end = Date.parse(s.endDate);
                    assert.ok(end > t, "every live secret is still valid");
                    assert.ok(end - created.get(s.rotationKey!)! <= e * DAY, "no secret lives longer than expiresInDays from its creation");
                    assert.ok(end > Date.parse(s.rotatesOn!), "a secret is still valid when its slot rotates");
                }
                const current = slots.find(s => s.current)!;
                assert.ok(
                    slots.every(s => Date.parse(s.periodStart!) <= Date.parse(current.periodStart!)),
                    "the output is the newest secret",
                );
                if (current.rotationKey !== handedOut.rotationKey) outputChanges++;
                previous = slots;
            }
            // about one new output secret every r/2 days over 516 days
            assert.ok(Math.abs(outputChanges - 516 / (r / 2)) <= 2, `r=${r}: ${outputChanges} output changes`);
        }
    });
});

describe("client secret and certificate config: validation (exit 2, with paths)", () => {
    it("rotateAfterDays must be less than expiresInDays, within bounds, and only on a registered app", () => {
        const raw = devRaw();
        raw.apps["orders-web"].clientSecret = { expiresInDays: 30, rotateAfterDays: 30 };
        const found = problems(raw);
        assert.ok(
            found.some(p => /^entra-consent:apps\["orders-web"\]\.clientSecret\.rotateAfterDays: is 30, not less than expiresInDays \(30\)/.test(p)),
            found.join("\n"),
        );
        raw.apps["orders-web"].clientSecret = { expiresInDays: 30, rotateAfterDays: 1 };
        assert.ok(problems(raw).some(p => p.startsWith('entra-consent:apps["orders-web"].clientSecret.rotateAfterDays: 1 must be >= 2')));
        raw.apps["orders-web"].clientSecret = { expiresInDays: 30, rotateAfterDays: 29 };
        assert.deepEqual(problems(raw), []);
        raw.apps["orders-web"].clientSecret = { expiresInDays: 30, rotateEvery: 10 };
        assert.ok(problems(raw).some(p => /clientSecret\.rotateEvery: unknown key/.test(p)));
        const mi = devRaw();
        mi.apps["orders-worker"].certificates = { c: { pem: PEM, endDate: "2027-01-01T00:00:00Z" } };
        assert.ok(problems(mi).some(p => /apps\["orders-worker"\]\.certificates: only applies to an app registered in this stack/.test(p)));
    });

    it("refuses a private key, alone or next to the certificate, without echoing it", () => {
        for (const pem of [PRIVATE_KEY, `${PEM}\n${PRIVATE_KEY}`, PRIVATE_KEY.replace(/PRIVATE KEY/g, "RSA PRIVATE KEY")]) {
            const raw = devRaw();
            raw.apps["orders-web"].certificates = { web: { pem, endDate: "2027-01-01T00:00:00Z" } };
            const found = problems(raw);
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(
                found[0],
                /^entra-consent:apps\["orders-web"\]\.certificates\.web\.pem: holds a private key \(a private key in a stack file is a leak/,
            );
            const body = PRIVATE_KEY.split("\n")[1];
            assert.ok(!found[0].includes(body), "the key is not in the message");
        }
    });
});

describe("certificate PEM and dates: validation (exit 2, with paths)", () => {
    it("refuses what is not one well-formed PEM certificate, and a certificate that does not parse", () => {
        const base64Body = PEM.split("\n").slice(1, -2).join("\n");
        const cases: [string, RegExp][] = [
            ["MIIB", /is not a PEM certificate \(no BEGIN\/END lines\)/],
            [`${PEM}${PEM}`, /is not one PEM certificate \(found BEGIN CERTIFICATE, BEGIN CERTIFICATE\)/],
            [`junk ${PEM}`, /and text outside it/],
            [PEM.replace(base64Body, base64Body.replace(/[A-Z]/, "!")), /is not well-formed base64/],
            [
                `-----BEGIN CERTIFICATE-----\n${Buffer.from("not a certificate at all").toString("base64")}\n-----END CERTIFICATE-----\n`,
                /does not parse as an X.509 certificate/,
            ],
            [PEM.replace(/CERTIFICATE/g, "PUBLIC KEY"), /found BEGIN PUBLIC KEY/],
        ];
        for (const [pem, pattern] of cases) {
            const r = readCertificatePem(pem);
            assert.ok(!r.ok && pattern.test(r.message), `${pem.slice(0, 40)}: ${JSON.stringify(r)}`);
        }
        const ok = readCertificatePem(PEM);
        assert.ok(ok.ok && ok.notAfter === NOT_AFTER);
        assert.ok(readCertificatePem(PEM.replace(/\n/g, "\r\n")).ok, "CRLF line ends are fine");
    });

    it("checks the dates: RFC 3339 of real days, start before end, inside the certificate's validity", () => {
        const raw = devRaw();
        raw.apps["orders-web"].certificates = {
            a: { pem: PEM, endDate: "2027-02-30T00:00:00Z" },
            b: { pem: PEM, endDate: "2027-01-01 00:00:00Z" },
            c: { pem: PEM, endDate: iso(NOT_AFTER + DAY) },
            d: { pem: PEM, endDate: "2027-06-30T00:00:00Z", startDate: "2027-07-01T00:00:00Z" },
            e: { pem: PEM, endDate: "2027-06-30T00:00:00Z", startDate: "2020-01-01T00:00:00Z" },
        };
        let found = problems(raw);
        assert.ok(
            found.some(p => /certificates\.a\.endDate: "2027-02-30T00:00:00Z" is not valid \(when the credential expires, RFC 3339/.test(p)),
            found.join("\n"),
        );
        assert.ok(
            found.some(p => /certificates\.b\.endDate: "2027-01-01 00:00:00Z" is not valid/.test(p)),
            found.join("\n"),
        );
        delete raw.apps["orders-web"].certificates.a;
        delete raw.apps["orders-web"].certificates.b;
        found = problems(raw);
        assert.equal(found.length, 3, found.join("\n"));
        assert.match(found[0], /certificates\.c\.endDate: .* is after the certificate's notAfter/);
        assert.match(found[1], /certificates\.d\.startDate: 2027-07-01T00:00:00Z is not before endDate/);
        assert.match(found[2], /certificates\.e\.startDate: 2020-01-01T00:00:00Z is before the certificate's notBefore/);
    });

    it("never echoes a long value in a shape error (it may be a key pasted by mistake)", () => {
        const raw = devRaw();
        raw.apps["orders-web"].certificates = { web: { pem: `${PRIVATE_KEY}${"A".repeat(70000)}`, endDate: "2027-01-01T00:00:00Z" } };
        const found = problems(raw);
        assert.ok(
            found.some(p => /certificates\.web\.pem: a text of 70\d+ characters must NOT have more than 65536 characters/.test(p)),
            found.join("\n"),
        );
        assert.ok(!found.join("\n").includes("PRIVATE"));
    });
});

describe("credentials through the offline plan", () => {
    let plan: PlanResult;
    let started: number;
    const inFiveYears = iso(Date.now() + 5 * 365 * DAY);
    before(async () => {
        started = Date.now();
        plan = await planDev(
            c => {
                c["entra-consent:apps"]["orders-web"].clientSecret = { expiresInDays: 90, rotateAfterDays: 30 };
                c["entra-consent:apps"]["orders-reports"].certificates = {
                    signing: { pem: PEM, endDate: iso(Date.now() + 300 * DAY) },
                    legacy: { pem: PEM, endDate: inFiveYears },
                };
            },
            { preview: true },
        );
    });

    it("a fresh stack's preview declares two overlapping secrets keyed to their periods, with explicit end dates", () => {
        assert.deepEqual(plan.errors, []);
        const passwords = plan.resources.filter(r => r.type === "azuread:index/applicationPassword:ApplicationPassword");
        assert.deepEqual(passwords.map(p => p.name).sort(), ["orders-web-client-secret-a", "orders-web-client-secret-b"]);
        // the schedule at the time of the plan (either side of a boundary crossed while planning)
        const expected = [
            secretSlots({ expiresInDays: 90, rotateAfterDays: 30 }, new Date(started)),
            secretSlots({ expiresInDays: 90, rotateAfterDays: 30 }, new Date()),
        ];
        for (const p of passwords) {
            const slot = p.name.endsWith("-a") ? 0 : 1;
            assert.ok(
                expected.some(e => (p.inputs as any).rotateWhenChanged?.rotation === e[slot].rotationKey && (p.inputs as any).endDate === e[slot].endDate),
            );
            assert.equal((p.inputs as any).endDateRelative, undefined, "the deprecated endDateRelative is gone");
        }
        assert.deepEqual(mandatoryOf(plan, "azuread-applicationpassword-limit-lifetime"), []);
    });

    it("shows when the current secret is replaced and when the next one becomes the output, in text and JSON", () => {
        const slots = secretSlots({ expiresInDays: 90, rotateAfterDays: 30 }, new Date(started));
        const current = slots.find(s => s.current)!;
        const rotation = plan.consent!["orders-web"].clientSecretRotation!;
        assert.equal(rotation.current.slot, current.name);
        assert.equal(rotation.current.rotatesOn, current.rotatesOn);
        assert.equal(rotation.nextSecretOn, slots.map(s => s.rotatesOn!).sort()[0]);
        assert.match(
            renderText(plan),
            new RegExp(
                `orders-web[\\s\\S]*signs in with client secret, expires after 90 days, rotates every 30 days: the current one \\(${current.name}\\) is replaced on ${current.rotatesOn}`,
            ),
        );
    });

    it("judges certificates from config with the lifetime policy: an over-long one is a mandatory violation", () => {
        const found = mandatoryOf(plan, "azuread-applicationcertificate-limit-lifetime");
        assert.deepEqual(
            found.map(v => v.urn!.split("::").pop()),
            ["orders-reports/certificate/legacy"],
        );
        assert.match(found[0].message, /lives 18\d\d days; the limit is 365/);
        const cert = plan.resources.find(r => r.name === "orders-reports/certificate/signing")!;
        assert.deepEqual([(cert.inputs as any).type, (cert.inputs as any).encoding], ["AsymmetricX509Cert", "pem"]);
        assert.match(renderText(plan), /signs in with certificate legacy, valid until/);
    });

    it("keeps every secret value masked: no secret value in the plan's JSON or text, the output a secret", async () => {
        const deployed = await planDev(c => (c["entra-consent:apps"]["orders-web"].clientSecret = { expiresInDays: 90, rotateAfterDays: 30 }));
        assert.deepEqual(deployed.errors, []);
        const text = JSON.stringify(deployed) + renderText(deployed) + JSON.stringify(plan) + renderText(plan);
        assert.ok(!/sim-secret-/.test(text), "a secret value leaked into the plan");
        assert.equal((deployed.outputs as any).clientSecrets, "[secret]");
    });
});

describe("client secrets of stacks deployed before rotation", () => {
    it("keep their one secret: same name, end date fixed at creation (ignoreChanges), no rotation key, output a secret", async () => {
        const run = await runProgram({ program: "index.ts", config: devConfig(), stack: "dev", tenant: new SimulatedTenant({ tenantId: TENANT_ID, catalog }) });
        const passwords = run.resources.filter(r => r.type === "azuread:index/applicationPassword:ApplicationPassword");
        assert.deepEqual(
            passwords.map(p => [p.name, p.ignoreChanges]),
            [["orders-web-client-secret", ["endDate", "endDateRelative"]]],
        );
        const inputs = passwords[0].inputs as any;
        assert.equal(inputs.rotateWhenChanged, undefined);
        assert.ok(Math.abs(Date.parse(inputs.endDate) - (Date.now() + 90 * DAY)) < 60e3);
        assert.equal((run.outputs as any).clientSecrets, "[secret]");
        assert.ok(!JSON.stringify(run.outputs).includes("sim-secret-"));
    });
});
