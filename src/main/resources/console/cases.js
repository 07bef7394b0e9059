/* Call-back cases: the queue (new, mine, by status, by age), claim, reveal after a confirmation, status, notes. */
(function () {
  'use strict';
  var T = window.Taama;
  var el = T.el;
  T.addTexts({
    fr: {
      'cases.lead': 'Les personnes qui ont demandé à être rappelées. Le numéro n’est montré qu’à l’opérateur qui a pris le cas, et chaque affichage est enregistré.',
      'cases.sort': 'Ordre', 'cases.sort.oldest': 'Les plus anciens d’abord', 'cases.sort.newest': 'Les plus récents d’abord',
      'cases.refresh': 'Actualiser', 'cases.queue': 'File des rappels',
      'cases.tab.new': 'Nouveaux', 'cases.tab.mine': 'Mes cas',
      'status.new': 'Nouveau', 'status.contacted': 'Contacté', 'status.referred': 'Orienté', 'status.closed': 'Clos',
      'cases.col.case': 'Cas', 'cases.col.age': 'Attente', 'cases.col.window': 'Créneau', 'cases.col.lang': 'Langue',
      'cases.col.status': 'Statut', 'cases.col.claimed': 'Pris par', 'cases.col.actions': 'Actions',
      'cases.detail': 'Détail du cas', 'cases.pick': 'Choisissez un cas dans la file.',
      'cases.empty': 'Aucun cas ici.', 'cases.you': 'Vous', 'cases.nobody': 'Personne',
      'window.morning': 'Le matin', 'window.afternoon': 'L’après-midi', 'window.evening': 'Le soir', 'window.any': 'N’importe quand',
      'lang.fr': 'Français', 'lang.bm': 'Bambara',
      'cases.claim': 'Prendre', 'cases.open': 'Ouvrir', 'cases.release': 'Rendre le cas',
      'cases.received': 'Reçu le', 'cases.window': 'Créneau sûr', 'cases.leave': 'Message permis', 'cases.channel': 'Canal',
      'cases.claimedBy': 'Pris par', 'yes': 'Oui', 'no': 'Non',
      'cases.number': 'Numéro à appeler', 'cases.reveal': 'Afficher le numéro',
      'cases.reveal.title': 'Afficher le numéro ?',
      'cases.reveal.text': 'Le numéro de cette personne va s’afficher. Cet affichage est enregistré à votre nom. Appelez seulement dans le créneau choisi.',
      'cases.reveal.ok': 'Afficher',
      'cases.reveal.claimFirst': 'Prenez le cas pour voir son numéro.',
      'cases.reveal.call': 'Appeler',
      'cases.move': 'Faire avancer le cas', 'cases.move.to': 'Nouveau statut', 'cases.move.note': 'Note (facultative)',
      'cases.move.submit': 'Enregistrer', 'cases.move.none': 'Ce cas est clos : il ne change plus.',
      'cases.notes': 'Notes', 'cases.notes.hidden': '{n} note(s), visibles par l’opérateur qui a pris le cas.',
      'cases.notes.none': 'Pas encore de note.', 'cases.note.add': 'Ajouter une note', 'cases.note.submit': 'Ajouter',
      'cases.claimed': 'Cas pris.', 'cases.released': 'Cas rendu.', 'cases.moved': 'Statut enregistré.', 'cases.noted': 'Note ajoutée.',
      'cases.close.title': 'Clore le cas ?', 'cases.close.text': 'Un cas clos ne peut plus changer, et son numéro est effacé.',
      'cases.close.ok': 'Clore'
    },
    en: {
      'cases.lead': 'People who asked to be called back. The number is shown only to the operator who took the case, and every showing is recorded.',
      'cases.sort': 'Order', 'cases.sort.oldest': 'Oldest first', 'cases.sort.newest': 'Newest first',
      'cases.refresh': 'Refresh', 'cases.queue': 'Call-back queue',
      'cases.tab.new': 'New', 'cases.tab.mine': 'My cases',
      'status.new': 'New', 'status.contacted': 'Contacted', 'status.referred': 'Referred', 'status.closed': 'Closed',
      'cases.col.case': 'Case', 'cases.col.age': 'Waiting', 'cases.col.window': 'Time slot', 'cases.col.lang': 'Language',
      'cases.col.status': 'Status', 'cases.col.claimed': 'Taken by', 'cases.col.actions': 'Actions',
      'cases.detail': 'Case details', 'cases.pick': 'Pick a case in the queue.',
      'cases.empty': 'No case here.', 'cases.you': 'You', 'cases.nobody': 'Nobody',
      'window.morning': 'Morning', 'window.afternoon': 'Afternoon', 'window.evening': 'Evening', 'window.any': 'Any time',
      'lang.fr': 'French', 'lang.bm': 'Bambara',
      'cases.claim': 'Take', 'cases.open': 'Open', 'cases.release': 'Give back',
      'cases.received': 'Received', 'cases.window': 'Safe time', 'cases.leave': 'Message allowed', 'cases.channel': 'Channel',
      'cases.claimedBy': 'Taken by', 'yes': 'Yes', 'no': 'No',
      'cases.number': 'Number to call', 'cases.reveal': 'Show the number',
      'cases.reveal.title': 'Show the number?',
      'cases.reveal.text': 'This person’s number will be shown. The showing is recorded under your name. Call only in the time slot they chose.',
      'cases.reveal.ok': 'Show',
      'cases.reveal.claimFirst': 'Take the case to see its number.',
      'cases.reveal.call': 'Call',
      'cases.move': 'Move the case on', 'cases.move.to': 'New status', 'cases.move.note': 'Note (optional)',
      'cases.move.submit': 'Save', 'cases.move.none': 'This case is closed: it no longer changes.',
      'cases.notes': 'Notes', 'cases.notes.hidden': '{n} note(s), visible to the operator who took the case.',
      'cases.notes.none': 'No note yet.', 'cases.note.add': 'Add a note', 'cases.note.submit': 'Add',
      'cases.claimed': 'Case taken.', 'cases.released': 'Case given back.', 'cases.moved': 'Status saved.', 'cases.noted': 'Note added.',
      'cases.close.title': 'Close the case?', 'cases.close.text': 'A closed case can no longer change, and its number is erased.',
      'cases.close.ok': 'Close'
    }
  });

  // Forward only, as the server holds it: new → contacted → referred → closed; any open case may close.
  var NEXT = { 'new': ['contacted', 'closed'], contacted: ['referred', 'closed'], referred: ['closed'], closed: [] };
  var OPEN = ['new', 'contacted', 'referred'];
  var state = { tab: 'new', sort: 'oldest', lists: {}, selected: null, me: null };

  function label(prefix, v) {
    var k = prefix + '.' + v;
    var s = T.t(k);
    return s === k ? String(v || '') : s;
  }

  function fetchStatus(status) {
    return T.api('GET', '/api/cases?status=' + status + '&size=100').then(function (r) {
      state.lists[status] = r;
      var c = document.getElementById('count-' + status);
      if (c) c.textContent = String(r.total);
    });
  }

  function load() {
    var wanted = OPEN.slice();
    if (state.tab === 'closed') wanted.push('closed');
    return Promise.all(wanted.map(fetchStatus)).then(function () {
      var mine = rowsOf('mine');
      document.getElementById('count-mine').textContent = String(mine.length);
      render();
    }, function () { /* shown */ });
  }

  function rowsOf(tab) {
    var rows;
    if (tab === 'mine') {
      rows = [];
      OPEN.forEach(function (s) {
        ((state.lists[s] || {}).cases || []).forEach(function (c) { if (c.claimed_by === state.me.username) rows.push(c); });
      });
    } else {
      rows = ((state.lists[tab] || {}).cases || []).slice();
    }
    rows.sort(function (a, b) {
      var d = new Date(a.created_at) - new Date(b.created_at);
      return state.sort === 'oldest' ? d : -d;
    });
    return rows;
  }

  function claimedCell(c) {
    if (!c.claimed_by) return el('span', { 'class': 'muted' }, T.t('cases.nobody'));
    if (c.claimed_by === state.me.username) return T.badge('mine', T.t('cases.you'));
    return el('span', {}, c.claimed_by);
  }

  function render() {
    document.querySelectorAll('#tabs button').forEach(function (b) {
      b.setAttribute('aria-selected', b.getAttribute('data-tab') === state.tab ? 'true' : 'false');
    });
    var body = document.getElementById('queue-body');
    body.textContent = '';
    var rows = rowsOf(state.tab);
    if (!rows.length) {
      body.appendChild(el('tr', {}, el('td', { colspan: '7', 'class': 'empty' }, T.t('cases.empty'))));
      return;
    }
    rows.forEach(function (c) {
      var action;
      if (!c.claimed_by && c.status !== 'closed') {
        action = el('button', { type: 'button', 'class': 'button primary small claim', 'data-id': c.id }, T.t('cases.claim'));
        action.addEventListener('click', function (e) { e.stopPropagation(); claim(c.id); });
      } else {
        action = el('button', { type: 'button', 'class': 'button secondary small open', 'data-id': c.id }, T.t('cases.open'));
        action.addEventListener('click', function (e) { e.stopPropagation(); select(c.id); });
      }
      var tr = el('tr', { 'data-id': c.id, 'class': c.id === state.selected ? 'selected' : null },
        el('td', {}, el('span', { 'class': 'mono', title: c.id }, c.id.slice(0, 8))),
        el('td', { 'class': 'num', title: T.formatTime(c.created_at) }, T.age(c.created_at)),
        el('td', {}, label('window', c.window)),
        el('td', {}, label('lang', c.lang)),
        el('td', {}, T.badge(c.status, label('status', c.status))),
        el('td', {}, claimedCell(c)),
        el('td', { 'class': 'actions' }, action));
      tr.addEventListener('click', function () { select(c.id); });
      body.appendChild(tr);
    });
  }

  function claim(id) {
    return T.api('POST', '/api/cases/' + id + '/claim', {}).then(function () {
      T.show(T.t('cases.claimed'), 'ok');
      state.selected = id;
      return load().then(function () { return select(id); });
    }, function () { load(); });
  }

  function select(id) {
    state.selected = id;
    render();
    return T.api('GET', '/api/cases/' + encodeURIComponent(id)).then(detail, function () { /* shown */ });
  }

  function fact(term, value) {
    return [el('dt', {}, term), el('dd', {}, value)];
  }

  function detail(c) {
    var mine = c.claimed_by === state.me.username;
    var body = document.getElementById('detail-body');
    body.textContent = '';
    var st = document.getElementById('detail-status');
    st.textContent = '';
    st.appendChild(T.badge(c.status, label('status', c.status)));
    body.appendChild(el('dl', { 'class': 'facts', id: 'facts' },
      fact(T.t('cases.col.case'), el('span', { 'class': 'mono' }, c.id)),
      fact(T.t('cases.received'), T.formatTime(c.created_at) + ' (' + T.age(c.created_at) + ')'),
      fact(T.t('cases.window'), label('window', c.window)),
      fact(T.t('cases.leave'), c.leave_message ? T.t('yes') : T.t('no')),
      fact(T.t('cases.col.lang'), label('lang', c.lang)),
      fact(T.t('cases.channel'), String(c.channel || '').toUpperCase()),
      fact(T.t('cases.claimedBy'), claimedCell(c))));

    // The number: masked until the claimer asks, after a confirmation.
    var numberSlot = el('div', { id: 'number-slot' });
    numberSlot.appendChild(el('h3', {}, T.t('cases.number')));
    if (c.status === 'closed') {
      numberSlot.appendChild(el('p', { 'class': 'muted' }, '—'));
    } else if (mine) {
      var reveal = el('button', { type: 'button', id: 'reveal', 'class': 'button primary' }, T.t('cases.reveal'));
      reveal.addEventListener('click', function () { revealNumber(c, numberSlot, reveal); });
      numberSlot.appendChild(el('p', {}, el('span', { 'class': 'mono muted' }, '•• •• •• ••'), ' ', reveal));
    } else {
      numberSlot.appendChild(el('p', { 'class': 'muted' }, el('span', { 'class': 'mono' }, '•• •• •• ••'), ' · ',
        T.t('cases.reveal.claimFirst')));
    }
    body.appendChild(numberSlot);

    var actions = el('div', { 'class': 'actions', style: null });
    if (!c.claimed_by && c.status !== 'closed') {
      var take = el('button', { type: 'button', id: 'claim', 'class': 'button primary' }, T.t('cases.claim'));
      take.addEventListener('click', function () { claim(c.id); });
      actions.appendChild(take);
    }
    if (c.claimed_by && (mine || state.me.role === 'admin') && c.status !== 'closed') {
      var give = el('button', { type: 'button', id: 'release', 'class': 'button secondary' }, T.t('cases.release'));
      give.addEventListener('click', function () {
        T.api('POST', '/api/cases/' + c.id + '/release', {}).then(function () {
          T.show(T.t('cases.released'), 'ok');
          load().then(function () { select(c.id); });
        }, function () {});
      });
      actions.appendChild(give);
    }
    if (actions.childNodes.length) body.appendChild(actions);

    if (mine) body.appendChild(moveForm(c));
    body.appendChild(el('hr', { 'class': 'sep' }));
    body.appendChild(notes(c, mine));
  }

  function revealNumber(c, slot, button) {
    T.confirm(T.t('cases.reveal.title'), T.t('cases.reveal.text'), T.t('cases.reveal.ok')).then(function (ok) {
      if (!ok) return;
      button.disabled = true;
      T.api('POST', '/api/cases/' + c.id + '/reveal', {}).then(function (r) {
        slot.textContent = '';
        slot.appendChild(el('h3', {}, T.t('cases.number')));
        slot.appendChild(el('p', {},
          el('span', { 'class': 'number-box', id: 'number' }, r.number), ' ',
          el('a', { 'class': 'button secondary', href: 'tel:' + String(r.number).replace(/[^+0-9]/g, '') }, T.t('cases.reveal.call'))));
      }, function () { button.disabled = false; });
    });
  }

  function moveForm(c) {
    var next = NEXT[c.status] || [];
    var box = el('div', { id: 'move' }, el('hr', { 'class': 'sep' }), el('h3', {}, T.t('cases.move')));
    if (!next.length) {
      box.appendChild(el('p', { 'class': 'muted' }, T.t('cases.move.none')));
      return box;
    }
    var select = el('select', { id: 'move-to' }, next.map(function (s) { return el('option', { value: s }, label('status', s)); }));
    var note = el('textarea', { id: 'move-note', maxlength: '2000', rows: '2' });
    var submit = el('button', { type: 'submit', id: 'move-submit', 'class': 'button primary' }, T.t('cases.move.submit'));
    var form = el('form', { id: 'move-form', novalidate: 'novalidate' },
      el('div', { 'class': 'field' }, el('label', { 'for': 'move-to' }, T.t('cases.move.to')), select),
      el('div', { 'class': 'field' }, el('label', { 'for': 'move-note' }, T.t('cases.move.note')), note),
      el('div', { 'class': 'actions' }, submit));
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var to = select.value;
      var ask = to === 'closed' ? T.confirm(T.t('cases.close.title'), T.t('cases.close.text'), T.t('cases.close.ok')) : Promise.resolve(true);
      ask.then(function (ok) {
        if (!ok) return;
        var payload = { status: to };
        if (note.value.trim()) payload.note = note.value.trim();
        submit.disabled = true;
        T.api('POST', '/api/cases/' + c.id + '/status', payload).then(function () {
          T.show(T.t('cases.moved'), 'ok');
          load().then(function () { select_(c.id); });
        }, function () { submit.disabled = false; });
      });
    });
    box.appendChild(form);
    return box;
  }

  function select_(id) { return select(id); }

  function notes(c, mine) {
    var box = el('div', { id: 'notes' }, el('h3', {}, T.t('cases.notes')));
    if (!c.notes_visible) {
      box.appendChild(el('p', { 'class': 'muted' }, T.t('cases.notes.hidden', { n: c.notes_count || 0 })));
    } else if (!c.notes || !c.notes.length) {
      box.appendChild(el('p', { 'class': 'muted' }, T.t('cases.notes.none')));
    } else {
      box.appendChild(el('ul', { 'class': 'notes' }, c.notes.map(function (n) {
        return el('li', {}, el('div', { 'class': 'meta' }, (n.operator || '') + ' · ' + T.formatTime(n.at)), el('div', {}, n.text || ''));
      })));
    }
    if (mine && c.status !== 'closed') {
      var text = el('textarea', { id: 'note-text', maxlength: '2000', rows: '2' });
      var add = el('button', { type: 'submit', id: 'note-submit', 'class': 'button secondary' }, T.t('cases.note.submit'));
      var form = el('form', { id: 'note-form', novalidate: 'novalidate' },
        el('div', { 'class': 'field' }, el('label', { 'for': 'note-text' }, T.t('cases.note.add')), text),
        el('div', { 'class': 'actions' }, add));
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        if (!text.value.trim()) return;
        add.disabled = true;
        T.api('POST', '/api/cases/' + c.id + '/notes', { note: text.value.trim() }).then(function () {
          T.show(T.t('cases.noted'), 'ok');
          select(c.id);
        }, function () { add.disabled = false; });
      });
      box.appendChild(form);
    }
    return box;
  }

  T.ready(function (me) {
    state.me = me;
    document.querySelectorAll('#tabs button').forEach(function (b) {
      b.addEventListener('click', function () {
        state.tab = b.getAttribute('data-tab');
        if (state.tab === 'closed' && !state.lists.closed) load(); else render();
      });
    });
    document.getElementById('sort').addEventListener('change', function (e) { state.sort = e.target.value; render(); });
    document.getElementById('refresh').addEventListener('click', function () {
      load().then(function () { if (state.selected) select(state.selected); });
    });
    document.addEventListener('taama:lang', function () {
      render();
      if (state.selected) select(state.selected);
    });
    load();
  });
})();
