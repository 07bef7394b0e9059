/*
 * What the campaign pages share: the cost preview, the live progress bars (server-sent events from
 * GET /api/campaigns/:id/live; the page never polls) and the texts. Loaded after console.js.
 */
(function () {
  'use strict';
  Taama.addTexts({
    fr: {
      'cv.recipients': 'destinataires', 'cv.segments': 'segments au total', 'cv.messages': 'messages au total',
      'cv.duration': 'durée d’envoi', 'cv.starts': 'début', 'cv.lang': 'Langue', 'cv.encoding': 'Encodage', 'cv.chars': 'Caractères',
      'cv.per': 'Segments / SMS', 'cv.per.wa': 'Message', 'cv.to': 'Destinataires', 'cv.total': 'Total', 'cv.no_warning': 'Aucun avertissement.',
      'cv.sent_as': 'Texte tel qu’envoyé',
      'cv.status.draft': 'Brouillon', 'cv.status.submitted': 'En attente de validation', 'cv.status.approved': 'Approuvée',
      'cv.status.rejected': 'Refusée', 'cv.status.paused': 'En pause', 'cv.status.cancelled': 'Annulée', 'cv.status.finished': 'Terminée',
      'cv.count.audience': 'Audience', 'cv.count.queued': 'En file', 'cv.count.sent': 'Envoyés', 'cv.count.delivered': 'Remis',
      'cv.count.failed': 'Échecs', 'cv.count.opted_out': 'Désabonnés', 'cv.count.skipped': 'Ignorés',
      'cv.live': 'En direct', 'cv.live.off': 'Connexion perdue, reconnexion…', 'cv.not_started': 'L’envoi n’a pas commencé : l’audience est celle d’aujourd’hui.',
      'cv.seconds': '{n} s', 'cv.minutes': '{n} min', 'cv.hours': '{n} h'
    },
    en: {
      'cv.recipients': 'recipients', 'cv.segments': 'segments in all', 'cv.messages': 'messages in all',
      'cv.duration': 'sending time', 'cv.starts': 'starts', 'cv.lang': 'Language', 'cv.encoding': 'Encoding', 'cv.chars': 'Characters',
      'cv.per': 'Segments / SMS', 'cv.per.wa': 'Message', 'cv.to': 'Recipients', 'cv.total': 'Total', 'cv.no_warning': 'No warning.',
      'cv.sent_as': 'Text as sent',
      'cv.status.draft': 'Draft', 'cv.status.submitted': 'Awaiting review', 'cv.status.approved': 'Approved',
      'cv.status.rejected': 'Rejected', 'cv.status.paused': 'Paused', 'cv.status.cancelled': 'Cancelled', 'cv.status.finished': 'Finished',
      'cv.count.audience': 'Audience', 'cv.count.queued': 'Queued', 'cv.count.sent': 'Sent', 'cv.count.delivered': 'Delivered',
      'cv.count.failed': 'Failed', 'cv.count.opted_out': 'Opted out', 'cv.count.skipped': 'Skipped',
      'cv.live': 'Live', 'cv.live.off': 'Connection lost, reconnecting…', 'cv.not_started': 'Sending has not started: the audience is today’s.',
      'cv.seconds': '{n} s', 'cv.minutes': '{n} min', 'cv.hours': '{n} h'
    }
  });
  var el = Taama.el;

  function duration(s) {
    if (s < 120) return Taama.t('cv.seconds', { n: s });
    if (s < 7200) return Taama.t('cv.minutes', { n: Math.round(s / 60) });
    return Taama.t('cv.hours', { n: Math.round(s / 360) / 10 });
  }

  function stat(value, label, id) {
    return el('div', { 'class': 'stat', id: id || null }, el('b', {}, String(value)), el('span', {}, label));
  }

  var CampaignView = {
    status: function (s) { return Taama.badge(s, Taama.t('cv.status.' + s)); },

    /** The preview as figures, one row per language and its warnings. */
    preview: function (p) {
      var wa = p.channel === 'whatsapp';
      var figures = el('div', { 'class': 'preview-figures' },
        stat(p.recipients, Taama.t('cv.recipients'), 'pv-recipients'),
        stat(p.total_segments, Taama.t(wa ? 'cv.messages' : 'cv.segments'), 'pv-segments'),
        stat(duration(p.estimated_seconds), Taama.t('cv.duration')),
        stat(Taama.formatTime(p.starts_at + 'Z'), Taama.t('cv.starts')));
      var rows = p.languages.map(function (l) {
        return el('tr', { 'data-lang': l.lang, 'class': l.in_audience ? '' : 'muted' },
          el('td', {}, l.lang.toUpperCase()),
          el('td', { 'class': 'enc' + (l.encoding === 'UCS-2' ? ' size ucs2' : '') }, l.encoding),
          el('td', { 'class': 'num chars' }, String(l.characters)),
          el('td', { 'class': 'num segs' }, String(l.segments)),
          el('td', { 'class': 'num' }, String(l.recipients)),
          el('td', { 'class': 'num' }, String(l.total_segments)));
      });
      var table = el('table', { 'class': 'data preview-langs' },
        el('thead', {}, el('tr', {}, el('th', {}, Taama.t('cv.lang')), el('th', {}, Taama.t('cv.encoding')), el('th', {}, Taama.t('cv.chars')),
          el('th', {}, Taama.t(wa ? 'cv.per.wa' : 'cv.per')), el('th', {}, Taama.t('cv.to')), el('th', {}, Taama.t('cv.total')))),
        el('tbody', {}, rows));
      var warnings = el('ul', { 'class': 'warnings', id: 'pv-warnings' }, p.warnings.length
        ? p.warnings.map(function (w) { return el('li', { 'data-code': w.code }, w.message); })
        : el('li', { 'class': 'ok' }, Taama.t('cv.no_warning')));
      return el('div', { 'class': 'preview-body' }, figures, table, warnings);
    },

    /** Progress bars for the counts; update(counts) moves them. */
    progress: function (counts) {
      var rows = {};
      var box = el('div', { 'class': 'progress', id: 'progress' });
      ['queued', 'sent', 'delivered', 'failed', 'opted_out', 'skipped'].forEach(function (k) {
        var bar = el('span', {});
        var num = el('span', { 'class': 'num', id: 'count-' + k }, '0');
        rows[k] = { bar: bar, num: num };
        box.appendChild(el('div', { 'class': 'progress-row', 'data-count': k },
          el('span', {}, Taama.t('cv.count.' + k)), el('div', { 'class': 'bar bar-' + k, role: 'presentation' }, bar), num));
      });
      var audience = el('p', { 'class': 'muted', id: 'count-audience' });
      var wrap = el('div', {}, audience, box);
      wrap.update = function (c) {
        var total = Math.max(1, c.audience || 0);
        audience.textContent = Taama.t('cv.count.audience') + ' : ' + (c.audience || 0);
        Object.keys(rows).forEach(function (k) {
          var n = c[k] || 0;
          rows[k].num.textContent = String(n);
          rows[k].bar.style.width = Math.min(100, n / total * 100).toFixed(1) + '%';
        });
      };
      wrap.update(counts || {});
      return wrap;
    },

    /** Follows a campaign: onCampaign(first full answer), onCounts({status, counts}); returns a close function. */
    live: function (id, onCampaign, onCounts, onState) {
      var source = new EventSource('/api/campaigns/' + encodeURIComponent(id) + '/live');
      source.addEventListener('campaign', function (e) { onCampaign(JSON.parse(e.data)); });
      source.addEventListener('counts', function (e) { onCounts(JSON.parse(e.data)); });
      source.onopen = function () { if (onState) onState(true); };
      source.onerror = function () { if (onState) onState(false); };
      return function () { source.close(); };
    },

    texts: function (c) {
      return el('div', { 'class': 'texts-view' },
        el('div', {}, el('h3', {}, 'Français'), el('blockquote', { lang: 'fr', 'class': 'text-fr' }, c.texts.fr)),
        el('div', {}, el('h3', {}, 'Bamanankan'), el('blockquote', { lang: 'bm', 'class': 'text-bm' }, c.texts.bm)));
    }
  };
  window.CampaignView = CampaignView;
})();
