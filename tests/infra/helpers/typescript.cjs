// Loads the tests' TypeScript (the test script's first --require): sucrase strips each .ts file of its types and turns
// its imports into require calls, leaving every statement on the line it was on, so a failing test's location and
// every stack trace name the lines of the source without a source map.
// Not tsx, which infra/'s own scripts run with: it maps its output back through source maps, and Pulumi records a stack
// trace (new Error().stack) for every promise it makes. In a profile of alarms.test.ts with source maps on, formatting
// those traces took 10 of its 26 s of CPU; that file took 30 s of CPU under tsx and takes 15 s under this loader. The whole
// node suite on two cores: 267 s (455 s of CPU) against 290 s (500 s) under tsx.
// The syntax is left as written (Node 20 runs all of it): a function a test hands to a browser page must need no helper.
const fs = require("node:fs");
const path = require("node:path");
// infra/'s copy, found from here; the tests find their own packages through NODE_PATH, which the test script sets.
const { transform } = require(require.resolve("sucrase", { paths: [path.join(__dirname, "..", "..", "..", "infra")] }));

require.extensions[".ts"] = (module, filename) => {
    const source = fs.readFileSync(filename, "utf8");
    const { code } = transform(source, { transforms: ["typescript", "imports"], filePath: filename, disableESTransforms: true });
    module._compile(code, filename);
};
