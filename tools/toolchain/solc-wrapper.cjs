#!/usr/bin/env node
// Presents the npm `solc` package (solc-js) through the executable interface that
// py-solc-x (and therefore brownie) expects from a native `solc`:
//
//   <binary> --version                        -> prints a "Version: x.y.z+commit..." line
//   <binary> --standard-json [--allow-paths a,b] [--base-path p] [--include-path p]
//                                             -> standard-JSON in on stdin, JSON out on stdout
//
// `solcjs --standard-json` itself does not fit: it rejects --allow-paths and prints a banner
// before the JSON. Here imports are read from disk by a callback, restricted (like native
// solc) to the working directory, the base/include paths and the allowed paths.
// tools/toolchain/setup.sh installs a two-line shim named solc-v<version> that execs this file.
"use strict";

const fs = require("fs");
const path = require("path");

const solc = require(path.join(__dirname, "..", "..", "node_modules", "solc"));

function usage(message) {
  process.stderr.write(`solc-wrapper: ${message}\n`);
  process.stderr.write("usage: solc-wrapper --version | --standard-json [--allow-paths a,b] [--base-path p]\n");
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { version: false, standardJson: false, roots: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      i += 1;
      return argv[i];
    };
    if (arg === "--version") opts.version = true;
    else if (arg === "--standard-json") opts.standardJson = true;
    else if (arg === "--allow-paths") opts.roots.push(...value().split(",").filter(Boolean));
    else if (arg === "--base-path" || arg === "--include-path") opts.roots.push(value());
    else usage(`unsupported argument ${arg}`);
  }
  return opts;
}

function isInside(file, dir) {
  const rel = path.relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function makeImportReader(roots) {
  const allowed = [process.cwd(), ...roots].map((p) => path.resolve(p));
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : allowed.map((root) => path.join(root, importPath));
    for (const candidate of candidates) {
      const resolved = path.resolve(candidate);
      if (!allowed.some((root) => isInside(resolved, root))) continue;
      if (fs.existsSync(resolved) && fs.statSync(resolved).isFile()) {
        return { contents: fs.readFileSync(resolved, "utf8") };
      }
    }
    return { error: `File not found inside the allowed paths: ${importPath}` };
  };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.version) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return;
  }
  if (!opts.standardJson) usage("nothing to do");
  const input = fs.readFileSync(0, "utf8");
  const output = solc.compile(input, { import: makeImportReader(opts.roots) });
  process.stdout.write(output);
  process.stdout.write("\n");
}

main();
