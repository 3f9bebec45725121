// The example dev stack as the repository ships Pulumi.dev.yaml, against the bootstrap's dev roles (and production's, which must
// not reach it).
import { fakeFunctionsPackage, runStack, exampleStack, type StackRun } from "./helpers/stackHarness";
import { describeAccess } from "./helpers/accessInvariants";

const run: Promise<StackRun> = runStack("dev", { ...exampleStack("dev"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []);
describeAccess("the example Pulumi.dev.yaml", () => run, "production");
