/**
 * What a password hash costs, in units of its own primitive, and the padding that brings a cheaper check up to
 * a budget. Pure arithmetic: equal-work.ts runs the plan.
 *
 * Units are exact only within one primitive, so work is credited only there:
 * - PBKDF2 with hash H: blocks = iterations x output blocks (a 512-bit SHA-256 derivation runs its iterations
 *   twice, once per 256-bit block); SHA-256 and SHA-512 are different primitives.
 * - salted-sha256 / salted-md5: digest calls (= factor). salted-hmac-sha256: one HMAC (the factor is ignored).
 * - bcrypt: 2^cost rounds of the expensive key schedule.
 * There is deliberately no exchange rate between primitives (bcrypt cost 10 in PBKDF2 iterations, say): it would
 * be a guess that varies with the CPU and the JIT, and a guess too high would make the check cheaper than the
 * budget, which is the leak this closes. A hash of another primitive is credited nothing.
 */
import type { DigestScheme } from './legacy'
import { pbkdf2Parameters } from './pbkdf2'
import { type HashSettings, isPbkdf2Scheme, MAX_BCRYPT_COST, MAX_PBKDF2_FACTOR, MIN_BCRYPT_COST } from './schemes'

type Pbkdf2Hash = 'SHA-256' | 'SHA-512'

export type Primitive = `PBKDF2/${Pbkdf2Hash}` | DigestScheme | 'salted-hmac-sha256' | 'bcrypt'

export interface HashWork {
  primitive: Primitive
  units: number
}

/** One piece of padding, at most what one platform call may do (PBKDF2: 100,000 iterations). */
export type PaddingStep =
  | { kind: 'pbkdf2'; hash: Pbkdf2Hash; iterations: number }
  | { kind: 'digest'; scheme: DigestScheme; iterations: number }
  | { kind: 'hmac' }
  | { kind: 'bcrypt'; cost: number }

const HASH_BITS: Record<Pbkdf2Hash, 256 | 512> = { 'SHA-256': 256, 'SHA-512': 512 }

/** The output length of one PBKDF2 block: padding derives single blocks, so it can stop at any block count. */
export const pbkdf2BlockBits = (hash: Pbkdf2Hash): 256 | 512 => HASH_BITS[hash]

/** The work of one hash with these settings (the caller has checked the factor with factorError). */
export function hashWork({ scheme, factor }: HashSettings): HashWork {
  if (isPbkdf2Scheme(scheme)) {
    const { hash, lengthBits } = pbkdf2Parameters(scheme)
    return { primitive: `PBKDF2/${hash}`, units: factor * Math.ceil(lengthBits / HASH_BITS[hash]) }
  }
  switch (scheme) {
    case 'salted-sha256':
    case 'salted-md5':
      return { primitive: scheme, units: factor }
    case 'salted-hmac-sha256':
      return { primitive: scheme, units: 1 }
    case 'bcrypt':
      return { primitive: scheme, units: 2 ** factor }
  }
}

/**
 * The steps that bring `spent` (null: no hash was derived) up to `budget`. Work of another primitive counts
 * for nothing; work at or above the budget needs no padding (the residual: such a check costs more than the
 * budget, and nothing here can make it cheaper).
 */
export function paddingPlan(budget: HashWork, spent: HashWork | null): PaddingStep[] {
  const credited = spent !== null && spent.primitive === budget.primitive ? spent.units : 0
  let remaining = Math.max(0, budget.units - credited)
  const steps: PaddingStep[] = []
  switch (budget.primitive) {
    case 'PBKDF2/SHA-256':
    case 'PBKDF2/SHA-512': {
      const hash = budget.primitive === 'PBKDF2/SHA-256' ? 'SHA-256' : 'SHA-512'
      for (; remaining > 0; remaining -= MAX_PBKDF2_FACTOR)
        steps.push({ kind: 'pbkdf2', hash, iterations: Math.min(remaining, MAX_PBKDF2_FACTOR) })
      return steps
    }
    case 'salted-sha256':
    case 'salted-md5':
      return remaining > 0 ? [{ kind: 'digest', scheme: budget.primitive, iterations: remaining }] : []
    case 'salted-hmac-sha256':
      return remaining > 0 ? [{ kind: 'hmac' }] : []
    case 'bcrypt':
      // 2^budget - 2^stored is a sum of distinct powers of two from 2^stored up, each one bcrypt call;
      // bcrypt's floor of cost 4 leaves no remainder below 2^4.
      for (let cost = MAX_BCRYPT_COST; cost >= MIN_BCRYPT_COST; cost--) {
        if (remaining >= 2 ** cost) {
          steps.push({ kind: 'bcrypt', cost })
          remaining -= 2 ** cost
        }
      }
      return steps
  }
}
