#!/usr/bin/env node
// The `parley-server` command. A file of its own (not dist/cli.js itself) so that installing the
// workspace before it is built links the command without "Failed to create bin" warnings.
import '../dist/cli.js';
