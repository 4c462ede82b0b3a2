import Ajv from "ajv";
import { InputProblem } from "../errors";
import { schemaProblems } from "../schema-problems";
import { StackConfig, stackConfigSchema } from "./schema";

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false });
const validate = ajv.compile(stackConfigSchema);

/** Checks the shape of the stack config; every problem is reported, each with its path. */
export function validateShape(data: unknown): { ok: true; config: StackConfig } | { ok: false; problems: InputProblem[] } {
    if (validate(data)) return { ok: true, config: data as StackConfig };
    return { ok: false, problems: schemaProblems(validate.errors ?? [], data) };
}
