/**
 * STUB (w-review): the consent graph types another engineer builds here (issue 12). Only the agreed interface, so
 * `npm run review -- --format html` compiles and runs before theirs is merged; theirs replaces this file.
 */
export type EdgeChange = "added" | "removed" | "unchanged";
export interface GraphEdge {
    app: string;
    resource: string;
    permission: string;
    type: "delegated" | "application" | "pre-authorized" | "user-consent";
    tier: 0 | 1 | 2;
    change: EdgeChange;
    approval?: string;
}
export interface StackGraph {
    stack: string;
    tenant: string;
    apps: { key: string; label: string; change: EdgeChange }[];
    resources: { key: string; label: string }[];
    edges: GraphEdge[];
}
