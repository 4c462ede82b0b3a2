/**
 * The second classification source and the rules, merged into the catalog by scripts/build-catalog.ts. Per permission
 * (resource, type, value) the strictest source wins; `sources` keeps what each said, so a reviewer sees why.
 *
 * - Microsoft's consent-grant risk table (AzureAD/MSIdentityTools assets/aadconsentgrantpermissiontable.csv, MIT):
 *   High/Medium/Low with a reason, matched as Export-MsIdAppConsentGrantReport matches it (the exact value for its
 *   type, else the part before the first dot), on every API. data/tier-rules.json maps its levels to tiers.
 * - Impersonation families (data/tier-rules.json): `user_impersonation`, `*AccessAsUser.All`: at least tier 1 on every
 *   API; Directory.AccessAsUser.All tier 0.
 * - Equivalences (data/tier-rules.json): the same power on Graph, Exchange and SharePoint gets the same tier.
 */
import type { CatalogFile, CatalogPermission, CatalogResource, PermissionType, Tier, TierSource } from "../lib/catalog";
import { classificationReason } from "../lib/catalog";

export type RiskLevel = "High" | "Medium" | "Low";
export interface RiskEntry {
    type: PermissionType;
    permission: string;
    level: RiskLevel;
    reason: string;
}

export interface TierRules {
    riskTable: { tiers: Record<RiskLevel, Tier> };
    impersonation: { match: string; tier: Tier; reason: string; docs?: string }[];
    /** members: "<resource alias or appId> <type> <value>" */
    equivalences: { reason: string; members: string[] }[];
}

/** Parses the risk table (Type,Permission,Privilege,Reason); a malformed row is an error naming the line. */
export function parseRiskTable(csv: string): RiskEntry[] {
    const lines = csv.split(/\r?\n/).filter(l => l.trim() !== "");
    const header = lines
        .shift()
        ?.split(",")
        .map(s => s.trim());
    if (header?.join(",") !== "Type,Permission,Privilege,Reason")
        throw new Error(`the risk table's header is "${header?.join(",")}", not Type,Permission,Privilege,Reason`);
    return lines.map((line, i) => {
        const [type, permission, level, ...reason] = line.split(",").map(s => s.trim());
        const t = type === "Delegated" ? "delegated" : type === "Application" ? "application" : undefined;
        if (!t || !permission || !["High", "Medium", "Low"].includes(level) || !reason.length)
            throw new Error(`the risk table's line ${i + 2} is not Type,Permission,Privilege,Reason: ${line}`);
        return { type: t, permission, level: level as RiskLevel, reason: reason.join(",") };
    });
}

/** "BroadImpact" -> "broad impact", "Common pattern" -> "common pattern" */
const humanize = (reason: string) => reason.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();

/** The risk table's entry for a permission: exact value first, then its root (`Mail` for Mail.Read), as Microsoft's script does. */
export function riskOf(table: readonly RiskEntry[], type: PermissionType, value: string): RiskEntry | undefined {
    return table.find(e => e.type === type && e.permission === value) ?? table.find(e => e.type === type && e.permission === value.split(".")[0]);
}

const glob = (pattern: string) =>
    new RegExp(
        `^${pattern
            .split("*")
            .map(s => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    );

/** The strictest tier; unclassified (null) counts as tier 0 and stays null, so it is never mistaken for a classification. */
function strictest(tiers: (Tier | null)[]): Tier | null {
    if (tiers.includes(null)) return null;
    return Math.min(...(tiers as Tier[])) as Tier;
}

/** Adds the risk table and the rules to every permission's sources and sets its tier to the strictest. */
export function classify(resources: CatalogResource[], table: readonly RiskEntry[], rules: TierRules): void {
    const impersonation = rules.impersonation.map(r => ({ ...r, re: glob(r.match) }));
    for (const r of resources) {
        for (const p of r.permissions) {
            const sources: TierSource[] = [{ source: "eam", tier: p.tier }];
            const risk = riskOf(table, p.type, p.value);
            if (risk) sources.push({ source: "consent-risk", tier: rules.riskTable.tiers[risk.level], reason: `${risk.level}: ${humanize(risk.reason)}` });
            const rule = impersonation.filter(i => i.re.test(p.value)).sort((a, b) => a.tier - b.tier)[0];
            if (rule) sources.push({ source: "impersonation", tier: rule.tier, reason: rule.reason });
            p.sources = sources;
            p.tier = strictest(sources.map(s => s.tier));
        }
    }
    applyEquivalences(resources, rules.equivalences);
}

/** Each group of equivalent permissions gets its strictest tier, until nothing changes (a permission may be in two groups). */
function applyEquivalences(resources: CatalogResource[], groups: TierRules["equivalences"]): void {
    const find = (member: string): CatalogPermission => {
        const [ref, type, value, ...extra] = member.split(" ");
        const r = resources.find(x => x.appId === ref || x.aliases.includes(ref));
        const p = r?.permissions.find(q => q.type === type && q.value === value);
        if (!r || !p || extra.length)
            throw new Error(`data/tier-rules.json: the equivalence member "${member}" is not "<resource> <type> <value>" of a catalog permission`);
        return p;
    };
    const resolved = groups.map(g => ({ reason: g.reason, members: g.members.map(m => ({ name: m, p: find(m) })) }));
    for (let changed = true; changed; ) {
        changed = false;
        for (const g of resolved) {
            const classified = g.members.filter(m => m.p.tier !== null);
            if (!classified.length) continue;
            const tier = Math.min(...classified.map(m => m.p.tier as Tier)) as Tier;
            const strictestMember = classified.find(m => m.p.tier === tier)!;
            for (const { p } of classified) {
                if (p.tier! <= tier) continue;
                p.sources = [
                    ...(p.sources ?? []).filter(s => s.source !== "equivalence"),
                    { source: "equivalence", tier, reason: `equivalent to ${strictestMember.name}: ${g.reason}` },
                ];
                p.tier = tier;
                changed = true;
            }
        }
    }
}

export interface TierChange {
    resource: string;
    type: PermissionType;
    value: string;
    from: Tier | null | "absent";
    to: Tier | null | "absent";
    reason: string;
}

/** What changed tier between two builds, by (resource, type, value); new and removed permissions included. */
export function tierChanges(before: CatalogFile | undefined, after: CatalogFile): TierChange[] {
    const key = (r: CatalogResource, p: CatalogPermission) => `${r.appId} ${p.type} ${p.value}`;
    const old = new Map<string, CatalogPermission>();
    for (const r of before?.resources ?? []) for (const p of r.permissions) old.set(key(r, p), p);
    const changes: TierChange[] = [];
    const seen = new Set<string>();
    for (const r of after.resources) {
        for (const p of r.permissions) {
            const k = key(r, p);
            seen.add(k);
            const was = old.get(k);
            if (was && was.tier === p.tier) continue;
            changes.push({
                resource: r.aliases[0] ?? r.name,
                type: p.type,
                value: p.value,
                from: was ? was.tier : "absent",
                to: p.tier,
                reason: classificationReason(p) || (p.tier === null ? "not classified yet" : "per the Enterprise Access Model classification"),
            });
        }
    }
    for (const r of before?.resources ?? []) {
        for (const p of r.permissions)
            if (!seen.has(key(r, p)))
                changes.push({
                    resource: r.aliases[0] ?? r.name,
                    type: p.type,
                    value: p.value,
                    from: p.tier,
                    to: "absent",
                    reason: "no longer in the sources",
                });
    }
    return changes;
}

const tierName = (t: Tier | null | "absent") => (t === "absent" ? "absent" : t === null ? "unclassified" : `tier ${t}`);

export function formatTierChange(c: TierChange): string {
    return `${c.resource} ${c.type} ${c.value}: ${tierName(c.from)} -> ${tierName(c.to)} (${c.reason})`;
}
