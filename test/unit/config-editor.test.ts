// The config dialog's interval validator takes its bounds from the runtime's table, served
// by the admin endpoint: run the editor scripts with a stand-in RED and jQuery.

import { strict as assert } from 'node:assert';
import { editorTables } from '../../nodes/lib/admin';
import { sandbox } from './editor-sandbox';

describe('v2c-config editor', () => {
  it('validates intervals against the runtime table from /v2c-trydan/tables', () => {
    const box = sandbox('v2c-config');
    box.answer('v2c-trydan/tables', JSON.parse(JSON.stringify(editorTables())));
    assert.deepEqual(box.fetched, ['v2c-trydan/tables']);
    const valid = (prop: string, v: unknown) => box.validate('v2c-config', { id: 'cfg' }, prop, v) === true;
    assert.equal(valid('pollInterval', '5'), true);
    assert.equal(valid('pollInterval', 3600), true);
    assert.equal(valid('pollInterval', '3000000'), false);
    assert.equal(valid('idleInterval', '3601'), false);
    assert.equal(valid('idleInterval', '0'), false);
    assert.equal(valid('idleInterval', '2.5'), false);
  });

  it('still refuses what is not a whole number of seconds before the table arrives', () => {
    const box = sandbox('v2c-config');
    const valid = (v: unknown) => box.validate('v2c-config', { id: 'cfg' }, 'pollInterval', v) === true;
    assert.equal(valid('10'), true);
    assert.equal(valid('ten'), false);
    assert.equal(valid('0'), false);
  });
});
