// The bootstrap's permissions boundary in the European Sovereign Cloud (tests/infra/helpers/bootstrapBoundary.ts).
import { bootstrapBoundaryTest } from "./helpers/bootstrapBoundary";

bootstrapBoundaryTest("eusc-de-east-1");
