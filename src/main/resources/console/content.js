/*
 * The content view: every screen of every flow with its size per language and channel, and each
 * Bambara text's review status, from GET /api/content/screens. Sorting and filtering happen here.
 */
(function () {
  'use strict';
  Taama.addTexts({
    fr: {
      'content.lead': 'Chaque écran de chaque flux, mesuré comme le téléphone le compte, en français et en bambara, et l’état de relecture des textes bambara.',
      'content.search': 'Rechercher', 'content.search.placeholder': 'Écran, clé ou texte…',
      'content.flow': 'Flux', 'content.all': 'Tous', 'content.review': 'Relecture bambara',
      'content.review.unreviewed': 'À relire', 'content.review.partly': 'En partie relu', 'content.review.reviewed': 'Relu',
      'content.size': 'Taille', 'content.size.paged': 'Sur plusieurs écrans USSD', 'content.size.ucs2': 'UCS-2 (80 caractères)',
      'content.size.near': 'Écran plein à plus de 90 %',
      'content.col.screen': 'Écran', 'content.col.kind': 'Type', 'content.col.fr_ussd': 'FR · USSD', 'content.col.bm_ussd': 'BM · USSD',
      'content.col.fr_sms': 'FR · SMS', 'content.col.bm_sms': 'BM · SMS', 'content.col.wa': 'BM · WhatsApp', 'content.col.review': 'Bambara',
      'content.count': '{shown} écrans sur {total}',
      'content.stat.screens': 'écrans', 'content.stat.unreviewed': 'textes bambara à relire', 'content.stat.paged': 'écrans sur plusieurs pages USSD',
      'content.stat.too_long': 'écrans trop longs',
      'content.pages': '{n} écrans', 'content.segments': '{n} seg.',
      'content.first_screen': 'Premier écran USSD ({lang})', 'content.texts': 'Textes', 'content.reviewed': 'relu', 'content.unreviewed': 'à relire',
      'content.none': 'Aucun écran ne correspond.'
    },
    en: {
      'content.lead': 'Every screen of every flow, measured as the phone counts it, in French and Bambara, and the review status of each Bambara text.',
      'content.search': 'Search', 'content.search.placeholder': 'Screen, key or text…',
      'content.flow': 'Flow', 'content.all': 'All', 'content.review': 'Bambara review',
      'content.review.unreviewed': 'To review', 'content.review.partly': 'Partly reviewed', 'content.review.reviewed': 'Reviewed',
      'content.size': 'Size', 'content.size.paged': 'On several USSD screens', 'content.size.ucs2': 'UCS-2 (80 characters)',
      'content.size.near': 'Screen over 90 % full',
      'content.col.screen': 'Screen', 'content.col.kind': 'Kind', 'content.col.fr_ussd': 'FR · USSD', 'content.col.bm_ussd': 'BM · USSD',
      'content.col.fr_sms': 'FR · SMS', 'content.col.bm_sms': 'BM · SMS', 'content.col.wa': 'BM · WhatsApp', 'content.col.review': 'Bambara',
      'content.count': '{shown} of {total} screens',
      'content.stat.screens': 'screens', 'content.stat.unreviewed': 'Bambara texts to review', 'content.stat.paged': 'screens over several USSD pages',
      'content.stat.too_long': 'screens too long',
      'content.pages': '{n} screens', 'content.segments': '{n} seg.',
      'content.first_screen': 'First USSD screen ({lang})', 'content.texts': 'Texts', 'content.reviewed': 'reviewed', 'content.unreviewed': 'to review',
      'content.none': 'No screen matches.'
    }
  });
  var el = Taama.el;
  var all = [];
  var sort = { key: 'id', dir: 1 };
  var open = null;

  function $(id) { return document.getElementById(id); }

  function s(row, lang, channel) { return row.sizes[lang][channel]; }

  function value(row, key) {
    switch (key) {
      case 'kind': return row.kind;
      case 'fr_ussd': return s(row, 'fr', 'ussd').used / s(row, 'fr', 'ussd').limit + s(row, 'fr', 'ussd').pages;
      case 'bm_ussd': return s(row, 'bm', 'ussd').used / s(row, 'bm', 'ussd').limit + s(row, 'bm', 'ussd').pages;
      case 'fr_sms': return s(row, 'fr', 'sms').segments;
      case 'bm_sms': return s(row, 'bm', 'sms').segments;
      case 'bm_wa': return s(row, 'bm', 'whatsapp').characters;
      case 'review': return row.bm_unreviewed;
      default: return row.id;
    }
  }

  function ussdCell(u) {
    var ratio = u.used / u.limit;
    var cls = 'size' + (u.fits ? '' : ' over') + (u.encoding === 'UCS-2' ? ' ucs2' : '');
    return el('td', { 'class': cls, title: u.encoding },
      u.used + ' / ' + u.limit, ' ',
      el('small', {}, u.pages > 1 ? Taama.t('content.pages', { n: u.pages }) : (Math.round(ratio * 100) + ' %')));
  }

  function smsCell(m) {
    return el('td', { 'class': 'size' + (m.encoding === 'UCS-2' ? ' ucs2' : ''), title: m.encoding },
      Taama.t('content.segments', { n: m.segments }));
  }

  function matches(row) {
    var q = $('f-search').value.trim().toLowerCase();
    if (q) {
      var hay = [row.id, row.text].concat(row.texts.map(function (t) { return t.key; }),
        [s(row, 'fr', 'ussd').screen, s(row, 'bm', 'ussd').screen]).join(' ').toLowerCase();
      if (hay.indexOf(q) < 0) return false;
    }
    if ($('f-flow').value && row.flow !== $('f-flow').value) return false;
    if ($('f-review').value && row.bm_review !== $('f-review').value) return false;
    var size = $('f-size').value;
    var fu = s(row, 'fr', 'ussd'), bu = s(row, 'bm', 'ussd');
    if (size === 'paged' && fu.pages < 2 && bu.pages < 2) return false;
    if (size === 'ucs2' && fu.encoding !== 'UCS-2' && bu.encoding !== 'UCS-2') return false;
    if (size === 'near' && fu.used / fu.limit < 0.9 && bu.used / bu.limit < 0.9) return false;
    return true;
  }

  function render() {
    var rows = all.filter(matches).sort(function (a, b) {
      var x = value(a, sort.key), y = value(b, sort.key);
      return (x < y ? -1 : x > y ? 1 : 0) * sort.dir || (a.id < b.id ? -1 : 1);
    });
    var body = $('content-rows');
    body.textContent = '';
    if (!rows.length) body.appendChild(el('tr', {}, el('td', { colspan: '8', 'class': 'empty' }, Taama.t('content.none'))));
    rows.forEach(function (row) {
      var tr = el('tr', { 'data-id': row.id, tabindex: '0', 'aria-expanded': open === row.id ? 'true' : 'false' },
        el('td', {}, el('code', {}, row.id)),
        el('td', {}, row.kind),
        ussdCell(s(row, 'fr', 'ussd')), ussdCell(s(row, 'bm', 'ussd')),
        smsCell(s(row, 'fr', 'sms')), smsCell(s(row, 'bm', 'sms')),
        el('td', { 'class': 'size' }, String(s(row, 'bm', 'whatsapp').characters)),
        el('td', {}, Taama.badge(row.bm_review, Taama.t('content.review.' + row.bm_review)
          + (row.bm_unreviewed ? ' · ' + row.bm_unreviewed : ''))));
      function toggle() { open = open === row.id ? null : row.id; render(); }
      tr.addEventListener('click', toggle);
      tr.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } });
      if (open === row.id) tr.classList.add('selected');
      body.appendChild(tr);
      if (open === row.id) body.appendChild(detail(row));
    });
    $('content-count').textContent = Taama.t('content.count', { shown: rows.length, total: all.length });
  }

  function detail(row) {
    var keys = el('ul', { 'class': 'keys' }, row.texts.map(function (t) {
      return el('li', {}, el('code', {}, t.key),
        Taama.badge(t.bm_reviewed ? 'reviewed' : 'unreviewed', Taama.t(t.bm_reviewed ? 'content.reviewed' : 'content.unreviewed')));
    }));
    return el('tr', { 'class': 'detail' }, el('td', { colspan: '8' }, el('div', { 'class': 'detail-grid' },
      el('div', {}, el('h3', {}, Taama.t('content.first_screen', { lang: 'FR' })), el('pre', { 'class': 'screen-preview' }, s(row, 'fr', 'ussd').screen)),
      el('div', {}, el('h3', {}, Taama.t('content.first_screen', { lang: 'BM' })), el('pre', { 'class': 'screen-preview' }, s(row, 'bm', 'ussd').screen)),
      el('div', {}, el('h3', {}, Taama.t('content.texts')), el('p', { 'class': 'muted' }, row.file), keys))));
  }

  function summary(data) {
    var paged = all.filter(function (r) { return s(r, 'fr', 'ussd').pages > 1 || s(r, 'bm', 'ussd').pages > 1; }).length;
    var box = $('content-summary');
    box.textContent = '';
    [[data.count, 'content.stat.screens'], [data.bm_unreviewed, 'content.stat.unreviewed'], [paged, 'content.stat.paged'],
      [data.too_long, 'content.stat.too_long']].forEach(function (x) {
      box.appendChild(el('div', { 'class': 'stat' }, el('b', {}, String(x[0])), el('span', {}, Taama.t(x[1]))));
    });
  }

  Taama.ready(function () {
    Taama.api('GET', '/api/content/screens').then(function (data) {
      all = data.screens;
      var flows = {};
      all.forEach(function (r) { flows[r.flow] = true; });
      Object.keys(flows).sort().forEach(function (f) { $('f-flow').appendChild(el('option', { value: f }, f)); });
      summary(data);
      render();
    });
    // The search box re-renders as one types; a 'change' on leaving it would replace the row being clicked.
    $('f-search').addEventListener('input', render);
    $('f-search').addEventListener('search', render);
    ['f-flow', 'f-review', 'f-size'].forEach(function (id) { $(id).addEventListener('change', render); });
    $('content-filters').addEventListener('submit', function (e) { e.preventDefault(); });
    document.querySelectorAll('#content-table th[data-sort]').forEach(function (th) {
      th.querySelector('button').addEventListener('click', function () {
        var key = th.getAttribute('data-sort');
        sort = { key: key, dir: sort.key === key ? -sort.dir : 1 };
        document.querySelectorAll('#content-table th[data-sort]').forEach(function (o) { o.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
        render();
      });
    });
    document.addEventListener('taama:lang', render);
  });
})();
