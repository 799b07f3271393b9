#!/usr/bin/env node
/**
 * Copies uPlot's built files from node_modules into public/console/vendor/, where Workers static assets serve them
 * to the console (no CDN: the console makes no external requests). The copies are not committed (.gitignore): the
 * installed uplot package, pinned by the lock file, is their one source. `npm start`, `test`, `deploy` and `bench`
 * run this first.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FILES = ['uPlot.iife.min.js', 'uPlot.min.css']

/** Copies the files; returns the uplot version copied. */
export function copyConsoleAssets() {
  const source = path.join(ROOT, 'node_modules', 'uplot', 'dist')
  const target = path.join(ROOT, 'public', 'console', 'vendor')
  mkdirSync(target, { recursive: true })
  for (const file of FILES) copyFileSync(path.join(source, file), path.join(target, file))
  return JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'uplot', 'package.json'), 'utf8')).version
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) copyConsoleAssets()
