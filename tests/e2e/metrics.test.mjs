// End-to-end: GET /metrics of `gatehouse serve`, read by a real Prometheus text-format parser
// (`parse-prometheus-text-format`, pinned in package.json), after real calls through the official
// `openai` SDK to `gatehouse mock-upstream`: successes and a stream, an unknown model, a wrong key
// and a rate-limit refusal. The page must parse, every family must be typed and documented, and
// the counters must say what happened. Run with:
//   GATEHOUSE_BIN=/abs/path/to/gatehouse node --test metrics.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

import { gatehouseBin, makeWorkDir, randomBase62, randomGatewayKey, startGateway, startMockUpstream, stopAll } from './harness.mjs';

const REQUEST_TIMEOUT_MS = 10_000;
const CALLS = 6; // every call the tests below make before they scrape
const messages = [{ role: 'user', content: 'Say something about metrics.' }];

function configYaml(baseUrl) {
  return `providers:
  - name: primary
    kind: openai-compatible
    base_url: ${baseUrl}
models:
  - name: chat
    deployments:
      - {provider: primary, model: mock-1, price: {input_per_million: 1, output_per_million: 10}}
keys:
  - {name: acme-key, key: env:E2E_ACME_KEY, tenant: acme}
  - {name: limited-key, key: env:E2E_LIMITED_KEY, tenant: limited}
metrics:
  enabled: true
  bearer_token: env:E2E_METRICS_TOKEN
policy:
  limits:
    - {scope: tenant, id: limited, requests_per_minute: 1}
`;
}

/** The sample of `family` whose labels are exactly `labels`, or undefined. */
function sampleOf(family, labels) {
  return family?.metrics.find((metric) => {
    const got = metric.labels ?? {};
    return Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v);
  });
}

describe('GET /metrics read by a Prometheus text-format parser', { timeout: 120_000 }, () => {
  let work;
  let mock;
  let gateway;
  const acmeKey = randomGatewayKey();
  const limitedKey = randomGatewayKey();
  const metricsToken = randomBase62(32);
  let families; // name -> parsed family, after the calls

  async function scrape(headers = { authorization: `Bearer ${metricsToken}` }) {
    return fetch(`${gateway.url}/metrics`, { headers });
  }

  // The call-record writer counts calls as it commits them (within its flush interval): wait on
  // the page itself until every call is in, bounded, rather than sleeping a guessed time.
  async function scrapeOnceAllCallsAreCounted() {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const response = await scrape();
      assert.equal(response.status, 200);
      const text = await response.text();
      const parsed = parsePrometheusTextFormat(text);
      const written = parsed.find((f) => f.name === 'gatehouse_call_records_written_total');
      if (Number(written?.metrics[0]?.value) >= CALLS) return { text, parsed };
      if (Date.now() > deadline) throw new Error(`only ${written?.metrics[0]?.value} of ${CALLS} calls counted:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  before(async () => {
    gatehouseBin();
    work = await makeWorkDir('gatehouse-e2e-metrics-');
    mock = await startMockUpstream({ flavor: 'openai', env: work.env, cwd: work.workDir });
    gateway = await startGateway({
      work,
      config: configYaml(mock.baseUrl),
      env: { E2E_ACME_KEY: acmeKey, E2E_LIMITED_KEY: limitedKey, E2E_METRICS_TOKEN: metricsToken },
    });
    const client = (apiKey) => new OpenAI({ apiKey, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: REQUEST_TIMEOUT_MS });
    const acme = client(acmeKey);

    await acme.chat.completions.create({ model: 'chat', messages });
    let streamed = '';
    for await (const chunk of await acme.chat.completions.create({ model: 'chat', messages, stream: true })) {
      streamed += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.ok(streamed.length > 0);
    await assert.rejects(acme.chat.completions.create({ model: 'no-such-model', messages }), OpenAI.NotFoundError);
    await assert.rejects(client(randomGatewayKey()).chat.completions.create({ model: 'chat', messages }), OpenAI.AuthenticationError);
    const limited = client(limitedKey);
    await limited.chat.completions.create({ model: 'chat', messages });
    await assert.rejects(limited.chat.completions.create({ model: 'chat', messages }), OpenAI.RateLimitError);

    const { parsed } = await scrapeOnceAllCallsAreCounted();
    families = new Map(parsed.map((family) => [family.name, family]));
  });

  after(async () => {
    await stopAll([gateway, mock]);
    await work?.cleanup();
  });

  test('needs its own token: none, or a data-plane key, is refused', async () => {
    const anonymous = await scrape({});
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="gatehouse-metrics"');
    assert.equal((await scrape({ authorization: `Bearer ${acmeKey}` })).status, 401);
    const scraped = await scrape();
    assert.equal(scraped.status, 200);
    assert.equal(scraped.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  });

  test('every family is a documented, typed gatehouse_ metric with units in its name', () => {
    assert.ok(families.size >= 20, `${families.size} families`);
    for (const family of families.values()) {
      assert.match(family.name, /^gatehouse_[a-z_]+$/);
      assert.ok(family.help.length > 0, `${family.name} has no HELP`);
      assert.ok(['COUNTER', 'GAUGE', 'HISTOGRAM'].includes(family.type), `${family.name}: ${family.type}`);
      if (family.type === 'COUNTER') assert.match(family.name, /_total$/);
      if (family.type === 'HISTOGRAM') assert.match(family.name, /_seconds$/);
    }
  });

  test('requests, tokens, cost and attempts count the calls by tenant, model and deployment', () => {
    const acme = { tenant: 'acme', model: 'chat', deployment: 'primary/mock-1' };
    assert.equal(sampleOf(families.get('gatehouse_requests_total'), { ...acme, code: '200' })?.value, '2');
    assert.equal(sampleOf(families.get('gatehouse_upstream_attempts_total'), acme)?.value, '2');
    assert.ok(Number(sampleOf(families.get('gatehouse_tokens_total'), { ...acme, type: 'prompt' })?.value) > 0);
    assert.ok(Number(sampleOf(families.get('gatehouse_tokens_total'), { ...acme, type: 'completion' })?.value) > 0);
    assert.ok(Number(sampleOf(families.get('gatehouse_cost_usd_total'), acme)?.value) > 0);
  });

  test('errors are counted by reason, refusals included, and a client-typed model is never a label', () => {
    const errors = families.get('gatehouse_request_errors_total');
    const reason = (labels, value) => assert.equal(sampleOf(errors, labels)?.value, value, JSON.stringify(labels));
    reason({ tenant: 'acme', model: '', deployment: '', reason: 'invalid_request' }, '1');
    reason({ tenant: '', model: '', deployment: '', reason: 'unauthorized' }, '1');
    reason({ tenant: 'limited', model: 'chat', deployment: '', reason: 'rate_limited' }, '1');
    for (const family of families.values()) {
      for (const metric of family.metrics) assert.notEqual(metric.labels?.model, 'no-such-model', family.name);
    }
  });

  test('time to first token is a histogram with cumulative buckets up to +Inf', () => {
    const ttft = families.get('gatehouse_time_to_first_token_seconds');
    assert.equal(ttft.type, 'HISTOGRAM');
    // One label set (the one stream), so the parser's buckets are that set's.
    const buckets = ttft.metrics[0].buckets;
    assert.equal(buckets['+Inf'], '1');
    const ordered = Object.entries(buckets)
      .map(([le, count]) => [le === '+Inf' ? Infinity : Number(le), Number(count)])
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ordered.length; ++i) assert.ok(ordered[i][1] >= ordered[i - 1][1], 'buckets are cumulative');
    assert.equal(families.get('gatehouse_request_duration_seconds').type, 'HISTOGRAM');
  });

  test('circuits, the writer and the label-set cap are reported', () => {
    const circuit = families.get('gatehouse_circuit_state');
    assert.equal(sampleOf(circuit, { deployment: 'primary/mock-1', state: 'closed' })?.value, '1');
    assert.equal(sampleOf(circuit, { deployment: 'primary/mock-1', state: 'open' })?.value, '0');
    assert.equal(families.get('gatehouse_call_records_dropped_total').metrics[0].value, '0');
    assert.equal(families.get('gatehouse_call_record_queue_depth').type, 'GAUGE');
    assert.equal(families.get('gatehouse_metrics_label_sets_limit').metrics[0].value, '1000');
    assert.equal(families.get('gatehouse_metrics_overflowed_calls_total').metrics[0].value, '0');
  });

  // Last: it stops the gateway. Pages are written on a thread of their own, which must not hold
  // up (or crash) the shutdown, even with scrapes in flight.
  test('the gateway still stops cleanly on SIGTERM while being scraped', async () => {
    const scrapes = Array.from({ length: 8 }, () => scrape().then((r) => r.text()).catch(() => ''));
    const stopped = await gateway.stop();
    await Promise.all(scrapes);
    assert.equal(stopped.killed, false);
    assert.equal(stopped.code, 0, gateway.logs());
  });
});
