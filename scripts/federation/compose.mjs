#!/usr/bin/env node
// Composes subgraph SDLs into a Federation 2 supergraph with @apollo/composition.
//
//   node scripts/federation/compose.mjs [--out FILE] [--report FILE] \
//        NAME ROUTING_URL SDL_FILE [NAME ROUTING_URL SDL_FILE ...]
//
// e.g. `node scripts/federation/compose.mjs accord http://127.0.0.1:8000/graphql
// schema/schema.graphql --out supergraph.graphql`. Each subgraph is three arguments: its name
// in the supergraph, where the gateway sends its requests, and its SDL (for the hub,
// `accord schema print`, committed as schema/schema.graphql).
//
// Writes the supergraph SDL to --out or stdout, hints and errors to stderr; --report writes
// {"errors": [...], "hints": [...]} as JSON (also on failure). Exits 1 when composition fails,
// 2 on bad arguments, an unreadable SDL file, or when the npm packages are missing.
//
// The packages come from the first of $ACCORD_FEDERATION_TOOLS, <repo>/.npm-tools/federation
// (where tests/test_federation_gateway.py installs package-lock.json) and this folder.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));

function usage(message) {
  process.stderr.write(
    `compose.mjs: ${message}\n` +
      "usage: node compose.mjs [--out FILE] [--report FILE] " +
      "NAME ROUTING_URL SDL_FILE [NAME ROUTING_URL SDL_FILE ...]\n",
  );
  process.exit(2);
}

function loadPackages() {
  const dirs = [
    process.env.ACCORD_FEDERATION_TOOLS,
    join(here, "..", "..", ".npm-tools", "federation"),
    here,
  ].filter(Boolean);
  for (const dir of dirs) {
    const require = createRequire(join(resolve(dir), "package.json"));
    try {
      // One `require` for both, so that composition and parse share the graphql instance.
      return { composition: require("@apollo/composition"), graphql: require("graphql") };
    } catch (error) {
      if (error?.code !== "MODULE_NOT_FOUND") throw error;
    }
  }
  process.stderr.write(
    `compose.mjs: @apollo/composition is not installed in any of ${dirs.join(", ")}; ` +
      "run `npm ci` there with scripts/federation/package.json and package-lock.json\n",
  );
  process.exit(2);
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { out: { type: "string" }, report: { type: "string" } },
    });
  } catch (error) {
    usage(error.message);
  }
}

function subgraphSpecs(positionals) {
  if (positionals.length === 0 || positionals.length % 3 !== 0) {
    usage("expected NAME ROUTING_URL SDL_FILE for each subgraph");
  }
  const specs = [];
  for (let i = 0; i < positionals.length; i += 3) {
    const [name, url, file] = positionals.slice(i, i + 3);
    if (!URL.canParse(url)) usage(`not a URL: ${url} (subgraph ${name})`);
    specs.push({ name, url, file });
  }
  return specs;
}

function readSubgraph(graphql, { name, url, file }) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    process.stderr.write(`compose.mjs: cannot read ${file}: ${error.message}\n`);
    process.exit(2);
  }
  // A syntax error is a composition error like any other: reported, exit 1.
  try {
    return { name, url, typeDefs: graphql.parse(text) };
  } catch (error) {
    return { name, error: `${file}: ${error.message}` };
  }
}

function report(errors, hints, reportFile) {
  if (reportFile) writeFileSync(reportFile, `${JSON.stringify({ errors, hints }, null, 2)}\n`);
  for (const hint of hints) process.stderr.write(`hint ${hint.level} ${hint.code}: ${hint.message}\n`);
  for (const error of errors) {
    process.stderr.write(`error ${error.code ?? "(no code)"}: ${error.message}\n`);
  }
}

const { values, positionals } = parseCommandLine();
const specs = subgraphSpecs(positionals);
const { composition, graphql } = loadPackages();
const subgraphs = specs.map((spec) => readSubgraph(graphql, spec));

const unparsed = subgraphs.filter((subgraph) => subgraph.error);
const result = unparsed.length
  ? { errors: unparsed.map((s) => ({ message: s.error, extensions: { code: "INVALID_GRAPHQL" } })) }
  : composition.composeServices(subgraphs);

const errors = (result.errors ?? []).map((error) => ({
  code: error.extensions?.code ?? null,
  message: error.message,
}));
const hints = (result.hints ?? []).map((hint) => ({
  code: hint.definition.code,
  level: hint.definition.level.name,
  message: hint.message,
  coordinate: hint.coordinate ?? null,
}));
report(errors, hints, values.report);
if (result.errors) {
  process.stderr.write(`compose.mjs: composition failed with ${errors.length} error(s)\n`);
  process.exit(1);
}

if (values.out) {
  writeFileSync(values.out, result.supergraphSdl);
  const names = specs.map((spec) => spec.name).join(", ");
  process.stderr.write(`composed ${names} into ${values.out}: ${hints.length} hint(s)\n`);
} else {
  process.stdout.write(result.supergraphSdl);
}
