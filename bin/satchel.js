#!/usr/bin/env node
// The `satchel` executable. In the repository it runs the TypeScript sources directly (Node 24
// strips types); installed as a package it runs the built `dist/`, because Node does not strip
// types of files under node_modules.
const installed = import.meta.url.includes('/node_modules/')
await import(installed ? '../dist/main.js' : '../src/main.ts')
