/**
 * Resident memory of a process from /proc (Linux only). VmHWM is the peak since the last reset (`clear_refs` 5).
 * A sampler also polls RssAnon while a request runs: anonymous memory (JS heaps, buffers) without the file pages a
 * process maps, such as a SQLite database file, which count in VmRSS but are only cache.
 */
import { readFileSync, writeFileSync } from 'node:fs'

/** { rssBytes, peakBytes, anonBytes } of `pid` ('self' for this process). */
export function readMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rssBytes: kib('VmRSS') * 1024, peakBytes: kib('VmHWM') * 1024, anonBytes: kib('RssAnon') * 1024 }
}

/** Resets `pid`'s peak (VmHWM) to its current RSS. */
export function resetPeak(pid) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
}

/**
 * Resets the peak of `pid`, then samples its anonymous RSS every `everyMillis` until `stop()`, which returns
 * { beforeBytes, peakBytes (VmHWM), anonBeforeBytes, anonMaxBytes }.
 */
export function watchMemory(pid, everyMillis = 50) {
  resetPeak(pid)
  const before = readMemory(pid)
  let anonMaxBytes = before.anonBytes
  let gone = false
  const timer = setInterval(() => {
    try {
      anonMaxBytes = Math.max(anonMaxBytes, readMemory(pid).anonBytes)
    } catch {
      // The process ended (a crashed dev server); the caller finds out from its request.
      gone = true
    }
  }, everyMillis)
  return {
    /** The figures, or null when the process ended while watched. */
    stop() {
      clearInterval(timer)
      if (gone) return null
      try {
        const now = readMemory(pid)
        return {
          beforeBytes: before.rssBytes,
          peakBytes: now.peakBytes,
          anonBeforeBytes: before.anonBytes,
          anonMaxBytes: Math.max(anonMaxBytes, now.anonBytes),
        }
      } catch {
        return null
      }
    },
  }
}
