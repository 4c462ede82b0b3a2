import { StackValidationPolicy } from "@pulumi/policy";
import { policyOptions } from "./lib/config";
import { dependency, knownStrings, raw } from "./lib/props";
import { REGISTRATION_TYPES, T } from "../lib/resource-types";

export const applicationRequireOwners: StackValidationPolicy = {
    name: "azuread-application-require-owners",
    description: "Flags an app registration with fewer than `minOwners` owners where its owners are managed here, so that it never depends on one person.",
    enforcementLevel: "advisory",
    configSchema: { properties: { minOwners: { type: "integer", minimum: 1, default: 2 } } },
    validateStack: (args, report) => {
        const { minOwners } = policyOptions<{ minOwners: number }>(applicationRequireOwners, args);
        const owners = new Map<string, number>();
        const managed = new Set<string>();
        for (const r of args.resources) {
            if (REGISTRATION_TYPES.includes(r.type as any) && raw(r.props).owners !== undefined) {
                managed.add(r.urn);
                owners.set(r.urn, (owners.get(r.urn) ?? 0) + knownStrings(raw(r.props).owners).length);
            }
            if (r.type === T.owner) {
                const reg = dependency(r, "applicationId");
                if (reg) {
                    managed.add(reg.urn);
                    owners.set(reg.urn, (owners.get(reg.urn) ?? 0) + 1);
                }
            }
        }
        for (const urn of managed) {
            const n = owners.get(urn) ?? 0;
            if (n < minOwners)
                report(
                    `This app registration has ${n} owner${n === 1 ? "" : "s"}; at least ${minOwners} keep it from depending on one person (who may leave, or whose account may be taken over).`,
                    urn,
                );
        }
    },
};
