// The production stack as Pulumi.production.yaml declares it (KMS-encrypted buckets, alarm e-mail), against the
// bootstrap's production roles (and dev's, which must not reach it).
import { fakeFunctionsPackage, runStack, stackConfigFile, type StackRun } from "./helpers/stackHarness";
import { describeAccess } from "./helpers/accessInvariants";

const run: Promise<StackRun> = runStack("production", { ...stackConfigFile("production"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []);
describeAccess("Pulumi.production.yaml", () => run, "dev");
