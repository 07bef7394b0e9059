/*
 * The message log, live: the latest events ("log") once, then each new batch ("more") from the
 * server's stream. A caller is only the first characters of their hash; numbers never reach here.
 */
(function () {
  'use strict';
  var T = window.Taama;
  T.addTexts({
    fr: {
      'log.lead': 'Les derniers échanges entrants et sortants des dernières 24 h, en direct.',
      'log.time': 'Heure', 'log.channel': 'Canal', 'log.direction': 'Sens', 'log.caller': 'Appelant (masqué)',
      'log.status': 'Statut', 'log.all': 'Tous', 'dir.in': 'Entrant', 'dir.out': 'Sortant',
      'log.none': 'Aucun échange ces dernières 24 h.',
      'log.privacy': 'Un appelant n’est montré que par le début d’une empreinte chiffrée de son numéro : assez pour suivre un échange, jamais pour retrouver la personne. Aucun texte n’est gardé.',
      'live.connecting': 'Connexion…', 'live.live': 'En direct', 'live.lost': 'Reconnexion…',
      'st.started': 'début', 'st.moved': 'écran suivant', 'st.back': 'retour', 'st.home': 'menu', 'st.paged': 'page suivante',
      'st.invalid': 'choix invalide', 'st.repeated': 'répété', 'st.language_set': 'langue choisie', 'st.ended': 'fin',
      'st.unavailable': 'indisponible', 'st.stop': 'STOP', 'st.start': 'START', 'st.help_stopped': 'aide (désinscrit)',
      'st.stopped_silent': 'ignoré (désinscrit)', 'st.reply': 'réponse', 'st.queued': 'en file', 'st.accepted': 'accepté',
      'st.sending': 'envoi', 'st.sent': 'envoyé', 'st.delivered': 'remis', 'st.undelivered': 'non remis',
      'st.failed': 'échec', 'st.read': 'lu', 'st.canceled': 'annulé'
    },
    en: {
      'log.lead': 'The latest inbound and outbound events of the last 24 h, live.',
      'log.time': 'Time', 'log.channel': 'Channel', 'log.direction': 'Direction', 'log.caller': 'Caller (masked)',
      'log.status': 'Status', 'log.all': 'All', 'dir.in': 'In', 'dir.out': 'Out',
      'log.none': 'No events in the last 24 h.',
      'log.privacy': 'A caller is shown only by the start of a keyed hash of their number: enough to follow one conversation, never to find the person. No text is kept.',
      'live.connecting': 'Connecting…', 'live.live': 'Live', 'live.lost': 'Reconnecting…',
      'st.started': 'start', 'st.moved': 'next screen', 'st.back': 'back', 'st.home': 'menu', 'st.paged': 'next page',
      'st.invalid': 'invalid choice', 'st.repeated': 'repeated', 'st.language_set': 'language chosen', 'st.ended': 'end',
      'st.unavailable': 'unavailable', 'st.stop': 'STOP', 'st.start': 'START', 'st.help_stopped': 'help (opted out)',
      'st.stopped_silent': 'ignored (opted out)', 'st.reply': 'reply', 'st.queued': 'queued', 'st.accepted': 'accepted',
      'st.sending': 'sending', 'st.sent': 'sent', 'st.delivered': 'delivered', 'st.undelivered': 'undelivered',
      'st.failed': 'failed', 'st.read': 'read', 'st.canceled': 'canceled'
    }
  });
  var CHANNELS = { ussd: 'USSD', sms: 'SMS', whatsapp: 'WhatsApp' };
  var KEEP = 300;
  var el = T.el;
  var entries = [];     // newest first
  var seen = {};
  var source = null;

  function row(e, fresh) {
    var tr = el('tr', { 'data-id': e.id, 'data-channel': e.channel, 'data-direction': e.direction, 'class': fresh ? 'fresh' : null },
      el('td', { 'class': 'num' }, T.formatTime(e.at)),
      el('td', {}, el('span', { 'class': 'channel' }, CHANNELS[e.channel] || e.channel)),
      el('td', {}, el('span', { 'class': 'dir-' + e.direction }, (e.direction === 'in' ? '↓ ' : '↑ ') + T.t('dir.' + e.direction))),
      el('td', {}, el('span', { 'class': 'caller', 'data-caller': e.caller }, e.caller)),
      el('td', {}, T.badge(e.status, T.t('st.' + e.status) === 'st.' + e.status ? e.status : T.t('st.' + e.status))));
    return tr;
  }

  function visible(e) {
    var c = document.getElementById('filter-channel').value;
    var d = document.getElementById('filter-direction').value;
    return (!c || e.channel === c) && (!d || e.direction === d);
  }

  function renderAll() {
    var body = document.getElementById('log-rows');
    body.textContent = '';
    var shown = entries.filter(visible);
    if (!shown.length) {
      body.appendChild(el('tr', {}, el('td', { colspan: '5', 'class': 'empty' }, T.t('log.none'))));
      return;
    }
    shown.forEach(function (e) { body.appendChild(row(e, false)); });
  }

  /** New entries (oldest first) go on top, once each. */
  function add(list) {
    var body = document.getElementById('log-rows');
    if (entries.length === 0) body.textContent = '';
    list.forEach(function (e) {
      if (seen[e.id]) return;
      seen[e.id] = true;
      entries.unshift(e);
      if (visible(e)) body.insertBefore(row(e, true), body.firstChild);
    });
    while (entries.length > KEEP) delete seen[entries.pop().id];
    while (body.children.length > KEEP) body.removeChild(body.lastChild);
  }

  function setLive(s) {
    document.getElementById('live-state').setAttribute('data-state', s);
    document.getElementById('live-text').textContent = T.t('live.' + s);
  }

  function connect() {
    setLive('connecting');
    source = new EventSource('/api/log/live?limit=100');
    source.addEventListener('log', function (e) {
      setLive('live');
      entries = [];
      seen = {};
      var list = JSON.parse(e.data).entries;
      list.forEach(function (x) { seen[x.id] = true; });
      entries = list;
      renderAll();
    });
    source.addEventListener('more', function (e) { add(JSON.parse(e.data).entries); });
    source.onerror = function () {
      setLive('lost');
      if (source.readyState === EventSource.CLOSED) {
        T.api('GET', '/api/me').then(function () { setTimeout(connect, 3000); }, function () { });
      }
    };
  }

  T.ready(function () {
    document.getElementById('filter-channel').addEventListener('change', renderAll);
    document.getElementById('filter-direction').addEventListener('change', renderAll);
    connect();
  });
  document.addEventListener('taama:lang', function () {
    renderAll();
    setLive(document.getElementById('live-state').getAttribute('data-state'));
  });
})();
