#!/usr/bin/env node
// The `mtlgrad` executable: runs the command line in src/node/cli and sets the exit status.
import { main } from './node/cli/index.js';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
);
