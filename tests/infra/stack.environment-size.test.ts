// Lambda refuses a function whose environment variables pass 4 KB, measured as one JSON object (its error quotes the
// "String measured": keys and values quoted, the sources' own quotes escaped). The sources travel in one of
// them: the most playlists the configuration accepts still fit, with the longest names a stack can have, and one
// more is refused before anything is created.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { lambdaEnvironmentBytes, loadConfig, maxSourcesBytes, sourcesEnvironmentBytes } from "../../infra/config";
import { fakeFunctionsPackage, runStack, exampleStack } from "./helpers/stackHarness";

let seed = 11;
const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const playlistId = (): string => Array.from({ length: 22 }, () => alphabet[next(alphabet.length)]).join("");

/** The dev stack in the region with the longest name, its physical names as long as the checks allow, and these sources. */
function config(sources: string[]): Record<string, string> {
    return {
        ...exampleStack("dev"),
        "aws:region": "ap-southeast-2",
        "spotify-stack:namePrefix": "spotify-lake-archive",
        "spotify-stack:spotifyMarket": "SE",
        "spotify-stack:spotifySources": JSON.stringify(sources),
        "spotify-stack:functionsPackagePath": fakeFunctionsPackage(),
    };
}

const fixed = ["recently_played", "saved_tracks", "top_tracks:short_term", "top_tracks:medium_term", "top_tracks:long_term",
    "top_artists:short_term", "top_artists:medium_term", "top_artists:long_term"];

/** The fixed sources and as many playlists as fit the configuration's limit. */
function mostSources(): string[] {
    const sources = [...fixed];
    while (sourcesEnvironmentBytes([...sources, "playlist:0000000000000000000000"].map(toJson)) <= maxSourcesBytes) {
        sources.push(`playlist:${playlistId()}`);
    }
    return sources;
}

/** A source as the extract function reads it (the config's own parse, without a stack around it). */
function toJson(text: string): Record<string, string> {
    const [type, argument] = text.split(":");
    return type === "playlist" ? { type, id: argument! } : argument === undefined ? { type: type! } : { type: type!, time_range: argument };
}

test("the most sources the configuration accepts fit the extract function's environment, with the longest names", async () => {
    const sources = mostSources();
    assert.ok(sources.length > 60, `${sources.length} sources`);
    const run = await runStack("dev", config(sources), []);
    const extract = run.resources.find((r) => r.type === "aws:lambda/function:Function" && String(r.inputs["name"]).endsWith("-extract"))!;
    const variables = (extract.state["environment"] as { variables: Record<string, string> }).variables;
    const bytes = Buffer.byteLength(JSON.stringify(variables));
    assert.ok(bytes <= lambdaEnvironmentBytes, `${bytes} bytes of environment`);
    // Close to the limit: the check leaves no more room than the other variables can take.
    assert.ok(bytes > lambdaEnvironmentBytes - 512, `${bytes} bytes of environment`);
    assert.equal(JSON.parse(variables["SPOTIFY_SOURCES"]!).length, sources.length);
});

test("one source more is refused before anything is created, saying how many playlists fit", () => {
    const sources = [...mostSources(), `playlist:${playlistId()}`];
    pulumi.runtime.setAllConfig(config(sources), []);
    assert.throws(() => loadConfig(), /spotifySources names \d+ sources, \d+ bytes in the extract function's environment, which Lambda limits to 4 KB in all: at most \d+ bytes are left for the sources, about \d+ playlists/);
});
