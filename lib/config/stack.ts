/** Where stack config comes from: the Pulumi config map (at deploy time) or a Pulumi.<stack>.yaml file (offline plan). */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { PermissionCatalog } from "../catalog";
import { formatPath, InputError, InputProblem } from "../errors";
import { buildModel, ConsentModel } from "../model";
import { didYouMean } from "../suggest";

export const NAMESPACE = "entra-consent";
const KEYS = ["tenant", "apps"];

/** A stack file's `config:` map, values as written (objects stay objects). */
export interface StackFile {
    path: string;
    config: Record<string, unknown>;
}

export function readStackFile(file: string): StackFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError([{ path: file, message: `cannot read the stack file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
    }
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    if (doc.errors.length) {
        throw new InputError(doc.errors.map(e => ({ path: `${file}:${e.linePos?.[0]?.line ?? "?"}`, message: `not valid YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}` })));
    }
    const data = doc.toJS() ?? {};
    if (typeof data !== "object" || Array.isArray(data) || (data.config !== undefined && (typeof data.config !== "object" || Array.isArray(data.config)))) {
        throw new InputError([{ path: `${file}: config`, message: "a stack file is a map with a `config:` map", hint: "see Pulumi.dev.yaml" }]);
    }
    return { path: file, config: data.config ?? {} };
}

/**
 * Picks this project's keys from a config map (values as objects or JSON strings, as the engine gives them),
 * reporting unknown `entra-consent:` keys and unparsable values.
 */
export function rawStackConfig(config: Record<string, unknown>): { raw: Record<string, unknown>; azureadTenantId?: string } {
    const problems: InputProblem[] = [];
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        if (!key.startsWith(`${NAMESPACE}:`)) continue;
        const name = key.slice(NAMESPACE.length + 1);
        if (!KEYS.includes(name)) {
            problems.push({ path: key, message: `unknown config key${didYouMean(name, KEYS).replace(/"(\w+)"/, `"${NAMESPACE}:$1"`)}`, hint: `this project reads ${KEYS.map(k => `${NAMESPACE}:${k}`).join(" and ")}` });
            continue;
        }
        if (typeof value === "string") {
            try { raw[name] = JSON.parse(value); } catch { problems.push({ path: formatPath([name]), message: "is not a map", hint: "write it as a YAML map in the stack file" }); }
        } else raw[name] = value;
    }
    if (problems.length) throw new InputError(problems);
    const tenantId = config["azuread:tenantId"];
    return { raw, azureadTenantId: typeof tenantId === "string" ? tenantId : undefined };
}

/** The consent model of the running stack, from the engine's config; input errors become a RunError (no stack trace). */
export function modelFromPulumiConfig(catalog = PermissionCatalog.load()): ConsentModel {
    try {
        const { raw, azureadTenantId } = rawStackConfig(pulumi.runtime.allConfig());
        return buildModel(raw, catalog, { azureadTenantId });
    } catch (e) {
        if (e instanceof InputError) throw new pulumi.RunError(e.message);
        throw e;
    }
}
