// The stack's consoleLinks open the console of the stack's own partition: a stack in China or GovCloud has no console
// under console.aws.amazon.com. One stack run per test file: the program is loaded once per process.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { exampleStack, fakeFunctionsPackage, partitionOf, runStack } from "./stackHarness";

/** Each partition's console, by the partition aws.getPartition names (the commercial one has a host per region). */
const consoles: Record<string, (region: string) => string> = {
    "aws": (region) => `${region}.console.aws.amazon.com`,
    "aws-cn": () => "console.amazonaws.cn",
    "aws-us-gov": () => "console.amazonaws-us-gov.com",
};

export function consoleLinksTest(region: string): void {
    test(`a stack in ${region} links to its partition's console, with its region`, async () => {
        const run = await runStack("dev", { ...exampleStack("dev"), "aws:region": region, "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []);
        const links = run.outputs["consoleLinks"] as Record<string, string>;
        assert.ok(Object.keys(links).length >= 8, `the stack outputs its links (${Object.keys(links).join(", ")})`);
        const host = consoles[partitionOf(region).partition]!(region);
        for (const [name, link] of Object.entries(links)) {
            const url = new URL(link);
            assert.equal(url.host, host, `${name}: ${link}`);
            assert.equal(url.searchParams.get("region"), region, `${name}: ${link}`);
        }
    });
}
