/*
 * Taama console: what every page shares. The page's own script calls Taama.ready(me => ...) and
 * talks to the API through Taama.api(), which sends the session's CSRF token and turns refusals
 * into messages. No inline scripts anywhere (the Content-Security-Policy forbids them).
 */
(function () {
  'use strict';

  // Console chrome texts. French first; English where written. Bambara: no sourced terms yet for
  // these interface words (see shared/GLOSSARY-bm.md), so the French is shown; FOR REVIEW.
  var TEXTS = {
    fr: {
      'app.name': 'Taama',
      'app.console': 'Console',
      'skip': 'Aller au contenu',
      'nav.label': 'Pages de la console',
      'page.dashboard': 'Tableau de bord',
      'page.cases': 'Rappels',
      'page.approvals': 'Validations',
      'page.log': 'Journal',
      'page.campaigns': 'Campagnes',
      'page.simulator': 'Simulateur',
      'page.content': 'Contenus',
      'page.accounts': 'Comptes',
      'page.soon': 'Cette page arrive bientôt.',
      'role.admin': 'Administrateur',
      'role.operator': 'Opérateur',
      'role.volunteer': 'Bénévole',
      'lang.label': 'Langue',
      'logout': 'Se déconnecter',
      'signed.in.as': 'Connecté : {user}',
      'messages.close': 'Fermer',
      'error.network': 'Le serveur ne répond pas. Vérifiez la connexion et réessayez.',
      'error.session': 'Votre session a pris fin. Reconnectez-vous.',
      'error.forbidden': 'Votre rôle ne permet pas cette action.',
      'error.csrf': 'La page n’est plus à jour : rechargez-la puis réessayez.',
      'error.busy': 'Le service est occupé. Réessayez dans un instant.',
      'error.generic': 'La demande a été refusée : {reason}',
      'confirm.ok': 'Confirmer',
      'confirm.cancel': 'Annuler',
      'loading': 'Chargement…',
      'empty': 'Rien à afficher.'
    },
    en: {
      'app.name': 'Taama',
      'app.console': 'Console',
      'skip': 'Skip to content',
      'nav.label': 'Console pages',
      'page.dashboard': 'Dashboard',
      'page.cases': 'Call-backs',
      'page.approvals': 'Approvals',
      'page.log': 'Message log',
      'page.campaigns': 'Campaigns',
      'page.simulator': 'Simulator',
      'page.content': 'Content',
      'page.accounts': 'Accounts',
      'page.soon': 'This page is coming soon.',
      'role.admin': 'Administrator',
      'role.operator': 'Operator',
      'role.volunteer': 'Volunteer',
      'lang.label': 'Language',
      'logout': 'Sign out',
      'signed.in.as': 'Signed in: {user}',
      'messages.close': 'Close',
      'error.network': 'The server does not answer. Check the connection and try again.',
      'error.session': 'Your session has ended. Please sign in again.',
      'error.forbidden': 'Your role does not allow this.',
      'error.csrf': 'This page is out of date: reload it and try again.',
      'error.busy': 'The service is busy. Try again in a moment.',
      'error.generic': 'The request was refused: {reason}',
      'confirm.ok': 'Confirm',
      'confirm.cancel': 'Cancel',
      'loading': 'Loading…',
      'empty': 'Nothing to show.'
    },
    bm: {}
  };
  var LANGS = [['fr', 'Français'], ['bm', 'Bamanankan'], ['en', 'English']];

  function storedLang() {
    try {
      var l = window.localStorage.getItem('taama.lang');
      return l === 'fr' || l === 'bm' || l === 'en' ? l : 'fr';
    } catch (e) {
      return 'fr';
    }
  }

  var readyFns = [];
  var Taama = {
    me: null,
    lang: storedLang(),
    csrf: null,

    /** Adds a page's texts: {fr: {...}, en: {...}, bm: {...}}. */
    addTexts: function (dict) {
      Object.keys(dict).forEach(function (lang) {
        TEXTS[lang] = TEXTS[lang] || {};
        Object.keys(dict[lang]).forEach(function (k) { TEXTS[lang][k] = dict[lang][k]; });
      });
    },

    /** The text of key in the chosen language (French when it has none), {name}s filled from vars. */
    t: function (key, vars) {
      var s = (TEXTS[Taama.lang] || {})[key];
      if (s === undefined) s = TEXTS.fr[key];
      if (s === undefined) s = key;
      if (vars) s = s.replace(/\{(\w+)\}/g, function (m, n) { return vars[n] === undefined ? m : String(vars[n]); });
      return s;
    },

    /** Fills every [data-i18n] element under root (its text) and [data-i18n-placeholder], [data-i18n-label]. */
    applyTexts: function (root) {
      root = root || document;
      root.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = Taama.t(el.getAttribute('data-i18n')); });
      root.querySelectorAll('[data-i18n-placeholder]').forEach(function (el) {
        el.setAttribute('placeholder', Taama.t(el.getAttribute('data-i18n-placeholder')));
      });
      root.querySelectorAll('[data-i18n-label]').forEach(function (el) {
        el.setAttribute('aria-label', Taama.t(el.getAttribute('data-i18n-label')));
      });
      document.documentElement.lang = Taama.lang;
      var title = document.body.getAttribute('data-title');
      if (title) document.title = Taama.t(title) + ' · Taama';
    },

    setLang: function (lang) {
      Taama.lang = lang;
      try { window.localStorage.setItem('taama.lang', lang); } catch (e) { /* private mode: this page only */ }
      Taama.applyTexts();
      document.dispatchEvent(new CustomEvent('taama:lang', { detail: lang }));
    },

    /** Runs fn(me) once the signed-in user is known and the page chrome is built. */
    ready: function (fn) {
      if (Taama.me) fn(Taama.me); else readyFns.push(fn);
    },

    /**
     * Calls the API: method, path, optional JSON body. Resolves with the parsed JSON (null for 204);
     * rejects with an Error (status, reason) after showing it, unless opts.quiet. A 401 sends the
     * browser to the sign-in page.
     */
    api: function (method, path, body, opts) {
      opts = opts || {};
      var headers = { 'Accept': 'application/json' };
      if (body !== undefined && body !== null) headers['Content-Type'] = 'application/json';
      if (method !== 'GET' && method !== 'HEAD' && Taama.csrf) headers['X-CSRF-Token'] = Taama.csrf;
      return fetch(path, {
        method: method,
        headers: headers,
        body: body === undefined || body === null ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store'
      }).catch(function () {
        var err = new Error(Taama.t('error.network'));
        err.status = 0;
        if (!opts.quiet) Taama.show(err.message, 'error');
        throw err;
      }).then(function (res) {
        if (res.status === 204) return null;
        return res.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (res.ok) return data;
          var reason = data && typeof data.error === 'string' ? data.error : res.statusText;
          var err = new Error(Taama.describe(res.status, reason));
          err.status = res.status;
          err.reason = reason;
          if (res.status === 401 && !opts.noRedirect) {
            Taama.toLogin();
          } else if (!opts.quiet) {
            Taama.show(err.message, 'error');
          }
          throw err;
        });
      });
    },

    /** What a refusal means for the person, in their language. */
    describe: function (status, reason) {
      if (status === 401) return Taama.t('error.session');
      if (status === 403 && /CSRF/.test(reason || '')) return Taama.t('error.csrf');
      if (status === 403) return Taama.t('error.forbidden');
      if (status === 503 || status === 429) return Taama.t('error.busy') + (reason ? ' (' + reason + ')' : '');
      return Taama.t('error.generic', { reason: reason || status });
    },

    toLogin: function () {
      window.location.assign('/?next=' + encodeURIComponent(window.location.pathname));
    },

    /** Shows a message in the page's message area: kind 'error', 'ok' or 'info'. */
    show: function (text, kind) {
      var box = messageBox();
      var item = el('div', { 'class': 'message message-' + (kind || 'info'), role: kind === 'error' ? 'alert' : 'status' },
        el('span', { 'class': 'message-text' }, text),
        el('button', { type: 'button', 'class': 'message-close', 'aria-label': Taama.t('messages.close') }, '×'));
      item.querySelector('button').addEventListener('click', function () { item.remove(); });
      box.appendChild(item);
      if (kind !== 'error') setTimeout(function () { item.remove(); }, 6000);
    },

    clearMessages: function () {
      var box = document.getElementById('messages');
      if (box) box.textContent = '';
    },

    /** Asks before doing something that matters; resolves true or false. */
    confirm: function (title, text, okLabel) {
      return new Promise(function (resolve) {
        var dialog = el('dialog', { 'class': 'confirm', 'aria-labelledby': 'confirm-title' },
          el('h2', { id: 'confirm-title' }, title),
          el('p', {}, text),
          el('div', { 'class': 'actions' },
            el('button', { type: 'button', 'class': 'button secondary', value: 'cancel' }, Taama.t('confirm.cancel')),
            el('button', { type: 'button', 'class': 'button primary', value: 'ok' }, okLabel || Taama.t('confirm.ok'))));
        var answered = false;
        function answer(v) {
          if (answered) return;
          answered = true;
          dialog.close();
          dialog.remove();
          resolve(v);
        }
        dialog.querySelectorAll('button').forEach(function (b) {
          b.addEventListener('click', function () { answer(b.value === 'ok'); });
        });
        dialog.addEventListener('cancel', function () { answer(false); });
        document.body.appendChild(dialog);
        dialog.showModal();
        dialog.querySelector('button.primary').focus();
      });
    },

    el: el,

    /** A date and time as people here read them (Africa/Bamako is UTC all year). */
    formatTime: function (iso) {
      if (!iso) return '';
      var d = new Date(iso);
      if (isNaN(d.getTime())) return String(iso);
      try {
        return d.toLocaleString(Taama.lang === 'en' ? 'en-GB' : 'fr-FR',
          { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Africa/Bamako' });
      } catch (e) {
        return d.toISOString();
      }
    },

    /** How long ago, roughly: "3 min", "2 h", "4 j". */
    age: function (iso) {
      var d = new Date(iso);
      if (isNaN(d.getTime())) return '';
      var s = Math.max(0, (Date.now() - d.getTime()) / 1000);
      if (s < 3600) return Math.max(1, Math.round(s / 60)) + ' min';
      if (s < 86400 * 2) return Math.round(s / 3600) + ' h';
      return Math.round(s / 86400) + (Taama.lang === 'en' ? ' d' : ' j');
    },

    /** A status badge: a pill whose colour says the status (css: .badge-<status>). */
    badge: function (status, label) {
      return el('span', { 'class': 'badge badge-' + String(status).replace(/[^a-z0-9_-]/gi, '') }, label || status);
    }
  };

  /** Builds an element; attrs as strings (never HTML), children as nodes or text. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x !== null && x !== undefined) node.append(x); });
      else node.append(c);
    }
    return node;
  }

  /** The page's message area, made at the top of the content when the page has none yet. */
  function messageBox() {
    var box = document.getElementById('messages');
    if (box) return box;
    box = el('div', { id: 'messages', 'class': 'messages', 'aria-live': 'polite' });
    var main = document.getElementById('main') || document.body;
    main.insertBefore(box, main.firstChild);
    return box;
  }

  function languageSwitch() {
    var select = el('select', { id: 'lang', 'class': 'lang-select' });
    LANGS.forEach(function (l) {
      var o = el('option', { value: l[0], lang: l[0] }, l[1]);
      if (l[0] === Taama.lang) o.selected = true;
      select.appendChild(o);
    });
    select.addEventListener('change', function () { Taama.setLang(select.value); });
    return el('div', { 'class': 'lang' }, el('label', { 'for': 'lang', 'class': 'visually-hidden', 'data-i18n': 'lang.label' }), select);
  }

  function chrome(me) {
    var page = document.body.getAttribute('data-page');
    var nav = el('nav', { 'class': 'nav', 'data-i18n-label': 'nav.label', id: 'nav' },
      el('ul', {}, me.pages.map(function (p) {
        var a = el('a', { href: p.path, 'data-page': p.id, 'data-i18n': 'page.' + p.id });
        if (p.id === page) a.setAttribute('aria-current', 'page');
        return el('li', {}, a);
      })));
    var logout = el('button', { type: 'button', id: 'logout', 'class': 'button ghost', 'data-i18n': 'logout' });
    logout.addEventListener('click', function () {
      Taama.api('POST', '/api/logout', null, { noRedirect: true }).then(function () {
        window.location.assign('/');
      }, function (e) {
        if (e.status === 401) window.location.assign('/');
      });
    });
    var header = el('header', { 'class': 'topbar' },
      el('a', { 'class': 'skip', href: '#main', 'data-i18n': 'skip' }),
      el('div', { 'class': 'topbar-inner' },
        el('a', { 'class': 'brand', href: me.home },
          el('span', { 'class': 'brand-mark', 'aria-hidden': 'true' }, 'T'),
          el('span', { 'class': 'brand-name', 'data-i18n': 'app.name' }),
          el('span', { 'class': 'brand-sub', 'data-i18n': 'app.console' })),
        nav,
        el('div', { 'class': 'user' },
          el('span', { 'class': 'user-name', id: 'user-name' }, me.username),
          el('span', { 'class': 'badge role role-' + me.role, id: 'user-role', 'data-i18n': 'role.' + me.role }),
          languageSwitch(),
          logout)));
    document.body.insertBefore(header, document.body.firstChild);
    messageBox();
  }

  function start() {
    var page = document.body.getAttribute('data-page');
    if (page === 'login' || page === 'forbidden') {
      var slot = document.getElementById('lang-slot');
      if (slot) slot.appendChild(languageSwitch());
      Taama.applyTexts();
      document.body.classList.remove('loading');
      return;
    }
    Taama.api('GET', '/api/me').then(function (me) {
      Taama.me = me;
      Taama.csrf = me.csrf || null;
      chrome(me);
      Taama.applyTexts();
      document.body.classList.remove('loading');
      var fns = readyFns;
      readyFns = [];
      fns.forEach(function (fn) { fn(me); });
    }, function () {
      // Shown in the message area (or on the way to the sign-in page): the page stays readable.
      document.body.classList.remove('loading');
    });
  }

  window.Taama = Taama;
  // After every deferred script (the page's own adds its texts first): DOMContentLoaded waits for them.
  if (document.readyState === 'complete') start(); else document.addEventListener('DOMContentLoaded', start);
})();
