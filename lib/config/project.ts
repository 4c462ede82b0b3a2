/**
 * Project-level config: values in Pulumi.yaml's `config:` block that every stack inherits, resolved as the
 * Pulumi CLI does it (pulumi/pulumi pkg/workspace/config.go mergeConfig; sdk/go/common/workspace/project.go
 * Validate and RewriteShorthandConfigValues):
 * - a key the stack file sets takes the stack's value WHOLE: Pulumi does not merge objects between Pulumi.yaml and
 *   a stack (mergeConfig applies a project value only `if !foundOnStack`; pulumi/pulumi issues 13176 and 17948);
 *   so a stack states its differences under entra-consent:overrides / entra-consent:appsRemoved, which the
 *   program merges itself (lib/config/stack.ts mergeApps);
 * - a structured value is written under `value:` (or `default:` for keys of this project); a bare map is not a
 *   config declaration (project.json's configTypeDeclaration allows only type, items, description, secret,
 *   default, value); a key of another package (azuread:...) must have a `value:` and neither type nor default;
 * - project config is clear text: Pulumi.yaml holds no secrets (a `secure:` map there would reach the program as
 *   a plain map, since createConfigValue never decrypts it; pulumi/pulumi-hugo pull 2461: "project level
 *   configuration only supports clear text configuration").
 */
import * as fs from "fs";
import * as path from "path";
import { formatPath, InputError, InputProblem } from "../errors";
import { isMap, NAMESPACE, Origin, readConfigYaml, StackFile } from "./stack";

export interface ProjectConfig {
    file: string;
    /** fully qualified key (entra-consent:apps, azuread:environment) -> the value every stack inherits */
    values: Record<string, unknown>;
    /** keys this project declares without a value: each stack must set them */
    required: string[];
}

const DECLARATION_KEYS = ["type", "items", "description", "secret", "default", "value"];
/** One tenant's keys: in Pulumi.yaml they would point every stack at the same tenant. */
const TENANT_KEYS = ["azuread:tenantId", `${NAMESPACE}:tenant`];
/** A stack's differences from the shared apps: meaningless in the file they differ from. */
const STACK_ONLY_KEYS = [`${NAMESPACE}:overrides`, `${NAMESPACE}:appsRemoved`];

/** Pulumi.yaml (or Pulumi.yml) in a folder, if there is one. */
export function projectFileIn(dir: string): string | undefined {
    return ["Pulumi.yaml", "Pulumi.yml"].map(f => path.join(dir, f)).find(f => fs.existsSync(f));
}

export function readProjectFile(file: string): ProjectConfig {
    return projectConfig(readConfigYaml(file), file);
}

/** Whether some value nests a `secure:` map: a ciphertext of some stack's key, which Pulumi.yaml cannot hold. */
function holdsSecret(value: unknown): boolean {
    const stack = [value];
    while (stack.length) {
        const v = stack.pop();
        if (v && typeof v === "object") {
            if (!Array.isArray(v) && "secure" in v) return true;
            stack.push(...Object.values(v));
        }
    }
    return false;
}

/** The values a project file gives every stack, checked as `pulumi up` checks them, plus this project's rules. */
export function projectConfig(data: Record<string, unknown>, file: string): ProjectConfig {
    const name = typeof data.name === "string" ? data.name : NAMESPACE;
    const config = data.config ?? {};
    const at = (key: string) => `${file}: config.${key}`;
    if (!isMap(config)) throw new InputError([{ path: `${file}: config`, message: "is not a map", hint: "config: { key: { value: ... } }" }]);
    const problems: InputProblem[] = [];
    const values: Record<string, unknown> = {};
    const required: string[] = [];
    for (const [key, entry] of Object.entries(config)) {
        const own = !key.includes(":") || key.startsWith(`${name}:`);
        const full = key.includes(":") ? key : `${name}:${key}`;
        const report = (message: string, hint?: string) => problems.push({ path: at(key), message, hint });
        if (TENANT_KEYS.includes(full)) {
            report("names one tenant, and Pulumi.yaml is shared by every stack", "set it in each Pulumi.<stack>.yaml");
            continue;
        }
        if (STACK_ONLY_KEYS.includes(full)) {
            report("is a stack's difference from the shared apps", "set it in the Pulumi.<stack>.yaml that differs");
            continue;
        }
        if (entry === null || entry === undefined) {
            report("is empty", "give the shared value under `value:`");
            continue;
        }
        // Pulumi's shorthand: a scalar or list is the default of a key of this project, the value of another's
        if (!isMap(entry)) {
            values[full] = entry;
            continue;
        }
        const unknown = Object.keys(entry).filter(k => !DECLARATION_KEYS.includes(k));
        if (unknown.length) {
            report(
                `is a map with ${unknown.map(k => `"${k}"`).join(", ")}: Pulumi reads a map here as a declaration`,
                "write a structured value under `value:`",
            );
            continue;
        }
        if (entry.default !== undefined && entry.value !== undefined) report("has both `default:` and `value:`", "Pulumi takes one of them");
        else if (!own && (entry.type !== undefined || entry.default !== undefined))
            report(`is a key of another package: Pulumi allows neither type nor default here`, "write its value under `value:`");
        else if (!own && entry.value === undefined) report("is a key of another package and has no `value:`", "Pulumi requires one");
        else if (holdsSecret(entry.value ?? entry.default) || (entry.secret === true && (entry.value ?? entry.default) !== undefined))
            report("holds a secret: project config is clear text", "set secrets per stack with `pulumi config set --secret`");
        else if ((entry.value ?? entry.default) !== undefined) values[full] = entry.value ?? entry.default;
        else required.push(full);
    }
    if (problems.length) throw new InputError(problems);
    return { file, values, required };
}

/**
 * The config `pulumi up` gives the program: the stack's keys, then Pulumi.yaml's values for keys the stack does not
 * set. Also refuses what would silently drop the shared apps: a stack that sets entra-consent:apps itself.
 */
export function resolveConfig(project: ProjectConfig | undefined, stack: StackFile): { config: Record<string, unknown>; sourceOf: Record<string, string> } {
    const config: Record<string, unknown> = { ...stack.config };
    const sourceOf: Record<string, string> = Object.fromEntries(Object.keys(stack.config).map(k => [k, stack.path]));
    if (!project) return { config, sourceOf };
    const problems: InputProblem[] = [];
    const apps = `${NAMESPACE}:apps`;
    if (apps in project.values && apps in stack.config)
        problems.push({
            path: `${stack.path}: ${apps}`,
            message: `replaces the apps of ${path.basename(project.file)} whole (Pulumi does not merge a key set in both files)`,
            hint: `write what differs under ${NAMESPACE}:overrides and ${NAMESPACE}:appsRemoved`,
        });
    for (const key of project.required)
        if (!(key in stack.config))
            problems.push({
                path: `${stack.path}: ${key}`,
                message: `is missing: ${path.basename(project.file)} declares it without a value`,
                hint: "set it in the stack file",
            });
    if (problems.length) throw new InputError(problems);
    for (const [key, value] of Object.entries(project.values)) {
        if (key in stack.config) continue;
        config[key] = value;
        sourceOf[key] = project.file;
    }
    return { config, sourceOf };
}

/**
 * Input problems with the file each bad value came from: paths into the merged config become paths into the file
 * that wrote them (a part the stack's overrides supplied: `stack.yaml: entra-consent:overrides.x...`).
 */
export function attributeProblems(problems: InputProblem[], sourceOf: Record<string, string>, origins: Origin[], stackFile: string): InputProblem[] {
    const prefixes = [
        ...Object.entries(sourceOf).map(([key, file]) => ({ at: key, written: key, file })),
        ...origins.map(o => ({ at: formatPath(o.at), written: formatPath(o.written), file: stackFile })),
    ].sort((a, b) => b.at.length - a.at.length);
    return problems.map(p => {
        const hit = prefixes.find(x => p.path === x.at || (p.path.startsWith(x.at) && /^[.[]/.test(p.path.slice(x.at.length))));
        return hit ? { ...p, path: `${hit.file}: ${hit.written}${p.path.slice(hit.at.length)}` } : p;
    });
}
