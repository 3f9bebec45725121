// The README and the guides send readers to each other: every relative link opens a file that exists, every `#anchor`
// is a heading of its page as GitHub renders it, and every section a sentence names in quotes after a link
// ("[operations.md](operations.md), "Backfill"") or within its own page (""Runtime settings", below") is a heading
// or a bold lead-in of that page.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "./helpers/stackHarness";

const pages = ["README.md", ...fs.readdirSync(path.join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The page without its code blocks, where a bracket or a quote is code, not a link. */
const prose = (page: string): string => fs.readFileSync(path.join(repoRoot, page), "utf8").replace(/```[\s\S]*?```/g, "");

/** GitHub's anchor of a heading: lower case, punctuation but hyphens and underscores dropped, each space a hyphen. */
const slug = (heading: string): string =>
    heading.trim().toLowerCase().replace(/[`*]/g, "").replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/ /g, "-");

const headings = (page: string): string[] =>
    [...fs.readFileSync(path.join(repoRoot, page), "utf8").replace(/```[\s\S]*?```/g, "").matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.trim());

/** Every anchor of a page: its headings' slugs, the second of two equal ones suffixed -1 as GitHub does. */
const anchors = (page: string): Set<string> => {
    const seen = new Map<string, number>();
    return new Set(headings(page).map((h) => {
        const base = slug(h);
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        return count === 0 ? base : `${base}-${count}`;
    }));
};

/**
 * Whether a page has the section a sentence names: a heading, or a bold lead-in (`**The goals, and where they
 * stand.**`), whole or up to a comma (`"What helped"` for `**What helped, in the order it was done**`).
 */
const hasSection = (page: string, name: string): boolean =>
    headings(page).includes(name) ||
    [...prose(page).matchAll(/\*\*([^*]+?)\.?\*\*/g)].some((m) => m[1]!.trim() === name || m[1]!.startsWith(`${name},`));

/** Relative links of a page, as [target file (relative to the repository), anchor, the text after the link]. */
const links = (page: string): { target: string; anchor?: string; after: string }[] =>
    [...prose(page).matchAll(/\]\(([^)\s]+)\)([^\n]{0,80})/g)]
        .filter((m) => !/^[a-z]+:/i.test(m[1]!))
        .map((m) => {
            const [file, anchor] = m[1]!.split("#") as [string, string | undefined];
            const target = file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
            return { target, anchor, after: m[2]! };
        });

test("the slug of a heading is GitHub's", () => {
    assert.equal(slug("Names and region are fixed once deployed"), "names-and-region-are-fixed-once-deployed");
    assert.equal(slug("How the `extract` function reads and writes the secret"), "how-the-extract-function-reads-and-writes-the-secret");
    assert.equal(slug("Against pandas, DuckDB and the floor"), "against-pandas-duckdb-and-the-floor");
    assert.equal(slug("Tests (no Pulumi CLI, no AWS)"), "tests-no-pulumi-cli-no-aws");
});

test("every relative link of the README and docs/ opens a file that exists, at a heading it has", () => {
    let checked = 0;
    for (const page of pages) {
        for (const { target, anchor } of links(page)) {
            assert.ok(fs.existsSync(path.join(repoRoot, target)), `${page} links ${target}, which does not exist`);
            if (anchor !== undefined && target.endsWith(".md")) {
                assert.ok(anchors(target).has(anchor), `${page} links ${target}#${anchor}, a heading ${target} does not have`);
            }
            checked++;
        }
    }
    assert.ok(checked >= 50, `only ${checked} links found: the pattern no longer finds the pages' links`);
});

test("every section named in quotes after a link is a heading or a bold lead-in of the page linked", () => {
    let checked = 0;
    for (const page of pages) {
        for (const { target, after } of links(page)) {
            const quoted = /^[,:]? "([^"]+)"/.exec(after);
            if (quoted && target.endsWith(".md")) {
                assert.ok(hasSection(target, quoted[1]!), `${page} sends readers to "${quoted[1]}" of ${target}, which has no such heading`);
                checked++;
            }
        }
    }
    assert.ok(checked >= 5, `only ${checked} quoted sections found`);
});

test("every section of its own page a sentence names in quotes, above or below, is a heading or a bold lead-in there", () => {
    let checked = 0;
    for (const page of pages) {
        for (const m of prose(page).matchAll(/"([^"\n]{3,80})",? (?:below|above)\b|\bunder "([^"\n]{3,80})"/g)) {
            const name = m[1] ?? m[2]!;
            assert.ok(hasSection(page, name), `${page} names its section "${name}", which it does not have`);
            checked++;
        }
    }
    assert.ok(checked >= 20, `only ${checked} sections named in quotes found`);
});
