// Loads the tests' TypeScript (the test script's first --require): sucrase strips each .ts file of its types and turns
// its imports into require calls, leaving every statement on the line it was on, so a failing test's location and
// every stack trace name the lines of the source without a source map.
// Not tsx, which infra/'s own scripts run with: it maps its output back through source maps, and Pulumi formats a stack
// trace for every promise it makes (runtime/debuggable.js). With source maps on, that took 10 of the 26 s of CPU the
// alarm tests took. The node suite on two cores: 267 s and 455 s of CPU, against 290 s and 500 s under tsx.
// The syntax is left as written (Node 20 runs all of it): a function a test hands to a browser page must need no helper.
const fs = require("node:fs");
const { transform } = require("sucrase");

require.extensions[".ts"] = (module, filename) => {
    const source = fs.readFileSync(filename, "utf8");
    const { code } = transform(source, { transforms: ["typescript", "imports"], filePath: filename, disableESTransforms: true });
    module._compile(code, filename);
};
