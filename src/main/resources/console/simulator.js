/*
 * The phone simulator: the real flows through POST /api/simulator, one key press at a time. The
 * server answers the screen exactly as the channel shows it, its size and cost, and what the choice
 * would do; nothing is run.
 */
(function () {
  'use strict';
  Taama.addTexts({
    fr: {
      'sim.lead': 'Parcourez les vrais menus comme sur un téléphone. Rien n’est envoyé ni enregistré : les effets sont seulement décrits.',
      'sim.setup': 'Canal et langue',
      'sim.channel': 'Canal',
      'sim.language': 'Langue de l’appelant',
      'sim.start': 'Composer',
      'sim.restart': 'Recommencer',
      'sim.hint.ussd': 'USSD : écrans de 182 caractères GSM-7, ou 80 dès qu’un caractère sort de l’alphabet GSM. Orthographe sans ɛ ɔ ɲ ŋ.',
      'sim.hint.sms': 'SMS : une réponse par message, facturée au segment (160/153 GSM-7, 70/67 UCS-2). Orthographe sans ɛ ɔ ɲ ŋ.',
      'sim.hint.whatsapp': 'WhatsApp : orthographe standard, facturé au message.',
      'sim.sandbox.title': 'Bac à sable. ',
      'sim.sandbox.text': 'Aucun SMS, aucun rappel, aucun abonnement n’est créé ; la session expire après 30 minutes.',
      'sim.phone': 'Téléphone simulé',
      'sim.ended': 'Session terminée',
      'sim.input': 'Votre réponse',
      'sim.input.placeholder': 'Répondre…',
      'sim.keypad': 'Clavier',
      'sim.shortcuts': 'Touches de navigation',
      'sim.key.back': 'Retour',
      'sim.key.home': 'Accueil',
      'sim.key.more': 'Suite',
      'sim.clear': 'Effacer',
      'sim.send': 'Envoyer',
      'sim.size': 'Taille et coût',
      'sim.chars': 'Caractères',
      'sim.encoding': 'Encodage',
      'sim.screens': 'Écran',
      'sim.segments': 'Segments SMS',
      'sim.messages': 'Messages',
      'sim.cost': 'Coût',
      'sim.node': 'Écran du flux',
      'sim.effects': 'Ce qui se passerait',
      'sim.effects.none': 'Aucun effet pour cette touche.',
      'sim.fits': 'Tient',
      'sim.too_long': 'Trop long',
      'sim.used': '{used} / {limit} ({encoding})',
      'sim.page': 'page {page}/{pages}',
      'sim.cost.session': 'Session USSD (facturée par l’opérateur, 0 SMS)',
      'sim.cost.segment': '{n} segment(s) SMS',
      'sim.cost.message': '{n} message(s) WhatsApp',
      'sim.no_reply': '(pas de réponse)',
      'sim.dial_first': 'Composez d’abord (bouton « Composer »).'
    },
    en: {
      'sim.lead': 'Walk the real menus as on a phone. Nothing is sent or stored: effects are only described.',
      'sim.setup': 'Channel and language',
      'sim.channel': 'Channel',
      'sim.language': 'Caller’s language',
      'sim.start': 'Dial',
      'sim.restart': 'Start again',
      'sim.hint.ussd': 'USSD: screens of 182 GSM-7 characters, or 80 once one character is outside the GSM alphabet. Spelled without ɛ ɔ ɲ ŋ.',
      'sim.hint.sms': 'SMS: one reply a message, billed per segment (160/153 GSM-7, 70/67 UCS-2). Spelled without ɛ ɔ ɲ ŋ.',
      'sim.hint.whatsapp': 'WhatsApp: standard spelling, billed per message.',
      'sim.sandbox.title': 'Sandbox. ',
      'sim.sandbox.text': 'No SMS, call-back or subscription is made; the session expires after 30 minutes.',
      'sim.phone': 'Simulated phone',
      'sim.ended': 'Session ended',
      'sim.input': 'Your answer',
      'sim.input.placeholder': 'Reply…',
      'sim.keypad': 'Keypad',
      'sim.shortcuts': 'Navigation keys',
      'sim.key.back': 'Back',
      'sim.key.home': 'Home',
      'sim.key.more': 'More',
      'sim.clear': 'Clear',
      'sim.send': 'Send',
      'sim.size': 'Size and cost',
      'sim.chars': 'Characters',
      'sim.encoding': 'Encoding',
      'sim.screens': 'Screen',
      'sim.segments': 'SMS segments',
      'sim.messages': 'Messages',
      'sim.cost': 'Cost',
      'sim.node': 'Flow screen',
      'sim.effects': 'What would happen',
      'sim.effects.none': 'No effect for this key.',
      'sim.fits': 'Fits',
      'sim.too_long': 'Too long',
      'sim.used': '{used} / {limit} ({encoding})',
      'sim.page': 'page {page}/{pages}',
      'sim.cost.session': 'USSD session (billed by the network, no SMS)',
      'sim.cost.segment': '{n} SMS segment(s)',
      'sim.cost.message': '{n} WhatsApp message(s)',
      'sim.no_reply': '(no reply)',
      'sim.dial_first': 'Dial first (the “Dial” button).'
    }
  });

  var el = Taama.el;
  var state = { session: null, channel: 'ussd', ended: false, last: null, busy: false };

  function $(id) { return document.getElementById(id); }

  function channel() {
    var c = document.querySelector('#sim-channel input:checked');
    return c ? c.value : 'ussd';
  }

  function setHint() {
    $('sim-channel-hint').textContent = Taama.t('sim.hint.' + channel());
  }

  function reset() {
    state.session = null;
    state.ended = false;
    state.last = null;
    state.channel = channel();
    $('sim-phone').setAttribute('data-channel', state.channel);
    $('sim-status-channel').textContent = { ussd: 'USSD', sms: 'SMS', whatsapp: 'WhatsApp' }[state.channel];
    $('sim-status-page').textContent = '';
    $('sim-screen').textContent = '';
    $('sim-chat').textContent = '';
    $('sim-ended').hidden = true;
    $('sim-input').value = '';
    $('sim-input').disabled = false;
    $('sim-start').textContent = Taama.t('sim.start');
    figures(null);
    effects([]);
    setHint();
  }

  function press(input) {
    if (state.busy) return Promise.resolve();
    var body = { channel: state.channel };
    if (!state.session) body.lang = $('sim-lang').value;
    else body.session = state.session;
    if (input !== null && input !== undefined) body.input = input;
    state.busy = true;
    document.body.classList.add('sim-busy');
    if (state.channel !== 'ussd' && input) bubble(input, 'out');
    return Taama.api('POST', '/api/simulator', body).then(function (r) {
      state.session = r.session;
      state.last = r;
      state.ended = !!r.end && state.channel === 'ussd';
      show(r);
    }, function (e) {
      // An expired session (30 minutes): start again rather than leave a dead phone.
      if (e.status === 400 && /unknown or expired/.test(e.reason || '')) state.session = null;
    }).then(function () {
      state.busy = false;
      document.body.classList.remove('sim-busy');
    });
  }

  function show(r) {
    if (state.channel === 'ussd') {
      $('sim-screen').textContent = r.screen;
      $('sim-ended').hidden = !r.end;
      $('sim-input').disabled = !!r.end;
    } else {
      bubble(r.screen || Taama.t('sim.no_reply'), r.screen ? 'in' : 'none');
    }
    $('sim-status-page').textContent = r.pages > 1 ? Taama.t('sim.page', { page: r.page, pages: r.pages }) : '';
    $('sim-start').textContent = Taama.t('sim.restart');
    figures(r);
    effects(r.effects || []);
    $('sim-input').value = '';
    $('sim-input').focus({ preventScroll: true });
  }

  function bubble(text, dir) {
    var chat = $('sim-chat');
    chat.appendChild(el('div', { 'class': 'bubble bubble-' + dir }, text));
    chat.scrollTop = chat.scrollHeight;
  }

  function figures(r) {
    var size = r ? r.size : null;
    $('sim-chars').textContent = size ? String(size.characters) : '–';
    $('sim-encoding').textContent = size ? size.encoding : '–';
    $('sim-node').textContent = r && r.node ? r.node : '–';
    var fill = $('sim-meter-fill');
    var fit = $('sim-fit');
    fit.textContent = '';
    fit.className = 'badge';
    if (!size) {
      $('sim-units').textContent = '–';
      $('sim-cost').textContent = '–';
      $('sim-meter-label').textContent = '';
      fill.style.width = '0';
      return;
    }
    var ussd = state.channel === 'ussd';
    $('sim-units-label').textContent = Taama.t(ussd ? 'sim.screens' : state.channel === 'sms' ? 'sim.segments' : 'sim.messages');
    if (ussd) {
      $('sim-units').textContent = r.pages > 1 ? Taama.t('sim.page', { page: r.page, pages: r.pages }) : '1';
      $('sim-cost').textContent = Taama.t('sim.cost.session');
      var ratio = Math.min(1, size.used / size.limit);
      fill.style.width = (ratio * 100).toFixed(1) + '%';
      fill.className = 'meter-fill' + (size.fits ? (ratio > 0.9 ? ' near' : '') : ' over');
      $('sim-meter').setAttribute('aria-valuenow', String(size.used));
      $('sim-meter').setAttribute('aria-valuemax', String(size.limit));
      $('sim-meter-label').textContent = Taama.t('sim.used', size);
      fit.textContent = Taama.t(size.fits ? 'sim.fits' : 'sim.too_long');
      fit.className = 'badge ' + (size.fits ? 'badge-sent' : 'badge-failed');
    } else if (state.channel === 'sms') {
      $('sim-units').textContent = String(size.segments);
      $('sim-cost').textContent = Taama.t('sim.cost.segment', { n: size.cost });
      fill.style.width = Math.min(100, size.segments / 3 * 100) + '%';
      fill.className = 'meter-fill' + (size.segments > 3 ? ' over' : '');
      $('sim-meter-label').textContent = size.segments + ' / 3 segments (' + size.encoding + ')';
      fit.textContent = Taama.t(size.segments <= 3 ? 'sim.fits' : 'sim.too_long');
      fit.className = 'badge ' + (size.segments <= 3 ? 'badge-sent' : 'badge-failed');
    } else {
      $('sim-units').textContent = String(size.cost);
      $('sim-cost').textContent = Taama.t('sim.cost.message', { n: size.cost });
      fill.style.width = Math.min(100, size.characters / size.limit * 100) + '%';
      fill.className = 'meter-fill' + (size.fits ? '' : ' over');
      $('sim-meter-label').textContent = size.characters + ' / ' + size.limit;
      fit.textContent = Taama.t(size.fits ? 'sim.fits' : 'sim.too_long');
      fit.className = 'badge ' + (size.fits ? 'badge-sent' : 'badge-failed');
    }
  }

  function effects(list) {
    var ul = $('sim-effects');
    ul.textContent = '';
    if (!list.length) {
      ul.appendChild(el('li', { 'class': 'muted' }, Taama.t('sim.effects.none')));
      return;
    }
    list.forEach(function (e) { ul.appendChild(el('li', { 'class': 'effect' }, e)); });
  }

  function send(value) {
    if (!state.session) {
      Taama.show(Taama.t('sim.dial_first'), 'info');
      return;
    }
    if (state.ended) return;
    press(value === undefined ? $('sim-input').value : value);
  }

  Taama.ready(function () {
    reset();
    document.querySelectorAll('#sim-channel input').forEach(function (r) { r.addEventListener('change', reset); });
    $('sim-lang').addEventListener('change', reset);
    $('sim-start').addEventListener('click', function () {
      reset();
      press(state.channel === 'ussd' ? null : 'MENU');
    });
    document.querySelectorAll('#sim-keypad button').forEach(function (b) {
      b.addEventListener('click', function () {
        var input = $('sim-input');
        if (input.disabled) return;
        input.value += b.getAttribute('data-key');
        input.focus({ preventScroll: true });
      });
    });
    document.querySelectorAll('.keypad-nav button').forEach(function (b) {
      b.addEventListener('click', function () { send(b.getAttribute('data-send')); });
    });
    $('sim-send').addEventListener('click', function () { send(); });
    $('sim-clear').addEventListener('click', function () {
      var input = $('sim-input');
      input.value = '';
      input.focus({ preventScroll: true });
    });
    $('sim-input').addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); send(); }
    });
    document.addEventListener('taama:lang', function () { setHint(); if (state.last) figures(state.last); });
  });
})();
