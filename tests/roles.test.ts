import { strict as assert } from "assert";
import * as path from "path";
import { planStack, PlanResult } from "../lib/plan/plan";
import { builtInRole, coversAction, isPrivilegedBuiltIn, privilegedActions } from "../policies/lib/roles";
import { catalog, TENANT_ID, writeStack } from "./helpers";
import { approval, approvedOf, mandatoryOf, of, planDev, writePolicyConfig } from "./policy-helpers";

const POLICY = "azuread-directoryroleassignment-disallow-privileged-roles";
const PROGRAM = path.join(__dirname, "fixtures", "programs", "directory-roles.ts");
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";
const DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";

function planRoles(spec: Record<string, unknown>, opts: { policyConfig?: unknown; preview?: boolean } = {}): Promise<PlanResult> {
    return planStack({
        configFile: writeStack({ "azuread:tenantId": TENANT_ID, "test:spec": spec }),
        program: PROGRAM,
        catalog,
        preview: opts.preview,
        policyConfig: opts.policyConfig ? writePolicyConfig(opts.policyConfig) : undefined,
    });
}

// Microsoft Learn, "Microsoft Entra built-in roles" (roles labelled PRIVILEGED, template IDs) and "Privileged roles and
// permissions in Microsoft Entra ID" (privileged resource actions such as microsoft.directory/applications/credentials/update).
describe("privileged directory roles (data/privileged-roles.json)", () => {
    it("knows Microsoft's privileged built-in roles by template ID, and the other built-ins as not privileged", () => {
        assert.equal(builtInRole(GLOBAL_ADMIN)?.displayName, "Global Administrator");
        assert.ok(isPrivilegedBuiltIn("E8611AB8-C189-46E8-94E1-60213AB1F814"), "Privileged Role Administrator, any case");
        assert.ok(isPrivilegedBuiltIn("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"), "Application Administrator");
        assert.ok(isPrivilegedBuiltIn("9360feb5-f418-4baa-8175-e2a00bac4301"), "Directory Writers");
        assert.equal(builtInRole(DIRECTORY_READERS)?.privileged, false);
        assert.equal(builtInRole("4e5f6a7b-0000-4000-8000-000000000001"), undefined);
    });

    it("finds credential, role, consent and policy management among a custom role's actions, wildcards included", () => {
        assert.deepEqual(privilegedActions(["microsoft.directory/applications/basic/update", "microsoft.directory/applications/credentials/update"]), [
            "microsoft.directory/applications/credentials/update",
        ]);
        for (const a of [
            "microsoft.directory/applications/allProperties/allTasks",
            "microsoft.directory/applications/allProperties/update",
            "microsoft.directory/servicePrincipals/credentials/update",
            "microsoft.directory/applications.myOrganization/credentials/update",
            "microsoft.directory/allEntities/allProperties/allTasks",
            "microsoft.directory/roleAssignments/allProperties/allTasks",
            "microsoft.directory/oAuth2PermissionGrants/allProperties/allTasks",
            "microsoft.directory/servicePrincipals/appRoleAssignedTo/update",
            "microsoft.directory/servicePrincipals/managePermissionGrantsForAll.my-policy",
            "microsoft.directory/policies/allProperties/allTasks",
            "microsoft.directory/applications/owners/update",
            "microsoft.directory/*",
        ]) {
            assert.deepEqual(privilegedActions([a]), [a], a);
        }
        for (const a of [
            "microsoft.directory/applications/basic/update",
            "microsoft.directory/applications/allProperties/read",
            "microsoft.directory/servicePrincipals/tag/update",
            "microsoft.directory/groups/basic/update",
            "microsoft.office365.webPortal/allEntities/standard/read",
        ]) {
            assert.deepEqual(privilegedActions([a]), [], a);
        }
        assert.ok(
            coversAction("microsoft.directory/applications/allProperties/allTasks", "microsoft.directory/applications.myOrganization/credentials/update"),
        );
        assert.ok(
            !coversAction("microsoft.directory/applications.myOrganization/allProperties/allTasks", "microsoft.directory/applications/credentials/update"),
        );
    });
});

describe(`${POLICY}: every route to a privileged role`, () => {
    const denied = async (spec: Record<string, unknown>, message: RegExp) => {
        const v = mandatoryOf(await planRoles(spec), POLICY);
        assert.equal(v.length, 1, JSON.stringify(v));
        assert.match(v[0].message, message);
        return v[0];
    };

    it("denies a built-in privileged role by template ID, and passes a role Microsoft does not label privileged", async () => {
        await denied(
            { route: "assignment" },
            /worker \(a workload identity\) is assigned the directory role Global Administrator, a built-in role Microsoft labels PRIVILEGED/,
        );
        await denied({ route: "assignment", role: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3" }, /directory role Application Administrator/);
        assert.deepEqual(of(await planRoles({ route: "assignment", role: DIRECTORY_READERS }), POLICY), []);
    });

    it("denies a role assigned by the object ID of an activated DirectoryRole, and by role membership", async () => {
        await denied({ route: "directoryRole" }, /is assigned the directory role Global Administrator/);
        await denied({ route: "member" }, /is made a member of the directory role Global Administrator/);
        assert.deepEqual(of(await planRoles({ route: "member", role: DIRECTORY_READERS }), POLICY), []);
    });

    it("denies a custom role with a privileged action, and passes one with harmless actions only", async () => {
        await denied(
            { route: "custom", actions: ["microsoft.directory/applications/basic/update", "microsoft.directory/applications/allProperties/allTasks"] },
            /directory role App helper, a custom role whose permissions include microsoft.directory\/applications\/allProperties\/allTasks/,
        );
        await denied({ route: "custom", actions: ["microsoft.directory/servicePrincipals/credentials/update"] }, /App helper/);
        assert.deepEqual(
            of(
                await planRoles({
                    route: "custom",
                    actions: ["microsoft.directory/applications/basic/update", "microsoft.directory/applications/allProperties/read"],
                }),
                POLICY,
            ),
            [],
        );
    });

    it("denies PIM eligibility for a privileged role, for a service principal and a managed identity", async () => {
        await denied({ route: "eligibility" }, /worker \(a workload identity\) is made eligible \(PIM\) for the directory role Global Administrator/);
        await denied({ route: "eligibility", principal: "identity" }, /worker-identity|worker \(a workload identity\)/);
    });

    it("denies a workload put into a role-assignable group that holds a privileged role: GroupMember, the group's members, PIM for groups", async () => {
        await denied(
            { route: "group" },
            /worker \(a workload identity\) becomes a member of the group admins, which holds the directory role Global Administrator/,
        );
        await denied({ route: "group", principal: "identity" }, /becomes a member of the group admins/);
        await denied({ route: "groupInline" }, /is listed as a member of the group admins/);
        await denied({ route: "groupPim" }, /becomes an owner of the group admins/);
        // a group holding a role Microsoft does not label privileged passes its members
        assert.deepEqual(of(await planRoles({ route: "group", role: DIRECTORY_READERS }), POLICY), []);
    });

    it("denies a workload that owns an app holding a privileged role (an owner can add a credential and act as it)", async () => {
        const v = mandatoryOf(await planRoles({ route: "owner" }), POLICY);
        assert.deepEqual(v.map(x => x.app).sort(), ["helper", "worker"]);
        assert.match(
            v.find(x => x.app === "helper")!.message,
            /helper \(a workload identity\) owns worker, which holds the directory role Global Administrator/,
        );
        assert.match(
            mandatoryOf(await planRoles({ route: "owner", principal: "literal" }), POLICY)
                .map(x => x.message)
                .join("\n"),
            /4e5f6a7b-0000-4000-8000-000000000001 \(a principal the pack cannot identify.*owns worker/,
        );
        assert.deepEqual(of(await planRoles({ route: "owner", role: DIRECTORY_READERS }), POLICY), []);
    });

    it("counts a principal it cannot identify as a workload (fail closed), and leaves people alone", async () => {
        await denied(
            { route: "assignment", principal: "literal" },
            /4e5f6a7b-0000-4000-8000-000000000001 \(a principal the pack cannot identify, so it counts as a workload\)/,
        );
        await denied({ route: "group", principal: "literal" }, /cannot identify.*becomes a member of the group admins/);
        assert.deepEqual(of(await planRoles({ route: "assignment", principal: "user" }), POLICY), []);
        assert.deepEqual(of(await planRoles({ route: "group", principal: "user" }), POLICY), []);
    });

    it("counts a role ID it cannot identify as privileged", async () => {
        await denied(
            { route: "assignment", role: "0bad0bad-0000-4000-8000-000000000000" },
            /role ID 0bad0bad-0000-4000-8000-000000000000 is neither a built-in role template nor a DirectoryRole or CustomDirectoryRole of this stack/,
        );
    });

    it("waits for the update in a first preview, where new object IDs are unknown", async () => {
        assert.deepEqual(
            mandatoryOf(await planRoles({ route: "directoryRole" }, { preview: true }), POLICY).length,
            1,
            "the dependency names the activated role",
        );
        assert.deepEqual(
            mandatoryOf(await planRoles({ route: "custom", actions: ["microsoft.directory/applications/basic/update"] }, { preview: true }), POLICY),
            [],
        );
    });

    it("accepts an approval naming the workload and the role, and keeps it visible", async () => {
        const policyConfig = {
            [POLICY]: { approvals: [approval({ client: "worker", permission: "Global Administrator", type: "directory-role", tier0: true })] },
        };
        const plan = await planRoles({ route: "eligibility" }, { policyConfig });
        assert.deepEqual(mandatoryOf(plan, POLICY), []);
        assert.equal(approvedOf(plan, POLICY)[0].permission, "Global Administrator");
        const unused = await planRoles({ route: "assignment", role: DIRECTORY_READERS }, { policyConfig });
        assert.match(of(unused, POLICY)[0].message, /did not apply: it matches nothing in this stack/);
    });
});

describe("catalog APIs with a delegated user_impersonation (Key Vault, Storage, Azure SQL Database)", () => {
    const SCOPES = "azuread-delegatedpermissiongrant-disallow-privileged-scopes";
    it("plans a grant of each as tier 1 on its own API, which an approval naming that API covers", async () => {
        for (const api of ["azure-key-vault", "azure-storage", "azure-sql-database"]) {
            const change = (c: Record<string, any>) => {
                c["entra-consent:apps"]["orders-web"].delegated[api] = ["user_impersonation"];
            };
            const [v] = mandatoryOf(await planDev(change), SCOPES);
            assert.deepEqual([v?.resource, v?.permission, v?.tier], [api, "user_impersonation", 1], api);
            const policyConfig = {
                [SCOPES]: { approvals: [approval({ client: "orders-web", resource: api, permission: "user_impersonation", type: "delegated" })] },
            };
            assert.deepEqual(mandatoryOf(await planDev(change, { policyConfig }), SCOPES), [], api);
        }
    });
});
