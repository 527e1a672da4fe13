import axios, { AxiosInstance } from 'axios';
import { generateKeyPairSync, randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { syntheticImages } from '@app/media/testing/synthetic-images';
import { startTestSystem, TestSystem, TEST_PASSWORD, waitFor } from '@app/test/utils/test-system';

/**
 * Issue 12, "Done when": every route of the OpenAPI document, for every role and for a user of a sibling
 * branch, against a table of expected answers kept here. A route in the document without an entry fails
 * ("route X has no entry"), and so does an entry for a route the document no longer has.
 *
 * The objects are real and belong to the department sfx-fgj (an item in draft, an approved item with its
 * delivery and frozen version, a user and a private upload of theirs, the department's portal, gazette and
 * LED accounts). The actors:
 *   anonymous     no token
 *   editor … admin the demo users, each with one role at the county (so over sfx-fgj by the subtree)
 *   sibling       one user holding every role at sfx-jyj, a sibling department: no power over sfx-fgj
 * Unsafe methods carry a valid body where one is listed in BODIES (so the organisation check is reached
 * past validation), else an empty JSON body; every refused unsafe call (400/401/403/404) must leave the
 * audit log and the rows it could touch unchanged, and nothing a sibling receives with 2xx may carry an
 * sfx-fgj id (items, delivery, user, accounts) nor a county user's id.
 *
 * Vocabulary of the table (one value per actor):
 *   401   exactly 401 (no or bad token)
 *   403   exactly 403 (signed in, not allowed)
 *   404   exactly 404 (the object is not shown to this actor, or a sub-object named in the path does not
 *         exist: the path uses a fresh id for findings, gazette issues, LED entries and frames)
 *   400   exactly 400: the body (empty) failed validation, which for routes whose organisation check
 *         lives in the service comes before that check; nothing was done (state is compared)
 *   'ok'  let through: 2xx, or 409 / 422 answered by the handler (wrong state, failed checks)
 * Any 5xx fails the walk.
 */
type Expect = 400 | 401 | 403 | 404 | 'ok';
const ACTORS = ['anonymous', 'sibling', 'editor', 'reviewer', 'operator', 'statistician', 'admin'] as const;
type Actor = (typeof ACTORS)[number];
type Row = Record<Actor, Expect>;

/** Served beside the API but outside the OpenAPI document; walked the same way. */
const UNDOCUMENTED = ['GET /admin/queues', 'GET /admin/queues/api/queues'];

/** Expected answers, route by route (method and path as the OpenAPI document spells them). */
const TABLE: Record<string, Row> = {
  // Bull Board: admins of the root organisation only (queues span every organisation)
  'GET /admin/queues': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'GET /admin/queues/api/queues': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  // empty body: every caller meets validation
  'POST /api/v1/auth/login': { anonymous: 400, sibling: 400, editor: 400, reviewer: 400, operator: 400, statistician: 400, admin: 400 },
  'POST /api/v1/auth/logout': { anonymous: 'ok', sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  // a one-time set-password link (public; an empty body fails validation for everybody)
  'POST /api/v1/auth/set-password': { anonymous: 400, sibling: 400, editor: 400, reviewer: 400, operator: 400, statistician: 400, admin: 400 },
  // people and structure import: admins (the sibling is an admin of its own department); no file: 400
  'GET /api/v1/imports/people/template': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'POST /api/v1/imports/people': { anonymous: 401, sibling: 400, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 400 },
  'POST /api/v1/imports/people/links': { anonymous: 401, sibling: 400, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 400 },
  // site import (issue 18.1): admins; empty body: 400; {id} is a fresh id: nobody's import
  'POST /api/v1/imports/site': { anonymous: 401, sibling: 400, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 400 },
  'GET /api/v1/imports/{id}': { anonymous: 401, sibling: 404, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 404 },
  'POST /api/v1/imports/{id}/pause': { anonymous: 401, sibling: 404, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 404 },
  'POST /api/v1/imports/{id}/resume': { anonymous: 401, sibling: 404, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 404 },
  'GET /api/v1/auth/me': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'POST /api/v1/items': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 403, operator: 403, statistician: 403, admin: 403 },
  'GET /api/v1/items': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/items/{id}': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'PATCH /api/v1/items/{id}': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 403, operator: 403, statistician: 403, admin: 403 },
  'POST /api/v1/items/{id}/submit': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 403, operator: 403, statistician: 403, admin: 403 },
  'POST /api/v1/items/{id}/approve': { anonymous: 401, sibling: 403, editor: 403, reviewer: 'ok', operator: 403, statistician: 403, admin: 403 },
  'POST /api/v1/items/{id}/reject': { anonymous: 401, sibling: 403, editor: 403, reviewer: 'ok', operator: 403, statistician: 403, admin: 403 },
  // the reviewer withdraws first; operator and admin may too (409: already withdrawn)
  'POST /api/v1/items/{id}/withdraw': { anonymous: 401, sibling: 403, editor: 403, reviewer: 'ok', operator: 'ok', statistician: 403, admin: 'ok' },
  // fresh finding id: the reviewer passes the checks and finds none
  'POST /api/v1/items/{id}/findings/{findingId}/decision': {
    anonymous: 401,
    sibling: 403,
    editor: 403,
    reviewer: 404,
    operator: 403,
    statistician: 403,
    admin: 403,
  },
  'GET /api/v1/items/{id}/previews': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/items/{id}/deliveries': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/items/{id}/audit': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/deliveries': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/health': { anonymous: 'ok', sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/channels': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/organisations': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'POST /api/v1/organisations': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'PATCH /api/v1/organisations/{id}': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  // the review policy: admins of the organisation or an ancestor (the sibling's admin role is elsewhere)
  'GET /api/v1/organisations/{id}/review-policy': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'PUT /api/v1/organisations/{id}/review-policy': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'GET /api/v1/channel-accounts': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'POST /api/v1/channel-accounts': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  // the operator may change the status only (an empty body is that)
  'PATCH /api/v1/channel-accounts/{id}': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  // added by another helper (测试连接): admins and operators over the account's organisation; reads only
  'POST /api/v1/channel-accounts/{id}/check': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'GET /api/v1/users': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'POST /api/v1/users': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'PUT /api/v1/users/{id}/roles': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'PUT /api/v1/users/{id}/active': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'POST /api/v1/users/{id}/password': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  // no multipart body: the editor meets validation
  'POST /api/v1/uploads': { anonymous: 401, sibling: 400, editor: 400, reviewer: 403, operator: 403, statistician: 403, admin: 403 },
  // the department editor's private upload: anyone with a role over sfx-fgj; the sibling is told "not found"
  'GET /api/v1/uploads/{year}/{month}/{file}': { anonymous: 401, sibling: 404, editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/items/{id}/versions/{versionNo}': {
    anonymous: 401,
    sibling: 403,
    editor: 'ok',
    reviewer: 'ok',
    operator: 'ok',
    statistician: 'ok',
    admin: 'ok',
  },
  // 群发 quota of a WeChat account: the department's portal account is not one, so not found for all
  'GET /api/v1/channel-accounts/{id}/quota': { anonymous: 401, sibling: 404, editor: 404, reviewer: 404, operator: 404, statistician: 404, admin: 404 },
  // 群发 preview: an empty body meets validation before the reviewer check (nothing sent)
  'POST /api/v1/items/{id}/wechat-preview': { anonymous: 401, sibling: 400, editor: 400, reviewer: 400, operator: 400, statistician: 400, admin: 400 },
  'GET /api/v1/operator/deliveries': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'GET /api/v1/operator/deliveries/{id}': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'GET /api/v1/operator/deliveries/{id}/events': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'GET /api/v1/operator/matrix': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'GET /api/v1/operator/summary': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'GET /api/v1/operator/accounts': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'POST /api/v1/operator/accounts/{id}/restore': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'GET /api/v1/operator/withdrawals/unresolved': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'POST /api/v1/deliveries/{id}/retry': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'POST /api/v1/deliveries/{id}/cancel': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'POST /api/v1/deliveries/{id}/mark-published': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'POST /api/v1/deliveries/{id}/mark-withdrawn': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'POST /api/v1/items/{id}/schedule': { anonymous: 401, sibling: 403, editor: 403, reviewer: 'ok', operator: 'ok', statistician: 403, admin: 'ok' },
  'POST /api/v1/items/{id}/schedule/cancel': { anonymous: 401, sibling: 403, editor: 403, reviewer: 'ok', operator: 'ok', statistician: 403, admin: 'ok' },
  'GET /api/v1/deliveries/events': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  // deployment-wide figures for any operator or admin
  'GET /metrics': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'GET /api/v1/gazette': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/gazette/{accountId}/issues': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/gazette/{accountId}/waiting': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'POST /api/v1/gazette/{accountId}/issues/compile': {
    anonymous: 401,
    sibling: 403,
    editor: 403,
    reviewer: 403,
    operator: 'ok',
    statistician: 403,
    admin: 'ok',
  },
  'GET /api/v1/gazette/issues/{issueId}': { anonymous: 401, sibling: 404, editor: 404, reviewer: 404, operator: 404, statistician: 404, admin: 404 },
  // fresh issue id; an empty body meets validation before the lookup (nothing done)
  'PUT /api/v1/gazette/issues/{issueId}/order': { anonymous: 401, sibling: 400, editor: 403, reviewer: 403, operator: 400, statistician: 403, admin: 400 },
  'POST /api/v1/gazette/issues/{issueId}/publish': { anonymous: 401, sibling: 404, editor: 403, reviewer: 403, operator: 404, statistician: 403, admin: 404 },
  'POST /api/v1/gazette/{accountId}/site': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  'GET /api/v1/led/screens': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/led/screens/{accountId}': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/led/screens/{accountId}/frames': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/led/screens/{accountId}/frames/{file}': {
    anonymous: 401,
    sibling: 403,
    editor: 404,
    reviewer: 404,
    operator: 404,
    statistician: 404,
    admin: 404,
  },
  'GET /api/v1/led/screens/{accountId}/entries/{entryId}/frames/{file}': {
    anonymous: 401,
    sibling: 403,
    editor: 404,
    reviewer: 404,
    operator: 404,
    statistician: 404,
    admin: 404,
  },
  'POST /api/v1/led/screens/{accountId}/sync': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  // players: the key is the credential, no token counts
  'GET /api/v1/led/screens/{accountId}/playlist': { anonymous: 403, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 403 },
  'GET /api/v1/led/screens/{accountId}/playlist/frames/{file}': {
    anonymous: 403,
    sibling: 403,
    editor: 403,
    reviewer: 403,
    operator: 403,
    statistician: 403,
    admin: 403,
  },
  // NovaStar media (public, the screen's key): the department's LED screen is a pull screen, so not found.
  'GET /api/v1/led/screens/{accountId}/media/{entryId}/{file}': {
    anonymous: 404,
    sibling: 404,
    editor: 404,
    reviewer: 404,
    operator: 404,
    statistician: 404,
    admin: 404,
  },
  'GET /api/v1/led/screens/{accountId}/media/blank.png': {
    anonymous: 404,
    sibling: 404,
    editor: 404,
    reviewer: 404,
    operator: 404,
    statistician: 404,
    admin: 404,
  },
  'GET /api/v1/compliance/deadlines': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 'ok', operator: 'ok', statistician: 403, admin: 'ok' },
  // deployment-wide scan for any operator or admin
  'POST /api/v1/compliance/deadlines/scan': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  // the inspection indicators and forecasts: every role (editors see their columns' forecasts); no org: the caller's own scope
  'GET /api/v1/compliance/inspection': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/compliance/inspection/forecast': {
    anonymous: 401,
    sibling: 'ok',
    editor: 'ok',
    reviewer: 'ok',
    operator: 'ok',
    statistician: 'ok',
    admin: 'ok',
  },
  // deployment-wide reminder run, like the deadline scan
  'POST /api/v1/compliance/inspection/remind': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  // empty body: validation after the role check
  'POST /api/v1/compliance/check': { anonymous: 401, sibling: 400, editor: 400, reviewer: 400, operator: 403, statistician: 403, admin: 400 },
  // lexicons are deployment-wide; reading needs reviewer or admin anywhere
  'GET /api/v1/compliance/lexicons': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 'ok', operator: 403, statistician: 403, admin: 'ok' },
  'GET /api/v1/compliance/lexicons/{lexicon}': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 'ok', operator: 403, statistician: 403, admin: 'ok' },
  'PUT /api/v1/compliance/lexicons/{lexicon}': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'DELETE /api/v1/compliance/lexicons/{lexicon}': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'PATCH /api/v1/compliance/lexicons/{lexicon}/entries': {
    anonymous: 401,
    sibling: 403,
    editor: 403,
    reviewer: 403,
    operator: 403,
    statistician: 403,
    admin: 'ok',
  },
  'GET /api/v1/stats/templates': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 403, statistician: 'ok', admin: 'ok' },
  'GET /api/v1/stats/channel-counts': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 'ok', admin: 'ok' },
  'GET /api/v1/stats/reports/{template}': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 'ok', admin: 'ok' },
  'GET /api/v1/stats/reports/{template}/cells/{cell}/items': {
    anonymous: 401,
    sibling: 403,
    editor: 403,
    reviewer: 403,
    operator: 403,
    statistician: 404,
    admin: 404,
  },
  // an empty entries list is refused by validation after the organisation check
  'PUT /api/v1/stats/reports/{template}/manual': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 400, admin: 400 },
  // 复制上年手工填报数 into 2025 (nothing to copy from 2024: 200 with an empty list)
  'POST /api/v1/stats/reports/{template}/manual/copy-previous-year': {
    anonymous: 401,
    sibling: 403,
    editor: 403,
    reviewer: 403,
    operator: 403,
    statistician: 'ok',
    admin: 'ok',
  },
  // statistician freezes 2019; the admin then meets 409 (already frozen)
  'POST /api/v1/stats/reports/{template}/freeze': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 'ok', admin: 'ok' },
  'GET /api/v1/stats/reports/{template}/frozen': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 404, admin: 404 },
  // the freezes of sfx-fgj's 2025 report (none: current null, empty history)
  'GET /api/v1/stats/reports/{template}/freezes': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 'ok', admin: 'ok' },
  // 重新打开（退回重填） of 2019: the statistician reopens it (after the freeze above), the admin then meets 409 (not frozen now)
  'POST /api/v1/stats/reports/{template}/reopen': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 'ok', admin: 'ok' },
  // the monthly 自查 (issue 16.3) of sfx-fgj for 2025-01 (the month is added to the query below)
  'GET /api/v1/stats/self-check': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 'ok', admin: 'ok' },
  // 撤回提交 (issue 15.3): editors over the item's organisation; the draft is not submitted (409)
  'POST /api/v1/items/{id}/recall': { anonymous: 401, sibling: 403, editor: 'ok', reviewer: 403, operator: 403, statistician: 403, admin: 403 },
  // the editor's own autosaves (issue 15.2): a fresh key has none (404); an empty body meets validation
  'GET /api/v1/autosaves/{key}': { anonymous: 401, sibling: 404, editor: 404, reviewer: 403, operator: 403, statistician: 403, admin: 403 },
  'PUT /api/v1/autosaves/{key}': { anonymous: 401, sibling: 400, editor: 400, reviewer: 403, operator: 403, statistician: 403, admin: 403 },
  'DELETE /api/v1/autosaves/{key}': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 403, operator: 403, statistician: 403, admin: 403 },
  'POST /api/v1/users/{id}/unlock': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  // the audit log: admins, each over the organisations they administer (the sibling sees its own department's)
  'GET /api/v1/audit-logs': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  // issue 15.4 (C3): everyone's own waiting-work counts and notifications; a fresh notification id is nobody's
  'GET /api/v1/me/work-counts': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'GET /api/v1/notifications': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'POST /api/v1/notifications/read-all': { anonymous: 401, sibling: 'ok', editor: 'ok', reviewer: 'ok', operator: 'ok', statistician: 'ok', admin: 'ok' },
  'POST /api/v1/notifications/{id}/read': { anonymous: 401, sibling: 404, editor: 404, reviewer: 404, operator: 404, statistician: 404, admin: 404 },
  // the organisation's notification webhook: admins over it (the sibling's admin role is elsewhere)
  'GET /api/v1/organisations/{id}/notification-webhook': {
    anonymous: 401,
    sibling: 403,
    editor: 403,
    reviewer: 403,
    operator: 403,
    statistician: 403,
    admin: 'ok',
  },
  'PUT /api/v1/organisations/{id}/notification-webhook': {
    anonymous: 401,
    sibling: 403,
    editor: 403,
    reviewer: 403,
    operator: 403,
    statistician: 403,
    admin: 'ok',
  },
  // issue 15.5: the review queue (the caller's own levels; the sibling reviews its department only)
  'GET /api/v1/review/queue': { anonymous: 401, sibling: 'ok', editor: 403, reviewer: 'ok', operator: 403, statistician: 403, admin: 403 },
  // issue 15.6: 批量重试 of the department's delivery; the sibling is refused as a whole (nothing retried)
  'POST /api/v1/deliveries/bulk-retry': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 'ok', statistician: 403, admin: 'ok' },
  // gazette issue preview: a fresh issue id is not found for anyone
  'GET /api/v1/gazette/issues/{issueId}/preview': { anonymous: 401, sibling: 404, editor: 404, reviewer: 404, operator: 404, statistician: 404, admin: 404 },
  // issue 16.4, signed report bundles: sfx-fgj's 2025 table is not frozen (409); the aggregate is its own report
  'GET /api/v1/stats/reports/{template}/bundle': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 'ok', admin: 'ok' },
  'GET /api/v1/stats/reports/{template}/aggregate': {
    anonymous: 401,
    sibling: 403,
    editor: 403,
    reviewer: 403,
    operator: 403,
    statistician: 'ok',
    admin: 'ok',
  },
  // senders' public keys: admins over the receiving organisation (the sibling's admin role is elsewhere)
  'GET /api/v1/stats/senders': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'POST /api/v1/stats/senders': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 403, admin: 'ok' },
  'GET /api/v1/stats/bundles': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 'ok', admin: 'ok' },
  // an empty bundle meets validation after the organisation check
  'POST /api/v1/stats/bundles': { anonymous: 401, sibling: 403, editor: 403, reviewer: 403, operator: 403, statistician: 400, admin: 400 },
  // a fresh bundle id is not found for anyone who may decide bundles
  'POST /api/v1/stats/bundles/{id}/return': { anonymous: 401, sibling: 404, editor: 403, reviewer: 403, operator: 403, statistician: 404, admin: 404 },
  'POST /api/v1/stats/bundles/{id}/accept': { anonymous: 401, sibling: 404, editor: 403, reviewer: 403, operator: 403, statistician: 404, admin: 404 },
};

describe('access control: every route of the OpenAPI document × every actor', () => {
  let sys: TestSystem;
  let doc: { paths: Record<string, Record<string, unknown>> };
  const tokens = {} as Record<Exclude<Actor, 'anonymous'>, string>;
  const ids: Record<string, string> = {};
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gd-acl-'));
    const accountsFile = path.join(dataDir, 'accounts.json');
    const base = JSON.parse(await fs.readFile(path.resolve('config/demo-accounts.json'), 'utf8')) as {
      channelType: string;
      org: string;
      name: string;
      baseUrl: string;
    }[];
    // The department's own accounts (no simulator needed): portal, gazette, pull-mode LED.
    const fgj = base
      .filter((a) => ['portal', 'gazette'].includes(a.channelType) || (a.channelType === 'led' && a.baseUrl === ''))
      .map((a) => ({ ...a, org: 'sfx-fgj', name: `发改局${a.name}` }));
    await fs.writeFile(accountsFile, JSON.stringify(fgj));
    sys = await startTestSystem('acl', { accountsFile, worker: false });
    const docRes = await axios.get(`${sys.url}/api/docs-json`);
    doc = docRes.data;
    ids.org = sys.seed.orgs['sfx-fgj'];
    ids.siblingOrg = sys.seed.orgs['sfx-jyj'];
    for (const [k, v] of Object.entries(sys.seed.accounts)) {
      if (k.startsWith('portal:')) ids.portal = v;
      if (k.startsWith('gazette:')) ids.gazette = v;
      if (k.startsWith('led:')) ids.led = v;
    }
    const login = async (username: string) => {
      const r = await sys.http.post('/auth/login', { username, password: TEST_PASSWORD });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.data)}`);
      return r.data.accessToken as string;
    };
    for (const a of ['editor', 'reviewer', 'operator', 'statistician', 'admin'] as const) tokens[a] = await login(a);
    const as = (a: Exclude<Actor, 'anonymous'>): AxiosInstance =>
      axios.create({ baseURL: `${sys.url}/api/v1`, validateStatus: () => true, headers: { Authorization: `Bearer ${tokens[a]}` } });
    const admin = as('admin');
    const allRoles = (org: string) => ['editor', 'reviewer', 'operator', 'statistician', 'admin'].map((role) => ({ organisationId: org, role }));
    const mk = async (username: string, org: string, roles: { organisationId: string; role: string }[]) => {
      const r = await admin.post('/users', { username, displayName: username, password: TEST_PASSWORD, homeOrganisationId: org, roles });
      if (r.status !== 201) throw new Error(`create ${username}: ${r.status} ${JSON.stringify(r.data)}`);
      return r.data.id as string;
    };
    await mk('acl-sibling', ids.siblingOrg, allRoles(ids.siblingOrg));
    tokens.sibling = await login('acl-sibling');
    ids.user = await mk('acl-target', ids.org, [{ organisationId: ids.org, role: 'editor' }]);
    // A private upload of the department's editor: readable over sfx-fgj, not by the sibling.
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await syntheticImages.alphaPng(40, 30))], { type: 'image/png' }), 'scene.png');
    const up = await fetch(`${sys.url}/api/v1/uploads`, { method: 'POST', headers: { Authorization: `Bearer ${await login('acl-target')}` }, body: form });
    expect(up.status).toBe(201);
    ids.upload = /\/uploads\/(\d{4}\/\d{2}\/[^/?#]+)$/.exec(((await up.json()) as { url: string }).url)![1];
    const editor = as('editor');
    const reviewer = as('reviewer');
    const item = (title: string) => ({
      organisationId: ids.org,
      title,
      bodyHtml: '<p>现将有关事项通知如下。</p>',
      kind: 'notice',
      targetAccountIds: [ids.portal],
    });
    const draft = await editor.post('/items', item('访问控制测试草稿'));
    expect(draft.status).toBe(201);
    ids.draft = draft.data.id;
    const pub = await editor.post('/items', item('访问控制测试已发布'));
    ids.published = pub.data.id;
    expect((await editor.post(`/items/${ids.published}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${ids.published}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    // No worker: the approved item's delivery stays queued, so nothing moves while the walk compares state.
    const deliveries = await sys.ds.query(`SELECT id FROM deliveries WHERE item_id = $1`, [ids.published]);
    expect(deliveries).toHaveLength(1);
    ids.delivery = deliveries[0].id;
    const lex = await admin.get('/compliance/lexicons');
    ids.lexicon = (Array.isArray(lex.data) ? lex.data : (lex.data.items ?? []))[0]?.id ?? randomUUID();
  });

  afterAll(async () => {
    await sys?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  /** The concrete URL for a documented path: real objects of sfx-fgj; sub-objects that need not exist are fresh ids. */
  function concrete(route: string): string {
    const p = route.replace(/^\/api\/v1/, '');
    const itemId = /withdraw|versions|deliveries$|schedule/.test(p) ? ids.published : ids.draft;
    let accountId = ids.portal;
    if (p.startsWith('/gazette')) accountId = ids.gazette;
    if (p.startsWith('/led')) accountId = ids.led;
    const values: Record<string, string> = {
      findingId: randomUUID(),
      versionNo: '1',
      accountId,
      issueId: randomUUID(),
      entryId: randomUUID(),
      file: 'frame-001.png',
      template: 'gov-2014',
      cell: 'x',
      lexicon: ids.lexicon,
    };
    if (p === '/uploads/{year}/{month}/{file}') return `/uploads/${ids.upload}`;
    let out = p.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (name !== 'id') return values[name] ?? randomUUID();
      if (p.startsWith('/items')) return itemId;
      if (p.startsWith('/deliveries') || p.startsWith('/operator/deliveries')) return ids.delivery;
      if (p.startsWith('/operator/accounts') || p.startsWith('/channel-accounts')) return ids.portal;
      if (p.startsWith('/organisations')) return ids.org;
      if (p.startsWith('/users')) return ids.user;
      if (p.startsWith('/compliance/lexicons')) return ids.lexicon;
      return randomUUID();
    });
    if (p.startsWith('/stats')) out += `?org=${ids.org}&year=2025`;
    if (p === '/stats/self-check') out += '&month=2025-01';
    return out;
  }

  async function fingerprint(): Promise<string> {
    const [r] = await sys.ds.query(`SELECT
      (SELECT count(*) FROM audit_logs) AS audit,
      (SELECT string_agg(id || status || row_version, ',' ORDER BY id) FROM items) AS items,
      (SELECT string_agg(id || state, ',' ORDER BY id) FROM deliveries) AS deliveries,
      (SELECT string_agg(id || active::text || session_epoch, ',' ORDER BY id) FROM users) AS users,
      (SELECT string_agg(id || status || enabled::text, ',' ORDER BY id) FROM channel_accounts) AS accounts,
      (SELECT count(*) FROM user_roles) AS roles,
      (SELECT string_agg(id::text || COALESCE(review_policy::text, '-') || settings::text, ',' ORDER BY id) FROM organisations) AS orgs,
      (SELECT string_agg(id::text || revision::text || disabled::text, ',' ORDER BY id) FROM compliance_lexicons) AS lexicons,
      (SELECT string_agg(id::text || status, ',' ORDER BY id) FROM gazette_issues) AS gazette,
      (SELECT count(*) FROM stats_manual_entries) AS manual, (SELECT count(*) FROM uploads) AS uploads, (SELECT count(*) FROM stats_frozen_reports) AS frozen,
      (SELECT count(reopened_at) FROM stats_frozen_reports) AS reopened`);
    return JSON.stringify(r);
  }

  function classify(status: number): string {
    if ([400, 401, 403, 404].includes(status)) return String(status);
    if ((status >= 200 && status < 300) || [409, 422].includes(status)) return 'ok';
    return `unexpected ${status}`;
  }

  /** Valid bodies for the unsafe routes whose organisation check lives past validation. */
  const BODIES: Record<string, () => unknown> = {
    'POST /api/v1/items': () => ({
      organisationId: ids.org,
      title: '访问控制测试新建',
      bodyHtml: '<p>正文</p>',
      kind: 'notice',
      targetAccountIds: [ids.portal],
    }),
    'POST /api/v1/items/{id}/reject': () => ({ reason: '访问控制测试' }),
    'POST /api/v1/items/{id}/withdraw': () => ({ reason: '访问控制测试' }),
    'POST /api/v1/items/{id}/approve': () => ({ secrecyConclusion: '经审查不涉密' }),
    'POST /api/v1/items/{id}/findings/{findingId}/decision': () => ({ decision: 'keep', reason: '访问控制测试' }),
    'POST /api/v1/users': () => ({
      username: `acl-new-${++created}`,
      displayName: '新用户',
      password: TEST_PASSWORD,
      homeOrganisationId: ids.org,
      roles: [{ organisationId: ids.org, role: 'editor' }],
    }),
    'PUT /api/v1/users/{id}/roles': () => ({ roles: [{ organisationId: ids.org, role: 'reviewer' }] }),
    'PUT /api/v1/users/{id}/active': () => ({ active: true }),
    'POST /api/v1/users/{id}/password': () => ({ password: 'acl-new-password-1' }),
    'POST /api/v1/channel-accounts': () => ({
      organisationId: ids.org,
      channelType: 'portal',
      name: `发改局网站${++created}`,
      baseUrl: 'http://127.0.0.1:1/site',
      settings: { siteName: '发改局', siteDomain: 'fgj.example', siteIdCode: '9999000009' },
    }),
    'PUT /api/v1/organisations/{id}/review-policy': () => ({ levels: [{ label: '审核', role: 'reviewer', recordsSecrecy: true }] }),
    'POST /api/v1/organisations': () => ({ parentId: ids.org, code: `sfx-fgj-${++created}`, name: `发改局下属单位${created}`, level: 'department' }),
    'POST /api/v1/deliveries/{id}/cancel': () => ({ reason: '访问控制测试' }),
    'POST /api/v1/deliveries/{id}/mark-published': () => ({ externalUrl: 'https://www.example.gov.cn/acl.html' }),
    'POST /api/v1/deliveries/{id}/mark-withdrawn': () => ({ note: '访问控制测试' }),
    'POST /api/v1/items/{id}/schedule': () => ({ publishAt: '2030-01-01T00:00:00Z' }),
    'POST /api/v1/items/{id}/schedule/cancel': () => ({ reason: '访问控制测试' }),
    'PUT /api/v1/organisations/{id}/notification-webhook': () => ({ url: 'https://sms.example.gov.cn/notify', secret: 'acl-webhook-secret-0001' }),
    'POST /api/v1/deliveries/bulk-retry': () => ({ ids: [ids.delivery] }),
    'PUT /api/v1/stats/reports/{template}/manual': () => ({ org: ids.org, year: 2025, entries: [] }),
    'POST /api/v1/stats/reports/{template}/manual/copy-previous-year': () => ({ org: ids.org, year: 2025 }),
    'POST /api/v1/stats/reports/{template}/freeze': () => ({
      org: ids.org,
      year: 2019,
      signoff: { unitHead: '甲', reviewer: '乙', preparer: '丙', phone: '0744-8596033', filledDate: '2020-01-15' },
    }),
    'POST /api/v1/stats/reports/{template}/reopen': () => ({ org: ids.org, year: 2019, reason: '访问控制测试：上级退回' }),
    'POST /api/v1/stats/senders': () => ({
      org: ids.org,
      name: `下级报送单位${++created}`,
      publicKey: generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    }),
    'POST /api/v1/stats/bundles': () => ({ org: ids.org, year: 2025, bundle: {} }),
    'POST /api/v1/stats/bundles/{id}/return': () => ({ comment: '访问控制测试' }),
  };
  let created = 0;

  it('walks every documented route for every actor and compares with the table', async () => {
    const routes: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const m of Object.keys(ops)) if (['get', 'post', 'put', 'patch', 'delete'].includes(m)) routes.push(`${m.toUpperCase()} ${p}`);
    }
    expect(routes.length).toBeGreaterThan(40);
    routes.push(...UNDOCUMENTED);
    const problems: string[] = [];
    for (const r of routes) if (!TABLE[r]) problems.push(`route ${r} has no entry`);
    for (const r of Object.keys(TABLE)) if (!routes.includes(r)) problems.push(`entry ${r} is not a route of the document`);
    // What the sibling must never be shown: sfx-fgj's items, delivery, user and accounts, and the county's users.
    const countyUsers = ['editor', 'reviewer', 'operator', 'statistician', 'admin'].map((u) => sys.seed.users[u]);
    const fgjIds = [ids.draft, ids.published, ids.delivery, ids.user, ids.portal, ids.gazette, ids.led, ...countyUsers];
    const observed: Record<string, Record<string, string>> = {};
    for (const r of routes) {
      const [method, p] = r.split(' ');
      observed[r] = {};
      for (const actor of ACTORS) {
        let token = actor === 'anonymous' ? undefined : tokens[actor];
        // Signing out ends the session it is sent with: use a session of its own.
        if (token && p.endsWith('/auth/logout'))
          token = (await sys.http.post('/auth/login', { username: actor === 'sibling' ? 'acl-sibling' : actor, password: TEST_PASSWORD })).data.accessToken;
        const unsafe = method !== 'GET';
        const before = unsafe ? await fingerprint() : '';
        const ctrl = new AbortController();
        const resp = await fetch(`${sys.url}${p.startsWith('/api/v1/') ? '/api/v1' : ''}${concrete(p)}`, {
          method,
          headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(unsafe ? { 'content-type': 'application/json' } : {}) },
          body: unsafe ? JSON.stringify(BODIES[r]?.() ?? {}) : undefined,
          signal: ctrl.signal,
        });
        // A stream (server-sent events) answers with its headers and stays open: the status is the answer.
        const streaming = (resp.headers.get('content-type') ?? '').includes('text/event-stream');
        const res = { status: resp.status, data: streaming ? '' : await resp.text() };
        if (streaming) ctrl.abort();
        const got = classify(res.status);
        observed[r][actor] = got === 'ok' ? `ok ${res.status}` : got;
        const want = TABLE[r]?.[actor];
        if (want !== undefined && String(want) !== got)
          problems.push(`${r} as ${actor}: expected ${want}, got ${res.status} ${String(res.data).slice(0, 160)}`);
        if (unsafe && [400, 401, 403, 404].includes(res.status)) {
          const after = await fingerprint();
          if (after !== before) problems.push(`${r} as ${actor}: refused with ${res.status} but changed state`);
        }
        if (actor === 'sibling' && res.status < 300) {
          const leaked = fgjIds.filter((id) => String(res.data).includes(id));
          if (leaked.length) problems.push(`${r} as sibling: answer carries ids it must not see ${leaked.join(', ')}`);
        }
      }
    }
    if (process.env.ACL_PRINT) console.log(JSON.stringify(observed, null, 1));
    expect(problems).toEqual([]);
  }, 300_000);

  it('the delivery event stream (not inspectable above) shows the sibling nothing of sfx-fgj', async () => {
    const editor = axios.create({ baseURL: `${sys.url}/api/v1`, validateStatus: () => true, headers: { Authorization: `Bearer ${tokens.editor}` } });
    const reviewer = axios.create({ baseURL: `${sys.url}/api/v1`, validateStatus: () => true, headers: { Authorization: `Bearer ${tokens.reviewer}` } });
    const created = await editor.post('/items', {
      organisationId: ids.org,
      title: '访问控制测试推送',
      bodyHtml: '<p>正文</p>',
      kind: 'notice',
      targetAccountIds: [ids.portal],
    });
    expect(created.status).toBe(201);
    const open = async (token: string) => {
      const ctrl = new AbortController();
      const res = await fetch(`${sys.url}/api/v1/deliveries/events`, { headers: { Authorization: `Bearer ${token}` }, signal: ctrl.signal });
      expect(res.status).toBe(200);
      const s = { text: '', close: () => ctrl.abort() };
      void (async () => {
        const dec = new TextDecoder();
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) s.text += dec.decode(chunk, { stream: true });
        } catch {
          /* aborted */
        }
      })();
      return s;
    };
    const county = await open(tokens.operator);
    const sibling = await open(tokens.sibling);
    try {
      await waitFor(async () => county.text.includes('event: ready') && sibling.text.includes('event: ready'), 10_000, 'both streams ready');
      expect((await editor.post(`/items/${created.data.id}/submit`)).status).toBe(200);
      expect((await reviewer.post(`/items/${created.data.id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
      await waitFor(async () => county.text.includes(created.data.id), 10_000, 'the county operator sees the new delivery');
      expect(sibling.text).not.toContain(created.data.id);
      expect(sibling.text).not.toContain('event: delivery');
    } finally {
      county.close();
      sibling.close();
    }
  });
});
