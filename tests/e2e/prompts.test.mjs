// End-to-end: a managed prompt called with the official openai SDK's raw request method.
// `gatehouse serve` with the admin API on loopback and the built-in mock provider; the admin API
// (fetch, with a token from `gatehouse admin-token create`) creates a prompt, two versions and a
// `production` label; the SDK then calls POST /v1/prompts/{name}/chat/completions, whole and
// streamed, gets the same shapes as /v1/chat/completions, meets a 400 naming a missing variable and
// a 404 for an unknown label, and posts feedback for the call. Run with:
//   GATEHOUSE_BIN=/abs/path/to/gatehouse node --test prompts.test.mjs

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
const PROMPT = 'greet';
const TEST_TIMEOUT_MS = 30_000;

const version = (greeting) => ({
  model: MODEL,
  messages: [
    { role: 'system', content: 'You are friendly.' },
    { role: 'user', content: `${greeting} {{name}}, who is {{age}}.` },
  ],
  variables: [{ name: 'name' }, { name: 'age', type: 'integer' }],
  parameters: { temperature: 0.5 },
  overridable: ['max_tokens'],
  note: greeting,
});

describe('prompts: a managed prompt through the openai SDK', () => {
  let work;
  let gateway;
  let adminToken;
  let admin;
  let mustAdmin;
  let client;

  before(async () => {
    work = await makeWorkDir('gatehouse-e2e-prompts-');
    adminToken = await createAdminToken(work, { name: 'e2e', role: 'admin' });
    const config = gatewayConfigYaml({
      providers: [{ name: 'mock', kind: 'mock' }],
      models: [{ name: MODEL, deployments: [{ provider: 'mock', model: 'mock-1' }] }],
    });
    gateway = await startGatewayWithAdmin({ work, config });
    ({ admin, mustAdmin } = adminRequests(gateway, adminToken));

    await mustAdmin(201, 'POST', '/admin/v1/prompts', { name: PROMPT, description: 'e2e greeting' });
    await mustAdmin(201, 'POST', `/admin/v1/prompts/${PROMPT}/versions`, version('Greet'));
    await mustAdmin(201, 'POST', `/admin/v1/prompts/${PROMPT}/versions`, version('Say hello to'));
    await mustAdmin(200, 'PUT', `/admin/v1/prompts/${PROMPT}/labels/production`, { split: [{ version: 2 }] });
    const tenant = await mustAdmin(201, 'POST', '/admin/v1/tenants', { name: 'acme' });
    const consumer = await mustAdmin(201, 'POST', '/admin/v1/consumers', { tenant_id: tenant.id, name: 'greeter' });
    const key = await mustAdmin(201, 'POST', '/admin/v1/keys', { consumer_id: consumer.id, name: 'prompt-caller' });
    client = new OpenAI({ apiKey: key.key, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: 10_000 });
  });

  after(async () => {
    await stopAll([gateway]);
    await work?.cleanup();
  });


  test('a whole answer, with the version the label points at', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { data, response } = await client
      .post(`/prompts/${PROMPT}/chat/completions`, {
        body: { variables: { name: 'Ada', age: 36 }, max_tokens: 20, user: 'e2e-user' },
      })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.choices[0].message.role, 'assistant');
    assert.ok(data.choices[0].message.content.length > 0);
    assert.ok(data.usage.prompt_tokens > 0);
    const requestId = response.headers.get('x-gatehouse-request-id');
    assert.ok(requestId);

    // The call log names prompt, version and label. The record is written a moment after the
    // answer: asked again until it is there, for at most 10 s.
    let call;
    for (const deadline = Date.now() + 10_000; !call && Date.now() < deadline; ) {
      const r = await admin('GET', `/admin/v1/calls/${requestId}`);
      if (r.status === 200) call = r.json;
      else assert.equal(r.status, 404, r.text);
    }
    assert.ok(call, 'the call is in the log');
    assert.equal(call.prompt, PROMPT);
    assert.equal(call.prompt_version, 2);
    assert.equal(call.prompt_label, 'production');

    const feedback = await client.post('/feedback', { body: { request_id: requestId, score: 1, comment: 'nice' } });
    assert.equal(feedback.object, 'feedback');
    assert.equal(feedback.score, 1);
  });

  test('a streamed answer, from a version asked for by number', { timeout: TEST_TIMEOUT_MS }, async () => {
    const stream = await client.post(`/prompts/${PROMPT}/chat/completions`, {
      body: { variables: { name: 'Ada', age: 36 }, version: 1, stream: true },
      stream: true,
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      text += chunk.choices[0]?.delta?.content ?? '';
      chunks++;
    }
    assert.ok(chunks > 1, `${chunks} chunks`);
    assert.ok(text.length > 0);
  });

  test('errors the SDK raises', { timeout: TEST_TIMEOUT_MS }, async () => {
    await assert.rejects(
      client.post(`/prompts/${PROMPT}/chat/completions`, { body: { variables: { age: 3 } } }),
      (err) => {
        assert.ok(err instanceof OpenAI.BadRequestError, `${err?.constructor?.name}: ${err?.message}`);
        assert.equal(err.code, 'missing_variable');
        assert.equal(err.param, 'variables.name');
        return true;
      },
    );
    await assert.rejects(
      client.post(`/prompts/${PROMPT}/chat/completions`, { body: { label: 'beta', variables: { name: 'A', age: 3 } } }),
      (err) => {
        assert.ok(err instanceof OpenAI.NotFoundError, `${err?.constructor?.name}: ${err?.message}`);
        assert.equal(err.code, 'prompt_not_found');
        return true;
      },
    );
  });
});
