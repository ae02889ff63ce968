// The Redis URL as a user sets it, in Chromium on a real Node-RED: a password field in the
// charger's config dialog; deployed, the quota ledger appears in that Redis (a real
// redis-server with a password, started here on 127.0.0.1); the URL cannot be read back (not
// in GET /flows, not in the dialog reopened after a reload, not in the log); with Redis
// stopped the node's status in the editor says "quota not shared".

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import { getJson, nodeId, nodeRedVersion, waitFor } from '../helpers/red';
import { type RedisServer, redisServerBinary, startRedis } from '../helpers/redis-server';
import { type Editor, type InPage, cancelDialogs, deploy, dialogDone, field, openEditor, openNodeDialog } from './browser';

const KEY = `e2e-key-${randomBytes(8).toString('hex')}`;
const PASSWORD = `pw-dialog-${randomBytes(6).toString('hex')}`;
const DEVICE_ID = 'E2EREDIS01';

describe(`e2e: the Redis URL in the config dialog in chromium, Node-RED ${nodeRedVersion}`, function () {
  this.timeout(60_000);
  let ed: Editor | undefined;
  let redis: RedisServer | undefined;
  const tab = nodeId();
  const telemetry = nodeId();
  let configId = '';

  before(async function () {
    this.timeout(120_000);
    redisServerBinary();
    redis = await startRedis({ password: PASSWORD });
    ed = await openEditor(this, {
      sim: { deviceId: DEVICE_ID, lan: false, cloud: { apiKey: KEY, latencyMs: 1 } },
      flows: (_sim, node) => [
        { id: tab, type: 'tab', label: 'Redis URL', disabled: false, info: '' },
        node({ id: telemetry, type: 'v2c-realtime-in', z: tab, name: '', server: '', x: 200, y: 80, wires: [[]] }),
      ],
    });
  });
  after(async () => {
    await ed?.close();
    await redis?.stop();
  });

  const cfg = (prop: string) => field(ed!.page, prop, true);
  const statusText = (): Promise<string> =>
    ed!.page.evaluate((id) => String((globalThis as unknown as InPage).RED.nodes.node(id)?.status?.text ?? ''), telemetry);

  it('takes the Redis URL in a password field; deployed, the ledger is kept in that Redis', async function () {
    const page = ed!.page;
    await openNodeDialog(page, telemetry);
    await page.locator('#node-input-btn-server-add:visible, #node-input-lookup-server').first().click();
    await cfg('redisUrl').waitFor({ state: 'visible' });
    assert.equal(await cfg('redisUrl').getAttribute('type'), 'password');
    await cfg('apiKey').fill(KEY);
    await cfg('deviceId').fill(DEVICE_ID);
    await cfg('cloudUrl').fill(ed!.simAddress.cloudUrl!);
    await cfg('redisUrl').fill(redis!.url);
    await dialogDone(page, true);
    configId = await page.locator('#node-input-server').inputValue();
    await dialogDone(page);
    await deploy(page);
    await waitFor('a reading through the cloud', async () => (/online|connected|charging/.test(await statusText()) ? true : undefined), 20_000);
    const probe = createClient({ url: redis!.url });
    await probe.connect();
    try {
      const keys = await probe.keys('v2c-trydan:quota:*');
      assert.ok(keys.length >= 2, `the ledger in Redis: ${keys.join(', ')}`);
      assert.ok(keys.every((k) => !k.includes(KEY)));
    } finally {
      probe.destroy();
    }
  });

  it('cannot be read back: not in GET /flows, not in the dialog after a reload, not in the log', async function () {
    const page = ed!.page;
    assert.deepEqual(await getJson(`${ed!.red.url}/credentials/v2c-config/${configId}`), { has_apiKey: true, has_redisUrl: true });
    const flows = await (await fetch(`${ed!.red.url}/flows`)).text();
    assert.ok(flows.includes(configId) && !flows.includes(PASSWORD));
    await page.reload();
    await page.locator(`[id="${telemetry}"]`).waitFor({ timeout: 30_000 });
    await openNodeDialog(page, telemetry);
    await page.locator('#node-input-btn-server-edit, #node-input-lookup-server').first().click();
    await cfg('redisUrl').waitFor({ state: 'visible' });
    const shown = await cfg('redisUrl').inputValue();
    assert.notEqual(shown, '', 'the dialog shows no sign of a saved URL');
    assert.ok(!shown.includes(PASSWORD));
    assert.ok(!(await page.content()).includes(PASSWORD), 'the page holds the Redis password');
    await cancelDialogs(page);
    assert.ok(!ed!.red.output().includes(PASSWORD), 'the log holds the Redis password');
  });

  it('with Redis stopped, the node says the quota is not shared', async function () {
    await redis!.stop();
    await waitFor('"quota not shared" in the editor', async () => (/quota not shared/.test(await statusText()) ? true : undefined), 20_000);
    assert.match(ed!.red.output(), /the shared quota ledger \(Redis\) is unreachable/);
    assert.ok(!ed!.red.output().includes(PASSWORD));
  });
});
