// End-to-end: the official `openai` SDK -> `gatehouse serve` (traffic policy from its YAML config)
// -> `gatehouse mock-upstream` with fault modes. The SDK's own retries are off (maxRetries: 0), so
// every recovery seen here is the gateway's: a failing deployment is retried on the next one, a
// model whose deployments all fail falls back to another model, a stream is never retried once it
// began, and when everything fails the SDK gets one clean, typed error. Run with:
//   GATEHOUSE_BIN=/abs/path/to/gatehouse node --test traffic.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';

import { gatehouseBin, makeWorkDir, randomGatewayKey, startGateway, startMockUpstream, stopAll } from './harness.mjs';

const REQUEST_TIMEOUT_MS = 10_000;
const run = `${process.pid}-${Date.now()}`;
// Upstream model names select the mock's fault modes; the id keeps this run's counters apart.
const FAILING = `mock-fault:status=503,id=down-${run}`;
const FLAKY = `mock-fault:fail=1,status=502,id=flaky-${run}`;
const BREAKING_STREAM = `mock-fault:reset_after_chunks=2,id=stream-${run}`;

function configYaml(baseUrl) {
  return `providers:
  - name: primary
    kind: openai-compatible
    base_url: ${baseUrl}
  - name: secondary
    kind: openai-compatible
    base_url: ${baseUrl}
models:
  - name: resilient          # the first deployment always fails: the second answers
    strategy: fallback
    deployments:
      - {provider: primary, model: "${FAILING}", priority: 0}
      - {provider: secondary, model: mock-1, priority: 1}
  - name: flaky              # one deployment that fails once: retried after a backoff
    deployments:
      - {provider: primary, model: "${FLAKY}"}
  - name: doomed             # every deployment fails, and so does its fallback model
    fallbacks: [also-doomed]
    deployments:
      - {provider: primary, model: "${FAILING}"}
      - {provider: secondary, model: "${FAILING}"}
  - name: also-doomed
    deployments:
      - {provider: secondary, model: "${FAILING}"}
  - name: rescued            # every deployment fails; its fallback model answers
    fallbacks: [resilient]
    deployments:
      - {provider: primary, model: "${FAILING}"}
  - name: breaking-stream
    deployments:
      - {provider: primary, model: "${BREAKING_STREAM}"}
      - {provider: secondary, model: "${BREAKING_STREAM}"}
keys:
  - name: e2e
    key: env:E2E_GATEHOUSE_KEY
policy:
  retry: {max_attempts: 3, base_delay_ms: 1, max_delay_ms: 10}
  circuit_breaker: {consecutive_failures: 1000, failure_ratio: 0}
`;
}

const messages = [{ role: 'user', content: 'Say something about resilience.' }];

describe('traffic policy with the openai SDK', { timeout: 120_000 }, () => {
  let work;
  let mock;
  let gateway;
  let client;

  before(async () => {
    gatehouseBin();
    work = await makeWorkDir('gatehouse-e2e-traffic-');
    mock = await startMockUpstream({ flavor: 'openai', env: work.env, cwd: work.workDir });
    const key = randomGatewayKey();
    gateway = await startGateway({ work, config: configYaml(mock.baseUrl), env: { E2E_GATEHOUSE_KEY: key } });
    client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: REQUEST_TIMEOUT_MS });
  });

  after(async () => {
    await stopAll([gateway, mock]);
    await work?.cleanup();
  });

  async function upstreamRequests(model) {
    const response = await fetch(`${mock.url}/mock/requests?model=${encodeURIComponent(model)}`);
    return (await response.json()).requests;
  }

  test('a failing deployment is invisible: the next one answers', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'resilient', messages }).withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.ok(data.choices[0].message.content.length > 0);
    assert.equal(response.headers.get('x-gatehouse-deployment'), 'secondary/mock-1');
    assert.equal(response.headers.get('x-gatehouse-attempts'), '2');
  });

  test('a deployment that fails once is retried', async () => {
    const before = await upstreamRequests(FLAKY);
    const { data, response } = await client.chat.completions.create({ model: 'flaky', messages }).withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(response.headers.get('x-gatehouse-attempts'), '2');
    assert.equal((await upstreamRequests(FLAKY)) - before, 2);
  });

  test('a stream through a fallback deployment arrives whole', async () => {
    const stream = await client.chat.completions.create({ model: 'resilient', messages, stream: true });
    let text = '';
    let finished = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.choices[0]?.finish_reason) finished = true;
    }
    assert.ok(text.length > 0);
    assert.ok(finished);
  });

  test('a model whose deployments all fail falls back to another model', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'rescued', messages }).withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(response.headers.get('x-gatehouse-deployment'), 'secondary/mock-1');
  });

  test('when everything fails the SDK gets one clean typed error', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'doomed', messages }), (error) => {
      assert.ok(error instanceof OpenAI.InternalServerError, `expected InternalServerError, got ${error?.constructor?.name}`);
      assert.equal(error.status, 503);
      assert.match(error.message, /503/);
      // max_attempts per model: 3 on doomed, then 3 on also-doomed
      assert.equal(error.headers.get('x-gatehouse-attempts'), '6');
      assert.ok(error.headers.get('x-gatehouse-request-id'));
      return true;
    });
  });

  test('a stream that breaks after it began is not retried', async () => {
    const before = await upstreamRequests(BREAKING_STREAM);
    const stream = await client.chat.completions.create({ model: 'breaking-stream', messages, stream: true });
    let chunks = 0;
    await assert.rejects(async () => {
      for await (const chunk of stream) chunks += chunk.choices.length;
    });
    assert.ok(chunks > 0, 'the stream began before it broke');
    assert.equal((await upstreamRequests(BREAKING_STREAM)) - before, 1);
  });
});
