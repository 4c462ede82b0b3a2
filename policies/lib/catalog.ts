import { PermissionCatalog } from "../../lib/catalog";

/** The permission catalog the policies judge by (data/catalog.json), loaded once per process. */
export const catalog = PermissionCatalog.load();
