/*
 * The approval queue: every submitted campaign with both texts and its cost preview; an operator
 * approves it or rejects it with a reason (never their own: the server refuses, the button is not shown).
 */
(function () {
  'use strict';
  Taama.addTexts({
    fr: {
      'appr.lead': 'Les campagnes qui attendent une validation. Lisez les deux textes et le coût ; vous ne validez jamais vos propres campagnes.',
      'appr.empty': 'Aucune campagne n’attend de validation.',
      'appr.by': 'Proposée par {owner} · {when}',
      'appr.approve': 'Approuver', 'appr.reject': 'Refuser', 'appr.reason': 'Ce qu’il faut changer (obligatoire)',
      'appr.reject.confirm': 'Refuser avec ce motif', 'appr.own': 'C’est votre campagne : un autre membre de l’équipe la valide.',
      'appr.approved': 'Campagne approuvée.', 'appr.rejected': 'Campagne refusée ; son auteur voit le motif.',
      'appr.follow': 'Suivre l’envoi', 'appr.confirm': 'Approuver l’envoi de cette campagne à {n} destinataires ?',
      'appr.reason.missing': 'Écrivez le motif du refus.'
    },
    en: {
      'appr.lead': 'Campaigns awaiting approval. Read both texts and the cost; you never approve your own.',
      'appr.empty': 'No campaign awaits approval.',
      'appr.by': 'Proposed by {owner} · {when}',
      'appr.approve': 'Approve', 'appr.reject': 'Reject', 'appr.reason': 'What to change (required)',
      'appr.reject.confirm': 'Reject with this reason', 'appr.own': 'This is your campaign: another team member reviews it.',
      'appr.approved': 'Campaign approved.', 'appr.rejected': 'Campaign rejected; its author sees the reason.',
      'appr.follow': 'Follow the sending', 'appr.confirm': 'Approve sending this campaign to {n} recipients?',
      'appr.reason.missing': 'Write the reason for the rejection.'
    }
  });
  var el = Taama.el;
  var me = null;

  function card(c) {
    var own = c.owner === me.username;
    var actions = el('div', { 'class': 'actions' });
    var reason = el('textarea', { id: 'reason-' + c.id, maxlength: '500', rows: '2' });
    var rejectBox = el('div', { 'class': 'reject-box', hidden: 'hidden' },
      el('label', { 'for': 'reason-' + c.id }, Taama.t('appr.reason')), reason,
      el('div', { 'class': 'actions' }, el('button', { type: 'button', 'class': 'button danger', 'data-act': 'reject-confirm' }, Taama.t('appr.reject.confirm'))));
    var node = el('article', { 'class': 'card', 'data-id': c.id },
      el('div', { 'class': 'card-head' }, el('h2', {}, c.name), el('span', {}, CampaignView.status(c.status), ' ', c.channel.toUpperCase())),
      el('div', { 'class': 'card-body' },
        el('p', { 'class': 'muted' }, Taama.t('appr.by', { owner: c.owner, when: Taama.formatTime(c.submitted_at) })),
        CampaignView.texts(c),
        el('div', { 'class': 'preview-panel' }, CampaignView.preview(c.preview)),
        own ? el('p', { 'class': 'notice' }, Taama.t('appr.own')) : actions, rejectBox));
    if (!own) {
      var approve = el('button', { type: 'button', 'class': 'button primary', 'data-act': 'approve' }, Taama.t('appr.approve'));
      var reject = el('button', { type: 'button', 'class': 'button secondary', 'data-act': 'reject' }, Taama.t('appr.reject'));
      actions.append(approve, reject);
      approve.addEventListener('click', function () {
        Taama.confirm(Taama.t('appr.approve'), Taama.t('appr.confirm', { n: c.preview.recipients })).then(function (ok) {
          if (!ok) return;
          Taama.api('POST', '/api/campaigns/' + c.id + '/approve', {}).then(function () { done(node, c, 'appr.approved', true); });
        });
      });
      reject.addEventListener('click', function () { rejectBox.hidden = false; reason.focus(); });
      rejectBox.querySelector('button').addEventListener('click', function () {
        if (!reason.value.trim()) { Taama.show(Taama.t('appr.reason.missing'), 'error'); reason.focus(); return; }
        Taama.api('POST', '/api/campaigns/' + c.id + '/reject', { reason: reason.value }).then(function () { done(node, c, 'appr.rejected', false); });
      });
    }
    return node;
  }

  function done(node, c, key, approved) {
    Taama.show(Taama.t(key), 'ok');
    var body = node.querySelector('.card-body');
    body.textContent = '';
    body.appendChild(el('p', {}, Taama.t(key)));
    if (approved) body.appendChild(el('a', { 'class': 'button primary', href: '/campaigns#' + c.id, id: 'follow-' + c.id }, Taama.t('appr.follow')));
  }

  function load() {
    Taama.api('GET', '/api/campaigns?status=submitted&limit=100').then(function (r) {
      return Promise.all(r.campaigns.map(function (c) { return Taama.api('GET', '/api/campaigns/' + c.id); }));
    }).then(function (full) {
      var q = document.getElementById('queue');
      q.textContent = '';
      if (!full.length) q.appendChild(el('div', { 'class': 'card card-body muted', id: 'queue-empty' }, Taama.t('appr.empty')));
      full.forEach(function (c) { q.appendChild(card(c)); });
    });
  }

  Taama.ready(function (who) { me = who; load(); });
})();
