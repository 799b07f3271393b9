import type { D1Handle } from './d1-handle'
import { secretBox } from '../domain/crypto/encryption'
import type { SigningKeyMaterial } from '../domain/tokens/signing-key'
import { parseDataColumn } from './json-column'

interface SigningKeyRow {
  data: string
  public_key: string | null
  secret_encrypted: string
}

/** The private half of a key, encrypted at rest as one JSON value. */
interface PrivatePart {
  secret?: string
  privateKeyPem?: string
}

type PublicPart = Omit<SigningKeyMaterial, 'secret' | 'privateKeyPem'> & { insertInstant: number }

/** Signing keys. Secrets and private keys are AES-GCM encrypted with ENCRYPTION_KEY; public halves are plain. */
export class SigningKeyStore {
  constructor(
    private readonly db: D1Handle,
    private readonly encryptionKey: string | undefined,
  ) {}

  async insertStatement(
    material: SigningKeyMaterial,
    insertInstant: number,
    onlyIf?: { sql: string; binds: unknown[] },
  ): Promise<D1PreparedStatement> {
    const box = await secretBox(this.encryptionKey)
    const privatePart: PrivatePart = { secret: material.secret, privateKeyPem: material.privateKeyPem }
    const publicPart: PublicPart = {
      id: material.id,
      kid: material.kid,
      algorithm: material.algorithm,
      name: material.name,
      publicKeyPem: material.publicKeyPem,
      insertInstant,
    }
    const values = [
      material.id,
      material.kid,
      material.algorithm,
      material.name,
      material.publicKeyPem ?? null,
      await box.encryptText(JSON.stringify(privatePart)),
      JSON.stringify(publicPart),
      insertInstant,
    ]
    const columns = 'id, kid, algorithm, name, public_key, secret_encrypted, data, insert_instant'
    if (onlyIf === undefined) {
      return this.db.prepare(`INSERT INTO signing_keys (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).bind(...values)
    }
    return this.db
      .prepare(`INSERT INTO signing_keys (${columns}) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE ${onlyIf.sql}`)
      .bind(...values, ...onlyIf.binds)
  }

  async create(material: SigningKeyMaterial, insertInstant: number): Promise<void> {
    await (await this.insertStatement(material, insertInstant)).run()
  }

  /** The full key, private half decrypted, for signing and verifying. */
  async get(id: string): Promise<(SigningKeyMaterial & { insertInstant: number }) | null> {
    const row = await this.db
      .prepare('SELECT data, public_key, secret_encrypted FROM signing_keys WHERE id = ?')
      .bind(id)
      .first<SigningKeyRow>()
    return row ? this.open(row) : null
  }

  /** Every key's public part (no secrets), for key listings, JWKS and public-key endpoints. */
  async listPublic(): Promise<PublicPart[]> {
    const { results } = await this.db.prepare('SELECT data FROM signing_keys ORDER BY insert_instant').all<{ data: string }>()
    return results.map((row) => parseDataColumn<PublicPart>(row.data))
  }

  /** One key's public part (no secret), or null. */
  async getPublic(id: string): Promise<PublicPart | null> {
    const row = await this.db.prepare('SELECT data FROM signing_keys WHERE id = ?').bind(id).first<{ data: string }>()
    return row ? parseDataColumn<PublicPart>(row.data) : null
  }

  /** Renames a key (the only mutable property of a key); false when there is no such key. */
  async rename(id: string, name: string): Promise<boolean> {
    const result = await this.db
      .prepare("UPDATE signing_keys SET name = ?1, data = json_set(data, '$.name', ?1) WHERE id = ?2")
      .bind(name, id)
      .run()
    return result.meta.changes > 0
  }

  /** Which of the given ids name a key (at most 100 ids: D1's bound-parameter limit). */
  async existingIds(ids: string[]): Promise<Set<string>> {
    const unique = [...new Set(ids)].slice(0, 100)
    if (unique.length === 0) return new Set()
    const placeholders = unique.map(() => '?').join(', ')
    const { results } = await this.db
      .prepare(`SELECT id FROM signing_keys WHERE id IN (${placeholders})`)
      .bind(...unique)
      .all<{ id: string }>()
    return new Set(results.map((row) => row.id))
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.prepare('DELETE FROM signing_keys WHERE id = ?').bind(id).run()).meta.changes > 0
  }

  private async open(row: SigningKeyRow): Promise<SigningKeyMaterial & { insertInstant: number }> {
    const box = await secretBox(this.encryptionKey)
    const publicPart = parseDataColumn<PublicPart>(row.data)
    const privatePart = parseDataColumn<PrivatePart>(await box.decryptText(row.secret_encrypted))
    return { ...publicPart, ...privatePart }
  }
}
