// The web chat page: the user signs in (OpenID Connect, through /auth/signin) or comes with the
// portal's signed token; the assistant issues a Direct Line token bound to that proven user and
// this script renders Bot Framework Web Chat with it.
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
        var signout = document.getElementById('signout');
        if (signout && !body.userToken) signout.hidden = false;
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

  var userToken = new URLSearchParams(window.location.hash.slice(1)).get('userToken');
  if (userToken) {
    start({ userToken: userToken });
  } else if (root.getAttribute('data-signin') === 'oidc') {
    // Signed in already (the session cookie)? Then start; otherwise offer the sign-in.
    fetch('/auth/session', { credentials: 'same-origin' }).then(function (res) {
      if (res.ok) start({});
      else document.getElementById('signin').hidden = false;
    }, function () {
      status.textContent = text.error;
    });
  }
  var signoutForm = document.getElementById('signout');
  if (signoutForm) {
    signoutForm.addEventListener('submit', function (event) {
      event.preventDefault();
      fetch('/auth/signout', { method: 'POST', credentials: 'same-origin' }).then(function () {
        window.location.reload();
      });
    });
  }
})();
