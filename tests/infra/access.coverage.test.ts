// The simulation tests notice what they have not been told about: a resource type the stack starts declaring
// without its entry in upActions, and a service the deploy policy does not grant.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { deployPolicy, deployServiceWildcards } from "../../infra/bootstrap/policies";
import { scopeOf, rolePrincipal } from "./helpers/accessInvariants";
import { decide } from "./helpers/iamSimulation";
import { fakeAccountId } from "./helpers/stackHarness";
import { typesWithoutActions, upActions } from "./helpers/upActions";

test("a declared resource type without the actions pulumi up calls for it is named, providers and components are not", () => {
    const declared = [
        { type: "aws:s3/bucket:Bucket" }, { type: "pulumi:providers:aws" }, { type: "spotify:etl:Storage" }, { type: "snowflake:index/pipe:Pipe" },
        { type: "aws:dynamodb/table:Table" }, { type: "aws:ec2/instance:Instance" },
    ];
    assert.deepEqual(typesWithoutActions(declared), ["aws:dynamodb/table:Table", "aws:ec2/instance:Instance"]);
    assert.deepEqual(typesWithoutActions(Object.keys(upActions).map((type) => ({ type }))), []);
});

for (const [action, resource] of [
    ["dynamodb:CreateTable", `arn:aws:dynamodb:eu-north-1:${fakeAccountId}:table/spotify-dev-plays`],
    ["kinesis:CreateStream", `arn:aws:kinesis:eu-north-1:${fakeAccountId}:stream/spotify-dev-events`],
    ["states:CreateStateMachine", `arn:aws:states:eu-north-1:${fakeAccountId}:stateMachine:spotify-dev-flow`],
    ["ec2:RunInstances", `arn:aws:ec2:eu-north-1:${fakeAccountId}:instance/*`],
    ["iam:CreateUser", `arn:aws:iam::${fakeAccountId}:user/spotify-dev-user`],
    ["iam:CreatePolicy", `arn:aws:iam::${fakeAccountId}:policy/spotify-dev-admin`],
    ["kms:CreateKey", "*"],
] as const) {
    test(`a resource the stack starts declaring in a service the deploy role does not grant (${action}) is denied`, async () => {
        const principal = rolePrincipal("github-actions-spotify-dev-deploy", deployPolicy(scopeOf("dev")));
        assert.notEqual(await decide(principal, { action, resource }), "Allowed");
        assert.ok(!(`${action.split(":")[0]}:*` in deployServiceWildcards));
    });
}
