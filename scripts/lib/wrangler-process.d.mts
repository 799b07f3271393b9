import type { ChildProcess } from 'node:child_process'

export const ROOT: string
export const WRANGLER: string
export const childEnv: NodeJS.ProcessEnv
export function freePort(): Promise<number>
export function captureOutput(child: ChildProcess, listeners?: Set<(text: string) => void>): () => string
export function runWrangler(args: string[]): Promise<string>
export function signalGroup(pgid: number, signal: NodeJS.Signals): void
export function groupAlive(pgid: number): boolean
export function stopGroup(pgid: number): Promise<void>
export function waitUntilServing(url: string, child: ChildProcess, output: () => string, timeoutMillis: number): Promise<void>
