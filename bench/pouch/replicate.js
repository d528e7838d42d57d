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
//   {"cmd":"replicate","url":U,"tuned":T}  the same, tuned (see below)
//   {"cmd":"quit"}
// Without "tuned", replication runs with PouchDB's defaults (batch_size 100, batches_limit 10,
// node-fetch without an agent, so "Connection: close" and one TCP connection per request, and
// uncompressed request bodies): what an application gets unless it tunes them.
// "tuned" is {batch_size, batches_limit, keep_alive, max_sockets, gzip_min, gzip_level}: a
// keep-alive http.Agent shared by every request of the replication, and request bodies of at
// least gzip_min bytes gzipped with Content-Encoding: gzip (pouchdb-server's body-parser, like
// CouchDB, inflates them). Responses are gzipped by pouchdb-server's compression middleware
// in both modes (node-fetch sends Accept-Encoding: gzip,deflate).
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

const http = require("http");
const zlib = require("zlib");

const local = new PouchDB("bench-local", { adapter: "memory" });

// A fetch for the remote handle: a keep-alive agent and gzip request bodies.
function tunedFetch(tuned) {
  const agent = tuned.keep_alive ? new http.Agent({ keepAlive: true, maxSockets: tuned.max_sockets || 6 }) : null;
  const fetcher = function (url, opts) {
    if (agent) opts.agent = agent;
    const min = tuned.gzip_min;
    if (min != null && typeof opts.body === "string" && Buffer.byteLength(opts.body) >= min) {
      opts.body = zlib.gzipSync(opts.body, { level: tuned.gzip_level || 6 });
      opts.headers.set("Content-Encoding", "gzip");
    }
    return PouchDB.fetch(url, opts);
  };
  return { fetcher, agent };
}

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

async function replicate(url, tuned) {
  let remote;
  let agent = null;
  const options = {};
  if (tuned) {
    const made = tunedFetch(tuned);
    agent = made.agent;
    remote = new PouchDB(url, { fetch: made.fetcher });
    if (tuned.batch_size) options.batch_size = tuned.batch_size;
    if (tuned.batches_limit) options.batches_limit = tuned.batches_limit;
  } else {
    remote = new PouchDB(url);
  }
  const t0 = process.hrtime.bigint();
  const result = await PouchDB.replicate(local, remote, options);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  await remote.close();
  if (agent) agent.destroy();
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
      return replicate(msg.url, msg.tuned || null);
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
