// The bootstrap of a repository whose organization sets its repositories' workflow permissions: GitHub refuses a
// repository's own setting there (409), so `manageWorkflowPermissions: false` leaves it out and declares the rest.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { before, test } from "node:test";
import { infraDir, runStack, type StackRun } from "./helpers/stackHarness";

const config = {
    "aws:region": "eu-north-1",
    "spotify-stack-ci:githubRepository": "octo-org/spotify-stack",
    "spotify-stack-ci:stateBucket": "octo-pulumi-state",
    "spotify-stack-ci:reviewerUserIds": "[4711]",
    "spotify-stack-ci:manageWorkflowPermissions": "false",
};

let run: StackRun;
before(async () => {
    const outside = process.env["GITHUB_TOKEN"];
    process.env["GITHUB_TOKEN"] = "gho_16C7e42F292c6912E7710c838347Ae178B4b";
    try {
        run = await runStack("ci", config, [], { project: "spotify-stack-ci", entry: path.join(infraDir, "bootstrap", "index.ts") });
    } finally {
        if (outside === undefined) {
            delete process.env["GITHUB_TOKEN"];
        } else {
            process.env["GITHUB_TOKEN"] = outside;
        }
    }
});

test("with manageWorkflowPermissions false the repository's workflow permissions are left to its organization, and the rest of the GitHub side is declared", () => {
    const types = new Set(run.resources.map((r) => r.type));
    assert.ok(!types.has("github:index/workflowRepositoryPermissions:WorkflowRepositoryPermissions"));
    for (const declared of ["github:index/repositoryRuleset:RepositoryRuleset", "github:index/repositoryEnvironment:RepositoryEnvironment",
        "github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate"]) {
        assert.ok(types.has(declared), declared);
    }
});
