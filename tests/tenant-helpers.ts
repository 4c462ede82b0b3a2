import * as fs from "fs";
import * as path from "path";
import { TenantExport } from "../lib/tenant/export";

/** A small realistic tenant in Graph's shapes, for the dev stack: tests change one thing in a fresh copy. */
export const FIXTURE = path.join(__dirname, "fixtures", "tenant", "contoso-dev.json");
export const fixture = (): TenantExport => JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
