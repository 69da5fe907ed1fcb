// End-to-end tests: official `openai` SDK -> `gatehouse serve` -> `gatehouse mock-upstream`.
//
// Everything runs on 127.0.0.1 with ports chosen by the OS (--listen 127.0.0.1:0); readiness is
// the "listening on" line each process prints. Run with:
//   GATEHOUSE_BIN=/abs/path/to/gatehouse npm test

import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';

import {
  gatehouseBin,
  hermeticEnv,
  randomBase62,
  randomGatewayKey,
  startService,
} from './harness.mjs';

const ALLOWED_MODEL = 'gpt-4o-mini';
const OTHER_MODEL = 'other-model';
const STREAM_CHUNKS = 5;
const CHUNK_INTERVAL_MS = 50;
const REQUEST_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 30_000;
const REQUEST_ID_HEADER = 'x-gatehouse-request-id';

function configYaml(mockUrl) {
  return `providers:
  - name: upstream
    kind: openai-compatible
    base_url: ${mockUrl}/v1
    api_key: env:E2E_UPSTREAM_KEY
models:
  - name: ${ALLOWED_MODEL}
    deployments:
      - provider: upstream
        model: mock-model-1
  - name: ${OTHER_MODEL}
    deployments:
      - provider: upstream
        model: mock-model-2
keys:
  - name: e2e
    key: env:E2E_GATEHOUSE_KEY
    models: [${ALLOWED_MODEL}]
`;
}

const userMessages = [{ role: 'user', content: 'Say something about gateways.' }];

describe('gatehouse serve with the openai SDK', { timeout: 120_000 }, () => {
  let workDir;
  let mock;
  let gateway;
  let gatewayKey;
  let client;

  function makeClient(apiKey) {
    return new OpenAI({
      apiKey,
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
      timeout: REQUEST_TIMEOUT_MS,
    });
  }

  before(async () => {
    gatehouseBin(); // fail fast with a clear message if GATEHOUSE_BIN is unset or wrong

    workDir = await mkdtemp(join(tmpdir(), 'gatehouse-e2e-'));
    const dataDir = join(workDir, 'data');
    const xdgDir = join(workDir, 'xdg');
    await mkdir(dataDir);
    await mkdir(xdgDir);
    // Keep any default-location reads/writes of the children inside the temp dir.
    const baseEnv = hermeticEnv({
      HOME: workDir,
      XDG_DATA_HOME: join(xdgDir, 'data'),
      XDG_CONFIG_HOME: join(xdgDir, 'config'),
      XDG_CACHE_HOME: join(xdgDir, 'cache'),
      XDG_STATE_HOME: join(xdgDir, 'state'),
    });

    mock = await startService(
      'mock-upstream',
      [
        'mock-upstream',
        '--listen', '127.0.0.1:0',
        '--stream-chunks', String(STREAM_CHUNKS),
        '--chunk-interval-ms', String(CHUNK_INTERVAL_MS),
      ],
      { env: baseEnv, cwd: workDir },
    );

    const configPath = join(workDir, 'gatehouse.yaml');
    await writeFile(configPath, configYaml(mock.url));

    gatewayKey = randomGatewayKey();
    gateway = await startService(
      'gatehouse-serve',
      ['serve', '--config', configPath, '--data', dataDir, '--listen', '127.0.0.1:0'],
      {
        env: {
          ...baseEnv,
          E2E_UPSTREAM_KEY: `sk-e2e-upstream-${randomBase62(32)}`,
          E2E_GATEHOUSE_KEY: gatewayKey,
        },
        cwd: workDir,
      },
    );

    client = makeClient(gatewayKey);
  });

  after(async () => {
    // Stop in reverse order; each stop() is bounded (SIGTERM, then SIGKILL after a grace period).
    const results = await Promise.allSettled([gateway?.stop(), mock?.stop()]);
    for (const r of results) if (r.status === 'rejected') console.error(r.reason);
    if (workDir && process.env.E2E_KEEP_TMP !== '1') {
      await rm(workDir, { recursive: true, force: true });
    } else if (workDir) {
      console.error(`E2E_KEEP_TMP=1: kept ${workDir}`);
    }
  });

  test('chat completion (non-streaming) returns content, usage and model', { timeout: TEST_TIMEOUT_MS }, async () => {
    const completion = await client.chat.completions.create({
      model: ALLOWED_MODEL,
      messages: userMessages,
    });

    assert.equal(typeof completion.model, 'string', 'model field must be present');
    assert.ok(completion.model.length > 0, 'model field must be non-empty');
    assert.ok(Array.isArray(completion.choices) && completion.choices.length > 0, 'choices must be non-empty');
    const content = completion.choices[0].message?.content;
    assert.equal(typeof content, 'string', 'choices[0].message.content must be a string');
    assert.ok(content.length > 0, 'choices[0].message.content must be non-empty');

    assert.ok(completion.usage, 'usage must be present');
    const { prompt_tokens, completion_tokens } = completion.usage;
    assert.ok(Number.isFinite(prompt_tokens) && prompt_tokens > 0, `usage.prompt_tokens must be > 0, got ${prompt_tokens}`);
    assert.ok(
      Number.isFinite(completion_tokens) && completion_tokens > 0,
      `usage.completion_tokens must be > 0, got ${completion_tokens}`,
    );
  });

  test('chat completion (streaming) delivers chunks incrementally', { timeout: TEST_TIMEOUT_MS }, async () => {
    const stream = await client.chat.completions.create({
      model: ALLOWED_MODEL,
      messages: userMessages,
      stream: true,
    });

    const arrivals = []; // {t, text} per chunk that carried content
    let totalChunks = 0;
    for await (const chunk of stream) {
      const t = performance.now();
      totalChunks++;
      const text = chunk.choices?.[0]?.delta?.content;
      if (typeof text === 'string' && text.length > 0) arrivals.push({ t, text });
    }
    const end = performance.now();

    const content = arrivals.map((a) => a.text).join('');
    assert.ok(content.length > 0, `concatenated streamed content must be non-empty (got ${totalChunks} chunks)`);
    assert.ok(arrivals.length >= 2, `expected >= 2 content chunks, got ${arrivals.length}`);

    // Relative times within this one stream only. The mock spaces its STREAM_CHUNKS content
    // chunks CHUNK_INTERVAL_MS apart (~200 ms from first to last), so a gateway that passes the
    // stream through shows them spread out; one that buffers the response delivers them in a
    // single burst at the end.
    const first = arrivals[0].t;
    const last = arrivals[arrivals.length - 1].t;
    const timeline = arrivals.map((a) => `${(a.t - first).toFixed(1)}ms`).join(', ');
    assert.ok(
      last - first >= CHUNK_INTERVAL_MS / 2,
      `content chunks arrived in one burst (first..last = ${(last - first).toFixed(1)} ms; ` +
        `arrivals relative to first: ${timeline}); the stream appears to be buffered`,
    );
    assert.ok(
      first < end - 100,
      `first content chunk must arrive clearly before the stream ends ` +
        `(first at ${(end - first).toFixed(1)} ms before end; arrivals: ${timeline})`,
    );
  });

  test('chat completion (streaming) with include_usage reports usage', { timeout: TEST_TIMEOUT_MS }, async () => {
    const stream = await client.chat.completions.create({
      model: ALLOWED_MODEL,
      messages: userMessages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage = null;
    let content = '';
    for await (const chunk of stream) {
      content += chunk.choices?.[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(content.length > 0, 'streamed content must be non-empty');
    assert.ok(usage, 'a chunk carrying usage must arrive when stream_options.include_usage is set');
    assert.ok(usage.prompt_tokens > 0, `usage.prompt_tokens must be > 0, got ${usage.prompt_tokens}`);
    assert.ok(usage.completion_tokens > 0, `usage.completion_tokens must be > 0, got ${usage.completion_tokens}`);
  });

  test('models list contains exactly the models the key may use', { timeout: TEST_TIMEOUT_MS }, async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.deepEqual(ids, [ALLOWED_MODEL]);
  });

  test('a wrong API key gets AuthenticationError (401)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const badClient = makeClient(randomGatewayKey());
    await assert.rejects(
      badClient.chat.completions.create({ model: ALLOWED_MODEL, messages: userMessages }),
      (err) => {
        assert.ok(err instanceof OpenAI.AuthenticationError, `expected AuthenticationError, got ${err?.constructor?.name}: ${err?.message}`);
        assert.equal(err.status, 401);
        assert.equal(typeof err.error?.message, 'string', 'error body must be OpenAI-shaped: {"error":{"message",...}}');
        return true;
      },
    );
  });

  test('an unknown model gets NotFoundError (404, model_not_found)', { timeout: TEST_TIMEOUT_MS }, async () => {
    await assert.rejects(
      client.chat.completions.create({ model: `no-such-model-${randomBase62(8)}`, messages: userMessages }),
      (err) => {
        assert.ok(err instanceof OpenAI.NotFoundError, `expected NotFoundError, got ${err?.constructor?.name}: ${err?.message}`);
        assert.equal(err.status, 404);
        assert.equal(err.code, 'model_not_found');
        assert.equal(typeof err.error?.message, 'string', 'error body must be OpenAI-shaped: {"error":{"message",...}}');
        return true;
      },
    );
  });

  test(`every answer carries ${REQUEST_ID_HEADER}`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const { response } = await client.chat.completions
      .create({ model: ALLOWED_MODEL, messages: userMessages })
      .withResponse();
    const okId = response.headers.get(REQUEST_ID_HEADER);
    assert.ok(okId, `${REQUEST_ID_HEADER} missing on a 200 chat completion`);

    const models = await client.models.list().withResponse();
    assert.ok(models.response.headers.get(REQUEST_ID_HEADER), `${REQUEST_ID_HEADER} missing on GET /v1/models`);

    const badClient = makeClient(randomGatewayKey());
    const err = await badClient.chat.completions
      .create({ model: ALLOWED_MODEL, messages: userMessages })
      .then(
        () => assert.fail('expected a 401'),
        (e) => e,
      );
    assert.ok(err instanceof OpenAI.APIError && err.status === 401, `expected a 401, got ${err}`);
    const errId = err.headers?.get(REQUEST_ID_HEADER);
    assert.ok(errId, `${REQUEST_ID_HEADER} missing on a 401 answer`);
    assert.notEqual(errId, okId, 'request ids must differ between requests');
  });

  // Keep last: it ends the gateway (after() then has nothing left to stop).
  test('gateway stops cleanly on SIGTERM', { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await gateway.stop({ graceMs: 10_000 });
    assert.equal(r.alreadyExited, false, `gateway had already exited before SIGTERM (code=${r.code}, signal=${r.signal})\n${gateway.logs()}`);
    assert.equal(r.killed, false, `gateway did not exit within 10 s of SIGTERM and was killed\n${gateway.logs()}`);
    assert.equal(r.code, 0, `gateway exit after SIGTERM: code=${r.code}, signal=${r.signal}\n${gateway.logs()}`);
  });
});
