// The bootstrap's permissions boundary in China (tests/infra/helpers/bootstrapBoundary.ts).
import { bootstrapBoundaryTest } from "./helpers/bootstrapBoundary";

bootstrapBoundaryTest("cn-north-1");
