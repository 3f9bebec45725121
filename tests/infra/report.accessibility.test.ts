/**
 * The listening report as a person using a screen reader, a keyboard alone, high zoom or low vision meets it:
 * axe-core's WCAG 2.1 A and AA rules in the light and dark schemes at a phone's and a desktop's width, on a
 * sample lake with every section drawn and on one with empty sections, and what axe leaves to a person.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { runSpotifyEtl } from "./helpers/cliQueries";
import { load, openBrowser } from "./helpers/reportBrowser";

const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

interface Violation { id: string; impact: string | null; help: string; targets: string[]; summary: string }

/** axe-core's violations of the WCAG 2.0 and 2.1 A and AA rules on the page as it shows. */
async function axeViolations(page: Page): Promise<Violation[]> {
    // Evaluated through the browser's debugging protocol, which the page's Content-Security-Policy does not govern.
    await page.evaluate(axeSource);
    return page.evaluate(async () => {
        const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
        const results = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        return results.violations.map(v => ({
            id: v.id, impact: v.impact ?? null, help: v.help,
            targets: v.nodes.map(n => n.target.join(" ")),
            summary: v.nodes[0]?.failureSummary?.replace(/\s+/g, " ") ?? "",
        }));
    });
}

function describeViolations(violations: readonly Violation[]): string {
    return violations.map(v => `${v.id} (${v.impact}): ${v.help}; ${v.targets.length} element(s): ${v.targets.slice(0, 6).join(", ")}` +
        `${v.targets.length > 6 ? ", …" : ""}\n    ${v.summary}`).join("\n");
}

/** A lake in a fresh folder: the demo's, or a sample of one day with a few items, whose history and movement sections are empty. */
function writeReport(kind: "demo" | "sparse"): { work: string; report: string } {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `report-a11y-${kind}-`));
    const lake = path.join(work, "lake");
    const report = path.join(work, "report.html");
    if (kind === "demo") {
        const demo = runSpotifyEtl(["demo", "--lake", lake]);
        assert.equal(demo.status, 0, demo.stderr);
    } else {
        assert.equal(runSpotifyEtl(["sample", "--out", lake, "--days", "1", "--items", "3"]).status, 0);
        const transformed = runSpotifyEtl(["transform", "--lake", lake]);
        assert.equal(transformed.status, 0, transformed.stderr);
    }
    const written = runSpotifyEtl(["report", "--lake", lake, "--out", report]);
    assert.equal(written.status, 0, written.stderr);
    return { work, report };
}

describe("the listening report's accessibility", () => {
    const reports: Record<"demo" | "sparse", { work: string; report: string }> = {} as never;
    let context: BrowserContext;
    let profile: string;

    before(async () => {
        reports.demo = writeReport("demo");
        reports.sparse = writeReport("sparse");
        ({ context, profile } = await openBrowser());
    });
    after(async () => {
        await context?.close();
        for (const { work } of Object.values(reports)) {
            fs.rmSync(work, { recursive: true, force: true });
        }
        if (profile !== undefined) fs.rmSync(profile, { recursive: true, force: true });
    });

    for (const kind of ["demo", "sparse"] as const) {
        for (const dark of [false, true]) {
            for (const width of [375, 1280]) {
                it(`passes axe-core's WCAG 2.1 A and AA rules, its tables open: the ${kind} lake's report, ${dark ? "dark" : "light"} scheme, ${width} px wide`, async () => {
                    const shown = await load(context, reports[kind].report, { width, dark });
                    if (kind === "sparse") {
                        assert.ok(await shown.page.locator(".note.empty-answer").count() >= 3, "the sparse lake's report has empty sections");
                    }
                    // Every table as a reader who opened it sees it.
                    await shown.page.evaluate(() => document.querySelectorAll("details").forEach(d => { d.open = true; }));
                    const violations = await axeViolations(shown.page);
                    assert.deepEqual(violations.map(v => v.id), [], `axe-core found:\n${describeViolations(violations)}`);
                    await shown.page.close();
                });
            }
        }
    }

    for (const dark of [false, true]) {
        it(`every mark of every chart stands out from what it is drawn on at 3:1, by its fill or its outline (${dark ? "dark" : "light"} scheme, phone and desktop)`, async () => {
            for (const width of [375, 1280]) {
                const shown = await load(context, reports.demo.report, { width, dark });
                const faint = await shown.page.evaluate(faintMarks);
                assert.ok(faint.marks > 100, `${faint.marks} marks`);
                assert.deepEqual(faint.failing, [], `at ${width} px, marks under 3:1 against their surroundings`);
                await shown.page.close();
            }
        });
    }

    for (const dark of [false, true]) {
        it(`in forced colours (a ${dark ? "dark" : "light"} high-contrast theme), every chart draws in the reader's system colours, its marks in Highlight (phone and desktop)`, async () => {
            for (const width of [375, 1280]) {
                const shown = await load(context, reports.demo.report, { width, dark, forcedColors: true });
                const paint = await shown.page.evaluate(chartPaint);
                assert.ok(paint.forced, "the browser is in forced colours");
                assert.ok(paint.marks > 100, `${paint.marks} marks`);
                assert.notEqual(paint.system.Highlight, paint.system.Canvas);
                assert.deepEqual(paint.unthemed, [], `at ${width} px, chart paint in no system colour (the theme's: ${JSON.stringify(paint.system)})`);
                assert.deepEqual(paint.marksNotHighlighted, [], `at ${width} px, marks drawn in neither a Highlight fill nor a Highlight outline`);
                await shown.page.close();
            }
        });
    }
});

/**
 * Run in the page, in forced colours: the system colours as the browser resolves them, and each kind of visible chart
 * element (its section, tag and class) painted in a colour that is none of them, once, with how many there are and
 * the colour; and the marks that show neither their fill nor their outline in Highlight.
 */
function chartPaint(): { forced: boolean; system: Record<string, string>; marks: number; unthemed: string[]; marksNotHighlighted: string[] } {
    const probe = document.createElement("div");
    document.body.append(probe);
    const system: Record<string, string> = {};
    for (const name of ["Canvas", "CanvasText", "Highlight", "GrayText"]) {
        probe.style.color = name;
        system[name] = getComputedStyle(probe).color;
    }
    probe.remove();
    const allowed = new Set(Object.values(system));
    const unthemed = new Map<string, number>();
    const marksNotHighlighted = new Set<string>();
    let marks = 0;
    for (const element of document.querySelectorAll("svg.chart :is(rect, circle, line, polyline, text)")) {
        if (element.getClientRects().length === 0) {
            continue;
        }
        const style = getComputedStyle(element);
        const kind = `${element.closest("section")!.id} ${element.tagName}.${[...element.classList].join(".")}`;
        // A line's fill paints nothing; a stroke of no width neither.
        const painted = [
            ...(["line", "polyline"].includes(element.tagName) ? [] : [style.fill]),
            ...(parseFloat(style.strokeWidth) > 0 ? [style.stroke] : []),
        ].filter(p => p !== "none");
        for (const colour of painted.filter(p => !allowed.has(p))) {
            const key = `${kind}: ${colour}`;
            unthemed.set(key, (unthemed.get(key) ?? 0) + 1);
        }
        if (element.classList.contains("mark")) {
            marks++;
            if (style.fill !== system["Highlight"] && style.stroke !== system["Highlight"]) {
                marksNotHighlighted.add(kind);
            }
        }
    }
    return {
        forced: matchMedia("(forced-colors: active)").matches, system, marks,
        unthemed: [...unthemed].map(([key, count]) => `${key} (${count})`), marksNotHighlighted: [...marksNotHighlighted],
    };
}

/**
 * Run in the page: the visible marks whose fill (blended by its opacity over what lies under it) and outline both contrast
 * under 3:1 with the page, and for a heatmap's cell with the empty cell it is drawn on (WCAG 1.4.11, non-text contrast).
 * Each failing kind of mark once, with its section, its class, how many there are and its best ratio.
 */
function faintMarks(): { marks: number; failing: string[] } {
    type Rgb = [number, number, number];
    const rgb = (css: string): Rgb => css.match(/[\d.]+/g)!.slice(0, 3).map(Number) as Rgb;
    const luminance = (c: Rgb) => {
        const [r, g, b] = c.map(v => { const s = v / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: Rgb, b: Rgb) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x! + 0.05) / (y! + 0.05); };
    const blend = (top: Rgb, opacity: number, under: Rgb): Rgb => top.map((v, i) => v * opacity + under[i]! * (1 - opacity)) as Rgb;
    const page = rgb(getComputedStyle(document.body).backgroundColor);
    const failing = new Map<string, { count: number; best: number }>();
    let marks = 0;
    for (const mark of document.querySelectorAll("svg.chart .mark")) {
        if (mark.getClientRects().length === 0) {
            continue;
        }
        marks++;
        const style = getComputedStyle(mark);
        const emptyCell = mark.classList.contains("heat") ? rgb(getComputedStyle(mark.closest("svg")!.querySelector(".empty")!).fill) : null;
        const surroundings = emptyCell === null ? [page] : [page, emptyCell];
        const fill = style.fill.startsWith("rgb") ? blend(rgb(style.fill), Number(style.fillOpacity), emptyCell ?? page) : null;
        const stroke = style.stroke.startsWith("rgb") && parseFloat(style.strokeWidth) >= 1
            ? blend(rgb(style.stroke), Number(style.strokeOpacity), page) : null;
        const ratio = (paint: Rgb | null) => paint === null ? 0 : Math.min(...surroundings.map(s => contrast(paint, s)));
        const best = Math.max(ratio(fill), ratio(stroke));
        if (best < 3) {
            const key = `${mark.closest("section")!.id} ${mark.tagName}.${[...mark.classList].join(".")}`;
            const seen = failing.get(key) ?? { count: 0, best };
            failing.set(key, { count: seen.count + 1, best: Math.max(seen.best, best) });
        }
    }
    return { marks, failing: [...failing].map(([key, f]) => `${key}: ${f.count} at most ${f.best.toFixed(2)}:1`) };
}
