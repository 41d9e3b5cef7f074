#!/usr/bin/env node
// The `satchel` executable: runs the TypeScript sources directly (Node 24 strips types).
import '../src/main.ts'
