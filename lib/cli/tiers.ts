/**
 * npm run tiers -- [--resource microsoft-graph] [--type delegated|application] [--format text|json|markdown|csv]
 *                  [--policy-config FILE --tenant ID]
 * The effective classification of the Microsoft APIs' permissions (tier, what each source said, why, and the tenant's
 * overrides), for a security team to review and diff. Exit: 0, or 2 on bad input.
 */
import { parseArgs } from "util";
import { classificationReason, PermissionCatalog, PermissionType, Tier, TIER_SOURCE_LABELS, TierSource } from "../catalog";
import { formatProblem, InputError } from "../errors";
import { isGuid } from "../ids";
import { loadPolicyConfig } from "../plan/policies";
import { didYouMean } from "../suggest";
import { policies } from "../../policies/all";
import { applyOverride, OverrideNote, TierOverride, TierOverrides } from "../../policies/lib/tiers";

const USAGE = `usage: npm run tiers -- [--resource NAME] [--type delegated|application] [--format text|json|markdown|csv] [--policy-config FILE --tenant ID]
  --resource NAME       one Microsoft API, by alias (microsoft-graph) or appId; all of them by default
  --type TYPE           delegated or application permissions only
  --format FORMAT       text (default), json, markdown or csv
  --policy-config FILE  the policy config (as --policy-pack-config takes it) whose "tiers" overrides apply ...
  --tenant ID           ... for this tenant`;

const FORMATS = ["text", "json", "markdown", "csv"] as const;
type Format = (typeof FORMATS)[number];
const TYPES: PermissionType[] = ["delegated", "application"];

export interface TierRow {
    resource: string;
    appId: string;
    type: PermissionType;
    permission: string;
    id: string;
    /** the tier the policies judge by (null: not classified yet, counts as tier 0) */
    tier: Tier | null;
    sources: TierSource[];
    reason: string;
    override?: OverrideNote;
}

/** Every catalog permission (of one resource, of one type) with its effective tier, overrides of `tenant` applied. */
export function tierRows(
    catalog: PermissionCatalog,
    opts: { resource?: string; type?: PermissionType; overrides?: TierOverrides; tenant?: string } = {},
): TierRow[] {
    const rows: TierRow[] = [];
    for (const r of catalog.resources) {
        if (opts.resource && catalog.resource(opts.resource) !== r) continue;
        for (const p of r.permissions) {
            if (opts.type && p.type !== opts.type) continue;
            const judged = applyOverride({ tier: p.tier, effectiveTier: 0 as Tier }, opts.overrides?.find(r, p, opts.tenant));
            rows.push({
                resource: r.aliases[0] ?? r.name,
                appId: r.appId,
                type: p.type,
                permission: p.value,
                id: p.id,
                tier: judged.tier,
                sources: p.sources ?? [],
                reason: classificationReason(p),
                ...(judged.override ? { override: judged.override } : {}),
            });
        }
    }
    return rows;
}

const tierCell = (t: Tier | null) => (t === null ? "unclassified (counts as 0)" : String(t));
const sourcesCell = (row: TierRow) => row.sources.map(s => `${s.source}:${s.tier === null ? "unclassified" : s.tier}`).join(" ");
const overrideCell = (row: TierRow) => (row.override ? `${row.override.ticket}: ${row.override.reason} (catalog: ${tierCell(row.override.catalogTier)})` : "");

export function renderTiers(rows: TierRow[], format: Format): string {
    const cells = (row: TierRow) => [row.resource, row.type, row.permission, tierCell(row.tier), sourcesCell(row), row.reason, overrideCell(row)];
    const header = ["resource", "type", "permission", "tier", "sources", "reason", "override"];
    switch (format) {
        case "json":
            return JSON.stringify(rows, null, 2);
        case "csv": {
            const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
            return [
                [...header.slice(0, 3), "id", ...header.slice(3)],
                ...rows.map(r => {
                    const c = cells(r);
                    return [...c.slice(0, 3), r.id, ...c.slice(3)];
                }),
            ]
                .map(line => line.map(quote).join(","))
                .join("\n");
        }
        case "markdown": {
            const escape = (s: string) => s.replace(/\|/g, "\\|");
            return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map(r => `| ${cells(r).map(escape).join(" | ")} |`)].join(
                "\n",
            );
        }
        default: {
            const widths = [0, 1, 2, 3].map(i => Math.max(header[i].length, ...rows.map(r => cells(r)[i].length)));
            const line = (c: string[]) =>
                [...c.slice(0, 4).map((s, i) => s.padEnd(widths[i])), c[4], [c[5], c[6] && `override ${c[6]}`].filter(Boolean).join("; ")].join("  ").trimEnd();
            const legend = Object.entries(TIER_SOURCE_LABELS)
                .map(([k, v]) => `${k}: ${v}`)
                .join("; ");
            return [line(header.slice(0, 6)), ...rows.map(r => line(cells(r))), "", `sources: ${legend}`].join("\n");
        }
    }
}

export interface Io {
    out(text: string): void;
    err(text: string): void;
}
const console_: Io = { out: t => console.log(t), err: t => console.error(t) };

/** Runs the command; returns its exit code (0, or 2 on bad input). */
export function main(argv: string[], io: Io = console_, catalog = PermissionCatalog.load()): number {
    const fail = (message: string) => {
        io.err(`tiers: ${message}\n${USAGE}`);
        return 2;
    };
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                resource: { type: "string" },
                type: { type: "string" },
                format: { type: "string", default: "text" },
                "policy-config": { type: "string" },
                tenant: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
        }));
    } catch (e) {
        return fail((e as Error).message);
    }
    if (values.help) {
        io.out(USAGE);
        return 0;
    }
    const format = values.format as Format;
    if (!FORMATS.includes(format)) return fail(`--format is "${values.format}"; use ${FORMATS.join(", ")}`);
    if (values.type !== undefined && !TYPES.includes(values.type as PermissionType)) return fail(`--type is "${values.type}"; use delegated or application`);
    if (values.resource !== undefined && !catalog.resource(values.resource))
        return fail(`--resource: no Microsoft API "${values.resource}" is in the catalog${didYouMean(values.resource, catalog.aliases())}`);
    if ((values["policy-config"] === undefined) !== (values.tenant === undefined))
        return fail("--policy-config and --tenant go together: overrides apply to one tenant");
    if (values.tenant !== undefined && !isGuid(values.tenant)) return fail(`--tenant is "${values.tenant}"; give the tenant ID (a GUID)`);

    let overrides: TierOverrides | undefined;
    if (values["policy-config"] !== undefined) {
        try {
            const config = loadPolicyConfig(values["policy-config"], policies);
            const all = Object.values(config).flatMap(entry => (entry as { tiers?: TierOverride[] }).tiers ?? []);
            overrides = new TierOverrides(all, catalog);
        } catch (e) {
            if (!(e instanceof InputError)) throw e;
            io.err(`tiers: ${e.problems.map(formatProblem).join("\n")}`);
            return 2;
        }
    }
    io.out(
        renderTiers(
            tierRows(catalog, { resource: values.resource, type: values.type as PermissionType | undefined, overrides, tenant: values.tenant }),
            format,
        ),
    );
    return 0;
}

if (require.main === module) {
    // a reader that stops early (`| head`) is not an error
    process.stdout.on("error", e => {
        if ((e as NodeJS.ErrnoException).code === "EPIPE") process.exit(0);
        throw e;
    });
    process.exitCode = main(process.argv.slice(2));
}
