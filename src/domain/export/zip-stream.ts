/**
 * Streams CSV lines into a zip archive as a pull-based `ReadableStream`, so a slow client slows the database
 * reads and memory stays flat whatever the row count. Uses fflate's synchronous streaming `Zip` and
 * `ZipDeflate`: its async classes need Web Workers, which the Workers runtime lacks.
 *
 * fflate writes no ZIP64 records, so no entry may reach 4 GiB uncompressed: the CSV is split into parts
 * `login_records.csv`, `login_records-2.csv`, `login_records-3.csv`, ... each starting with the header line, and a
 * part is closed before the next line would take it past `partLimitBytes`.
 */
import { Zip, ZipDeflate } from 'fflate'

/** A safe margin below the 4 GiB (2^32 - 1 bytes) size fields of a zip without ZIP64. */
export const DEFAULT_PART_LIMIT_BYTES = 4_000_000_000

/** Zip offsets are 32-bit without ZIP64; past this the archive could not be read, so the stream fails instead. */
const MAX_ARCHIVE_BYTES = 0xffff_ffff

/** Text is handed to the compressor in batches of about this many bytes, not line by line. */
const BATCH_BYTES = 64 * 1024

export interface CsvZipOptions {
  /** First line of every part, line end included. */
  header: string
  /** Largest uncompressed size of one CSV part, in bytes; default DEFAULT_PART_LIMIT_BYTES. */
  partLimitBytes?: number
  /** Part names are `${baseName}.csv`, `${baseName}-2.csv`, ...; default `login_records`. */
  baseName?: string
  /** Modification time stored for each entry; default now. */
  modifiedMillis?: number
}

/** Name of part `partNumber` (1-based): `login_records.csv`, `login_records-2.csv`, ... */
export function csvPartName(partNumber: number, baseName = 'login_records'): string {
  return partNumber === 1 ? `${baseName}.csv` : `${baseName}-${partNumber}.csv`
}

/** Bytes `text` takes as UTF-8, without encoding it (a lone surrogate becomes U+FFFD: 3 bytes). */
export function utf8ByteLength(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}

/** Feeds lines into split CSV entries of one zip; compressed output collects in `output`. */
class CsvZipWriter {
  readonly output: Uint8Array[] = []
  finished = false
  private readonly zip: Zip
  private readonly encoder = new TextEncoder()
  private readonly header: string
  private readonly headerBytes: number
  private readonly limitBytes: number
  private readonly baseName: string
  private readonly modifiedMillis: number | undefined
  private file: ZipDeflate | null = null
  private partNumber = 0
  private partBytes = 0
  private batch = ''
  private batchBytes = 0
  private archiveBytes = 0
  private failure: Error | null = null

  constructor(options: CsvZipOptions) {
    this.header = options.header
    this.headerBytes = utf8ByteLength(options.header)
    this.limitBytes = options.partLimitBytes ?? DEFAULT_PART_LIMIT_BYTES
    this.baseName = options.baseName ?? 'login_records'
    this.modifiedMillis = options.modifiedMillis
    if (this.headerBytes > this.limitBytes) throw new RangeError('The CSV header is longer than the part size limit')
    this.zip = new Zip((error, chunk, final) => {
      if (error !== null) {
        this.failure = error
        return
      }
      this.output.push(chunk)
      this.archiveBytes += chunk.length
      if (final) this.finished = true
    })
  }

  /** Adds one or more whole lines; a part is never split inside one call. */
  write(lines: string): void {
    if (lines === '') return
    const bytes = utf8ByteLength(lines)
    if (this.headerBytes + bytes > this.limitBytes) throw new RangeError('A CSV line is longer than the part size limit allows')
    if (this.file === null) this.startPart()
    else if (this.partBytes + bytes > this.limitBytes) {
      this.endPart()
      this.startPart()
    }
    this.append(lines, bytes)
    this.check()
  }

  /** Closes the last part (or writes a header-only part for an empty export) and the central directory. */
  finish(): void {
    if (this.file === null) this.startPart()
    this.endPart()
    this.zip.end()
    this.check()
  }

  /** Hands over the compressed bytes produced so far. */
  takeOutput(): Uint8Array[] {
    return this.output.splice(0, this.output.length)
  }

  private startPart(): void {
    this.partNumber++
    const file = new ZipDeflate(csvPartName(this.partNumber, this.baseName), { level: 6 })
    if (this.modifiedMillis !== undefined) file.mtime = this.modifiedMillis
    this.zip.add(file)
    this.file = file
    this.partBytes = 0
    this.append(this.header, this.headerBytes)
  }

  private append(text: string, bytes: number): void {
    this.batch += text
    this.batchBytes += bytes
    this.partBytes += bytes
    if (this.batchBytes >= BATCH_BYTES) this.pushBatch(false)
  }

  private pushBatch(final: boolean): void {
    this.file?.push(this.encoder.encode(this.batch), final)
    this.batch = ''
    this.batchBytes = 0
  }

  private endPart(): void {
    this.pushBatch(true)
    this.file = null
  }

  private check(): void {
    if (this.failure !== null) throw this.failure
    if (this.archiveBytes > MAX_ARCHIVE_BYTES) throw new RangeError('The export is too large for a zip without ZIP64')
  }
}

/**
 * A zip of the CSV text from `lines`. Each item must hold whole lines (typically one); the header is written by
 * this function at the start of every part. The source is read only as fast as the stream is consumed, and is
 * closed (`return()`) when the stream is cancelled or fails.
 */
export function zipCsvStream(lines: AsyncIterable<string>, options: CsvZipOptions): ReadableStream<Uint8Array> {
  const writer = new CsvZipWriter(options)
  const source = lines[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // Compressed bytes appear only every few tens of kilobytes of input, so read until some are ready.
          while (writer.output.length === 0 && !writer.finished) {
            const next = await source.next()
            if (next.done === true) writer.finish()
            else writer.write(next.value)
          }
        } catch (error) {
          await source.return?.()
          throw error
        }
        for (const chunk of writer.takeOutput()) controller.enqueue(chunk)
        if (writer.finished) controller.close()
      },
      async cancel() {
        await source.return?.()
      },
    },
    { highWaterMark: 0 },
  )
}
