#!/usr/bin/env node
'use strict';
// Entry point of the installed CLI; the sources are compiled to dist/ by `npm run build`.
const { run } = require('../dist/src/cli/main.js');
const { processIo } = require('../dist/src/cli/io.js');

run(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`swarm-scaler: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);
