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
import type { BrowserContext } from "playwright-core";
import { answersAsText, type QueryResult, runSpotifyEtl } from "./helpers/cliQueries";
import { type Loaded, load, openBrowser } from "./helpers/reportBrowser";

function answers(lake: string): Map<string, QueryResult> {
    const run = runSpotifyEtl(["query", "--lake", lake, "--json"]);
    assert.equal(run.status, 0, run.stderr);
    return new Map(answersAsText(run.stdout).map(r => [r.name, r]));
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
        const charts = await light.page.$$eval("figure.chart-wide svg.chart", svgs => svgs.map(svg => ({
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
        const marks = await light.page.$$eval("section[data-query] figure.chart-wide svg.chart .mark", all => all.map(m => ({
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
            charts: [...document.querySelectorAll("svg.chart")].filter(s => s.getClientRects().length > 0).map(s => s.getBoundingClientRect().width),
        }));
        assert.ok(widths.page <= 375, `page is ${widths.page} px wide`);
        assert.equal(widths.charts.length, 12, "every chart shows once");
        for (const width of widths.charts) {
            assert.ok(width <= 375 && width > 300, `chart ${width} px`);
        }
        await phone.page.close();
    });

    it("shades the edge a wide table continues past, and no table that fits", async () => {
        const phone = await load(context, report, { width: 375 });
        await phone.page.evaluate(() => document.querySelectorAll("details").forEach(d => { d.open = true; }));
        const checked = { wide: 0, fits: 0 };
        for (const box of await phone.page.$$(".table-wrap")) {
            const wide = await box.evaluate(b => b.scrollWidth > b.clientWidth + 1);
            await box.evaluate(b => { b.scrollLeft = 0; });
            const shown = await box.screenshot();
            // The same box drawn without its shades: what differs is what they drew.
            await box.evaluate(b => { (b as HTMLElement).style.background = "none"; });
            const plain = await box.screenshot();
            await box.evaluate(b => { (b as HTMLElement).style.background = ""; });
            assert.equal(shown.equals(plain), !wide, `a ${wide ? "wide table shows no shade" : "table that fits shows a shade"}`);
            checked[wide ? "wide" : "fits"]++;
        }
        assert.ok(checked.wide > 0 && checked.fits > 0, `tables checked: ${JSON.stringify(checked)}`);
        await phone.page.close();
    });

    it("prints every table whole and open: no column past the page's edge, no table folded away, no scroll box", async () => {
        // A printed A4 page is about 700 CSS pixels wide between its margins.
        const printed = await load(context, report, { width: 700 });
        await printed.page.emulateMedia({ media: "print", colorScheme: "light" });
        const tables = await printed.page.evaluate(() => [...document.querySelectorAll("table")].map(table => {
            const box = table.getBoundingClientRect();
            const wrap = table.closest(".table-wrap");
            return {
                caption: (table.caption?.textContent ?? table.closest("section")?.id ?? "").slice(0, 60),
                shown: box.height > 0 && table.getClientRects().length > 0,
                right: box.right, page: document.documentElement.clientWidth,
                clipped: wrap === null ? false : wrap.scrollWidth > wrap.clientWidth + 1,
                scrolls: wrap === null ? false : getComputedStyle(wrap).overflowX !== "visible",
            };
        }));
        assert.ok(tables.length >= 12, `only ${tables.length} tables`);
        for (const table of tables) {
            assert.ok(table.shown, `${table.caption}: folded away in print`);
            assert.ok(!table.clipped && !table.scrolls, `${table.caption}: cut by a scroll box in print`);
            assert.ok(table.right <= table.page + 1, `${table.caption}: ends at ${table.right.toFixed(0)} px, past the page's ${table.page} px`);
        }
        await printed.page.close();
    });

    for (const width of [390, 820, 1280]) {
        it(`at ${width} px, every chart shows once, with its marks, and its text is at least 11 px high and inside the chart`, async () => {
            const shown = await load(context, report, { width });
            const charts = await shown.page.evaluate(visibleCharts);
            assert.equal(charts.length, 12, "one drawing of each chart shows");
            for (const chart of charts) {
                assert.ok(chart.marks > 0, `${chart.section} drew no mark`);
                for (const text of chart.texts) {
                    assert.ok(text.size >= 11, `${chart.section}: "${text.text}" is ${text.size.toFixed(1)} px`);
                    assert.ok(text.left >= chart.left - 0.5 && text.right <= chart.right + 0.5,
                        `${chart.section}: "${text.text}" spans ${text.left.toFixed(0)}–${text.right.toFixed(0)} px, the chart ${chart.left.toFixed(0)}–${chart.right.toFixed(0)}`);
                }
            }
            await shown.page.close();
        });

        it(`at ${width} px, no text of a chart meets another: a slanted date keeps off the axis title under it`, async () => {
            const shown = await load(context, report, { width });
            const charts = await shown.page.evaluate(visibleCharts);
            assert.ok(charts.some(c => c.texts.some(t => t.css === "axis-title")) && charts.some(c => c.texts.some(t => /^\d{4}-\d{2}-\d{2}$/.test(t.text))));
            assert.deepEqual(meetingTexts(charts), []);
            await shown.page.close();
        });
    }
});

interface ShownText { text: string; size: number; left: number; right: number; top: number; bottom: number; css: string; corners: [number, number][] }
interface ShownChart { section: string; left: number; right: number; marks: number; markLeft: number; texts: ShownText[] }

/** The charts a reader sees (run in the page): each one's box, its drawn marks, and its text as rendered, in pixels. */
function visibleCharts(): ShownChart[] {
    return [...document.querySelectorAll("svg.chart")].filter(svg => svg.getClientRects().length > 0).map(svg => {
        const box = svg.getBoundingClientRect();
        const scale = (svg as SVGSVGElement).getScreenCTM()!.a;
        const marks = [...svg.querySelectorAll(".mark")].map(m => m.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
        return {
            section: svg.closest("section")!.id, left: box.left, right: box.right, marks: marks.length,
            markLeft: Math.min(...marks.map(r => r.left)),
            texts: [...svg.querySelectorAll("text")].map(t => {
                const r = t.getBoundingClientRect();
                // The text's own box (its advance by the font's ascent and descent) turned as it is drawn: a slanted label's
                // bounding rectangle would cover the empty corners beside it.
                const b = (t as SVGTextElement).getBBox();
                const m = (t as SVGTextElement).getScreenCTM()!;
                const corners = ([[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]] as const)
                    .map(([x, y]) => new DOMPoint(x, y).matrixTransform(m)).map(p => [p.x, p.y] as [number, number]);
                return {
                    text: t.textContent ?? "", size: parseFloat(getComputedStyle(t).fontSize) * scale,
                    left: r.left, right: r.right, top: r.top, bottom: r.bottom, css: t.getAttribute("class") ?? "", corners,
                };
            }),
        };
    });
}

/**
 * How far two texts' drawn boxes (convex, each as four corners) reach into each other, in pixels: the least overlap of
 * their shadows along the edges of either (zero or less when a line parts them).
 */
function overlap(a: ShownText, b: ShownText): number {
    let least = Infinity;
    for (const quad of [a.corners, b.corners]) {
        for (let i = 0; i < quad.length; i++) {
            const [x1, y1] = quad[i]!;
            const [x2, y2] = quad[(i + 1) % quad.length]!;
            const length = Math.hypot(x2 - x1, y2 - y1);
            if (length === 0) continue;
            const [nx, ny] = [(y1 - y2) / length, (x2 - x1) / length];
            const shadow = (q: [number, number][]) => q.map(([x, y]) => x * nx + y * ny);
            const [sa, sb] = [shadow(a.corners), shadow(b.corners)];
            least = Math.min(least, Math.min(Math.max(...sa), Math.max(...sb)) - Math.max(Math.min(...sa), Math.min(...sb)));
        }
    }
    return least;
}

/** Every pair of texts in one chart that meet, more than half a pixel into each other: a date over an axis title, a value over a label. */
function meetingTexts(charts: ShownChart[]): string[] {
    const met: string[] = [];
    for (const chart of charts) {
        const texts = chart.texts.filter(t => t.text.trim() !== "");
        for (let i = 0; i < texts.length; i++) {
            for (let j = i + 1; j < texts.length; j++) {
                const depth = overlap(texts[i]!, texts[j]!);
                if (depth > 0.5) met.push(`${chart.section}: "${texts[i]!.text}" and "${texts[j]!.text}" meet by ${depth.toFixed(1)} px`);
            }
        }
    }
    return met;
}

describe("the listening report with names a listener did not choose to be short", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "report-names-"));
    const lake = path.join(work, "lake");
    const report = path.join(work, "report.html");
    // A playlist name and a track name of thousands of characters, as the API passes on whatever its users typed.
    const playlistName = "Road trip " + "A".repeat(5000);
    const trackName = "Intro " + "B".repeat(3000);
    // Artists' names in scripts and letters wider than an average Latin one: ideographs and kana, Cyrillic capitals, W and M.
    const artistNames = [
        "夜に駆ける東京の雨と長い夜のドライブの楽団", "ЖИЗНЬ ЩИТ ШИРЬ Группа крови Горит", "WWWMMMWWWMMMWWWMMMWWWMMMWWW Wonder",
        "Long Wonder Water Hoppípolla Harder Midnight Mixtape", "방탄소년단 방탄소년단 방탄소년단 방탄소년단",
    ];
    // Songs' names longer than a table's cell is wide, in ideographs, right-to-left scripts and emoji.
    const longTrackNames = [
        "夜に駆ける東京の雨と長い夜のドライブの楽団と星空の下で歌う仲間たちの長い長い物語",
        "להקת הלילה הארוך של תל אביב והחברים הטובים מכל הזמנים ועוד הרבה",
        "فرقة الليل الطويل في القاهرة مع الأصدقاء القدامى إلى الأبد والأبد",
        "🎸🔥👩🏽‍🎤🇸🇪🎵".repeat(6) + " Fiesta " + "🎸🔥👩🏽‍🎤🇸🇪🎵".repeat(6),
    ];
    let context: BrowserContext;
    let profile: string;

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

    /** Renames every artist object in a raw page, the same artist always to the same name. */
    function renameArtists(value: unknown): void {
        if (Array.isArray(value)) {
            value.forEach(renameArtists);
        } else if (typeof value === "object" && value !== null) {
            const object = value as Record<string, unknown>;
            if (object["type"] === "artist" && typeof object["id"] === "string") {
                const id = object["id"];
                object["name"] = artistNames[[...id].reduce((sum, c) => sum + c.charCodeAt(0), 0) % artistNames.length];
            }
            Object.values(object).forEach(renameArtists);
        }
    }

    /** Renames every song object in a raw page, the same song always to the same name: the songs met first take each long name in turn. */
    const renamedTracks = new Map<string, string>();
    function renameTracks(value: unknown): void {
        if (Array.isArray(value)) {
            value.forEach(renameTracks);
        } else if (typeof value === "object" && value !== null) {
            const object = value as Record<string, unknown>;
            if (object["type"] === "track" && typeof object["id"] === "string") {
                const id = object["id"];
                if (!renamedTracks.has(id)) renamedTracks.set(id, longTrackNames[renamedTracks.size % longTrackNames.length]!);
                object["name"] = renamedTracks.get(id);
            }
            Object.values(object).forEach(renameTracks);
        }
    }

    before(async () => {
        assert.equal(runSpotifyEtl(["sample", "--out", lake, "--days", "2", "--items", "60"]).status, 0);
        rewrite("playlist", (playlist) => { playlist["name"] = playlistName; });
        for (const source of ["recently_played", "top_artists", "top_tracks", "saved_tracks", "playlist_items"]) {
            rewrite(source, renameArtists);
            rewrite(source, renameTracks);
        }
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
    });
    after(async () => {
        await context?.close();
        fs.rmSync(work, { recursive: true, force: true });
        if (profile !== undefined) fs.rmSync(profile, { recursive: true, force: true });
    });

    for (const width of [375, 1280]) {
        it(`at ${width} px, every table cell shows its whole text: a long name in any script wraps in a cell at most 24em wide, not cut`, async () => {
            const shown = await load(context, report, { width });
            // Every table as a reader who opened it sees it.
            await shown.page.evaluate(() => document.querySelectorAll("details").forEach(d => { d.open = true; }));
            const cells = await shown.page.$$eval("td", all => all.map(td => {
                const box = td.getBoundingClientRect();
                const text = document.createRange();
                text.selectNodeContents(td);
                // Where the browser laid the text out: a line cut by the cell's edge (with an ellipsis or without) reaches past it.
                const outside = [...text.getClientRects()].some(r =>
                    r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5);
                return { text: td.textContent ?? "", width: box.width, clipped: outside || td.scrollWidth > td.clientWidth };
            }));
            for (const name of [playlistName, trackName, ...longTrackNames]) {
                assert.ok(cells.some(c => c.text === name), `${name.slice(0, 40)} is in a table`);
            }
            const clipped = cells.filter(c => c.clipped);
            assert.deepEqual(clipped.map(c => c.text.slice(0, 60)), [], `${clipped.length} of ${cells.length} cells show part of their text`);
            // The columns after a long name stay in reach: a cell is at most 24em (of 13 px) and its padding wide.
            const widest = Math.max(...cells.map(c => c.width));
            assert.ok(widest <= 360, `a cell is ${widest} px wide`);
            const sizes = await shown.page.evaluate(() => ({
                page: document.documentElement.scrollWidth, tables: [...document.querySelectorAll("table")].map(t => t.getBoundingClientRect().width),
            }));
            assert.ok(Math.max(...sizes.tables) < 3000, `a table is ${Math.max(...sizes.tables)} px wide`);
            assert.ok(sizes.page <= width, `the page is ${sizes.page} px wide`);
            assert.deepEqual(shown.errors, []);
            await shown.page.close();
        });
    }

    for (const width of [375, 1280]) {
        it(`at ${width} px, a chart that cuts a name with "…" says so under it, and the table under it, opened from the keyboard, holds every cut name whole`, async () => {
            const shown = await load(context, report, { width });
            const figures = await shown.page.evaluate(() => [...document.querySelectorAll("figure")].filter(f => f.getClientRects().length > 0).map(figure => {
                const section = figure.closest("section")!;
                const note = figure.querySelector(".cut-note");
                const cut = [...figure.querySelectorAll("text.label")].map(label => {
                    // The label's mark is the next one after it, and carries the whole name. Without the isolates that
                    // keep a right-to-left name's order, a label with "…" that is not its name was cut.
                    let mark = label.nextElementSibling;
                    while (mark !== null && !mark.classList.contains("mark")) mark = mark.nextElementSibling;
                    return { label: (label.textContent ?? "").replace(/[\u2066-\u2069]/g, ""), whole: mark?.getAttribute("data-label") ?? null };
                }).filter(({ label, whole }) => label.includes("…") && label !== whole);
                return {
                    section: section.id, cut, note: note !== null && note.getClientRects().length > 0 ? note.textContent : null,
                    rows: [...section.querySelectorAll("table tbody tr")].map(tr => [...tr.querySelectorAll("td")].map(td => td.textContent ?? "")),
                };
            }));
            const cutting = figures.filter(f => f.cut.length > 0);
            assert.ok(cutting.length >= 2, `charts that cut a name: ${cutting.map(f => f.section).join(", ")}`);
            for (const figure of figures) {
                assert.equal(figure.note, figure.cut.length > 0 ? "Names cut short with “…” are whole in the table below." : null, figure.section);
                for (const { label, whole } of figure.cut) {
                    // Cut at its end, or name by name where it joins names: each of them whole or its start.
                    const startOf = (part: string, name: string): boolean => part === name || (part.endsWith("…") && name.startsWith(part.slice(0, -1).trimEnd()));
                    const [parts, names] = [label.split(" · "), (whole ?? "").split(" · ")];
                    assert.ok(whole !== null && (startOf(label, whole) || (parts.length === names.length && parts.every((part, i) => startOf(part, names[i]!)))),
                        `${figure.section}: "${label}" is the start of "${whole}", or of each of its names`);
                    // A name is a cell of a row, or cells joined as the chart joins a song, its artists and its playlist.
                    const inTable = figure.rows.some(r => r.includes(whole) || whole.split(" · ").every(part => r.includes(part)));
                    assert.ok(inTable, `${figure.section}: "${whole.slice(0, 60)}" is not in the table under its chart`);
                }
            }
            // The table is a keyboard's reach away: its summary takes the focus and Enter opens it, the cut name shown whole.
            const first = cutting[0]!;
            const summary = shown.page.locator(`#${first.section} summary`);
            await summary.focus();
            await shown.page.keyboard.press("Enter");
            const opened = await shown.page.evaluate(id => {
                const details = document.querySelector(`#${id} details`) as HTMLDetailsElement;
                return { focused: document.activeElement?.tagName, open: details.open, shown: details.querySelector("table")!.getClientRects().length > 0 };
            }, first.section);
            assert.deepEqual(opened, { focused: "SUMMARY", open: true, shown: true });
            assert.deepEqual(shown.errors, []);
            await shown.page.close();
        });
    }

    for (const width of [390, 820]) {
        it(`at ${width} px, a chart's label starts inside the chart whatever script it is in, cut with "…" short of the marks and of the other texts`, async () => {
            const shown = await load(context, report, { width });
            const charts = await shown.page.evaluate(visibleCharts);
            const labelled = charts.filter(c => ["top-artists", "top-tracks", "first-heard", "days-on-playlist"].includes(c.section));
            assert.equal(labelled.length, 4, charts.map(c => c.section).join(", "));
            const labels = labelled.flatMap(c => c.texts.filter(t => t.css === "label").map(t => ({ ...t, chart: c })));
            assert.ok(labels.some(l => /[\u3040-\u30ff\u4e00-\u9fff]/.test(l.text)) && labels.some(l => /[Ж-Щ]/.test(l.text)) && labels.some(l => /WWWM/.test(l.text)), labels.map(l => l.text).join(" / "));
            assert.ok(labels.some(l => l.text.endsWith("…")), "the long names are cut");
            assert.deepEqual(meetingTexts(charts), []);
            for (const label of labels) {
                assert.ok(label.left >= label.chart.left - 0.5 && label.right <= label.chart.right + 0.5,
                    `${label.chart.section}: "${label.text}" spans ${label.left.toFixed(0)}–${label.right.toFixed(0)} px, the chart ${label.chart.left.toFixed(0)}–${label.chart.right.toFixed(0)}`);
                if (width > 671) {
                    // Beside its row, right-aligned: it ends short of the marks by a few pixels, also a dot at the axis' first date.
                    assert.ok(label.right <= label.chart.markLeft - 3, `${label.chart.section}: "${label.text}" ends at ${label.right.toFixed(1)} px, a mark starts at ${label.chart.markLeft.toFixed(1)}`);
                }
            }
            assert.deepEqual(shown.errors, []);
            await shown.page.close();
        });
    }
});
