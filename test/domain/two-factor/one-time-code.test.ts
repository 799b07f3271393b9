import { describe, expect, it } from 'vitest'
import { generateNumericCode, randomString } from '../../../src/domain/two-factor/one-time-code'

describe('generateNumericCode', () => {
  it('makes six digits by default, as a string that keeps leading zeros', () => {
    for (let i = 0; i < 50; i++) expect(generateNumericCode()).toMatch(/^[0-9]{6}$/)
  })

  it('honours the requested length', () => {
    expect(generateNumericCode(8)).toMatch(/^[0-9]{8}$/)
    expect(generateNumericCode(1)).toMatch(/^[0-9]$/)
  })

  it('uses every digit in every position over many draws', () => {
    const positions = Array.from({ length: 6 }, () => new Set<string>())
    for (let i = 0; i < 400; i++) {
      for (const [index, digit] of [...generateNumericCode()].entries()) positions[index]?.add(digit)
    }
    // P(some digit missing from one position in 400 draws) < 6 * 10 * 0.9^400 ≈ 3e-17.
    for (const seen of positions) expect(seen.size).toBe(10)
  })

  it('refuses lengths outside 1..32', () => {
    expect(() => generateNumericCode(0)).toThrow(RangeError)
    expect(() => generateNumericCode(33)).toThrow(RangeError)
  })
})

describe('randomString', () => {
  it('draws only from the alphabet, with the requested length', () => {
    const value = randomString(200, 'abc')
    expect(value).toMatch(/^[abc]{200}$/)
    expect(new Set(value).size).toBe(3)
  })

  it('refuses degenerate alphabets', () => {
    expect(() => randomString(4, 'a')).toThrow(RangeError)
  })
})
