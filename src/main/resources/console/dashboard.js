/*
 * The live dashboard: one EventSource per range. The server sends the whole view once ("view"),
 * then the buckets still moving with fresh totals on every change ("tail"); nothing is polled.
 * Counts from 1 to 4 arrive as "<5" and are shown so: nothing here adds them up.
 */
(function () {
  'use strict';
  var T = window.Taama;
  T.addTexts({
    fr: {
      'dash.lead': 'Ce que le service fait, en direct, sans jamais un numéro. Les nombres de 1 à 4 sont affichés « < 5 ».',
      'dash.range': 'Période',
      'dash.tiles': 'Chiffres clés',
      'dash.small': 'Pour qu’aucune personne ne puisse être reconnue, tout nombre de 1 à 4 est affiché « < 5 » (points des courbes compris, tracés à mi-hauteur en gris). Heures en temps universel (heure de Bamako).',
      'range.1h': '1 h', 'range.24h': '24 h', 'range.7d': '7 j', 'range.30d': '30 j', 'range.90d': '90 j',
      'live.connecting': 'Connexion…', 'live.live': 'En direct', 'live.lost': 'Reconnexion…',
      'step.minute': 'par minute', 'step.day': 'par jour',
      'tile.ussd_sessions': 'Sessions USSD', 'tile.ussd_hops': 'Écrans USSD',
      'tile.messages_in': 'Messages reçus', 'tile.messages_out': 'Messages envoyés',
      'tile.delivery_rate': 'Taux de remise', 'tile.opt_ins': 'Inscriptions', 'tile.opt_outs': 'Désinscriptions',
      'tile.selfchecks': 'Auto-tests terminés', 'tile.cases_opened': 'Rappels demandés',
      'tile.directory_views': 'Annuaire consulté', 'tile.unavailable': 'Excuses « indisponible »',
      'tile.rate.none': 'moins de 5 remises connues',
      'chart.ussd': 'USSD : sessions et écrans', 'chart.messages': 'Messages par canal',
      'chart.consent': 'Inscriptions et désinscriptions', 'chart.help': 'Auto-tests, rappels et excuses',
      's.sessions': 'Sessions', 's.hops': 'Écrans', 's.in.sms': 'Reçus SMS', 's.in.whatsapp': 'Reçus WhatsApp',
      's.out.sms': 'Envoyés SMS', 's.out.whatsapp': 'Envoyés WhatsApp',
      's.optin.ussd': 'Inscrits USSD', 's.optin.sms': 'Inscrits SMS', 's.optin.whatsapp': 'Inscrits WhatsApp',
      's.optout.ussd': 'Désinscrits USSD', 's.optout.sms': 'Désinscrits SMS', 's.optout.whatsapp': 'Désinscrits WhatsApp',
      's.time': 'Heure', 's.selfcheck': 'Auto-tests', 's.cases': 'Rappels', 's.unavailable.ussd': 'Excuses USSD',
      's.unavailable.sms': 'Excuses SMS', 's.unavailable.whatsapp': 'Excuses WhatsApp', 's.small': '< 5 (masqué)',
      'panel.cases': 'Rappels ouverts par statut et ancienneté', 'panel.directory': 'Annuaire : région × type d’aide',
      'panel.languages': 'Langues', 'panel.delivery': 'Statuts de remise', 'panel.screens': 'Écrans les plus vus',
      'panel.selfcheck': 'Auto-test : signes d’alerte répondus',
      'cases.status': 'Statut', 'cases.total': 'Total',
      'band.lt1d': '< 1 j', 'band.1to3d': '1–3 j', 'band.3to7d': '3–7 j', 'band.gt7d': '> 7 j',
      'status.new': 'Nouveau', 'status.contacted': 'Contacté', 'status.referred': 'Orienté', 'status.closed': 'Clos (conservés)',
      'kind.economic': 'Économique', 'kind.social': 'Sociale', 'kind.psychosocial': 'Psychosociale', 'region': 'Région',
      'lang.fr': 'Français', 'lang.bm': 'Bamanankan', 'none': 'Rien sur cette période.', 'question': 'Question {n}'
    },
    en: {
      'dash.lead': 'What the service does, live, never with a number. Counts from 1 to 4 show as “< 5”.',
      'dash.range': 'Range',
      'dash.tiles': 'Key figures',
      'dash.small': 'So that nobody can be recognised, every count from 1 to 4 shows as “< 5” (chart points too, drawn half-way up in grey). Times are UTC (Bamako time).',
      'range.1h': '1 h', 'range.24h': '24 h', 'range.7d': '7 d', 'range.30d': '30 d', 'range.90d': '90 d',
      'live.connecting': 'Connecting…', 'live.live': 'Live', 'live.lost': 'Reconnecting…',
      'step.minute': 'per minute', 'step.day': 'per day',
      'tile.ussd_sessions': 'USSD sessions', 'tile.ussd_hops': 'USSD screens',
      'tile.messages_in': 'Messages in', 'tile.messages_out': 'Messages out',
      'tile.delivery_rate': 'Delivery rate', 'tile.opt_ins': 'Opt-ins', 'tile.opt_outs': 'Opt-outs',
      'tile.selfchecks': 'Self-checks done', 'tile.cases_opened': 'Call-backs asked',
      'tile.directory_views': 'Directory views', 'tile.unavailable': '“Unavailable” apologies',
      'tile.rate.none': 'fewer than 5 known outcomes',
      'chart.ussd': 'USSD: sessions and screens', 'chart.messages': 'Messages per channel',
      'chart.consent': 'Opt-ins and opt-outs', 'chart.help': 'Self-checks, call-backs and apologies',
      's.sessions': 'Sessions', 's.hops': 'Screens', 's.in.sms': 'SMS in', 's.in.whatsapp': 'WhatsApp in',
      's.out.sms': 'SMS out', 's.out.whatsapp': 'WhatsApp out',
      's.optin.ussd': 'Opt-in USSD', 's.optin.sms': 'Opt-in SMS', 's.optin.whatsapp': 'Opt-in WhatsApp',
      's.optout.ussd': 'Opt-out USSD', 's.optout.sms': 'Opt-out SMS', 's.optout.whatsapp': 'Opt-out WhatsApp',
      's.time': 'Time', 's.selfcheck': 'Self-checks', 's.cases': 'Call-backs', 's.unavailable.ussd': 'Apologies USSD',
      's.unavailable.sms': 'Apologies SMS', 's.unavailable.whatsapp': 'Apologies WhatsApp', 's.small': '< 5 (hidden)',
      'panel.cases': 'Open call-backs by status and age', 'panel.directory': 'Directory: region × kind of help',
      'panel.languages': 'Languages', 'panel.delivery': 'Delivery statuses', 'panel.screens': 'Most viewed screens',
      'panel.selfcheck': 'Self-check: warning signs answered',
      'cases.status': 'Status', 'cases.total': 'Total',
      'band.lt1d': '< 1 d', 'band.1to3d': '1–3 d', 'band.3to7d': '3–7 d', 'band.gt7d': '> 7 d',
      'status.new': 'New', 'status.contacted': 'Contacted', 'status.referred': 'Referred', 'status.closed': 'Closed (kept)',
      'kind.economic': 'Economic', 'kind.social': 'Social', 'kind.psychosocial': 'Psychosocial', 'region': 'Region',
      'lang.fr': 'French', 'lang.bm': 'Bambara', 'none': 'Nothing in this range.', 'question': 'Question {n}'
    }
  });

  var SMALL = '<5';
  var TILES = [
    ['ussd_sessions', '#0b5d57'], ['ussd_hops', '#138a7e'], ['messages_in', '#1c4f8a'], ['messages_out', '#3b7dd8'],
    ['delivery_rate', '#1d6b34'], ['opt_ins', '#5b8c2a'], ['opt_outs', '#c2571a'], ['selfchecks', '#6f4aa8'],
    ['cases_opened', '#8a5a00'], ['directory_views', '#0e6f8f'], ['unavailable', '#b3261e']
  ];
  var CHARTS = {
    'chart-ussd': [['ussd.sessions', 's.sessions', '#0b5d57'], ['ussd.hops', 's.hops', '#7fc4b8']],
    'chart-messages': [['in:sms', 's.in.sms', '#1c4f8a'], ['in:whatsapp', 's.in.whatsapp', '#2f9e57'],
      ['out:sms', 's.out.sms', '#7aa7e0'], ['out:whatsapp', 's.out.whatsapp', '#9ad3a9']],
    'chart-consent': [['optin:ussd', 's.optin.ussd', '#0b5d57'], ['optin:sms', 's.optin.sms', '#1c4f8a'],
      ['optin:whatsapp', 's.optin.whatsapp', '#2f9e57'], ['optout:ussd', 's.optout.ussd', '#c2571a'],
      ['optout:sms', 's.optout.sms', '#e08a4a'], ['optout:whatsapp', 's.optout.whatsapp', '#b3261e']],
    'chart-help': [['selfcheck.done', 's.selfcheck', '#6f4aa8'], ['cases.opened', 's.cases', '#8a5a00'],
      ['unavailable:ussd', 's.unavailable.ussd', '#b3261e'], ['unavailable:sms', 's.unavailable.sms', '#e0736b'],
      ['unavailable:whatsapp', 's.unavailable.whatsapp', '#f0aaa4']]
  };
  var REGIONS = [['bamako', 'Bamako'], ['kayes', 'Kayes'], ['koulikoro', 'Koulikoro'], ['sikasso', 'Sikasso'],
    ['segou', 'Ségou'], ['mopti', 'Mopti'], ['tombouctou', 'Tombouctou'], ['gao', 'Gao'], ['kidal', 'Kidal'],
    ['taoudenit', 'Taoudénit'], ['menaka', 'Ménaka'], ['nioro', 'Nioro'], ['kita', 'Kita'], ['nara', 'Nara'],
    ['dioila', 'Dioïla'], ['bougouni', 'Bougouni'], ['koutiala', 'Koutiala'], ['san', 'San'], ['bandiagara', 'Bandiagara'],
    ['douentza', 'Douentza']];
  var KINDS = ['economic', 'social', 'psychosocial'];

  var state = null;       // the view being shown: from, step_ms, count, series, totals, tiles, cases
  var plots = {};
  var source = null;
  var range = '24h';
  var el = T.el;

  function isSmall(v) { return v === SMALL; }
  function num(v) { return typeof v === 'number' ? v : 0; }
  /** A count as people read it: "< 5", or the number with thin-space thousands. */
  function show(v) {
    if (isSmall(v)) return '< 5';
    if (v === null || v === undefined) return '0';
    return Number(v).toLocaleString(T.lang === 'en' ? 'en-GB' : 'fr-FR');
  }
  /** For ordering and bar lengths only: "< 5" somewhere under five. */
  function weight(v) { return isSmall(v) ? 2.5 : num(v); }

  // ---------------------------------------------------------------- tiles

  function renderTiles() {
    var box = document.getElementById('tiles');
    TILES.forEach(function (t) {
      var key = t[0];
      var tile = document.getElementById('tile-' + key);
      if (!tile) {
        tile = el('div', { 'class': 'tile', id: 'tile-' + key, style: null },
          el('div', { 'class': 'tile-label' }, T.t('tile.' + key)),
          el('div', { 'class': 'tile-value', 'data-tile': key }, '—'),
          el('div', { 'class': 'tile-hint' }, ''));
        tile.style.setProperty('--tile', t[1]);
        box.appendChild(tile);
      }
      tile.querySelector('.tile-label').textContent = T.t('tile.' + key);
      var value = state.tiles[key];
      var text;
      var hint = '';
      if (key === 'delivery_rate') {
        text = value === null || value === undefined ? '—' : (Math.round(value * 1000) / 10).toLocaleString(T.lang === 'en' ? 'en-GB' : 'fr-FR') + ' %';
        if (value === null || value === undefined) hint = T.t('tile.rate.none');
        else hint = show(state.tiles.delivered) + ' / ' + show(num(state.tiles.delivered) + num(state.tiles.failed));
      } else {
        text = show(value);
      }
      var v = tile.querySelector('.tile-value');
      if (v.textContent !== text && v.textContent !== '—') {
        tile.classList.remove('flash');
        void tile.offsetWidth;
        tile.classList.add('flash');
      }
      v.textContent = text;
      v.classList.toggle('small', isSmall(value));
      tile.querySelector('.tile-hint').textContent = hint;
    });
  }

  // ---------------------------------------------------------------- charts

  function chartData(fields) {
    var xs = [];
    for (var i = 0; i < state.count; i++) xs.push((state.from + i * state.step_ms) / 1000);
    var data = [xs];
    var masked = xs.map(function () { return null; });
    fields.forEach(function (f) {
      var points = state.series[f[0]] || [];
      data.push(xs.map(function (x, i) {
        var v = points[i];
        if (isSmall(v)) { masked[i] = 2.5; return null; }
        return num(v);
      }));
    });
    data.push(masked);
    return data;
  }

  /** An axis label: the hour (minutes) or the day (days), in the console's language, in UTC. */
  function axisTime(seconds, minutes) {
    var locale = T.lang === 'en' ? 'en-GB' : 'fr-FR';
    var opts = minutes ? { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' } : { day: 'numeric', month: 'short', timeZone: 'UTC' };
    try {
      return new Intl.DateTimeFormat(locale, opts).format(new Date(seconds * 1000));
    } catch (e) {
      return new Date(seconds * 1000).toISOString().substring(minutes ? 11 : 5, minutes ? 16 : 10);
    }
  }

  function chartOptions(id, fields, width) {
    var minutes = state.step_ms === 60000;
    var series = [{ label: T.t('s.time'), value: function (u, v) { return v === null ? '' : T.formatTime(new Date(v * 1000).toISOString()); } }];
    fields.forEach(function (f) {
      series.push({ label: T.t(f[1]), stroke: f[2], width: 2, fill: f[2] + '14', points: { show: false },
        paths: minutes ? undefined : uPlot.paths.bars({ size: [0.7, 28], gap: 1 }),
        value: function (u, v) { return v === null ? '' : show(v); } });
    });
    series.push({ label: T.t('s.small'), stroke: '#8a96a3', width: 0, paths: function () { return null; },
      points: { show: true, size: 6, stroke: '#8a96a3', fill: '#ffffff', width: 1.5 },
      value: function (u, v) { return v === null ? '' : '< 5'; } });
    return {
      width: width, height: 230, series: series,
      // Bucket times are UTC, which is Bamako's time all year.
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(5, Math.ceil(max * 1.15))]; } } },
      axes: [
        { stroke: '#6b7785', grid: { stroke: '#eef1f5' }, ticks: { stroke: '#dde3ea' },
          values: function (u, splits) { return splits.map(function (v) { return axisTime(v, minutes); }); } },
        { stroke: '#6b7785', grid: { stroke: '#eef1f5' }, ticks: { stroke: '#dde3ea' }, size: 44,
          values: function (u, vals) { return vals.map(function (v) { return Number.isInteger(v) ? v : ''; }); } }
      ],
      cursor: { points: { size: 6 } },
      legend: { live: true }
    };
  }

  function renderCharts(rebuild) {
    Object.keys(CHARTS).forEach(function (id) {
      var box = document.getElementById(id);
      var data = chartData(CHARTS[id]);
      if (plots[id] && !rebuild) {
        plots[id].setData(data);
        return;
      }
      if (plots[id]) plots[id].destroy();
      box.textContent = '';
      plots[id] = new uPlot(chartOptions(id, CHARTS[id], Math.max(280, box.clientWidth - 24)), data, box);
    });
    var label = T.t(state.step_ms === 60000 ? 'step.minute' : 'step.day');
    document.querySelectorAll('.step-label').forEach(function (s) { s.textContent = label; });
  }

  var resizing = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      Object.keys(plots).forEach(function (id) {
        var box = document.getElementById(id);
        plots[id].setSize({ width: Math.max(280, box.clientWidth - 24), height: 230 });
      });
    }, 150);
  });

  // ---------------------------------------------------------------- panels

  function cellClass(v, max) {
    if (isSmall(v)) return 'cell-small';
    var n = num(v);
    if (n === 0) return 'cell-0';
    var q = max <= 0 ? 1 : n / max;
    return q > .75 ? 'cell-4' : q > .5 ? 'cell-3' : q > .25 ? 'cell-2' : 'cell-1';
  }

  function renderCases() {
    var table = document.getElementById('cases');
    var bands = state.cases.bands || [];
    table.textContent = '';
    table.classList.add('compact');
    table.appendChild(el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, T.t('cases.status')),
      bands.map(function (b) { return el('th', { scope: 'col' }, T.t('band.' + b)); }),
      el('th', { scope: 'col' }, T.t('cases.total')))));
    var body = el('tbody');
    ['new', 'contacted', 'referred', 'closed'].forEach(function (s) {
      var row = state.cases[s];
      if (!row) return;
      body.appendChild(el('tr', { 'data-status': s },
        el('th', { scope: 'row' }, T.badge(s, T.t('status.' + s))),
        s === 'closed' ? el('td', { colspan: String(bands.length), 'class': 'muted' }, '')
          : row.by_age.map(function (v) { return el('td', { 'class': 'num' }, show(v)); }),
        el('td', { 'class': 'num' }, el('strong', {}, show(row.total)))));
    });
    table.appendChild(body);
  }

  function renderDirectory() {
    var table = document.getElementById('directory');
    table.textContent = '';
    table.classList.add('compact');
    var max = 0;
    REGIONS.forEach(function (r) { KINDS.forEach(function (k) { max = Math.max(max, num(state.totals['directory:' + r[0] + ':' + k])); }); });
    table.appendChild(el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, T.t('region')),
      KINDS.map(function (k) { return el('th', { scope: 'col' }, T.t('kind.' + k)); }))));
    var body = el('tbody');
    REGIONS.forEach(function (r) {
      body.appendChild(el('tr', {}, el('th', { scope: 'row' }, r[1]), KINDS.map(function (k) {
        var v = state.totals['directory:' + r[0] + ':' + k] || 0;
        return el('td', { 'class': 'num ' + cellClass(v, max), 'data-cell': r[0] + ':' + k }, show(v));
      })));
    });
    table.appendChild(body);
  }

  function bars(id, prefix, label, limit) {
    var box = document.getElementById(id);
    var items = Object.keys(state.totals).filter(function (f) { return f.indexOf(prefix) === 0; })
      .map(function (f) { return [f.substring(prefix.length), state.totals[f]]; })
      .sort(function (a, b) { return weight(b[1]) - weight(a[1]) || (a[0] < b[0] ? -1 : 1); });
    if (limit) items = items.slice(0, limit);
    box.textContent = '';
    if (!items.length) {
      box.appendChild(el('p', { 'class': 'empty-note' }, T.t('none')));
      return;
    }
    var max = Math.max.apply(null, items.map(function (i) { return weight(i[1]); }).concat([5]));
    items.forEach(function (i) {
      var fill = el('span', { 'class': 'bar-fill' + (isSmall(i[1]) ? ' small' : '') });
      fill.style.width = Math.max(2, 100 * weight(i[1]) / max) + '%';
      var name = label(i[0]);
      box.appendChild(el('div', { 'class': 'bar', title: name },
        el('span', { 'class': 'bar-name' }, name), el('span', { 'class': 'bar-track' }, fill),
        el('span', { 'class': 'bar-value' }, show(i[1]))));
    });
  }

  function renderPanels() {
    renderCases();
    renderDirectory();
    bars('languages', 'lang:', function (l) { return T.t('lang.' + l); });
    bars('delivery', 'delivery:', function (s) { return s.replace(/_/g, ' '); });
    bars('screens', 'screen:', function (s) { return s; }, 10);
    bars('selfcheck', 'tally:', function (s) {
      var q = /^selfcheck\.q(\d+)$/.exec(s);
      return q ? T.t('question', { n: q[1] }) : s;
    });
  }

  function render(rebuild) {
    renderTiles();
    renderCharts(rebuild);
    renderPanels();
  }

  // ---------------------------------------------------------------- live

  /** Puts the last buckets of a tail into the view, moving the window on when a new bucket began. */
  function merge(tail) {
    var step = state.step_ms;
    var fields = Object.keys(state.series);
    Object.keys(tail.series).forEach(function (f) {
      if (!state.series[f]) {
        state.series[f] = new Array(state.count).fill(0);
        fields.push(f);
      }
    });
    var lastStart = tail.from + (tail.count - 1) * step;
    var shift = Math.round((lastStart - (state.from + (state.count - 1) * step)) / step);
    if (shift > 0) {
      fields.forEach(function (f) {
        var a = state.series[f];
        a.splice(0, Math.min(shift, a.length));
        while (a.length < state.count) a.push(0);
      });
      state.from += shift * step;
    }
    for (var i = 0; i < tail.count; i++) {
      var index = Math.round((tail.from + i * step - state.from) / step);
      if (index < 0 || index >= state.count) continue;
      fields.forEach(function (f) { state.series[f][index] = tail.series[f] ? tail.series[f][i] : 0; });
    }
    state.totals = tail.totals;
    state.tiles = tail.tiles;
    state.cases = tail.cases;
  }

  function setLive(s) {
    var box = document.getElementById('live-state');
    box.setAttribute('data-state', s);
    document.getElementById('live-text').textContent = T.t('live.' + s);
  }

  function connect() {
    if (source) source.close();
    setLive('connecting');
    source = new EventSource('/api/stats/live?range=' + encodeURIComponent(range));
    source.addEventListener('view', function (e) {
      state = JSON.parse(e.data);
      setLive('live');
      render(true);
    });
    source.addEventListener('tail', function (e) {
      var tail = JSON.parse(e.data);
      if (!state || tail.range !== state.range) return;
      merge(tail);
      render(false);
    });
    source.onerror = function () {
      setLive('lost');
      // Closed for good (a refusal, not a dropped line): find out why, e.g. a session that ended.
      if (source.readyState === EventSource.CLOSED) {
        T.api('GET', '/api/me').then(function () { setTimeout(connect, 3000); }, function () { });
      }
    };
  }

  function pick(r) {
    range = r;
    document.querySelectorAll('#range button').forEach(function (b) {
      b.setAttribute('aria-pressed', b.getAttribute('data-range') === r ? 'true' : 'false');
    });
    try { history.replaceState(null, '', '?range=' + r); } catch (e) { /* file or sandbox */ }
    connect();
  }

  T.ready(function () {
    var asked = new URLSearchParams(window.location.search).get('range');
    document.querySelectorAll('#range button').forEach(function (b) {
      b.addEventListener('click', function () { pick(b.getAttribute('data-range')); });
    });
    pick(['1h', '24h', '7d', '30d', '90d'].indexOf(asked) >= 0 ? asked : '24h');
  });
  document.addEventListener('taama:lang', function () { if (state) render(true); setLive(document.getElementById('live-state').getAttribute('data-state')); });
})();
