// The web chat page: picks an identity (the portal's signed user or a demo persona), asks the
// assistant for a Direct Line token bound to it, and renders Bot Framework Web Chat.
(function () {
  'use strict';
  var root = document.getElementById('app');
  var text = JSON.parse(root.getAttribute('data-text'));
  var locale = root.getAttribute('data-locale');
  var chat = document.getElementById('webchat');
  var status = document.getElementById('status');

  function start(body) {
    status.textContent = '';
    body.locale = locale === 'it' ? 'it-IT' : 'en-US';
    fetch('/api/directline/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) {
        if (!res.ok) throw new Error('token ' + res.status);
        return res.json();
      })
      .then(function (t) {
        document.getElementById('signin').hidden = true;
        document.getElementById('who').textContent = text.signedInAs.replace('{name}', t.user.name);
        document.getElementById('session').hidden = false;
        chat.hidden = false;
        // A link may carry a message to send once connected (e.g. "accept invitation <code>").
        var say = new URLSearchParams(window.location.hash.slice(1)).get('say');
        var store = window.WebChat.createStore({}, function () {
          return function (next) {
            return function (action) {
              if (say && action.type === 'DIRECT_LINE/CONNECT_FULFILLED') {
                var text = say;
                say = null;
                setTimeout(function () {
                  store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: text } });
                }, 0);
              }
              return next(action);
            };
          };
        });
        window.WebChat.renderWebChat(
          {
            store: store,
            directLine: window.WebChat.createDirectLine({ token: t.token, domain: t.domain, webSocket: true }),
            locale: locale === 'it' ? 'it-IT' : 'en-US',
            styleOptions: { botAvatarInitials: 'CSP', userAvatarInitials: t.user.name.slice(0, 2).toUpperCase(), accent: '#5b5fc7', bubbleBorderRadius: 8 },
          },
          chat
        );
      })
      .catch(function () {
        status.textContent = text.error;
      });
  }

  var form = document.getElementById('signin');
  if (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      start({ persona: document.getElementById('persona').value });
    });
  }
  var userToken = new URLSearchParams(window.location.hash.slice(1)).get('userToken');
  if (userToken) start({ userToken: userToken });
})();
