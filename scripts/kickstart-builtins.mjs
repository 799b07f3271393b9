// FusionAuth's built-in kickstart variables and the objects with fixed ids that every FusionAuth instance has,
// and what each stands for on this product (used by scripts/kickstart.mjs).
// Sources: FusionAuth's docs, "Kickstart" (Reference: Variables, Environment Variables, Functions) and the
// default entities it lists (astro/src/content/docs/_shared/_default-entities.mdx), and the roles page for the
// immutable ids of the FusionAuth application's roles (get-started/core-concepts/roles.mdx).

/** FusionAuth's admin application, always in the default tenant; kickstart files register administrators to it. */
export const FUSIONAUTH_APPLICATION_ID = '3c219e58-ed0e-4b18-ad48-f4f92793ae32'
/** FusionAuth's read-only default theme; themes do not exist here, and a tenant may name any theme id. */
export const DEFAULT_THEME_ID = '75a068fd-e94b-451a-9aeb-3ddb9a3b5987'

/**
 * FusionAuth's "OpenID Connect shadow keys": an id token "signed" with one is HMAC-signed with the application's
 * client secret. This product has no OAuth client secrets, so each stands for an HMAC key of the same hash here.
 */
export const SHADOW_KEYS = [
  { id: '092dbedc-30af-4149-9c61-b578f2c72f59', algorithm: 'HS256' },
  { id: '4b8f1c06-518e-45bd-9ac5-d549686ae02a', algorithm: 'HS384' },
  { id: 'c753a44d-7f2e-48d3-bc4e-c2c16488a23b', algorithm: 'HS512' },
]

/** The FusionAuth application's roles with their immutable ids (`admin` is its super role). */
export const FUSIONAUTH_APPLICATION_ROLES = [
  ['admin', '8236e2'],
  ['acl_deleter', '823711'],
  ['acl_manager', '823712'],
  ['api_key_manager', '8236e3'],
  ['application_deleter', '8236e4'],
  ['application_manager', '8236e5'],
  ['audit_log_viewer', '8236e6'],
  ['connector_deleter', '823700'],
  ['connector_manager', '823701'],
  ['consent_deleter', '8236fc'],
  ['consent_manager', '8236fd'],
  ['email_template_manager', '8236e7'],
  ['entity_manager', '823706'],
  ['event_log_viewer', '8236fa'],
  ['form_deleter', '823702'],
  ['form_manager', '823703'],
  ['group_deleter', '8236f6'],
  ['group_manager', '8236f5'],
  ['key_manager', '8236fb'],
  ['lambda_manager', '8236f9'],
  ['message_template_deleter', '823709'],
  ['message_template_manager', '823710'],
  ['messenger_deleter', '823707'],
  ['messenger_manager', '823708'],
  ['reactor_manager', '8236ff'],
  ['report_viewer', '8236e8'],
  ['system_manager', '8236e9'],
  ['tenant_deleter', '8236f8'],
  ['tenant_manager', '8236f7'],
  ['theme_manager', '8236fe'],
  ['user_action_deleter', '8236f0'],
  ['user_action_manager', '8236f1'],
  ['user_deleter', '8236f2'],
  ['user_manager', '8236f3'],
  ['user_support_manager', '823704'],
  ['user_support_viewer', '823705'],
  ['webhook_event_log_viewer', '823713'],
  ['webhook_manager', '8236f4'],
].map(([name, suffix]) => ({ id: `631ecd9d-8d40-4c13-8277-80cedb${suffix}`, name, isSuperRole: name === 'admin' }))

/** The Tenant Manager application's one role (FusionAuth 1.58+; the application's own id is random). */
export const TENANT_MANAGER_ROLES = [{ id: '631ecd9d-8d40-4c13-8277-80cedb823714', name: 'admin', description: 'Admin', isSuperRole: true }]

/** Built-ins that name objects this product has no equivalent of: they resolve, with a warning, to an id nothing has. */
const NO_EQUIVALENT = [
  [/^FUSIONAUTH_LAMBDA\[[A-Za-z0-9]+\]_ID$/, 'a default FusionAuth lambda; lambdas are not implemented here'],
  [/^FUSIONAUTH_FORM\[(adminUser|adminRegistration)\]_ID$/, 'a default FusionAuth admin form; forms are not implemented here'],
]

const NAMED = [
  'FUSIONAUTH_APPLICATION_ID',
  'FUSIONAUTH_TENANT_ID',
  'FUSIONAUTH_DEFAULT_SIGNING_KEY_ID',
  'TENANT_MANAGER_ID',
  'FUSIONAUTH_TENANT_MANAGER_APPLICATION_ID',
]

/** Whether `#{name}` is one of the built-in variables FusionAuth documents for kickstart. */
export const isBuiltInVariable = (name) => NAMED.includes(name) || NO_EQUIVALENT.some(([pattern]) => pattern.test(name))

/**
 * The value of a built-in variable on this instance: `instance` is `{ tenantId, signingKeyId,
 * tenantManagerApplicationId, unmatched(name, what) }`, where `unmatched` answers a stable id for a built-in
 * with no equivalent here (and records that it was used, for a warning).
 */
export function builtInValue(name, instance) {
  switch (name) {
    case 'FUSIONAUTH_APPLICATION_ID':
      return FUSIONAUTH_APPLICATION_ID
    case 'FUSIONAUTH_TENANT_ID':
      return instance.tenantId
    case 'FUSIONAUTH_DEFAULT_SIGNING_KEY_ID':
      return instance.signingKeyId
    // The docs name it both ways: TENANT_MANAGER_ID in the reference list, FUSIONAUTH_TENANT_MANAGER_APPLICATION_ID
    // beside the tenantManagerApplicationId variable.
    case 'TENANT_MANAGER_ID':
    case 'FUSIONAUTH_TENANT_MANAGER_APPLICATION_ID':
      return instance.tenantManagerApplicationId
    default: {
      const match = NO_EQUIVALENT.find(([pattern]) => pattern.test(name))
      if (match === undefined) throw new Error(`unreachable: ${name} is not a built-in variable`)
      return instance.unmatched(name, match[1])
    }
  }
}
