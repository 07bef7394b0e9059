/* The sign-in page: signs in with a session cookie, then goes where the person was sent from. */
(function () {
  'use strict';
  var T = window.Taama;
  T.addTexts({
    fr: {
      'login.title': 'Connexion',
      'login.lead': 'Réservé à l’équipe de l’association.',
      'login.username': 'Identifiant',
      'login.password': 'Mot de passe',
      'login.submit': 'Se connecter',
      'login.foot': 'Chaque action est enregistrée.',
      'login.wrong': 'Identifiant ou mot de passe incorrect.',
      'login.missing': 'Saisissez votre identifiant et votre mot de passe.',
      'login.throttled': 'Trop de tentatives. Réessayez dans {minutes} minutes.',
      'login.busy': 'Le service est occupé. Réessayez dans un instant.'
    },
    en: {
      'login.title': 'Sign in',
      'login.lead': 'For the association’s team only.',
      'login.username': 'Username',
      'login.password': 'Password',
      'login.submit': 'Sign in',
      'login.foot': 'Every action is recorded.',
      'login.wrong': 'Wrong username or password.',
      'login.missing': 'Enter your username and password.',
      'login.throttled': 'Too many attempts. Try again in {minutes} minutes.',
      'login.busy': 'The service is busy. Try again in a moment.'
    }
  });

  /** Only a path of this site (never "//elsewhere" or "https://…"). */
  function next(home) {
    var n = new URLSearchParams(window.location.search).get('next');
    return n && /^\/[a-z0-9-]*$/.test(n) ? n : home;
  }

  function start() {
    var form = document.getElementById('login-form');
    var button = document.getElementById('login-submit');
    // Already signed in: straight on.
    T.api('GET', '/api/me', null, { quiet: true, noRedirect: true }).then(function (me) {
      window.location.replace(next(me.home));
    }, function () { /* not signed in: stay */ });

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      T.clearMessages();
      var username = form.username.value.trim();
      var password = form.password.value;
      if (!username || !password) {
        T.show(T.t('login.missing'), 'error');
        return;
      }
      button.disabled = true;
      fetch('/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify({ username: username, password: password }),
        credentials: 'same-origin',
        cache: 'no-store'
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          if (res.ok) {
            window.location.assign(next(body.home));
            return;
          }
          button.disabled = false;
          form.password.value = '';
          if (res.status === 401) {
            T.show(T.t('login.wrong'), 'error');
          } else if (res.status === 429) {
            var s = parseInt(res.headers.get('Retry-After') || '60', 10);
            T.show(T.t('login.throttled', { minutes: Math.max(1, Math.ceil(s / 60)) }), 'error');
          } else if (res.status === 503) {
            T.show(T.t('login.busy'), 'error');
          } else {
            T.show(T.describe(res.status, body.error), 'error');
          }
          form.password.focus();
        });
      }, function () {
        button.disabled = false;
        T.show(T.t('error.network'), 'error');
      });
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
