/**
 * The listening report as a person sees it: spotify-etl writes it for a sample lake, headless Chromium
 * (Debian's `chromium`, which scripts/test.sh installs) opens it, and the tests check what a reader
 * would notice: nothing fails to load, every chart drew marks, every number equals the named query's
 * answer on the same lake, the dark scheme and a phone's width both work.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { type QueryResult, runSpotifyEtl } from "./helpers/cliQueries";

export const chromiumPath = "/usr/bin/chromium";
const chromiumFlags = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
];

/** Opens a page in a fresh Chromium profile; the caller closes the context. */
export async function openBrowser(): Promise<{ context: BrowserContext; profile: string }> {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "chromium-profile-"));
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath, headless: true, args: chromiumFlags, viewport: { width: 820, height: 1200 },
    });
    return { context, profile };
}

interface Loaded {
    readonly page: Page;
    readonly errors: string[];
    readonly requests: string[];
}

async function load(context: BrowserContext, file: string, options: { width?: number; dark?: boolean } = {}): Promise<Loaded> {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", message => { if (message.type() === "error") errors.push(message.text()); });
    page.on("pageerror", error => errors.push(error.message));
    page.on("request", request => requests.push(request.url()));
    await page.setViewportSize({ width: options.width ?? 820, height: 1200 });
    await page.emulateMedia({ colorScheme: options.dark === true ? "dark" : "light" });
    await page.goto(`file://${file}`, { waitUntil: "load" });
    return { page, errors, requests };
}

function answers(lake: string): Map<string, QueryResult> {
    const run = runSpotifyEtl(["query", "--lake", lake, "--json"]);
    assert.equal(run.status, 0, run.stderr);
    return new Map((JSON.parse(run.stdout) as QueryResult[]).map(r => [r.name, r]));
}

describe("the listening report in a browser", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "report-"));
    const lake = path.join(work, "lake");
    const report = path.join(work, "report.html");
    let context: BrowserContext;
    let profile: string;
    let expected: Map<string, QueryResult>;
    let light: Loaded;

    before(async () => {
        const demo = runSpotifyEtl(["demo", "--lake", lake]);
        assert.equal(demo.status, 0, demo.stderr);
        const written = runSpotifyEtl(["report", "--lake", lake, "--out", report]);
        assert.equal(written.status, 0, written.stderr);
        assert.match(written.stdout, new RegExp(`Report: ${report.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
        expected = answers(lake);
        ({ context, profile } = await openBrowser());
        light = await load(context, report);
    });
    after(async () => {
        await context?.close();
        fs.rmSync(work, { recursive: true, force: true });
        if (profile !== undefined) fs.rmSync(profile, { recursive: true, force: true });
    });

    it("opens with no console error and loads nothing but itself", () => {
        assert.deepEqual(light.errors, []);
        assert.deepEqual(light.requests.filter(url => url !== `file://${report}`), []);
    });

    it("stays under a megabyte for the sample lake, with no script and no external reference", () => {
        const html = fs.readFileSync(report, "utf8");
        assert.ok(Buffer.byteLength(html) < 1024 * 1024, `${Buffer.byteLength(html)} bytes`);
        assert.doesNotMatch(html, /<script|<link|@import|url\(|src=/i);
    });

    it("every chart drew visible marks, and every section with data shows a chart or a table", async () => {
        const charts = await light.page.$$eval("svg.chart", svgs => svgs.map(svg => ({
            label: svg.getAttribute("aria-label"),
            marks: [...svg.querySelectorAll(".mark")].filter(m => {
                const box = (m as SVGGraphicsElement).getBBox();
                return box.width > 0 && box.height > 0;
            }).length,
        })));
        const charted = await light.page.$$eval("section:has(svg.chart)", all => all.map(s => s.id));
        assert.deepEqual(charted, [
            "listening-over-time", "top-artists", "top-tracks", "first-heard", "listening-clock", "skip-rate",
            "history-hours-per-month", "history-top-artists", "history-first-heard", "history-skips", "days-on-playlist", "saved-tracks",
        ]);
        for (const chart of charts) {
            assert.ok(chart.marks > 0, `${chart.label} drew no mark`);
        }
        const sections = await light.page.$$eval("section", all => all.map(s => ({
            id: s.id, shows: s.querySelector("svg.chart, table") !== null, note: s.querySelector(".note")?.textContent ?? null,
        })));
        for (const section of sections) {
            assert.ok(section.shows || section.note !== null, `${section.id} shows nothing and says nothing`);
        }
        assert.deepEqual(sections.filter(s => s.note !== null && /Not available/.test(s.note)), [], "every named query the report uses answered");
    });

    it("every table shows its named query's whole answer, value for value", async () => {
        const tables = await light.page.$$eval("table[data-query]", all => all.map(t => ({
            query: t.getAttribute("data-query")!,
            columns: [...t.querySelectorAll("thead th")].map(th => th.textContent),
            rows: [...t.querySelectorAll("tbody tr")].map(tr => [...tr.querySelectorAll("td")].map(td => td.textContent)),
        })));
        assert.ok(tables.length >= 12, `${tables.length} tables`);
        for (const table of tables) {
            const answer = expected.get(table.query);
            assert.ok(answer, `${table.query} is a named query`);
            assert.deepEqual(table.columns, answer.columns, table.query);
            assert.deepEqual(table.rows, answer.rows.map(r => r.map(v => v ?? "")), table.query);
        }
    });

    it("every mark of a chart is a row of its section's query: its label cells and its value", async () => {
        const marks = await light.page.$$eval("section[data-query] svg.chart .mark", all => all.map(m => ({
            query: m.closest("section")!.getAttribute("data-query")!,
            label: m.getAttribute("data-label")!,
            value: m.getAttribute("data-value")!,
        })));
        assert.ok(marks.length > 20);
        for (const mark of marks) {
            const rows = expected.get(mark.query)!.rows;
            const parts: string[] = mark.label.split(" · ");
            assert.ok(rows.some(r => r.includes(mark.value) && parts.every((p: string) => r.includes(p))),
                `${mark.query}: no row holds ${mark.label} = ${mark.value}`);
        }
        const hours = expected.get("listening_per_week")!;
        const drawn = marks.filter(m => m.query === "listening_per_week").map(m => [m.label, m.value]);
        assert.deepEqual(drawn, hours.rows.map(r => [r[0], r[2]]), "one bar per week, each week's hours");
    });

    it("the data-quality panel adds up the data_quality query's rows per table", async () => {
        const shown = await light.page.$$eval("#quality-tables tbody tr", rows => rows.map(tr => [...tr.querySelectorAll("td")].map(td => td.textContent)));
        const quality = expected.get("data_quality")!;
        const tablesSeen = [...new Set(quality.rows.map(r => r[1]!))].sort();
        assert.deepEqual(shown.map(r => r[0]), tablesSeen);
        for (const row of shown) {
            const of = quality.rows.filter(r => r[1] === row[0]);
            const total = of.reduce((sum, r) => sum + Number(r[2]), 0);
            const duplicates = of.reduce((sum, r) => sum + Number(r[2]) - Number(r[3]), 0);
            assert.deepEqual(row.slice(1, 4), [String(of.length), String(total), String(duplicates)], row[0]!);
        }
        const latest = quality.rows.map(r => r[0]!).sort().at(-1);
        assert.equal(await light.page.textContent("[data-metric=latest-snapshot]"), latest);
        assert.equal(await light.page.textContent("[data-metric=quarantined]"), "0");
    });

    it("reads in the dark scheme: dark background, light text, marks in a colour of their own", async () => {
        const dark = await load(context, report, { dark: true });
        const colours = await dark.page.evaluate(() => {
            const body = getComputedStyle(document.body);
            const mark = document.querySelector(".mark")!;
            return { background: body.backgroundColor, text: body.color, mark: getComputedStyle(mark).fill };
        });
        const luminance = (rgb: string) => { const [r, g, b] = rgb.match(/\d+/g)!.map(Number); return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!; };
        assert.ok(luminance(colours.background) < 60, colours.background);
        assert.ok(luminance(colours.text) > 180, colours.text);
        assert.notEqual(colours.mark, colours.background);
        assert.deepEqual(dark.errors, []);
        await dark.page.close();
    });

    it("fits a phone's width: no sideways scrolling of the page, wide tables scroll in their own box", async () => {
        const phone = await load(context, report, { width: 375 });
        const widths = await phone.page.evaluate(() => ({
            page: document.documentElement.scrollWidth,
            charts: [...document.querySelectorAll("svg.chart")].map(s => s.getBoundingClientRect().width),
        }));
        assert.ok(widths.page <= 375, `page is ${widths.page} px wide`);
        for (const width of widths.charts) {
            assert.ok(width <= 375 && width > 300, `chart ${width} px`);
        }
        await phone.page.close();
    });
});

describe("the listening report with names a listener did not choose to be short", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "report-names-"));
    const lake = path.join(work, "lake");
    const report = path.join(work, "report.html");
    // A playlist name and a track name of thousands of characters, as the API passes on whatever its users typed.
    const playlistName = "Road trip " + "A".repeat(5000);
    const trackName = "Intro " + "B".repeat(3000);
    let context: BrowserContext;
    let profile: string;
    let page: Loaded;

    /** Every raw page of a source, rewritten by `edit`. */
    function rewrite(source: string, edit: (page: Record<string, unknown>) => void): void {
        const root = path.join(lake, "raw", source);
        for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
            if (entry.isFile() && entry.name.endsWith(".json")) {
                const file = path.join(entry.parentPath, entry.name);
                const json = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
                edit(json);
                fs.writeFileSync(file, JSON.stringify(json));
            }
        }
    }

    before(async () => {
        assert.equal(runSpotifyEtl(["sample", "--out", lake, "--days", "2", "--items", "60"]).status, 0);
        rewrite("playlist", (playlist) => { playlist["name"] = playlistName; });
        rewrite("playlist_items", (items) => {
            for (const item of items["items"] as Record<string, Record<string, unknown> | null>[]) {
                const track = item["item"] ?? item["track"];
                if (track !== null && track !== undefined) {
                    track["name"] = trackName;
                }
            }
        });
        const transformed = runSpotifyEtl(["transform", "--lake", lake]);
        assert.ok(transformed.status === 0 || transformed.status === 3, transformed.stderr);
        const written = runSpotifyEtl(["report", "--lake", lake, "--out", report]);
        assert.equal(written.status, 0, written.stderr);
        ({ context, profile } = await openBrowser());
        page = await load(context, report);
    });
    after(async () => {
        await context?.close();
        fs.rmSync(work, { recursive: true, force: true });
        if (profile !== undefined) fs.rmSync(profile, { recursive: true, force: true });
    });

    it("keeps every cell narrow enough that the columns after a long name stay in reach, the whole name on hover", async () => {
        const cells = await page.page.$$eval("td", all => all.map(td => ({
            width: td.getBoundingClientRect().width, text: td.textContent ?? "", title: td.getAttribute("title"),
        })));
        const widest = Math.max(...cells.map(c => c.width));
        assert.ok(widest <= 360, `a cell is ${widest} px wide`);
        const long = cells.filter(c => c.text === playlistName || c.text === trackName);
        assert.ok(long.length > 0, "the long names are in the tables");
        assert.ok(long.every(c => c.title === c.text), "a cut name is whole in its title");
        const tables = await page.page.$$eval("table", all => all.map(t => t.getBoundingClientRect().width));
        assert.ok(Math.max(...tables) < 3000, `a table is ${Math.max(...tables)} px wide`);
        assert.deepEqual(page.errors, []);
    });
});
