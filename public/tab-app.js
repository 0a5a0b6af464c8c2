// The Dashboard tab: in Teams it follows the theme, gets an SSO token and shows the user's
// dashboard; outside Teams it says where to open it (or offers the demo personas). Charts are
// inline SVG built with DOM APIs (no chart library, no innerHTML), coloured by the theme's CSS
// variables, each with a text alternative and a data list holding the same numbers.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var root = document.getElementById('tab');
  var text = JSON.parse(root.getAttribute('data-text'));
  var locale = root.getAttribute('data-locale');
  var message = document.getElementById('message');
  var shown;

  function applyTheme(theme) {
    document.body.className = theme === 'dark' ? 'dark' : theme === 'contrast' ? 'contrast' : '';
  }

  function svg(name, attributes, parent) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) {
      el.setAttribute(key, String(attributes[key]));
    });
    if (parent) parent.appendChild(el);
    return el;
  }

  function label(parent, content, attributes, room) {
    var el = svg('text', attributes, parent);
    el.textContent = content;
    // A label longer than its room is narrowed to fit rather than cut off or spilling out.
    if (room > 0 && el.getComputedTextLength() > room) {
      el.setAttribute('textLength', String(room));
      el.setAttribute('lengthAdjust', 'spacingAndGlyphs');
    }
    return el;
  }

  function alternative(chart) {
    return chart.title + ': ' + chart.bars.map(function (b) { return b.fullLabel + ' ' + b.value; }).join(', ');
  }

  // Horizontal bars: the label on its own line, the bar under it, the count on the bar (or just after it when the bar is short).
  function drawBars(plot, chart, width) {
    var max = Math.max.apply(null, chart.bars.map(function (b) { return b.value; }).concat([1]));
    var room = Math.max(width - 40, 40);
    var row = 50;
    plot.setAttribute('height', String(chart.bars.length * row));
    chart.bars.forEach(function (b, i) {
      var top = i * row;
      label(plot, b.label, { x: 1, y: top + 14 }, width - 2);
      var length = Math.round((b.value / max) * room);
      svg('rect', { class: 'bar', x: 0, y: top + 20, width: length, height: 22, rx: 3 }, plot);
      var value = label(plot, String(b.value), { class: 'value', x: 0, y: top + 36 }, 0);
      var inside = value.getComputedTextLength() + 12 <= length;
      value.setAttribute('x', String(inside ? length - 6 : length ? length + 6 : 1));
      value.setAttribute('text-anchor', inside ? 'end' : 'start');
      if (inside) value.setAttribute('class', 'value on');
    });
  }

  // Columns over time: the count above each column, the month under it.
  function drawColumns(plot, chart, width) {
    var max = Math.max.apply(null, chart.bars.map(function (b) { return b.value; }).concat([1]));
    var height = 150;
    var base = 122;
    var slot = width / chart.bars.length;
    var column = Math.min(40, slot * 0.6);
    plot.setAttribute('height', String(height));
    svg('line', { class: 'axis', x1: 0, x2: width, y1: base + 0.5, y2: base + 0.5 }, plot);
    chart.bars.forEach(function (b, i) {
      var middle = slot * i + slot / 2;
      var tall = Math.round((b.value / max) * (base - 24));
      svg('rect', { class: 'col', x: middle - column / 2, y: base - tall, width: column, height: tall, rx: 3 }, plot);
      label(plot, String(b.value), { class: 'value', x: middle, y: base - tall - 6, 'text-anchor': 'middle' }, slot - 4);
      label(plot, b.label, { x: middle, y: base + 20, 'text-anchor': 'middle' }, slot - 4);
    });
  }

  function figureFor(chart) {
    var figure = document.createElement('figure');
    figure.className = 'chart';
    figure.id = 'chart-' + chart.id;
    figure.tabIndex = 0;
    var caption = document.createElement('figcaption');
    caption.id = figure.id + '-title';
    caption.textContent = chart.title;
    figure.appendChild(caption);
    figure.setAttribute('aria-labelledby', caption.id);
    document.getElementById('charts').appendChild(figure);
    return figure;
  }

  function drawChart(chart, figure) {
    var style = getComputedStyle(figure);
    var width = Math.floor(figure.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
    var plot = svg('svg', { class: 'plot', role: 'img', width: width, 'aria-label': alternative(chart) }, figure);
    svg('title', {}, plot).textContent = alternative(chart);
    if (chart.kind === 'columns') drawColumns(plot, chart, width);
    else drawBars(plot, chart, width);

    var list = document.createElement('ul');
    list.className = 'visually-hidden';
    list.id = figure.id + '-data';
    chart.bars.forEach(function (b) {
      var item = document.createElement('li');
      item.textContent = b.fullLabel + ': ' + b.value;
      item.setAttribute('data-value', String(b.value));
      list.appendChild(item);
    });
    figure.appendChild(list);
    figure.setAttribute('aria-describedby', list.id);
  }

  function drawCharts(data) {
    var container = document.getElementById('charts');
    container.textContent = '';
    var charts = data.charts || [];
    // Every figure takes its place in the grid first, so each chart is drawn at its final width.
    var figures = charts.map(figureFor);
    charts.forEach(function (chart, i) {
      drawChart(chart, figures[i]);
    });
  }

  function render(data) {
    shown = data;
    document.getElementById('heading').textContent = data.title;
    message.textContent = '';
    var pipeline = document.getElementById('pipeline');
    var summary = document.getElementById('summary');
    summary.textContent = '';
    (data.summary || []).forEach(function (line) {
      var li = document.createElement('li');
      li.textContent = line;
      summary.appendChild(li);
    });
    pipeline.textContent = data.pipeline || '';
    pipeline.hidden = summary.hidden = !(data.summary && data.summary.length);
    drawCharts(data);
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

  var resizing;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      if (shown) drawCharts(shown);
    }, 150);
  });

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

  // Outside Teams (a browser, the demo) the theme may be chosen with ?theme=dark or ?theme=contrast; Teams' own theme wins inside it.
  applyTheme(new URLSearchParams(window.location.search).get('theme'));
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
