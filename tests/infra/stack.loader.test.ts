// `pulumi up` loads infra/index.ts through ts-node (Pulumi's vendored ts-node with the project's TypeScript),
// which type-checks and resolves modules differently from the tests' own loader (helpers/typescript.cjs). Load the
// program that way, under mocks.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fakeFunctionsPackage, infraDir } from "./helpers/stackHarness";

const script = `
const path = require("path");
const tsnode = path.join(process.cwd(), "node_modules/@pulumi/pulumi/vendor/ts-node@7.0.1");
require(tsnode).register({ compiler: require.resolve("typescript"), project: path.join(process.cwd(), "tsconfig.json"), compilerOptions: {} });
const pulumi = require("@pulumi/pulumi");
pulumi.runtime.setMocks({
    newResource: (a) => ({ id: a.name + "-id", state: { ...a.inputs, arn: "arn:aws:mock:eu-north-1:123456789012:" + a.name } }),
    call: () => ({ accountId: "123456789012", value: "arn:aws:lambda:eu-north-1:177933569100:layer:mock:1" }),
}, "spotify-stack", "dev", true);
pulumi.runtime.setAllConfig(JSON.parse(process.env.STACK_CONFIG), []);
const program = require("./index.ts");
process.stdout.write(JSON.stringify(Object.keys(program).sort()));
`;

// Type-checking against @pulumi/aws's declarations takes seconds on a quiet machine; the limits leave room
// for a loaded one.
test("the program compiles and loads under Pulumi's TypeScript loader (ts-node, type-checked)", { timeout: 600_000 }, () => {
    const config = {
        "aws:region": "eu-north-1",
        "spotify-stack:functionsPackagePath": fakeFunctionsPackage(),
    };
    const result = spawnSync(process.execPath, ["-e", script], {
        cwd: infraDir,
        env: { ...process.env, STACK_CONFIG: JSON.stringify(config), NODE_OPTIONS: "" },
        encoding: "utf8",
        timeout: 600_000,
    });
    assert.ifError(result.error);
    assert.equal(result.status, 0, result.stderr);
    const exports = JSON.parse(result.stdout) as string[];
    for (const name of ["rawBucketName", "transformedBucketName", "athenaResultsBucketName", "extractFunctionName", "transformFunctionName", "consoleLinks"]) {
        assert.ok(exports.includes(name), `missing stack output ${name}`);
    }
});
