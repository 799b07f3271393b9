import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { csvPartName, utf8ByteLength, zipCsvStream } from '../../../src/domain/export/zip-stream'

const HEADER = '"A ","B "\n'
const decoder = new TextDecoder()

async function* fromArray(lines: string[]): AsyncGenerator<string> {
  for (const line of lines) yield line
}

async function unzipStream(stream: ReadableStream<Uint8Array>): Promise<Record<string, string>> {
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer())
  const entries = unzipSync(bytes)
  return Object.fromEntries(Object.entries(entries).map(([name, data]) => [name, decoder.decode(data)]))
}

const lineOf = (i: number): string => `row-${String(i).padStart(4, '0')},value ${i}\n`

describe('zipCsvStream', () => {
  it('writes one CSV entry with the header and every line', async () => {
    const lines = [lineOf(1), lineOf(2), 'ünïcødé,"quoted, text"\n']
    const files = await unzipStream(zipCsvStream(fromArray(lines), { header: HEADER }))
    expect(Object.keys(files)).toEqual(['login_records.csv'])
    expect(files['login_records.csv']).toBe(HEADER + lines.join(''))
  })

  it('writes a header-only entry for an empty export', async () => {
    const files = await unzipStream(zipCsvStream(fromArray([]), { header: HEADER }))
    expect(files).toEqual({ 'login_records.csv': HEADER })
  })

  it('round-trips more text than one compression batch', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => lineOf(i))
    const files = await unzipStream(zipCsvStream(fromArray(lines), { header: HEADER }))
    expect(files['login_records.csv']).toBe(HEADER + lines.join(''))
  })

  it('splits into parts below the limit, each starting with the header', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => lineOf(i))
    const lineBytes = utf8ByteLength(lineOf(0))
    const limit = 200
    const linesPerPart = Math.floor((limit - HEADER.length) / lineBytes)
    const files = await unzipStream(zipCsvStream(fromArray(lines), { header: HEADER, partLimitBytes: limit }))

    const expectedParts = Math.ceil(lines.length / linesPerPart)
    expect(expectedParts).toBeGreaterThan(3)
    expect(Object.keys(files)).toEqual(Array.from({ length: expectedParts }, (_, i) => csvPartName(i + 1)))
    expect(Object.keys(files).slice(0, 3)).toEqual(['login_records.csv', 'login_records-2.csv', 'login_records-3.csv'])

    let body = ''
    for (const text of Object.values(files)) {
      expect(text.startsWith(HEADER)).toBe(true)
      expect(utf8ByteLength(text)).toBeLessThanOrEqual(limit)
      body += text.slice(HEADER.length)
    }
    expect(body).toBe(lines.join(''))
  })

  it('counts UTF-8 bytes, not UTF-16 units, against the limit', async () => {
    const wide = '€€€€€€€€€€\n' // 10 x 3 bytes + 1
    const limit = HEADER.length + 2 * 31
    const files = await unzipStream(zipCsvStream(fromArray([wide, wide, wide]), { header: HEADER, partLimitBytes: limit }))
    expect(Object.values(files)).toEqual([HEADER + wide + wide, HEADER + wide])
  })

  it('fails the stream when one line cannot fit in a part', async () => {
    const stream = zipCsvStream(fromArray([`${'x'.repeat(500)}\n`]), { header: HEADER, partLimitBytes: 100 })
    await expect(new Response(stream).arrayBuffer()).rejects.toThrow('longer than the part size limit')
  })

  it('reads the source only as the stream is consumed, and closes it on cancel', async () => {
    let produced = 0
    let closed = false
    async function* endless(): AsyncGenerator<string> {
      try {
        for (;;) {
          produced++
          const random = crypto.getRandomValues(new Uint8Array(32))
          yield `${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}\n`
        }
      } finally {
        closed = true
      }
    }
    const reader = zipCsvStream(endless(), { header: HEADER }).getReader()
    const first = await reader.read()
    expect(first.done).toBe(false)
    // PK\x03\x04: a local file header starts the archive.
    expect(Array.from(first.value?.subarray(0, 4) ?? [])).toEqual([0x50, 0x4b, 0x03, 0x04])
    const producedAfterFirstRead = produced
    expect(producedAfterFirstRead).toBeGreaterThan(0)
    expect(producedAfterFirstRead).toBeLessThan(100_000)
    await reader.cancel()
    expect(closed).toBe(true)
  })

  it('stores the given modification time', async () => {
    const bytes = new Uint8Array(
      await new Response(
        zipCsvStream(fromArray([]), { header: HEADER, modifiedMillis: new Date(2022, 4, 12, 14, 46, 44).getTime() }),
      ).arrayBuffer(),
    )
    // DOS date at offset 12 of the local header: ((year - 1980) << 9) | (month << 5) | day.
    const dosDate = (bytes[12] ?? 0) | ((bytes[13] ?? 0) << 8)
    expect(dosDate).toBe(((2022 - 1980) << 9) | (5 << 5) | 12)
  })
})

describe('csvPartName and utf8ByteLength', () => {
  it('names parts login_records.csv, login_records-2.csv, ...', () => {
    expect([1, 2, 10].map((n) => csvPartName(n))).toEqual(['login_records.csv', 'login_records-2.csv', 'login_records-10.csv'])
    expect(csvPartName(3, 'audit')).toBe('audit-3.csv')
  })

  it('matches TextEncoder', () => {
    for (const text of ['', 'ascii', 'é', '€', '😀', 'a😀b€é', '\ud800x', '\udc00']) {
      expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length)
    }
  })
})
