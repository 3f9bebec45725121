/**
 * The report in a browser: Debian's headless `chromium` (which scripts/test.sh installs), driven by playwright-core,
 * opening a report file at a width and in a colour scheme, and recording what fails or is fetched on the way.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";

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

export interface Loaded {
    readonly page: Page;
    readonly errors: string[];
    readonly requests: string[];
}

/** Opens the report at a width (820 px unless told) in the light scheme, or the dark one; in forced colours if told (a high-contrast theme). */
export async function load(context: BrowserContext, file: string, options: { width?: number; dark?: boolean; forcedColors?: boolean } = {}): Promise<Loaded> {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", message => { if (message.type() === "error") errors.push(message.text()); });
    page.on("pageerror", error => errors.push(error.message));
    page.on("request", request => requests.push(request.url()));
    await page.setViewportSize({ width: options.width ?? 820, height: 1200 });
    await page.emulateMedia({ colorScheme: options.dark === true ? "dark" : "light", forcedColors: options.forcedColors === true ? "active" : "none" });
    await page.goto(`file://${file}`, { waitUntil: "load" });
    return { page, errors, requests };
}
