/*
 * Campaigns: a volunteer writes both texts with the cost preview following as they type (debounced
 * POST /api/campaigns/preview of the unsaved body), saves and submits; a campaign under way shows its
 * progress live (server-sent events), with pause, resume and cancel for those who may.
 */
(function () {
  'use strict';
  Taama.addTexts({
    fr: {
      'camp.lead': 'Rédigez un message de sensibilisation en français et en bambara ; le coût se met à jour pendant la saisie. Un opérateur le valide avant tout envoi.',
      'camp.mine': 'Mes campagnes', 'camp.new': 'Nouvelle campagne', 'camp.running': 'En cours d’envoi', 'camp.none': 'Aucune campagne pour l’instant.',
      'camp.editor.new': 'Nouvelle campagne', 'camp.editor.edit': 'Modifier la campagne',
      'camp.name': 'Nom de la campagne', 'camp.channel': 'Canal',
      'camp.text.fr': 'Texte', 'camp.text.bm': 'Texte',
      'camp.text.fr.placeholder': 'Vos droits vous suivent partout…', 'camp.text.bm.placeholder': 'I ka josiraw bɛ i bolo yɔrɔ bɛɛ…',
      'camp.regions': 'Régions', 'camp.regions.hint': 'Aucune case cochée : toutes les régions.', 'camp.region.none': 'Sans région (inscrits par SMS ou WhatsApp)', 'camp.languages': 'Langues des destinataires',
      'camp.send_at': 'Envoyer le (heure de Bamako)', 'camp.send_at.hint': 'Vide : dès la validation, hors heures calmes.',
      'camp.max': 'Budget maximum (segments)', 'camp.template': 'Modèle WhatsApp approuvé (template_sid)', 'camp.var1': 'Variable {{1}} du modèle',
      'camp.preview': 'Coût estimé', 'camp.preview.updating': 'Mise à jour…', 'camp.preview.fresh': 'À jour',
      'camp.save': 'Enregistrer le brouillon', 'camp.submit': 'Envoyer pour validation', 'camp.cancel': 'Annuler la campagne',
      'camp.saved': 'Brouillon enregistré.', 'camp.submitted': 'Campagne envoyée pour validation.',
      'camp.chars': '{n} / 1600 caractères', 'camp.segs': '{enc} · {n} segment(s)',
      'camp.rejected': 'Refusée par {who} : {reason}', 'camp.meta': 'Par {owner} · créée {created} · canal {channel}',
      'camp.progress': 'Progression', 'camp.pause': 'Mettre en pause', 'camp.resume': 'Reprendre',
      'camp.confirm.cancel': 'Annuler cette campagne ? Les messages pas encore partis ne partiront pas.',
      'camp.confirm.pause': 'Mettre l’envoi en pause ? Il reprendra quand vous le relancerez.',
      'camp.done.cancel': 'Campagne annulée.', 'camp.done.pause': 'Envoi en pause.', 'camp.done.resume': 'Envoi repris.',
      'camp.kept': 'Rien n’est perdu : vos textes restent dans l’éditeur.'
    },
    en: {
      'camp.lead': 'Write an awareness message in French and Bambara; its cost updates as you type. An operator approves it before anything is sent.',
      'camp.mine': 'My campaigns', 'camp.new': 'New campaign', 'camp.running': 'Being sent', 'camp.none': 'No campaign yet.',
      'camp.editor.new': 'New campaign', 'camp.editor.edit': 'Edit the campaign',
      'camp.name': 'Campaign name', 'camp.channel': 'Channel',
      'camp.text.fr': 'Text', 'camp.text.bm': 'Text',
      'camp.text.fr.placeholder': 'Vos droits vous suivent partout…', 'camp.text.bm.placeholder': 'I ka josiraw bɛ i bolo yɔrɔ bɛɛ…',
      'camp.regions': 'Regions', 'camp.regions.hint': 'None ticked: every region.', 'camp.region.none': 'No region (subscribed by SMS or WhatsApp)', 'camp.languages': 'Recipients’ languages',
      'camp.send_at': 'Send on (Bamako time)', 'camp.send_at.hint': 'Empty: once approved, outside quiet hours.',
      'camp.max': 'Budget (segments at most)', 'camp.template': 'Approved WhatsApp template (template_sid)', 'camp.var1': 'Template variable {{1}}',
      'camp.preview': 'Estimated cost', 'camp.preview.updating': 'Updating…', 'camp.preview.fresh': 'Up to date',
      'camp.save': 'Save draft', 'camp.submit': 'Submit for approval', 'camp.cancel': 'Cancel the campaign',
      'camp.saved': 'Draft saved.', 'camp.submitted': 'Campaign submitted for approval.',
      'camp.chars': '{n} / 1600 characters', 'camp.segs': '{enc} · {n} segment(s)',
      'camp.rejected': 'Rejected by {who}: {reason}', 'camp.meta': 'By {owner} · created {created} · channel {channel}',
      'camp.progress': 'Progress', 'camp.pause': 'Pause', 'camp.resume': 'Resume',
      'camp.confirm.cancel': 'Cancel this campaign? Messages not yet sent will not go.',
      'camp.confirm.pause': 'Pause sending? It goes on when you resume it.',
      'camp.done.cancel': 'Campaign cancelled.', 'camp.done.pause': 'Sending paused.', 'camp.done.resume': 'Sending resumed.',
      'camp.kept': 'Nothing is lost: your texts stay in the editor.'
    }
  });
  var el = Taama.el;
  var UNSAVED = 'taama.campaign.unsaved';
  var me = null;
  var editing = null;      // the campaign being edited (null: a new one)
  var stopLive = null;
  var previewSeq = 0;
  var timer = null;

  function $(id) { return document.getElementById(id); }
  function staff() { return me && (me.role === 'admin' || me.role === 'operator'); }

  // ------------------------------------------------------------ list

  function item(c) {
    var b = el('button', { type: 'button', 'data-id': c.id },
      el('span', { 'class': 'name' }, c.name || '—'),
      el('span', { 'class': 'meta' }, CampaignView.status(c.status), el('span', {}, c.channel.toUpperCase()), el('span', {}, Taama.age(c.updated_at))));
    b.addEventListener('click', function () { location.hash = c.id; });
    return el('li', {}, b);
  }

  function loadList() {
    var mine = Taama.api('GET', '/api/campaigns?owner=mine&limit=100').then(function (r) {
      var ul = $('camp-list');
      ul.textContent = '';
      if (!r.campaigns.length) ul.appendChild(el('li', { 'class': 'muted card-body' }, Taama.t('camp.none')));
      r.campaigns.forEach(function (c) { ul.appendChild(item(c)); });
    });
    if (staff()) {
      Promise.all([Taama.api('GET', '/api/campaigns?status=approved&limit=50'), Taama.api('GET', '/api/campaigns?status=paused&limit=50')])
        .then(function (rs) {
          var list = rs[0].campaigns.concat(rs[1].campaigns);
          $('camp-running-wrap').hidden = !list.length;
          var ul = $('camp-running');
          ul.textContent = '';
          list.forEach(function (c) { ul.appendChild(item(c)); });
          mark();
        });
    }
    return mine.then(mark);
  }

  function mark() {
    var id = location.hash.slice(1);
    document.querySelectorAll('.campaign-list button').forEach(function (b) {
      b.setAttribute('aria-current', b.getAttribute('data-id') === id ? 'true' : 'false');
    });
  }

  // ------------------------------------------------------------ editor

  function body() {
    var regions = [];
    document.querySelectorAll('#c-regions input:checked').forEach(function (i) { regions.push(i.value); });
    var langs = [];
    document.querySelectorAll('#c-languages input:checked').forEach(function (i) { langs.push(i.value); });
    var b = {
      name: $('c-name').value.trim(), channel: $('c-channel').value,
      texts: { fr: $('c-fr').value, bm: $('c-bm').value },
      audience: { regions: regions, languages: langs }
    };
    if ($('c-send-at').value) b.send_at = $('c-send-at').value;
    if ($('c-max').value) b.max_segments = Number($('c-max').value);
    if (b.channel === 'whatsapp') {
      b.template_sid = $('c-template').value.trim();
      b.variables = { '1': $('c-var1').value };
    }
    return b;
  }

  function fill(spec) {
    $('c-name').value = spec.name || '';
    $('c-channel').value = spec.channel || 'sms';
    $('c-fr').value = (spec.texts && spec.texts.fr) || '';
    $('c-bm').value = (spec.texts && spec.texts.bm) || '';
    var regions = (spec.audience && spec.audience.regions) || [];
    document.querySelectorAll('#c-regions input').forEach(function (i) { i.checked = regions.indexOf(i.value) >= 0; });
    var langs = (spec.audience && spec.audience.languages) || ['fr', 'bm'];
    document.querySelectorAll('#c-languages input').forEach(function (i) { i.checked = langs.indexOf(i.value) >= 0; });
    $('c-send-at').value = spec.send_at || '';
    $('c-max').value = spec.max_segments || '';
    $('c-template').value = typeof spec.template_sid === 'string' ? spec.template_sid : '';
    $('c-var1').value = spec.variables && typeof spec.variables['1'] === 'string' ? spec.variables['1'] : '';
    $('c-whatsapp').hidden = $('c-channel').value !== 'whatsapp';
  }

  function openEditor(c) {
    closeLive();
    editing = c;
    $('detail').hidden = true;
    $('editor').hidden = false;
    $('editor-title').textContent = Taama.t(c ? 'camp.editor.edit' : 'camp.editor.new');
    $('editor-status').textContent = '';
    if (c) $('editor-status').appendChild(CampaignView.status(c.status));
    $('c-cancel-draft').hidden = !c;
    $('editor-reason').hidden = !(c && c.reason);
    if (c && c.reason) $('editor-reason').textContent = Taama.t('camp.rejected', { who: c.decided_by, reason: c.reason });
    var unsaved = null;
    if (!c) {
      try { unsaved = JSON.parse(window.localStorage.getItem(UNSAVED) || 'null'); } catch (e) { unsaved = null; }
    }
    fill(c || unsaved || {});
    $('preview').textContent = '';
    $('preview-error').hidden = true;
    counters(null);
    schedule(0);
  }

  function counters(p) {
    ['fr', 'bm'].forEach(function (lang) {
      var text = $('c-' + lang).value;
      var box = $('count-' + lang);
      box.textContent = '';
      box.appendChild(el('span', {}, Taama.t('camp.chars', { n: Array.from(text).length })));
      var l = p && p.languages.filter(function (x) { return x.lang === lang; })[0];
      if (l) box.appendChild(el('span', { 'class': l.encoding === 'UCS-2' ? 'ucs2' : '' }, Taama.t('camp.segs', { enc: l.encoding, n: l.segments })));
    });
  }

  function changed() {
    $('c-whatsapp').hidden = $('c-channel').value !== 'whatsapp';
    if (!editing) {
      try { window.localStorage.setItem(UNSAVED, JSON.stringify(body())); } catch (e) { /* private mode */ }
    }
    counters(null);
    schedule(350);
  }

  function schedule(ms) {
    clearTimeout(timer);
    $('preview-state').textContent = Taama.t('camp.preview.updating');
    timer = setTimeout(preview, ms);
  }

  function preview() {
    var seq = ++previewSeq;
    Taama.api('POST', '/api/campaigns/preview', body(), { quiet: true }).then(function (p) {
      if (seq !== previewSeq) return;   // an older answer arriving late
      $('preview-error').hidden = true;
      var box = $('preview');
      box.classList.remove('preview-stale');
      box.textContent = '';
      box.appendChild(CampaignView.preview(p));
      counters(p);
      $('preview-state').textContent = Taama.t('camp.preview.fresh');
    }, function (e) {
      if (seq !== previewSeq) return;
      if (e.status === 401) { Taama.toLogin(); return; }
      $('preview-error').hidden = false;
      $('preview-error').textContent = e.message;
      $('preview').classList.add('preview-stale');
      $('preview-state').textContent = '';
    });
  }

  function save() {
    var b = body();
    var req = editing ? Taama.api('PUT', '/api/campaigns/' + editing.id, b) : Taama.api('POST', '/api/campaigns', b);
    return req.then(function (c) {
      if (!editing) { try { window.localStorage.removeItem(UNSAVED); } catch (e) { /* ignore */ } }
      editing = c;
      if (location.hash.slice(1) !== c.id) history.replaceState(null, '', '#' + c.id);
      loadList();
      return c;
    }, function (e) {
      $('preview-error').hidden = false;
      $('preview-error').textContent = '';
      $('preview-error').append(e.message, el('br'), Taama.t('camp.kept'));
      throw e;
    });
  }

  // ------------------------------------------------------------ detail (live)

  function closeLive() {
    if (stopLive) stopLive();
    stopLive = null;
  }

  function openDetail(id) {
    closeLive();
    $('editor').hidden = true;
    $('detail').hidden = false;
    var bars = null;
    stopLive = CampaignView.live(id, function (c) {
      $('detail-title').textContent = c.name;
      $('detail-meta').textContent = Taama.t('camp.meta', { owner: c.owner, created: Taama.formatTime(c.created_at), channel: c.channel.toUpperCase() });
      $('detail-reason').hidden = !c.reason;
      if (c.reason) $('detail-reason').textContent = Taama.t('camp.rejected', { who: c.decided_by, reason: c.reason });
      $('detail-texts').textContent = '';
      $('detail-texts').appendChild(CampaignView.texts(c));
      $('detail-preview').textContent = '';
      $('detail-preview').appendChild(CampaignView.preview(c.preview));
      bars = CampaignView.progress(c.counts);
      $('detail-progress').textContent = '';
      $('detail-progress').appendChild(bars);
      status(c, c.status, c.counts);
      if ((c.status === 'draft' || c.status === 'rejected') && c.owner === me.username) openEditor(c);
    }, function (e) {
      if (bars) bars.update(e.counts);
      var c = { owner: $('detail').getAttribute('data-owner') };
      status(c, e.status, e.counts);
      loadList();
    }, function (up) {
      $('live-state').textContent = '';
      $('live-state').appendChild(up ? el('span', {}, el('span', { 'class': 'live-dot' }), Taama.t('cv.live')) : el('span', {}, Taama.t('cv.live.off')));
    });
  }

  function status(c, s, counts) {
    if (c.owner) $('detail').setAttribute('data-owner', c.owner);
    var owner = $('detail').getAttribute('data-owner');
    $('detail-status').textContent = '';
    $('detail-status').appendChild(CampaignView.status(s));
    $('detail').setAttribute('data-status', s);
    $('not-started').hidden = !(counts && counts.queued === 0 && counts.sent === 0 && (s === 'submitted' || s === 'approved'));
    var actions = $('detail-actions');
    actions.textContent = '';
    var own = owner === me.username;
    if (staff() && s === 'approved') actions.appendChild(action('pause', 'secondary'));
    if (staff() && s === 'paused') actions.appendChild(action('resume', 'primary'));
    if ((own || staff()) && ['draft', 'submitted', 'approved', 'paused'].indexOf(s) >= 0) actions.appendChild(action('cancel', 'danger'));
  }

  function action(name, kind) {
    var b = el('button', { type: 'button', 'class': 'button ' + kind, id: 'act-' + name }, Taama.t('camp.' + name));
    b.addEventListener('click', function () {
      var ask = name === 'resume' ? Promise.resolve(true) : Taama.confirm(Taama.t('camp.' + name), Taama.t('camp.confirm.' + name));
      ask.then(function (ok) {
        if (!ok) return;
        Taama.api('POST', '/api/campaigns/' + location.hash.slice(1) + '/' + name, {}).then(function () {
          Taama.show(Taama.t('camp.done.' + name), 'ok');
        });
      });
    });
    return b;
  }

  // ------------------------------------------------------------ routing

  function route() {
    var id = location.hash.slice(1);
    mark();
    if (!id) { openEditor(null); return; }
    if (!/^[0-9a-f]{20}$/.test(id)) { location.hash = ''; return; }
    openDetail(id);
  }

  Taama.ready(function (who) {
    me = who;
    // The regions subscribers choose from, named as the menu names them; the editor opens only once
    // they are here, so a draft restored or loaded keeps its ticks (and no box means every region).
    var regionsLoaded = Taama.api('GET', '/api/regions').then(function (r) {
      var box = $('c-regions');
      r.regions.forEach(function (region) {
        var name = region.id === 'none' ? Taama.t('camp.region.none') : region.label.fr;
        box.appendChild(el('label', {}, el('input', { type: 'checkbox', value: region.id }), name));
      });
    });
    $('editor-form').addEventListener('input', changed);
    $('editor-form').addEventListener('change', changed);
    $('editor-form').addEventListener('submit', function (e) {
      e.preventDefault();
      save().then(function () { Taama.show(Taama.t('camp.saved'), 'ok'); }, function () { /* shown */ });
    });
    $('c-submit').addEventListener('click', function () {
      save().then(function (c) {
        return Taama.api('POST', '/api/campaigns/' + c.id + '/submit', {}).then(function () {
          Taama.show(Taama.t('camp.submitted'), 'ok');
          editing = null;
          loadList();
          openDetail(c.id);
        });
      }).catch(function () { /* shown; the texts stay */ });
    });
    $('c-cancel-draft').addEventListener('click', function () {
      if (!editing) return;
      Taama.confirm(Taama.t('camp.cancel'), Taama.t('camp.confirm.cancel')).then(function (ok) {
        if (!ok) return;
        Taama.api('POST', '/api/campaigns/' + editing.id + '/cancel', {}).then(function () {
          Taama.show(Taama.t('camp.done.cancel'), 'ok');
          loadList();
          openDetail(editing.id);
        });
      });
    });
    $('camp-new').addEventListener('click', function () {
      regionsLoaded.then(function () { if (location.hash) location.hash = ''; else openEditor(null); });
    });
    window.addEventListener('beforeunload', closeLive);
    loadList();
    regionsLoaded.then(function () {
      window.addEventListener('hashchange', route);
      route();
    }, function () { /* shown; without the regions no audience can be chosen */ });
  });
})();
