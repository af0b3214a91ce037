#!/usr/bin/env node
// The entry point only runs the program, so tests can import `buildProgram` without running it.
import { EXIT_OK } from './output.js';
import { main } from './program.js';

const code = await main(process.argv);
if (code !== EXIT_OK) process.exitCode = code;
