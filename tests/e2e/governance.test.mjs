// End-to-end: the approval flow as a client sees it. `gatehouse serve` with the admin API on
// loopback and the built-in mock provider; the admin API (fetch, with a token from
// `gatehouse admin-token create`) sets up a tenant, a consumer, an approval-mode model and a
// consumer key; the official openai SDK then meets 403 while the request is pending, succeeds
// once it is approved, and meets 403 again after the access is revoked. Run with:
//   GATEHOUSE_BIN=/abs/path/to/gatehouse node --test governance.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';

import {
  adminRequests,
  createAdminToken,
  gatewayConfigYaml,
  makeWorkDir,
  startGatewayWithAdmin,
  stopAll,
} from './harness.mjs';

for (const name of ['OPENAI_ORG_ID', 'OPENAI_PROJECT_ID', 'OPENAI_LOG']) {
  delete process.env[name];
}

const MODEL = 'mock-chat';
const TEST_TIMEOUT_MS = 30_000;

describe('governance: access approval through the admin API', () => {
  let work;
  let gateway;
  let adminToken;
  let mustAdmin;

  before(async () => {
    work = await makeWorkDir('gatehouse-e2e-governance-');
    adminToken = await createAdminToken(work, { name: 'e2e', role: 'admin' });
    const config = gatewayConfigYaml({
      providers: [{ name: 'mock', kind: 'mock' }],
      models: [{ name: MODEL, deployments: [{ provider: 'mock', model: 'mock-1' }] }],
    });
    gateway = await startGatewayWithAdmin({ work, config });
    ({ mustAdmin } = adminRequests(gateway, adminToken));
  });

  after(async () => {
    await stopAll([gateway]);
    await work?.cleanup();
  });


  test('pending → 403, approved → 200, revoked → 403', { timeout: TEST_TIMEOUT_MS }, async () => {
    const tenant = await mustAdmin(201, 'POST', '/admin/v1/tenants', { name: 'acme' });
    const consumer = await mustAdmin(201, 'POST', '/admin/v1/consumers', {
      tenant_id: tenant.id,
      name: 'reports',
      description: 'e2e',
    });
    const access = await mustAdmin(200, 'PUT', `/admin/v1/models/${encodeURIComponent(MODEL)}/access`, {
      mode: 'approval',
    });
    assert.equal(access.mode, 'approval');
    const key = await mustAdmin(201, 'POST', '/admin/v1/keys', { consumer_id: consumer.id, name: 'reports-key' });
    assert.match(key.key, /^gk-[A-Za-z0-9]{40}$/);
    assert.equal(key.consumer_id, consumer.id);

    // The key is shown once: the list has its prefix only.
    const keys = await mustAdmin(200, 'GET', `/admin/v1/keys?consumer_id=${consumer.id}`);
    assert.equal(keys.total, 1);
    assert.ok(!JSON.stringify(keys).includes(key.key));

    const client = new OpenAI({ apiKey: key.key, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: 10_000 });
    const chat = () => client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });

    const filed = await mustAdmin(201, 'POST', '/admin/v1/access-requests', {
      consumer_id: consumer.id,
      model: MODEL,
      reason: 'monthly reports',
    });
    assert.equal(filed.state, 'pending');

    await assert.rejects(chat(), (err) => {
      assert.ok(err instanceof OpenAI.PermissionDeniedError, `${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 403);
      assert.match(err.message, /pending/i);
      return true;
    });

    const approved = await mustAdmin(200, 'POST', `/admin/v1/access-requests/${filed.id}/approve`, { note: 'ok' });
    assert.equal(approved.state, 'approved');
    const completion = await chat();
    assert.equal(completion.object, 'chat.completion');
    assert.ok(completion.choices.length > 0);

    const revoked = await mustAdmin(200, 'POST', `/admin/v1/access-requests/${filed.id}/revoke`, { note: 'project over' });
    assert.equal(revoked.state, 'revoked');
    await assert.rejects(chat(), (err) => {
      assert.ok(err instanceof OpenAI.PermissionDeniedError, `${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 403);
      assert.match(err.message, /revoked/i);
      return true;
    });

    // Every change is in the audit log, made by the token's name.
    const audit = await mustAdmin(200, 'GET', '/admin/v1/audit?entity_type=api_key');
    assert.equal(audit.total, 1);
    assert.equal(audit.data[0].action, 'api_key.create');
    assert.equal(audit.data[0].actor, 'e2e');
    assert.ok(!JSON.stringify(audit).includes(key.key));
  });
});
