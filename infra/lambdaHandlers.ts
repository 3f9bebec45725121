// The Lambda handler strings, kept in handlers.json so the C# tests read the very same file
// (tests/SpotifyEtl.Tests/Stack/HandlerContractTests.cs checks them against the built assembly).
// This module is not named handlers.ts: under Pulumi's ts-node, require("./handlers") finds the JSON first.
import * as fs from "node:fs";
import * as path from "node:path";

export interface Handlers {
    /** Assembly the program publishes (functions/SpotifyEtl.Functions). */
    readonly assembly: string;
    readonly extract: string;
    readonly transform: string;
}

function readHandlers(): Handlers {
    const file = path.join(__dirname, "handlers.json");
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Record<keyof Handlers, unknown>>;
    const assembly = parsed.assembly;
    if (typeof assembly !== "string") {
        throw new Error(`${file}: "assembly" must be a string`);
    }
    const handler = (key: "extract" | "transform"): string => {
        const value = parsed[key];
        // Assembly::Namespace.Class::Method, the form the managed .NET runtime reads.
        if (typeof value !== "string" || !new RegExp(`^${assembly.replace(/\./g, "\\.")}::[\\w.]+::\\w+$`).test(value)) {
            throw new Error(`${file}: "${key}" must be ${assembly}::<Namespace.Class>::<Method> (got ${String(value)})`);
        }
        return value;
    };
    return { assembly, extract: handler("extract"), transform: handler("transform") };
}

export const handlers: Handlers = readHandlers();
