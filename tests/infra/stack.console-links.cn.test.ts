// Console links of a stack in China (tests/infra/helpers/consoleLinks.ts).
import { consoleLinksTest } from "./helpers/consoleLinks";

consoleLinksTest("cn-north-1");
