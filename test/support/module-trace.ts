import { register } from 'node:module';

// `node --import dist/test/support/module-trace.js …`: lists the modules the process imports (ES
// modules, and CommonJS ones imported from them) in MODULE_TRACE_FILE, one URL a line.
register('./module-trace-hooks.js', import.meta.url);
