#!/usr/bin/env node
// The PouchDB side of `python -m bench sync`: a PouchDB 9 database (memory adapter) that pushes
// to pouchdb-server through the benchmark's shaping proxy, one replication per scenario.
//
// Driven over stdin/stdout by bench/sync.py, one JSON object per line, so that the Python side
// can zero and read the proxy's counters around exactly the replication and nothing else:
//   {"cmd":"load","file":F}        put the documents in F (a JSON array) into the local db
//   {"cmd":"edit","file":F}        overwrite the listed documents' fields (new local revisions)
//   {"cmd":"replicate","url":U}    one-shot push replication to U (a fresh remote handle, as an
//                                  app's periodic sync would create); reports wall time
//   {"cmd":"quit"}
// Replication runs with PouchDB's defaults (batch_size 100, batches_limit 10): what an
// application gets unless it tunes them.
"use strict";

const path = require("path");
const readline = require("readline");
const fs = require("fs");
const { createRequire } = require("module");

const nodeDir = process.env.BENCH_NODE_DIR;
if (!nodeDir) {
  process.stderr.write("BENCH_NODE_DIR is not set\n");
  process.exit(2);
}
const req = createRequire(path.join(path.resolve(nodeDir), "package.json"));
const PouchDB = req("pouchdb");
PouchDB.plugin(req("pouchdb-adapter-memory"));

const local = new PouchDB("bench-local", { adapter: "memory" });

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

async function load(file) {
  const docs = JSON.parse(fs.readFileSync(file, "utf8"));
  for (let i = 0; i < docs.length; i += 500) {
    const res = await local.bulkDocs(docs.slice(i, i + 500));
    const bad = res.filter((r) => r.error);
    if (bad.length) throw new Error("load failed: " + JSON.stringify(bad[0]));
  }
  const info = await local.info();
  return { docs: info.doc_count };
}

async function edit(file) {
  const docs = JSON.parse(fs.readFileSync(file, "utf8"));
  const current = await local.allDocs({ keys: docs.map((d) => d._id), include_docs: true });
  const updated = docs.map((d, i) => Object.assign({}, d, { _rev: current.rows[i].doc._rev }));
  const res = await local.bulkDocs(updated);
  const bad = res.filter((r) => r.error);
  if (bad.length) throw new Error("edit failed: " + JSON.stringify(bad[0]));
  return { edited: res.length };
}

async function replicate(url) {
  const remote = new PouchDB(url);
  const t0 = process.hrtime.bigint();
  const result = await PouchDB.replicate(local, remote);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  await remote.close();
  return {
    wall_s: wall,
    ok: result.ok,
    docs_read: result.docs_read,
    docs_written: result.docs_written,
    doc_write_failures: result.doc_write_failures,
    errors: (result.errors || []).length,
  };
}

async function handle(msg) {
  switch (msg.cmd) {
    case "load":
      return load(msg.file);
    case "edit":
      return edit(msg.file);
    case "replicate":
      return replicate(msg.url);
    case "quit":
      return { bye: true };
    default:
      throw new Error("unknown command " + msg.cmd);
  }
}

const rl = readline.createInterface({ input: process.stdin });
let chain = Promise.resolve();
rl.on("line", (line) => {
  chain = chain.then(async () => {
    let msg;
    try {
      msg = JSON.parse(line);
      reply(Object.assign({ ok: true }, await handle(msg)));
    } catch (err) {
      reply({ ok: false, error: String((err && err.stack) || err) });
    }
    if (msg && msg.cmd === "quit") process.exit(0);
  });
});
rl.on("close", () => chain.then(() => process.exit(0)));
reply({ ok: true, ready: true, pouchdb: PouchDB.version, node: process.version });
