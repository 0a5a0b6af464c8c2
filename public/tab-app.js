// The Dashboard tab: in Teams it follows the theme, gets an SSO token and shows the user's
// dashboard; outside Teams it says where to open it (or offers the demo personas).
(function () {
  'use strict';
  var root = document.getElementById('tab');
  var text = JSON.parse(root.getAttribute('data-text'));
  var locale = root.getAttribute('data-locale');
  var message = document.getElementById('message');

  function applyTheme(theme) {
    document.body.className = theme === 'dark' ? 'dark' : theme === 'contrast' ? 'contrast' : '';
  }

  function render(data) {
    document.getElementById('heading').textContent = data.title;
    message.textContent = '';
    var container = document.getElementById('sections');
    container.textContent = '';
    data.sections.forEach(function (section) {
      var el = document.createElement('section');
      var h = document.createElement('h2');
      h.textContent = section.title;
      var ul = document.createElement('ul');
      section.items.forEach(function (item) {
        var li = document.createElement('li');
        li.textContent = item;
        ul.appendChild(li);
      });
      el.appendChild(h);
      el.appendChild(ul);
      container.appendChild(el);
    });
  }

  function load(headers, lang) {
    return fetch('/api/tab/dashboard?locale=' + encodeURIComponent(lang || locale), { headers: headers })
      .then(function (res) {
        if (!res.ok) throw new Error('dashboard ' + res.status);
        return res.json();
      })
      .then(function (data) {
        render(data);
        offerExport(headers, lang || locale);
      })
      .catch(function () {
        message.textContent = text.error;
      });
  }

  // The audit trail as CSV: fetched with the same token as the dashboard, then saved from a Blob.
  function offerExport(headers, lang) {
    var button = document.getElementById('export-audit');
    var status = document.getElementById('export-status');
    button.hidden = false;
    button.onclick = function () {
      button.disabled = true;
      status.textContent = text.downloading;
      fetch('/api/tab/audit.csv?locale=' + encodeURIComponent(lang), { headers: headers })
        .then(function (res) {
          if (!res.ok) {
            return res.json().then(function (body) {
              throw new Error(body && body.message ? body.message : text.error);
            });
          }
          var match = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
          var filename = match ? match[1] : 'audit-trail.csv';
          return res.blob().then(function (blob) {
            var url = URL.createObjectURL(blob);
            var a = document.createElement('a');
            a.href = url;
            a.download = filename;
            document.body.appendChild(a);
            a.click();
            a.remove();
            setTimeout(function () {
              URL.revokeObjectURL(url);
            }, 1000);
            status.textContent = text.downloaded.replace('{filename}', filename);
          });
        })
        .catch(function (error) {
          status.textContent = text.refused.replace('{reason}', error.message);
        })
        .then(function () {
          button.disabled = false;
        });
    };
  }

  function outsideTeams() {
    message.textContent = text.outsideTeams;
    var demo = document.getElementById('demo');
    if (!demo) return;
    demo.hidden = false;
    demo.addEventListener('submit', function (event) {
      event.preventDefault();
      load({ 'x-demo-persona': document.getElementById('persona').value });
    });
  }

  var teams = window.microsoftTeams;
  if (!teams || window.parent === window) return outsideTeams();
  var timer = setTimeout(outsideTeams, 4000);
  teams.app
    .initialize()
    .then(function () {
      clearTimeout(timer);
      return teams.app.getContext();
    })
    .then(function (context) {
      applyTheme(context.app.theme);
      teams.app.registerOnThemeChangeHandler(applyTheme);
      var lang = (context.app.locale || locale).toLowerCase().indexOf('it') === 0 ? 'it' : 'en';
      return teams.authentication.getAuthToken().then(
        function (token) {
          return load({ authorization: 'Bearer ' + token }, lang);
        },
        function () {
          message.textContent = text.signInFailed;
        }
      );
    })
    .catch(outsideTeams);
})();
