import * as pulumi from "@pulumi/pulumi";
import { test } from "node:test";
import * as assert from "node:assert/strict";

const created: { type: string; name: string }[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      created.push({ type: args.type, name: args.name });
      return { id: `${args.name}-id`, state: { ...args.inputs, bucket: `${args.name}-bucket` } };
    },
    call: (args) => args.inputs,
  },
  "spotify-stack",
  "test",
);

test("the stack declares the raw and the transformed buckets", async () => {
  await import("../../infra/index");
  await new Promise((resolve) => setTimeout(resolve, 50));
  const buckets = created.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.name).sort();
  assert.deepEqual(buckets, ["raw", "transformed"]);
});
