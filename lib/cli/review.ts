/**
 * npm run review -- --base <git ref> [--stack NAME | --all] [--format text|markdown|json|html] [--out FILE]
 * Exit: 1 when the change adds a tier-0/1 permission without a covering approval or a mandatory violation,
 * 2 for invalid input (ref, repository, stack, either side's config), 0 otherwise.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { formatProblem, InputError } from "../errors";
import { Io, processIo, runAsProcess } from "./io";
import { renderReviewHtml } from "../review/html";
import { renderMarkdown, renderText, stackGraph, summarize, summaryRows, toJson } from "../review/render";
import { reviewChange, ReviewResult } from "../review/review";

const USAGE = `usage: npm run review -- --base <git ref> [--stack NAME | --all] [--format text|markdown|json|html] [--out FILE]
  --base REF            the commit to compare with (a branch, tag or SHA), e.g. origin/main
  --stack NAME          review one stack (its name in the working tree or at the base); --all (default) every stack
  --format FORMAT       text (default), markdown (a pull request comment), json (tools), html (the consent graph)
  --out FILE            write there instead of stdout
  --program FILE        the program (default: index.ts here; the base's own copy plans the base)
  --policy-config FILE  policy configuration (approvals); the base's own copy judges the base
exit codes: 0 no blocking change, 1 an unapproved tier-0/1 permission or a new mandatory violation, 2 invalid input`;

const FORMATS = ["text", "markdown", "json", "html"] as const;

function render(review: ReviewResult, format: (typeof FORMATS)[number]): string {
    if (format === "json") return JSON.stringify(toJson(review), null, 2);
    if (format === "markdown") return renderMarkdown(review);
    if (format === "html")
        return renderReviewHtml({
            title: `entra-consent review of ${review.base.ref}`,
            summaryRows: summaryRows(review),
            stacks: review.stacks.map(stackGraph),
        });
    return renderText(review);
}

export async function main(argv: string[], io: Pick<Io, "out" | "err" | "cwd"> = processIo()): Promise<number> {
    let values;
    try {
        values = parseArgs({
            args: argv,
            options: {
                base: { type: "string" },
                stack: { type: "string" },
                all: { type: "boolean" },
                format: { type: "string", default: "text" },
                out: { type: "string" },
                program: { type: "string" },
                "policy-config": { type: "string" },
                help: { type: "boolean", short: "h" },
            },
        }).values;
    } catch (e) {
        io.err(`review: ${(e as Error).message}\n${USAGE}`);
        return 2;
    }
    if (values.help) {
        io.out(USAGE);
        return 0;
    }
    const format = values.format as (typeof FORMATS)[number];
    const wrong = !values.base
        ? "--base <git ref> is required"
        : !FORMATS.includes(format)
          ? `--format is "${values.format}"; use ${FORMATS.join(", ")}`
          : values.stack !== undefined && values.all
            ? "name --stack or --all, not both"
            : undefined;
    if (wrong) {
        io.err(`review: ${wrong}\n${USAGE}`);
        return 2;
    }
    let review: ReviewResult;
    try {
        review = await reviewChange({ cwd: io.cwd, base: values.base!, stack: values.stack, program: values.program, policyConfig: values["policy-config"] });
    } catch (e) {
        if (!(e instanceof InputError)) throw e;
        io.err(`review: invalid input:\n${e.problems.map(p => `  - ${formatProblem(p)}`).join("\n")}`);
        return 2;
    }
    const text = render(review, format);
    if (values.out) fs.writeFileSync(path.resolve(io.cwd, values.out), text + "\n");
    else io.out(text);
    return summarize(review).exitCode;
}

if (require.main === module) runAsProcess("review", main);
