// The dev stack with Snowflake on and a CSV lake (the Snowflake role, its policy and the queue notifications, the
// Glue classifier), its key given to the deploying job rather than the state, against the bootstrap's roles.
import { devWithSnowflake } from "./helpers/snowflake";
import { runStack, type StackRun } from "./helpers/stackHarness";
import { describeAccess } from "./helpers/accessInvariants";

process.env["SNOWFLAKE_PRIVATE_KEY"] = "stand-in: the provider reads it, the program never does";
const run: Promise<StackRun> = runStack("dev", devWithSnowflake({ "spotify-stack:tableFormat": "csv" }), []);
describeAccess("dev with Snowflake and CSV", () => run, "production");
