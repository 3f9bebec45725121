// Console links of a stack in GovCloud (tests/infra/helpers/consoleLinks.ts).
import { consoleLinksTest } from "./helpers/consoleLinks";

consoleLinksTest("us-gov-west-1");
