// The example production stack as the repository ships Pulumi.production.yaml (KMS-encrypted buckets, alarm e-mail), against the
// bootstrap's production roles (and dev's, which must not reach it).
import { fakeFunctionsPackage, runStack, exampleStack, type StackRun } from "./helpers/stackHarness";
import { describeAccess } from "./helpers/accessInvariants";

const run: Promise<StackRun> = runStack("production", { ...exampleStack("production"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []);
describeAccess("the example Pulumi.production.yaml", () => run, "dev");
