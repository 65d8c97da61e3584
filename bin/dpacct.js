#!/usr/bin/env node
// Starts the dpacct command line (built by `npm install` / `npm run build`); all logic is in src/cli/.
import('../dist/src/cli/main.js');
