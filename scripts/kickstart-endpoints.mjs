// Which FusionAuth API requests this product serves, for scripts/kickstart.mjs: a kickstart request to anything
// else is skipped with the reason given here, decided from the file alone so that --strict can refuse before
// anything is sent. The served table mirrors src/routes (POST, PUT and PATCH only, the methods kickstart allows);
// test/e2e/kickstart.test.ts compares it with the Worker's own route table so the two cannot drift apart.

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'

/**
 * [methods, path, scope]: `{id}` is any one path segment, `{uuid}` a UUID segment (where the Worker's route
 * only matches a UUID there). `global` marks FusionAuth's "global" APIs, which refuse a tenant context
 * (FusionAuth issue #3452; the X-FusionAuth-TenantId header a request-level `tenantId` becomes).
 */
export const SERVED = [
  ['POST', '/api/api-key'],
  ['POST PUT PATCH', '/api/api-key/{id}'],
  ['POST', '/api/application'],
  ['POST PUT PATCH', '/api/application/{id}'],
  ['POST', '/api/application/{id}/role'],
  ['POST PUT PATCH', '/api/application/{id}/role/{id}'],
  ['POST', '/api/group'],
  ['POST PUT PATCH', '/api/group/{uuid}'],
  ['POST PUT', '/api/group/member'],
  ['POST', '/api/group/member/search'],
  ['POST', '/api/group/search'],
  ['POST', '/api/jwt/refresh'],
  ['POST', '/api/key/generate', 'global'],
  ['POST', '/api/key/generate/{id}', 'global'],
  ['PUT', '/api/key/{id}', 'global'],
  ['POST PUT', '/api/login'],
  ['PUT', '/api/login/{id}'],
  ['PUT', '/api/login/{id}/{id}'],
  ['POST', '/api/logout'],
  ['POST', '/api/system/login-record/search', 'global'],
  ['POST', '/api/system/login-record/export', 'global'],
  ['PUT PATCH', '/api/system-configuration', 'global'],
  ['POST', '/api/tenant'],
  ['POST PUT PATCH', '/api/tenant/{id}'],
  ['POST', '/api/two-factor/login'],
  ['POST', '/api/two-factor/send'],
  ['POST', '/api/two-factor/send/{id}'],
  ['POST', '/api/user'],
  ['POST PUT PATCH', '/api/user/{uuid}'],
  ['POST', '/api/user/action'],
  ['PUT', '/api/user/action/{id}'],
  ['POST', '/api/user/change-password'],
  ['POST', '/api/user/change-password/{id}'],
  ['POST', '/api/user/forgot-password'],
  ['POST', '/api/user/import'],
  ['POST', '/api/user/registration'],
  ['POST PUT PATCH', '/api/user/registration/{uuid}'],
  ['PUT PATCH', '/api/user/registration/{uuid}/{uuid}'],
  ['POST PUT', '/api/user/search'],
  ['POST', '/api/user/two-factor/{id}'],
  ['POST', '/api/user/two-factor/recovery-code/{id}'],
  ['POST', '/api/user-action', 'global'],
  ['POST PUT', '/api/user-action/{id}', 'global'],
  ['POST', '/api/webhook', 'global'],
  ['POST PUT PATCH', '/api/webhook/{uuid}', 'global'],
]

const HOSTED_PAGES = "they style and drive FusionAuth's hosted login pages, which this product does not have"

/**
 * FusionAuth API families this product does not serve, with the reason a skip prints. A path matches an entry
 * when it is the prefix or continues it with a `/`; the first match wins, so longer prefixes come first.
 */
export const NOT_SERVED = [
  ['/api/webhook/search', 'webhook search is not implemented'],
  ['/api/theme', `themes: ${HOSTED_PAGES}`],
  ['/api/form/field', `form fields: ${HOSTED_PAGES}`],
  ['/api/form', `forms: ${HOSTED_PAGES}`],
  ['/api/email/template', 'email templates are not implemented (the emails this product sends are built in)'],
  ['/api/email', 'sending templated email is not implemented'],
  ['/api/message/template', 'message (SMS) templates are not implemented'],
  ['/api/messenger', 'messengers are not implemented'],
  ['/api/identity-provider', 'identity providers (federated and social login) are not implemented'],
  ['/api/lambda', 'lambdas are not implemented'],
  ['/api/connector', 'connectors are not implemented'],
  ['/api/consent', 'consents are not implemented'],
  ['/api/user/consent', 'consents are not implemented'],
  ['/api/user/family', 'families are not implemented'],
  ['/api/user/comment', 'user comments are not implemented'],
  ['/api/user/verify-email', 'email verification is not implemented'],
  ['/api/user/verify-registration', 'registration verification is not implemented'],
  ['/api/user/refresh-token/import', 'importing refresh tokens is not implemented'],
  ['/api/user-action-reason', 'user action reasons are not implemented'],
  ['/api/entity', 'entities and entity types (machine-to-machine grants) are not implemented'],
  ['/api/key/import', 'importing keys is not implemented (POST /api/key/generate is)'],
  ['/api/ip-acl', 'IP access control lists are not implemented'],
  ['/api/reactor', 'licensed features (Reactor) are not available'],
  ['/api/integration', 'integrations (CleanSpeak, Kafka) are not implemented'],
  ['/api/tenant-manager', 'the Tenant Manager is not implemented'],
  ['/api/passwordless', 'passwordless login is not implemented'],
  ['/api/identity/verify', 'identity verification is not implemented'],
  ['/api/webauthn', 'WebAuthn (passkeys) is not implemented'],
  ['/api/jwt/vend', 'vending JWTs is not implemented'],
  ['/api/system/reindex', 'there is no search index to rebuild'],
  ['/oauth2', 'OAuth2 and OpenID Connect are outside this product'],
]

/** Path templates that are not a plain prefix. */
const NOT_SERVED_PATTERNS = [
  [new RegExp(`^/api/application/${UUID}/scope(/|$)`), 'OAuth scopes: OAuth2 and OpenID Connect are outside this product'],
]

const compile = (template) => new RegExp(`^${template.replaceAll('{uuid}', UUID).replaceAll('{id}', '[^/]+')}$`)

const SERVED_ROUTES = SERVED.map(([methods, template, scope]) => ({
  methods: methods.split(' '),
  template,
  pattern: compile(template),
  global: scope === 'global',
}))

/** The path of a request URL: `/api/x?y=z` -> `/api/x`. */
export const pathOf = (url) => url.split(/[?#]/, 1)[0]

/**
 * What this product does with `method url`: `{ served: true, global }`, or `{ served: false, family, reason }`
 * where `family` names the endpoint in the summary (the FusionAuth prefix, or the path itself).
 */
export function classify(method, url) {
  const path = pathOf(url)
  const route = SERVED_ROUTES.find((r) => r.pattern.test(path) && r.methods.includes(method))
  if (route !== undefined) return { served: true, global: route.global }
  for (const [pattern, reason] of NOT_SERVED_PATTERNS) {
    if (pattern.test(path)) return { served: false, family: '/api/application/{id}/scope', reason }
  }
  const family = NOT_SERVED.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))
  if (family !== undefined) return { served: false, family: family[0], reason: family[1] }
  const otherMethods = SERVED_ROUTES.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods)
  if (otherMethods.length > 0) {
    return {
      served: false,
      family: `${method} ${path}`,
      reason: `this product serves ${path} with ${[...new Set(otherMethods)].join(', ')}, not ${method}`,
    }
  }
  return { served: false, family: path, reason: 'not an API this product serves' }
}
