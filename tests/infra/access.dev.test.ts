// The dev stack as Pulumi.dev.yaml declares it, against the bootstrap's dev roles (and production's, which must
// not reach it).
import { fakeFunctionsPackage, runStack, stackConfigFile, type StackRun } from "./helpers/stackHarness";
import { describeAccess } from "./helpers/accessInvariants";

const run: Promise<StackRun> = runStack("dev", { ...stackConfigFile("dev"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []);
describeAccess("Pulumi.dev.yaml", () => run, "production");
