// Lambda refuses a function whose environment variables pass 4 KB, measured as one JSON object (its error quotes the
// "String measured": keys and values quoted, the sources' own quotes escaped). The sources travel in one of
// them: the most the configuration accepts still fit, with the longest names and values a stack can have, and one
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

// The longest names the checks allow (namePrefix and the stack together 34 characters), in the region whose secret ARNs
// are longest (its partition's name, aws-us-gov, with its own), every number the extract function is given at its most.
const stack = "productioneuw1";
const namePrefix = "spotify-lake-archive";
const region = "us-gov-west-1";

/** The dev stack's settings with those names, that region, the largest numbers, and these sources. */
function config(sources: string[]): Record<string, string> {
    return {
        ...exampleStack("dev"),
        "aws:region": region,
        "spotify-stack:namePrefix": namePrefix,
        "spotify-stack:spotifyMarket": "SE",
        "spotify-stack:topItemsLimit": "1000",
        "spotify-stack:savedTracksFullPassDays": "365",
        "spotify-stack:rawExpirationDays": "36500",
        "spotify-stack:extractTimeoutSeconds": "900",
        "spotify-stack:spotifySources": JSON.stringify(sources),
        "spotify-stack:functionsPackagePath": fakeFunctionsPackage(),
    };
}

const fixed = ["recently_played", "saved_tracks", "top_tracks:short_term", "top_tracks:medium_term", "top_tracks:long_term",
    "top_artists:short_term", "top_artists:medium_term", "top_artists:long_term"];

/**
 * The sources that come nearest the configuration's limit without passing it: of every choice of the fixed sources, each
 * with as many playlists as fit, the one whose bytes are most (the fixed sources' lengths differ, so some choice fills
 * the limit to within a few bytes, where playlists alone stop up to a playlist short of it).
 */
function mostSources(stackName: string): string[] {
    const most = maxSourcesBytes(namePrefix, stackName, region);
    const bytes = (sources: string[]): number => sourcesEnvironmentBytes(sources.map(toJson));
    let best: string[] = [];
    for (let choice = 0; choice < 1 << fixed.length; choice++) {
        const sources = fixed.filter((_, i) => (choice & (1 << i)) !== 0);
        while (bytes([...sources, "playlist:0000000000000000000000"]) <= most) {
            sources.push(`playlist:${playlistId()}`);
        }
        if (bytes(sources) > bytes(best)) {
            best = sources;
        }
    }
    return best;
}

/** A source as the extract function reads it (the config's own parse, without a stack around it). */
function toJson(text: string): Record<string, string> {
    const [type, argument] = text.split(":");
    return type === "playlist" ? { type, id: argument! } : argument === undefined ? { type: type! } : { type: type!, time_range: argument };
}

test("the most sources the configuration accepts fit the extract function's environment, with the longest names", async () => {
    const sources = mostSources(stack);
    assert.ok(sources.length > 55, `${sources.length} sources`);
    const run = await runStack(stack, config(sources), []);
    const extract = run.resources.find((r) => r.type === "aws:lambda/function:Function" && String(r.inputs["name"]).endsWith("-extract"))!;
    const variables = (extract.state["environment"] as { variables: Record<string, string> }).variables;
    const bytes = Buffer.byteLength(JSON.stringify(variables));
    assert.ok(bytes <= lambdaEnvironmentBytes, `${bytes} bytes of environment`);
    // Close to the limit: the check leaves no more room than the other variables can take.
    assert.ok(bytes > lambdaEnvironmentBytes - 64, `${bytes} bytes of environment`);
    assert.equal(JSON.parse(variables["SPOTIFY_SOURCES"]!).length, sources.length);
});

test("one source more is refused before anything is created, saying how many playlists fit", () => {
    const sources = [...mostSources(pulumi.getStack()), `playlist:${playlistId()}`];
    pulumi.runtime.setAllConfig(config(sources), []);
    assert.throws(() => loadConfig(), /spotifySources names \d+ sources, \d+ bytes in the extract function's environment, which Lambda limits to 4 KB in all: at most \d+ bytes are left for the sources, about \d+ playlists/);
});
