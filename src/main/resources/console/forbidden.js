/* The page a role may not open: its texts. */
window.Taama.addTexts({
  fr: { 'forbidden.title': 'Accès refusé', 'forbidden.text': 'Votre rôle ne donne pas accès à cette page.', 'forbidden.back': 'Retour à la console' },
  en: { 'forbidden.title': 'Access denied', 'forbidden.text': 'Your role does not give access to this page.', 'forbidden.back': 'Back to the console' }
});
