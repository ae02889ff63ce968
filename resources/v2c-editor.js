// What every V2C Trydan dialog shares: the palette look and labels, the tables the runtime
// serves (choices, ranges, typed-input types, the address rule), validators built on them,
// typed inputs, and tabs marked when they hold an invalid field. Node-RED serves this file
// from the package's resources/ folder; each node's HTML loads it first, so it may run
// several times: the first run defines window.V2cTrydan, later ones stop at once.
(function (root) {
  'use strict';
  if (root.V2cTrydan) return;

  var CATEGORY = 'V2C Trydan';
  /** One palette colour for every node of the package. */
  var COLOR = '#7fc8a9';
  /** The node configuration version the runtime migrates to (nodes/lib/migrate.ts). */
  var VERSION = 2;
  var DATE = /^\d{4}-\d{2}-\d{2}$/;

  // --- the runtime's tables, fetched once -----------------------------------------------

  var tables = null;
  var waiting = [];
  var requested = false;

  /** Calls fn(tables) once the tables are here (at once when they already are). */
  function withTables(fn) {
    if (tables) {
      fn(tables);
      return;
    }
    waiting.push(fn);
    if (requested) return;
    requested = true;
    $.getJSON('v2c-trydan/tables')
      .done(function (answer) {
        if (!answer || typeof answer !== 'object') return;
        tables = answer;
        var callbacks = waiting;
        waiting = [];
        callbacks.forEach(function (cb) {
          cb(tables);
        });
      })
      .fail(function () {
        requested = false; // the next dialog asks again
      });
  }

  /** A part of the tables by path ("surplus.settings.minCurrent"), or undefined before they arrive. */
  function table(path) {
    return path.split('.').reduce(function (o, k) {
      return o && typeof o === 'object' ? o[k] : undefined;
    }, tables);
  }

  // --- texts ----------------------------------------------------------------------------

  /** A text of the node's catalogue; the key itself when the node has no translator (tests). */
  function text(node, key, params) {
    return node && typeof node._ === 'function' ? node._(key, params) : key;
  }

  // --- dialog state ---------------------------------------------------------------------

  /** Whether this node's dialog is the one open (validators read the other fields from it). */
  function editing(node) {
    var stack = RED.editor && RED.editor.getEditStack ? RED.editor.getEditStack() : [];
    return stack.length > 0 && node && stack[stack.length - 1].id === node.id;
  }

  /** A property as the open dialog holds it, else as saved. */
  function fieldValue(node, prop) {
    if (editing(node)) {
      var input = $('#node-input-' + prop + ', #node-config-input-' + prop).first();
      if (input.length) return input.attr('type') === 'checkbox' ? input.prop('checked') : input.val();
    }
    return node ? node[prop] : undefined;
  }

  // --- validators -----------------------------------------------------------------------

  // A property missing from a node saved by an older version is valid: the runtime fills in
  // its default (nodes/lib/migrate.ts), and the dialog shows that default.
  function missing(v) {
    return v === undefined;
  }

  function blank(v) {
    return v === '' || v === null || v === undefined;
  }

  function numberOf(v) {
    if (typeof v === 'number') return isFinite(v) ? v : undefined;
    if (typeof v !== 'string' || v.trim() === '') return undefined;
    var n = Number(v.trim());
    return isFinite(n) ? n : undefined;
  }

  /**
   * A surplus setting: its range or choices from the settings table, and its order against
   * the settings it must not pass (min current ≤ max current, …). Before the table arrives
   * (it is asked for as the editor loads) nothing is refused; nodes are validated again then.
   */
  function surplusSetting(name) {
    // Two parameters: Node-RED then shows a returned text as the reason (here and below).
    return function (v, _opt) {
      if (missing(v)) return true;
      var spec = table('surplus.settings.' + name);
      if (!spec) return true;
      if (spec.kind === 'choice') return spec.choices.map(String).indexOf(String(v)) >= 0;
      if (spec.kind === 'switch') return true;
      // A name (the site's): any text up to its length.
      if (spec.kind === 'text') return String(v).trim().length <= spec.maxLength || text(this, 'common.editor.tooLong', { max: spec.maxLength });
      // A time of day HH:MM, or empty for none (the runtime's table says which settings).
      if (spec.kind === 'time') return blank(v) || /^([01]?\d|2[0-3]):[0-5]\d$/.test(String(v).trim());
      if (blank(v)) return spec.kind === 'auto' || text(this, 'common.editor.required');
      var n = numberOf(v);
      if (n === undefined) return text(this, 'common.editor.notNumber');
      if (n < spec.min || n > spec.max) return text(this, 'common.editor.range', { min: spec.min, max: spec.max, unit: spec.unit || '' });
      var clash = orderProblem(this, name, n);
      return clash || true;
    };
  }

  /** The first ordered pair this setting breaks with the other field's current value, as a message. */
  function orderProblem(node, name, n) {
    var rules = table('surplus.ordered') || [];
    for (var i = 0; i < rules.length; i++) {
      var r = rules[i];
      if (r.high !== name && r.low !== name) continue;
      var high = r.high === name ? n : numberOf(fieldValue(node, r.high));
      var low = r.low === name ? n : numberOf(fieldValue(node, r.low));
      if (high === undefined || low === undefined || high >= low || high === r.unlessHigh) continue;
      var unit = table('surplus.settings.' + r.high + '.unit') || '';
      var other = r.high === name ? r.low : r.high;
      var label = text(node, 'v2c-surplus.label.' + other);
      return text(node, r.high === name ? 'common.editor.belowOther' : 'common.editor.aboveOther', { other: label, value: r.high === name ? low : high, unit: unit });
    }
    return undefined;
  }

  /** One of a table's choices ("surplus.meter.unit.choices"); anything until the table arrives. */
  function choiceOf(path) {
    return function (v) {
      if (missing(v)) return true;
      var choices = table(path);
      return !Array.isArray(choices) || choices.map(String).indexOf(String(v)) >= 0;
    };
  }

  /**
   * A typed input's value for its type (read from the <prop>Type field): a name for msg, flow,
   * global and env; JSON that parses; a number; a date for a fixed date.
   */
  function typedValue(prop, opts) {
    opts = opts || {};
    return function (v, _opt) {
      if (missing(v)) return true;
      var type = fieldValue(this, prop + 'Type') || opts.defaultType || 'msg';
      if (opts.when && !opts.when.call(this)) return true;
      var value = v === undefined || v === null ? '' : String(v);
      var types = table('typedInputs.' + this.type + '.' + prop);
      if (Array.isArray(types) && types.indexOf(type) < 0) return text(this, 'common.editor.badType', { type: type });
      if (type === 'msg' || type === 'flow' || type === 'global' || type === 'env') return value.trim() !== '' || text(this, 'common.editor.required');
      if (type === 'json') {
        try {
          JSON.parse(value);
          return true;
        } catch {
          return text(this, 'common.editor.badJson');
        }
      }
      if (type === 'num') return numberOf(value) !== undefined || text(this, 'common.editor.notNumber');
      if (type === 'str' && opts.date) return DATE.test(value) || text(this, 'common.editor.badDate');
      return true;
    };
  }

  // The address rule is the runtime's (src/trydan/host.ts), asked for each text typed; until
  // its answer is here only the shape is checked (no spaces, no path).
  var addresses = {};
  function askAddress(node, host) {
    addresses[host] = null;
    $.getJSON('v2c-trydan/address', { host: host }).done(function (answer) {
      if (!answer || typeof answer.ok !== 'boolean') return;
      addresses[host] = answer;
      // Validate again with the answer: in the open dialog, or the node in the workspace.
      if (editing(node)) $('#node-config-input-host').trigger('change');
      else if (!answer.ok && RED.editor.validateNode && node.id) {
        RED.editor.validateNode(node);
        if (RED.view && RED.view.redraw) RED.view.redraw(true);
      }
    });
  }
  function addressRule() {
    return function (v, _opt) {
      var host = String(v === undefined || v === null ? '' : v).trim();
      if (host === '') return true;
      var known = addresses[host];
      if (known) return known.ok || known.error;
      if (known === undefined) askAddress(this, host);
      return !/\s/.test(host) && !/^[a-z][a-z0-9+.-]*:\/\/[^/]*\/./i.test(host);
    };
  }

  // --- dialog pieces --------------------------------------------------------------------

  /** Fills a select with choices (keeping the current value), each labelled from the catalogue. */
  function fillSelect(node, select, choices, labelKey) {
    var current = select.val();
    if (current === null || current === undefined) current = '';
    select.find('option').remove();
    choices.forEach(function (c) {
      var label = labelKey ? text(node, labelKey + '.' + c) : String(c);
      if (labelKey && label === labelKey + '.' + c) label = String(c);
      select.append($('<option></option>').val(String(c)).text(label));
    });
    select.val(String(current));
  }

  /**
   * A select whose choices come from a table: until it arrives it holds only the saved value
   * (so saving keeps it), then every choice. `path` names the list in the tables.
   */
  function tableSelect(node, prop, path, labelKey) {
    var select = $('#node-input-' + prop);
    var saved = node[prop] === undefined || node[prop] === null ? node._def.defaults[prop].value : node[prop];
    var current = saved === undefined || saved === null ? '' : String(saved);
    fillSelect(node, select, current === '' ? [] : [current], labelKey);
    select.val(current);
    withTables(function () {
      var choices = table(path);
      if (!Array.isArray(choices)) return;
      fillSelect(node, select, choices, labelKey);
      select.val(current).trigger('change');
    });
    return select;
  }

  /**
   * A typed input on node-input-<prop>, its type kept in node-input-<prop>Type. The types
   * come from the runtime's table; until it arrives only the saved type is offered.
   * `fixed` replaces built-in types by custom ones (e.g. a fixed date).
   */
  function typedInput(node, prop, fixed) {
    var input = $('#node-input-' + prop);
    var typeField = $('#node-input-' + prop + 'Type');
    var fallback = node._def.defaults[prop + 'Type'];
    var saved = node[prop + 'Type'] || (fallback && fallback.value) || 'msg';
    function types(list) {
      return list.map(function (t) {
        return fixed && fixed[t] ? fixed[t] : t;
      });
    }
    // An inline width is what makes Node-RED's typed input follow the dialog's width.
    input.css('width', 'calc(100% - 150px)');
    input.typedInput({ default: saved, types: types([saved]), typeField: typeField });
    input.typedInput('type', saved);
    withTables(function () {
      var list = table('typedInputs.' + node.type + '.' + prop);
      if (!Array.isArray(list)) return;
      input.typedInput('types', types(list));
      input.typedInput('type', typeField.val() || saved);
    });
    return input;
  }

  var styled = false;
  function addStyle() {
    if (styled) return;
    styled = true;
    $('<style id="v2c-trydan-editor-style"></style>')
      .text(
        '.v2c-form .form-row > label:first-child { width: 140px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }' +
          '.v2c-form .form-row > input[type="text"], .v2c-form .form-row > input[type="password"], .v2c-form .form-row > select,' +
          ' .v2c-form .form-row > .red-ui-typedInput-container { width: calc(100% - 150px); }' +
          '.v2c-form .form-row > input.v2c-short { width: 80px; }' +
          '.v2c-form .v2c-indent { padding-left: 144px; }' +
          '.v2c-form .form-row > input[type="checkbox"] + label { width: calc(100% - 170px); white-space: normal; }' +
          '.red-ui-tab.v2c-tab-invalid .red-ui-tab-label { color: var(--red-ui-text-color-error, #d6615f); }' +
          '.red-ui-tab.v2c-tab-invalid { box-shadow: inset 0 -3px 0 var(--red-ui-text-color-error, #d6615f); }'
      )
      .appendTo('head');
  }

  /**
   * Tabs whose content (the element with the tab's id) holds an invalid field get a red mark.
   * Node-RED validates every field on each change; the marks follow right after.
   */
  function markTabs(ids) {
    function refresh() {
      ids.forEach(function (id) {
        var invalid = $('#' + id).find('.input-error').length > 0;
        $('#red-ui-tab-' + id.replace('.', '-')).toggleClass('v2c-tab-invalid', invalid);
      });
    }
    var later = function () {
      setTimeout(refresh, 0);
    };
    ids.forEach(function (id) {
      $('#' + id).on('change keyup paste input', later);
    });
    later();
    setTimeout(refresh, 100);
    withTables(later);
    return refresh;
  }

  // --- node definitions -----------------------------------------------------------------

  /** The saved defaults a node from an older flow lacks: shown in the dialog as the runtime fills them in (migrate). */
  function showMissingDefaults(node) {
    Object.keys(node._def.defaults).forEach(function (key) {
      if (node[key] !== undefined) return;
      var input = $('#node-input-' + key);
      var value = node._def.defaults[key].value;
      if (input.attr('type') === 'checkbox') input.prop('checked', value === true);
      else input.val(value);
    });
  }

  /**
   * Registers a node type with the package's look and labels:
   *   category, colour, the icon <type>.svg, version; `server` (a charger, required unless
   *   def.server is 'optional'); paletteLabel, label, port labels from the catalogue
   *   (<type>.paletteLabel, .defaultName, .inputLabel, .outputLabel or .outputLabel.<key>).
   * def.describe(): the label of an unnamed node; def.outputKeys: one key per output;
   * def.prepare(): the dialog's own set-up.
   */
  function node(type, def) {
    var defaults = { name: { value: '' } };
    if (def.server !== false) defaults.server = { value: '', type: 'v2c-config', required: def.server !== 'optional' };
    Object.keys(def.defaults || {}).forEach(function (k) {
      defaults[k] = def.defaults[k];
    });
    defaults.version = { value: VERSION };
    var outputs = def.outputs === undefined ? 1 : def.outputs;
    var registered = {
      category: CATEGORY,
      color: COLOR,
      defaults: defaults,
      inputs: def.inputs === undefined ? 1 : def.inputs,
      outputs: outputs,
      icon: type + '.svg',
      paletteLabel: function () {
        return this._(type + '.paletteLabel');
      },
      label: function () {
        return this.name || (def.describe && def.describe.call(this)) || this._(type + '.defaultName');
      },
      labelStyle: function () {
        return this.name ? 'node_label_italic' : '';
      },
      inputLabels: function () {
        return this._(type + '.inputLabel');
      },
      outputLabels: function (i) {
        return this._(def.outputKeys ? type + '.outputLabel.' + def.outputKeys[i] : type + '.outputLabel');
      },
      oneditprepare: function () {
        addStyle();
        $('#node-input-name').closest('form').addClass('v2c-form');
        showMissingDefaults(this);
        if (def.prepare) def.prepare.call(this);
      }
    };
    registered.oneditsave = saveVersion(def.oneditsave);
    ['align', 'credentials', 'oneditresize'].forEach(function (k) {
      if (def[k] !== undefined) registered[k] = def[k];
    });
    RED.nodes.registerType(type, registered);
    return registered;
  }

  /**
   * Saving a dialog saves every field of the current version (older nodes were shown their
   * defaults), so the node is then of the current version.
   */
  function saveVersion(own) {
    return function () {
      this.version = VERSION;
      return own ? own.apply(this, arguments) : undefined;
    };
  }

  /** The charger (config node): no palette entry; titled and labelled like the palette nodes. */
  function configNode(type, def) {
    var defaults = { name: { value: '' } };
    Object.keys(def.defaults || {}).forEach(function (k) {
      defaults[k] = def.defaults[k];
    });
    defaults.version = { value: VERSION };
    var registered = {
      category: 'config',
      defaults: defaults,
      credentials: def.credentials,
      paletteLabel: function () {
        return this._(type + '.paletteLabel');
      },
      label: function () {
        return this.name || (def.describe && def.describe.call(this)) || this._(type + '.defaultName');
      },
      oneditsave: saveVersion(def.oneditsave),
      oneditprepare: function () {
        addStyle();
        $('#node-config-input-name').closest('form').addClass('v2c-form');
        showMissingDefaults(this);
        if (def.prepare) def.prepare.call(this);
      }
    };
    RED.nodes.registerType(type, registered);
    return registered;
  }

  /**
   * A cloud node that does one of several actions (RFID cards, power profiles): the actions
   * and the parameters each takes come from the runtime's table; the parameters from a typed
   * input (msg.payload by default); the tip says what the chosen action needs.
   */
  function actionNode(type, def) {
    return node(type, {
      defaults: {
        action: { value: 'list', validate: actionChoice(type) },
        params: { value: 'payload', validate: typedValue('params') },
        paramsType: { value: 'msg' }
      },
      describe: function () {
        return this.action ? this._(type + '.nodeLabel', { action: this._(type + '.action.' + this.action) }) : '';
      },
      prepare: function () {
        prepareAction(this, type);
        if (def && def.prepare) def.prepare.call(this);
      }
    });
  }

  function prepareAction(n, type) {
    var action = $('#node-input-action');
    var current = n.action === undefined ? 'list' : n.action;
    function fill(names) {
      action.find('option').remove();
      names.concat(['']).forEach(function (name) {
        action.append($('<option></option>').val(name).text(n._(type + '.action.' + (name || 'fromMessage'))));
      });
      action.val(current);
    }
    fill(current ? [current] : []);
    withTables(function () {
      var list = table('actions.' + type);
      if (Array.isArray(list)) fill(list.map(function (a) { return a.name; }));
      action.trigger('change');
    });
    typedInput(n, 'params');
    action
      .on('change', function () {
        current = action.val() || '';
        $('#' + type + '-payload').html(n._(type + '.payload.' + (current || 'fromMessage')));
      })
      .trigger('change');
  }

  function actionChoice(type) {
    return function (v) {
      var list = table('actions.' + type);
      if (missing(v)) return true;
      if (!Array.isArray(list)) return typeof v === 'string';
      return v === '' || v === undefined || list.some(function (a) { return a.name === v; });
    };
  }

  // Asked for as the editor loads, so validators have the tables before the first dialog;
  // nodes validated before they arrived are validated again with them.
  withTables(function () {
    if (!RED.nodes.eachNode || !RED.editor || !RED.editor.validateNode) return;
    var ours = [];
    var collect = function (n) {
      if (/^v2c-/.test(n.type)) ours.push(n);
    };
    RED.nodes.eachNode(collect);
    if (RED.nodes.eachConfig) RED.nodes.eachConfig(collect);
    ours.forEach(function (n) {
      RED.editor.validateNode(n);
    });
    if (ours.length && RED.view && RED.view.redraw) RED.view.redraw(true);
  });

  root.V2cTrydan = {
    CATEGORY: CATEGORY,
    COLOR: COLOR,
    VERSION: VERSION,
    node: node,
    configNode: configNode,
    actionNode: actionNode,
    withTables: withTables,
    table: table,
    fieldValue: fieldValue,
    surplusSetting: surplusSetting,
    choiceOf: choiceOf,
    typedValue: typedValue,
    addressRule: addressRule,
    tableSelect: tableSelect,
    typedInput: typedInput,
    markTabs: markTabs
  };
})(typeof window !== 'undefined' ? window : this);
