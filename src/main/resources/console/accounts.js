/* Accounts (admin): who may sign in and with which role; create operators, volunteers and admins. */
(function () {
  'use strict';
  var T = window.Taama;
  var el = T.el;
  T.addTexts({
    fr: {
      'accounts.lead': 'Les personnes qui peuvent se connecter à la console, et leur rôle. Chaque création est enregistrée.',
      'accounts.list': 'Comptes existants', 'accounts.create': 'Créer un compte',
      'accounts.col.username': 'Identifiant', 'accounts.col.role': 'Rôle', 'accounts.col.created': 'Créé le',
      'accounts.password': 'Mot de passe',
      'accounts.username.hint': '3 à 64 caractères : a-z, 0-9, point, tiret, tiret bas.',
      'accounts.password.hint': 'Au moins 12 caractères. Transmettez-le à la personne de vive voix.',
      'accounts.create.submit': 'Créer le compte',
      'accounts.created': 'Compte {user} créé ({role}).',
      'accounts.bad.username': 'L’identifiant doit faire 3 à 64 caractères : a-z, 0-9, point, tiret, tiret bas.',
      'accounts.bad.password': 'Le mot de passe doit faire au moins 12 caractères.',
      'accounts.taken': 'Cet identifiant est déjà pris.',
      'accounts.you': 'vous',
      'accounts.role.operator': 'Traite les rappels, valide les campagnes, voit le tableau de bord et le journal.',
      'accounts.role.volunteer': 'Prépare ses propres campagnes et utilise le simulateur.',
      'accounts.role.admin': 'Tout, y compris les comptes et le journal d’audit.'
    },
    en: {
      'accounts.lead': 'Who may sign in to the console, and with which role. Every account made is recorded.',
      'accounts.list': 'Accounts', 'accounts.create': 'Create an account',
      'accounts.col.username': 'Username', 'accounts.col.role': 'Role', 'accounts.col.created': 'Created',
      'accounts.password': 'Password',
      'accounts.username.hint': '3 to 64 characters: a-z, 0-9, dot, dash, underscore.',
      'accounts.password.hint': 'At least 12 characters. Give it to the person by voice.',
      'accounts.create.submit': 'Create the account',
      'accounts.created': 'Account {user} created ({role}).',
      'accounts.bad.username': 'The username must be 3 to 64 characters: a-z, 0-9, dot, dash, underscore.',
      'accounts.bad.password': 'The password must be at least 12 characters.',
      'accounts.taken': 'This username is taken.',
      'accounts.you': 'you',
      'accounts.role.operator': 'Works call-backs, reviews campaigns, sees the dashboard and the log.',
      'accounts.role.volunteer': 'Drafts their own campaigns and uses the simulator.',
      'accounts.role.admin': 'Everything, accounts and the audit trail included.'
    }
  });

  var me = null;
  var last = [];

  function render(list) {
    last = list;
    var body = document.getElementById('accounts-body');
    body.textContent = '';
    document.getElementById('accounts-count').textContent = String(list.length);
    if (!list.length) {
      body.appendChild(el('tr', {}, el('td', { colspan: '3', 'class': 'empty' }, T.t('empty'))));
      return;
    }
    list.forEach(function (a) {
      body.appendChild(el('tr', { 'data-username': a.username },
        el('td', {}, el('span', { 'class': 'mono' }, a.username),
          a.username === me.username ? el('span', { 'class': 'muted' }, ' (' + T.t('accounts.you') + ')') : null),
        el('td', {}, el('span', { 'class': 'badge role-badge role-' + a.role }, T.t('role.' + a.role))),
        el('td', { 'class': 'num' }, T.formatTime(a.created_at))));
    });
  }

  function load() {
    return T.api('GET', '/api/operators').then(function (r) { render(r.accounts); }, function () {});
  }

  function roleHint() {
    document.getElementById('role-hint').textContent = T.t('accounts.role.' + document.getElementById('new-role').value);
  }

  T.ready(function (who) {
    me = who;
    var form = document.getElementById('create-form');
    var user = document.getElementById('new-username');
    var pass = document.getElementById('new-password');
    var role = document.getElementById('new-role');
    var submit = document.getElementById('create-submit');
    role.addEventListener('change', roleHint);
    document.addEventListener('taama:lang', function () { roleHint(); render(last); });
    roleHint();
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      T.clearMessages();
      var name = user.value.trim().toLowerCase();
      if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(name)) {
        T.show(T.t('accounts.bad.username'), 'error');
        user.focus();
        return;
      }
      if (pass.value.length < 12) {
        T.show(T.t('accounts.bad.password'), 'error');
        pass.focus();
        return;
      }
      submit.disabled = true;
      T.api('POST', '/api/operators', { username: name, password: pass.value, role: role.value }, { quiet: true }).then(function (a) {
        submit.disabled = false;
        form.reset();
        roleHint();
        T.show(T.t('accounts.created', { user: a.username, role: T.t('role.' + a.role) }), 'ok');
        return load();
      }, function (err) {
        submit.disabled = false;
        T.show(err.status === 409 ? T.t('accounts.taken') : err.message, 'error');
      });
    });
    load();
  });
})();
