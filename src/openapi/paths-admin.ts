/** Operations of the admin API: tenants, applications and roles, API keys, user actions, webhooks. */
import { type OperationEntry, type Parameter, type Response, type Scope, errors, json, operations, query, shared } from './operations'
import { bool, uuid } from './schema'

export interface CrudFamily {
  /** `/api/tenant`: the list and create path; `${base}/{id}` names one. */
  base: string
  /** `Tenant`, as in createTenant; `plural` as in retrieveTenants; `label` as in summaries. */
  noun: string
  plural: string
  label: string
  article: 'a' | 'an'
  request: string
  response: string
  scope: Scope
  /** The 400 of create, update and patch. */
  invalid: Response
  listInvalid?: Response
  deleteInvalid?: Response
  listQuery?: Parameter[]
  updateQuery?: Parameter[]
  deleteQuery?: Parameter[]
  /** The family has PATCH. */
  patch: boolean
  /** The writes that send transactional events (update covers PATCH): they may answer 504. */
  transactionalEvents?: readonly ('create' | 'update' | 'delete')[]
}

const badRequest = (response: Response | undefined): Record<number, Response> => (response === undefined ? {} : { 400: response })

/** Create (with or without the id), retrieve, list, update (and patch), delete: the shape of every admin object API. */
export function crud(family: CrudFamily): OperationEntry[] {
  const { base, noun, scope, label } = family
  const oneLabel = `${family.article} ${label}`
  const one = `${base}/{id}`
  const found = json(family.response, `The ${label}.`)
  const notFound = shared('NotFound', `No such ${label}. No body.`)
  const common = { auth: 'apiKey', scope } as const
  const sends = (write: 'create' | 'update' | 'delete') =>
    family.transactionalEvents?.includes(write) === true ? { transactionalEvents: true as const } : {}
  const entries: OperationEntry[] = [
    [
      'get',
      base,
      {
        ...common,
        id: `retrieve${family.plural}`,
        summary: `List ${label}s`,
        query: family.listQuery ?? [],
        responses: { 200: json(family.response, `The ${label}s.`), ...badRequest(family.listInvalid) },
      },
    ],
    [
      'post',
      base,
      {
        ...common,
        id: `create${noun}`,
        ...sends('create'),
        summary: `Create ${oneLabel}`,
        body: family.request,
        responses: { 200: found, 400: family.invalid },
      },
    ],
    [
      'post',
      one,
      {
        ...common,
        id: `create${noun}WithId`,
        ...sends('create'),
        summary: `Create ${oneLabel} with the given id`,
        body: family.request,
        responses: { 200: found, 400: family.invalid },
      },
    ],
    ['get', one, { ...common, id: `retrieve${noun}`, summary: `Retrieve ${oneLabel}`, responses: { 200: found, 404: notFound } }],
    [
      'put',
      one,
      {
        ...common,
        id: `update${noun}`,
        ...sends('update'),
        summary: `Replace ${oneLabel}`,
        query: family.updateQuery ?? [],
        body: family.request,
        bodyOptional: family.updateQuery !== undefined,
        responses: { 200: found, 400: family.invalid, 404: notFound },
      },
    ],
    [
      'delete',
      one,
      {
        ...common,
        id: `delete${noun}`,
        ...sends('delete'),
        summary: `Delete ${oneLabel}`,
        query: family.deleteQuery ?? [],
        responses: { 200: shared('EmptySuccess'), ...badRequest(family.deleteInvalid), 404: notFound },
      },
    ],
  ]
  if (family.patch)
    entries.push([
      'patch',
      one,
      {
        ...common,
        id: `patch${noun}`,
        ...sends('update'),
        summary: `Merge fields into ${oneLabel}`,
        body: family.request,
        responses: { 200: found, 400: family.invalid, 404: notFound },
      },
    ])
  return entries
}

const reactivate = [query('reactivate', bool(), 'true: reactivate (no body).')]
const hardDelete = [query('hardDelete', bool(), 'Else deactivate.')]

export const tenantPaths = operations(
  'Tenants',
  crud({
    base: '/api/tenant',
    noun: 'Tenant',
    plural: 'Tenants',
    label: 'tenant',
    article: 'a',
    request: 'TenantRequest',
    response: 'TenantResponse',
    scope: 'tenant',
    invalid: errors('`[blank]tenant.name`, `[duplicate]tenant.name`, `[invalid]sourceTenantId`, `[restricted]`, ...'),
    listInvalid: errors('`[restricted]`: a tenant-scoped request.'),
    deleteInvalid: errors('`[cannotDelete]`: the default tenant.'),
    patch: true,
    transactionalEvents: ['update'], // jwt.public-key.update
  }),
)

const roleResponse = json('ApplicationResponse', 'The role.')
const roleNotFound = shared('NotFound', 'No such application or role. No body.')
const roleErrors = errors('`[blank]role.name`, `[duplicate]role.name`, `[duplicate]role.id`.')
const roles: OperationEntry[] = [
  [
    'post',
    '/api/application/{id}/role',
    {
      id: 'createApplicationRole',
      summary: 'Add a role to an application',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'ApplicationRequest',
      responses: { 200: roleResponse, 400: roleErrors, 404: roleNotFound },
    },
  ],
  [
    'post',
    '/api/application/{id}/role/{roleId}',
    {
      id: 'createApplicationRoleWithId',
      summary: 'Add a role with the given id',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'ApplicationRequest',
      responses: { 200: roleResponse, 400: roleErrors, 404: roleNotFound },
    },
  ],
  [
    'put',
    '/api/application/{id}/role/{roleId}',
    {
      id: 'updateApplicationRole',
      summary: 'Replace a role',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'ApplicationRequest',
      responses: { 200: roleResponse, 400: roleErrors, 404: roleNotFound },
    },
  ],
  [
    'patch',
    '/api/application/{id}/role/{roleId}',
    {
      id: 'patchApplicationRole',
      summary: 'Merge fields into a role',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'ApplicationRequest',
      responses: { 200: roleResponse, 400: roleErrors, 404: roleNotFound },
    },
  ],
  [
    'delete',
    '/api/application/{id}/role/{roleId}',
    {
      id: 'deleteApplicationRole',
      summary: 'Delete a role',
      auth: 'apiKey',
      scope: 'tenant',
      responses: { 200: shared('EmptySuccess'), 404: roleNotFound },
    },
  ],
]

export const applicationPaths = operations('Applications', [
  ...crud({
    base: '/api/application',
    noun: 'Application',
    plural: 'Applications',
    label: 'application',
    article: 'an',
    request: 'ApplicationRequest',
    response: 'ApplicationResponse',
    scope: 'tenant',
    invalid: errors('`[blank]application.name`, `[invalid]application.tenantId`, `[duplicate]application.id`, ...'),
    listQuery: [query('inactive', bool())],
    updateQuery: reactivate,
    deleteQuery: hardDelete,
    patch: true,
    transactionalEvents: ['update'], // jwt.public-key.update
  }),
  ...roles,
])

export const apiKeyPaths = operations(
  'API keys',
  crud({
    base: '/api/api-key',
    noun: 'APIKey',
    plural: 'APIKeys',
    label: 'API key',
    article: 'an',
    request: 'APIKeyRequest',
    response: 'APIKeyResponse',
    scope: 'tenant',
    invalid: errors('`[duplicate]apiKey.key`, `[invalid]apiKey.tenantId`, `[invalid]apiKey.permissions`, ...'),
    patch: true,
  }).map(
    ([method, path, spec]): OperationEntry => [
      method,
      path,
      { ...spec, description: 'Superuser or key-manager keys, for keys of no greater authority.' },
    ],
  ),
)

const actionResponse = json('ActionResponse', 'The action.')
const actionNotFound = shared('NotFound', 'No such action. No body.')
const takenActions: OperationEntry[] = [
  [
    'post',
    '/api/user/action',
    {
      id: 'actionUser',
      transactionalEvents: true,
      summary: 'Take an action on a user',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'ActionRequest',
      responses: {
        200: actionResponse,
        400: errors('`[missing]action.actioneeUserId`, `[invalid]action.userActionId`, `[missing]action.expiry`, ...'),
      },
    },
  ],
  [
    'get',
    '/api/user/action',
    {
      id: 'retrieveActions',
      summary: 'List the actions taken on a user',
      auth: 'apiKey',
      scope: 'tenant',
      query: [{ ...query('userId', uuid()), required: true }, query('active', bool()), query('preventingLogin', bool())],
      responses: {
        200: json('ActionResponse', 'The actions.'),
        400: errors('`[missing]userId`, `[couldNotConvert]userId`.'),
        404: shared('NotFound', 'No such user. No body.'),
      },
    },
  ],
  [
    'get',
    '/api/user/action/{id}',
    {
      id: 'retrieveAction',
      summary: 'Retrieve an action taken',
      auth: 'apiKey',
      scope: 'tenant',
      responses: { 200: actionResponse, 404: actionNotFound },
    },
  ],
  [
    'put',
    '/api/user/action/{id}',
    {
      id: 'modifyAction',
      transactionalEvents: true,
      summary: 'Modify an action in force',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'ActionRequest',
      responses: { 200: actionResponse, 400: errors('`[invalid]actionId` (not in force), `[invalid]action.expiry`.'), 404: actionNotFound },
    },
  ],
  [
    'delete',
    '/api/user/action/{id}',
    {
      id: 'cancelAction',
      transactionalEvents: true,
      summary: 'Cancel an action in force',
      auth: 'apiKey',
      scope: 'tenant',
      body: 'ActionRequest',
      bodyOptional: true,
      responses: { 200: actionResponse, 400: errors('`[invalid]actionId` (not in force).'), 404: actionNotFound },
    },
  ],
]

export const userActionPaths = operations('User actions', [
  ...crud({
    base: '/api/user-action',
    noun: 'UserAction',
    plural: 'UserActions',
    label: 'user action',
    article: 'a',
    request: 'UserActionRequest',
    response: 'UserActionResponse',
    scope: 'global',
    invalid: errors('`[blank]userAction.name`, `[duplicate]userAction.name`, `[invalid]userAction.temporal`, ...'),
    listQuery: [query('inactive', bool())],
    updateQuery: reactivate,
    deleteQuery: hardDelete,
    patch: false,
  }),
  ...takenActions,
])

export const webhookPaths = operations(
  'Webhooks',
  crud({
    base: '/api/webhook',
    noun: 'Webhook',
    plural: 'Webhooks',
    label: 'webhook',
    article: 'a',
    request: 'WebhookRequest',
    response: 'WebhookResponse',
    scope: 'global',
    invalid: errors(
      '`[blank]webhook.url`, `[invalid]webhook.url`, `[invalid]webhook.eventsEnabled`, `[invalid]webhook.tenantIds`, `[duplicate]webhook.id`, ...',
    ),
    patch: true,
  }),
)
