// The config dialog's interval validator takes its bounds from the runtime's table, served
// by the admin endpoint: run the editor script with a stand-in RED and jQuery.

import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { cadenceLimits } from '../../src/coordinator/cadence';

const html = fs.readFileSync(path.resolve(__dirname, '../../nodes/v2c-config.html'), 'utf8');

type Validate = (v: unknown) => boolean;

function load(table: unknown): { pollInterval: Validate; idleInterval: Validate; fetched: string[] } {
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)![1]!;
  const fetched: string[] = [];
  let defaults: Record<string, { validate: Validate }> = {};
  const $ = Object.assign(() => ({}), {
    getJSON: (url: string) => {
      fetched.push(url);
      return { done: (fn: (t: unknown) => void) => (table === undefined ? undefined : fn(table)) };
    },
  });
  const RED = { nodes: { registerType: (_t: string, def: { defaults: typeof defaults }) => (defaults = def.defaults) } };
  vm.runInNewContext(script, { RED, $ });
  return { pollInterval: defaults.pollInterval!.validate, idleInterval: defaults.idleInterval!.validate, fetched };
}

describe('v2c-config editor', () => {
  it('validates intervals against the runtime table from /v2c-trydan/cadence', () => {
    const { pollInterval, idleInterval, fetched } = load(JSON.parse(JSON.stringify(cadenceLimits())));
    assert.deepEqual(fetched, ['v2c-trydan/cadence']);
    assert.equal(pollInterval('5'), true);
    assert.equal(pollInterval(3600), true);
    assert.equal(pollInterval('3000000'), false);
    assert.equal(idleInterval('3601'), false);
    assert.equal(idleInterval('0'), false);
    assert.equal(idleInterval('2.5'), false);
  });

  it('still refuses what is not a whole number of seconds before the table arrives', () => {
    const { pollInterval } = load(undefined);
    assert.equal(pollInterval('10'), true);
    assert.equal(pollInterval('ten'), false);
    assert.equal(pollInterval('0'), false);
  });
});
