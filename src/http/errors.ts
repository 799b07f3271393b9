/**
 * FusionAuth's Errors JSON and the one exception type every route throws.
 * `app.onError` turns an ApiError into its response; nothing else builds error bodies.
 */

export interface ErrorDetail {
  code: string
  message: string
  data?: Record<string, unknown>
}

export interface ErrorsBody {
  fieldErrors?: Record<string, ErrorDetail[]>
  generalErrors?: ErrorDetail[]
}

/** Collects field and general errors; empty parts are left out of the JSON, as FusionAuth does. */
export class Errors {
  readonly fieldErrors: Record<string, ErrorDetail[]> = {}
  readonly generalErrors: ErrorDetail[] = []

  /** Records a field error, given as a `codes.*` detail or as its code and message. */
  field(path: string, detail: ErrorDetail): this
  field(path: string, code: string, message: string): this
  field(path: string, codeOrDetail: string | ErrorDetail, message?: string): this {
    const detail = typeof codeOrDetail === 'string' ? { code: codeOrDetail, message: message ?? '' } : codeOrDetail
    const list = this.fieldErrors[path] ?? []
    list.push({ code: detail.code, message: detail.message })
    this.fieldErrors[path] = list
    return this
  }

  general(code: string, message: string): this {
    this.generalErrors.push({ code, message })
    return this
  }

  get empty(): boolean {
    return this.generalErrors.length === 0 && Object.keys(this.fieldErrors).length === 0
  }

  has(path: string): boolean {
    return path in this.fieldErrors
  }

  toJSON(): ErrorsBody {
    const body: ErrorsBody = {}
    if (Object.keys(this.fieldErrors).length > 0) body.fieldErrors = this.fieldErrors
    if (this.generalErrors.length > 0) body.generalErrors = this.generalErrors
    return body
  }

  /** Throws a 400 carrying these errors when there are any. */
  throwIfAny(): void {
    if (!this.empty) throw new ApiError(400, this)
  }
}

/**
 * Error codes in FusionAuth's `[rule]path` form. An empty path gives the bare `[rule]` FusionAuth uses for
 * general errors (`generalError(codes.missing('', message))`).
 */
export const codes = {
  blank: (path: string) => ({ code: `[blank]${path}`, message: `You must specify the [${path}] property.` }),
  missing: (path: string, message?: string) => ({
    code: `[missing]${path}`,
    message: message ?? `You must specify the [${path}] property.`,
  }),
  invalid: (path: string, message?: string) => ({
    code: `[invalid]${path}`,
    message: message ?? `Invalid [${path}] property.`,
  }),
  duplicate: (path: string, message: string) => ({ code: `[duplicate]${path}`, message }),
  tooMany: (path: string, message: string) => ({ code: `[tooMany]${path}`, message }),
  tooLong: (path: string, message: string) => ({ code: `[tooLong]${path}`, message }),
  couldNotConvert: (path: string, value: string) => ({
    code: `[couldNotConvert]${path}`,
    message: `Invalid value [${value}] for the [${path}] property.`,
  }),
} as const

/**
 * An expected failure with FusionAuth's status and, for 4xx with a body, its JSON.
 * Statuses FusionAuth sends empty (401, 404, 410, 421, 423) carry no body and no content type.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body?: Errors | object,
  ) {
    super(`HTTP ${status}`)
  }

  toResponse(): Response {
    if (this.body === undefined) return new Response(null, { status: this.status })
    const json = this.body instanceof Errors ? this.body.toJSON() : this.body
    return new Response(JSON.stringify(json), {
      status: this.status,
      headers: { 'Content-Type': 'application/json;charset=UTF-8' },
    })
  }
}

/** A 400 with one field error. */
export const fieldError = (path: string, detail: { code: string; message: string }): ApiError =>
  new ApiError(400, new Errors().field(path, detail.code, detail.message))

/** A 400 with one general error, given as a `codes.*` detail or as its code and message. */
export function generalError(detail: ErrorDetail): ApiError
export function generalError(code: string, message: string): ApiError
export function generalError(codeOrDetail: string | ErrorDetail, message?: string): ApiError {
  const detail = typeof codeOrDetail === 'string' ? { code: codeOrDetail, message: message ?? '' } : codeOrDetail
  return new ApiError(400, new Errors().general(detail.code, detail.message))
}

export const unauthorized = (): ApiError => new ApiError(401)
export const notFound = (): ApiError => new ApiError(404)

export const tenantIdRequired = (): ApiError =>
  generalError(
    '[TenantIdRequired]',
    'A Tenant Id is required to complete this request. To complete this request, you may assign a Tenant to your API key, or add the X-FusionAuth-TenantId HTTP request header with the Tenant Id.',
  )
