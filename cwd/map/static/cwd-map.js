/*
 * cwd-map.js – the dashboard's Leaflet map (cwd/map): base layers drawn once, updates applied in place.
 *
 * Loaded by streamlit-folium after leaflet.js and the base asset (window.cwdBase[digest], written by
 * cwd/map/base.py). The map script calls cwdMap.init(map, options) once; every update is one call,
 * cwdMap.update(group, payload), evaluated by streamlit-folium in the same document whenever the
 * update changes (it removes the previous group first). The base layers live outside the group and
 * are only restyled; outlines, labels, hatches, towns and the selection are drawn into the group.
 *
 * No text and no colour of its own: styles and Polish texts come from cwd/map/styles.py. Every name
 * reaches the page through textContent, never as HTML.
 */
(function () {
  'use strict';

  var S = null; // the state of this document's one map
  var stats = {inits: 0, updates: 0, lastUpdate: 0, lastDrawn: 0, applyMs: 0};

  // --- helpers ---------------------------------------------------------------------------------
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function extend(a, b) {
    var out = {}, k;
    for (k in a) if (Object.prototype.hasOwnProperty.call(a, k)) out[k] = a[k];
    for (k in b) if (Object.prototype.hasOwnProperty.call(b, k)) out[k] = b[k];
    return out;
  }

  function svgEl(tag, attrs) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    return e;
  }

  // --- decoding the base asset (twin: cwd/map/base.py decode_*) ----------------------------------
  function decode(base) {
    var ox = base.o[0], oy = base.o[1], s = base.s, n = base.a.length;
    var arcs = new Array(n), ends = new Array(n);
    for (var k = 0; k < n; k++) {
      var f = base.a[k], x = f[0] + ox, y = f[1] + oy, pts = [[y / s, x / s]], x0 = x, y0 = y;
      for (var j = 2; j < f.length; j += 2) {
        x += f[j];
        y += f[j + 1];
        pts.push([y / s, x / s]);
      }
      arcs[k] = pts;
      ends[k] = [x0 + ',' + y0, x + ',' + y];
    }
    // the gminas on each side of every arc (-1: outside the region)
    var sideA = new Int32Array(n).fill(-1), sideB = new Int32Array(n).fill(-1);
    base.r.forEach(function (polys, g) {
      polys.forEach(function (rings) {
        rings.forEach(function (ring) {
          ring.forEach(function (r) {
            var a = r >= 0 ? r : ~r;
            if (sideA[a] < 0) sideA[a] = g; else sideB[a] = g;
          });
        });
      });
    });
    return {arcs: arcs, ends: ends, sideA: sideA, sideB: sideB};
  }

  function ringLatLngs(refs, arcs) {
    var out = [];
    refs.forEach(function (r) {
      var a = arcs[r >= 0 ? r : ~r], j;
      if (r >= 0) {
        for (j = out.length ? 1 : 0; j < a.length; j++) out.push(a[j]);
      } else {
        for (j = a.length - (out.length ? 2 : 1); j >= 0; j--) out.push(a[j]);
      }
    });
    return out;
  }

  function gminaLatLngs(g) {
    return S.base.r[g].map(function (rings) {
      return rings.map(function (ring) { return ringLatLngs(ring, S.topo.arcs); });
    });
  }

  // The outline of a set of gminas: the arcs with exactly one side in the set, stitched into rings
  // (continuous lines keep the dash pattern of the status even across many short arcs).
  function outlineRings(members) {
    var key = members.join(',');
    if (S.outlines[key]) return S.outlines[key];
    var t = S.topo, inSet = new Uint8Array(S.base.t.length), pieces = [], byEnd = {};
    members.forEach(function (g) { inSet[g] = 1; });
    members.forEach(function (g) {
      S.base.r[g].forEach(function (rings) {
        rings.forEach(function (ring) {
          ring.forEach(function (r) {
            var a = r >= 0 ? r : ~r, other = t.sideA[a] === g ? t.sideB[a] : t.sideA[a];
            if (other === g || (other >= 0 && inSet[other])) return;
            var id = pieces.length;
            pieces.push({a: a, used: false});
            (byEnd[t.ends[a][0]] = byEnd[t.ends[a][0]] || []).push(id);
            (byEnd[t.ends[a][1]] = byEnd[t.ends[a][1]] || []).push(id);
          });
        });
      });
    });
    var rings = [];
    pieces.forEach(function (start) {
      if (start.used) return;
      start.used = true;
      var ring = t.arcs[start.a].slice(), head = t.ends[start.a][0], tail = t.ends[start.a][1];
      for (;;) {
        if (tail === head) break;
        var next = (byEnd[tail] || []).map(function (i) { return pieces[i]; })
          .filter(function (p) { return !p.used; })[0];
        if (!next) break;
        next.used = true;
        var pts = t.arcs[next.a], e = t.ends[next.a];
        if (e[0] === tail) {
          for (var j = 1; j < pts.length; j++) ring.push(pts[j]);
          tail = e[1];
        } else {
          for (var k = pts.length - 2; k >= 0; k--) ring.push(pts[k]);
          tail = e[0];
        }
      }
      rings.push(ring);
    });
    S.outlines[key] = rings;
    return rings;
  }

  // --- the tooltip (one, shared: Leaflet's bindTooltip would make every path a tab stop) -----------
  function tipOn(e, content) {
    S.tip.setContent(content);
    S.tip.setLatLng(e.latlng);
    if (!S.map.hasLayer(S.tip)) S.map.openTooltip(S.tip);
  }

  function tipMove(e) {
    if (S.map.hasLayer(S.tip)) S.tip.setLatLng(e.latlng);
  }

  function tipOff() {
    if (S.map.hasLayer(S.tip)) S.map.closeTooltip(S.tip);
  }

  function hoverable(layer, content) {
    layer.on('mouseover', function (e) { tipOn(e, content()); });
    layer.on('mousemove', tipMove);
    layer.on('mouseout', tipOff);
  }

  function gminaTip(g) {
    var T = S.text, u = S.u || {}, box = el('div', 'cwd-tip');
    box.appendChild(el('div', 'cwd-tip-title', S.base.n[g]));
    ((S.base.f && S.base.f[g]) || []).forEach(function (line) { box.appendChild(el('div', '', line)); });
    box.appendChild(el('div', 'cwd-tip-muted', T.teryt + ' ' + S.base.t[g]));
    var c = S.cats[g];
    if (c >= 0) {
      var osi = T.osi + ': ' + T.categories[c], ri = u.ri ? u.ri[g] : -1;
      if (ri >= 0) osi += ' – ' + u.rt[ri];
      box.appendChild(el('div', '', osi));
    }
    var names = (S.claims[g] || []).map(function (p) { return p.id + ' ' + p.n; });
    if (names.length) box.appendChild(el('div', '', T.partnerships + ' (' + names.length + '): ' + names.join('; ')));
    return box;
  }

  // --- controls --------------------------------------------------------------------------------
  function addControls(map, T) {
    L.control.zoom({position: 'topleft', zoomInTitle: T.zoomIn, zoomOutTitle: T.zoomOut}).addTo(map);
    var Full = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function () {
        var box = L.DomUtil.create('div', 'leaflet-bar leaflet-control cwd-fs');
        var a = L.DomUtil.create('a', '', box);
        a.href = '#';
        a.title = T.fullscreen;
        a.setAttribute('role', 'button');
        a.setAttribute('aria-label', T.fullscreen);
        a.setAttribute('aria-pressed', 'false');
        var icon = svgEl('svg', {width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true'});
        icon.appendChild(svgEl('path', {d: 'M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5', fill: 'none',
          stroke: '#333', 'stroke-width': 2}));
        a.appendChild(icon);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.on(a, 'click', function (e) {
          L.DomEvent.preventDefault(e);
          var c = map.getContainer();
          if (document.fullscreenElement) document.exitFullscreen();
          else if (c.requestFullscreen) c.requestFullscreen().catch(function () {});
        });
        document.addEventListener('fullscreenchange', function () {
          a.setAttribute('aria-pressed', document.fullscreenElement ? 'true' : 'false');
          setTimeout(function () { map.invalidateSize(); }, 50);
        });
        return box;
      }
    });
    new Full().addTo(map);
    L.control.scale({imperial: false, position: 'bottomleft'}).addTo(map);
    if (map.attributionControl) {
      map.attributionControl.setPrefix('Leaflet');
      map.attributionControl.addAttribution(T.attribution);
    }
  }

  function hatchPattern(container, h) {
    var defs = svgEl('svg', {width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false',
      style: 'position:absolute;width:0;height:0;overflow:hidden'});
    var pattern = svgEl('pattern', {id: 'cwd-hatch', patternUnits: 'userSpaceOnUse', width: h.spacing,
      height: h.spacing, patternTransform: 'rotate(' + h.angle + ')'});
    pattern.appendChild(svgEl('line', {x1: h.spacing / 2, y1: 0, x2: h.spacing / 2, y2: h.spacing,
      stroke: h.color, 'stroke-width': h.weight}));
    defs.appendChild(svgEl('defs', {})).appendChild(pattern);
    container.appendChild(defs);
  }

  // --- init ------------------------------------------------------------------------------------
  function init(map, opts) {
    document.documentElement.lang = 'pl';
    // folium's header forbids zooming the page (user-scalable=no): let people zoom
    document.querySelectorAll('meta[name="viewport"]').forEach(function (m) {
      m.setAttribute('content', 'width=device-width, initial-scale=1');
    });
    var T = opts.text, st = opts.styles, container = map.getContainer();
    var base = window.cwdBase && window.cwdBase[opts.d];
    container.classList.add('cwd-map');
    container.setAttribute('role', 'region');
    container.setAttribute('aria-label', T.region);
    container.setAttribute('aria-roledescription', T.roledescription);
    container.style.background = st.background;
    // The map fills its frame, so the page can size the frame with CSS (to fit the screen).
    container.style.height = '100vh';
    // Leaflet focuses the map on mousedown; when the map is partly out of view that scrolls the
    // page between mousedown and mouseup, and the click lands on another gmina. Focus in place.
    var focus = container.focus;
    container.focus = function (options) { focus.call(container, extend({preventScroll: true}, options || {})); };
    if (!base) {
      container.appendChild(el('div', 'cwd-message', T.noBase));
      return;
    }
    S = {map: map, base: base, styles: st, text: T, topo: decode(base), outlines: {}, cats: [],
      claims: [], labels: [], u: null, selKey: null, lastClick: null, moved: false, osm: null};
    stats.inits += 1;

    // Panes: fills < powiat borders < hatches < outlines < selection < towns; labels above all paths.
    [['cwdGminy', 400], ['cwdPowiaty', 410], ['cwdHatch', 420], ['cwdOutline', 430], ['cwdSelect', 440],
      ['cwdTowns', 450], ['cwdLabels', 620]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = p[1];
    });
    map.getPane('cwdLabels').style.pointerEvents = 'none';
    // One focusable, labelled region: what is inside is drawing, listed for keyboard users beside it.
    map.getPane('mapPane').setAttribute('aria-hidden', 'true');
    hatchPattern(container, st.hatch);
    addControls(map, T);
    S.tip = L.tooltip({direction: 'top', offset: [0, -12], className: 'cwd-tooltip', opacity: 1});

    // The gminas: one polygon each, hidden style until the first update.
    var n = base.t.length, group = L.featureGroup();
    S.gminas = new Array(n);
    for (var g = 0; g < n; g++) {
      var layer = L.polygon(gminaLatLngs(g), extend(st.hidden, {pane: 'cwdGminy', interactive: true}));
      layer.feature = {type: 'Feature', properties: {teryt: base.t[g]}, geometry: {type: 'MultiPolygon'}};
      layer.cwdIndex = g;
      S.cats[g] = -2; // not styled yet
      group.addLayer(layer);
      S.gminas[g] = layer;
    }
    group.on('mouseover', function (e) {
      var g = e.layer.cwdIndex;
      if (S.cats[g] < 0) return;
      e.layer.setStyle(st.hover);
      tipOn(e, gminaTip(g));
    });
    group.on('mousemove', tipMove);
    group.on('mouseout', function (e) {
      var g = e.layer.cwdIndex;
      if (S.cats[g] >= 0) e.layer.setStyle(st.gmina[S.cats[g]]);
      tipOff();
    });
    group.on('click', function (e) { S.lastClick = 'g:' + e.layer.cwdIndex; });
    group.addTo(map);
    S.gminaGroup = group;

    // Powiat borders (and the region's edge): lines only, not interactive.
    if (base.pb.length) {
      L.polyline(base.pb.map(function (k) { return S.topo.arcs[k]; }),
        extend(st.powiat, {pane: 'cwdPowiaty', interactive: false})).addTo(map);
    }

    // Fit the region until the user moves the map: the frame gets its size after the first fit.
    S.bounds = L.latLngBounds(base.b);
    ['mousedown', 'wheel', 'touchstart', 'keydown'].forEach(function (ev) {
      container.addEventListener(ev, function () { S.moved = true; }, {passive: true});
    });
    var fit = function () {
      if (!container.clientWidth || !container.clientHeight) return; // not laid out yet: Leaflet would fit to NaN
      map.invalidateSize();
      if (!S.moved) map.fitBounds(S.bounds, {animate: false, padding: [8, 8]});
    };
    fit();
    if (window.ResizeObserver) new ResizeObserver(fit).observe(container);
    else window.addEventListener('resize', fit);
    // After the whole 'zoomend' dispatch: the town markers' renderer (created after this handler)
    // re-projects them in its own 'zoomend' handler; laid out before it, labels avoid old positions.
    map.on('zoomend', scheduleLayout);
    // a font arriving later changes the labels' size: lay them out again (and see layoutLabels)
    if (document.fonts && document.fonts.addEventListener) {
      document.fonts.addEventListener('loadingdone', scheduleLayout);
    }
    S.labelSizes = window.ResizeObserver ? new ResizeObserver(scheduleLayout) : null;
  }

  // --- update ----------------------------------------------------------------------------------
  function restyle(u) {
    var st = S.styles;
    for (var g = 0; g < S.gminas.length; g++) {
      var ch = u.c.charAt(g), c = ch === '.' ? -1 : +ch;
      if (c === S.cats[g]) continue;
      var layer = S.gminas[g], path = layer._path;
      layer.setStyle(c >= 0 ? st.gmina[c] : st.hidden);
      if (path) {
        if (c >= 0) L.DomUtil.addClass(path, 'leaflet-interactive');
        else L.DomUtil.removeClass(path, 'leaflet-interactive'); // outside the filter: no tooltip, no click
      }
      S.cats[g] = c;
    }
  }

  function partnershipTip(p) {
    var T = S.text;
    return function () {
      var box = el('div', 'cwd-tip');
      box.appendChild(el('div', 'cwd-tip-title', T.partnership + ' ' + p.id));
      box.appendChild(el('div', '', p.n));
      box.appendChild(el('div', '', T.status + ': ' + T.symbols[p.s] + ' ' + T.statuses[p.s]));
      return box;
    };
  }

  function drawPartnerships(fg, u) {
    var st = S.styles, T = S.text;
    S.claims = [];
    S.labels = [];
    S.partnerships = {};
    u.p.forEach(function (p) {
      p.m.forEach(function (g) { (S.claims[g] = S.claims[g] || []).push(p); });
      var rings = outlineRings(p.m).map(function (r) { return [r]; });
      var line = extend(st.outline[p.s], {color: p.c, pane: 'cwdOutline'});
      if (p.sel) line.weight = st.outlineSelectedWeight;
      var casing = extend(st.casing, {pane: 'cwdOutline', interactive: false,
        weight: line.weight + st.casingExtra});
      fg.addLayer(L.polygon(rings, casing));
      // Only the stroke takes the mouse (fill: false), so the gminas inside stay clickable.
      var outline = L.polygon(rings, extend(line, {className: 'cwd-outline'}));
      outline.feature = {type: 'Feature', geometry: {type: 'MultiPolygon'},
        properties: {partnerstwo_id: p.id, nazwa: p.n, status: T.statuses[p.s]}};
      outline.on('click', function () { S.lastClick = 'p:' + p.id; });
      hoverable(outline, partnershipTip(p));
      fg.addLayer(outline);
      S.partnerships[p.id] = outline;

      var box = el('span', 'cwd-label-box');
      box.style.borderColor = p.c;
      box.appendChild(el('b', '', p.id));
      box.appendChild(document.createTextNode(' ' + T.symbols[p.s]));
      var label = L.marker(p.pt, {icon: L.divIcon({className: 'cwd-label' + (p.sel ? ' cwd-label-sel' : ''),
        html: box, iconSize: null}), interactive: false, keyboard: false, pane: 'cwdLabels'});
      label.cwdSelected = !!p.sel;
      fg.addLayer(label);
      S.labels.push(label);
    });
  }

  function drawOverlaps(fg, u) {
    var st = S.styles;
    u.ov.forEach(function (g) {
      fg.addLayer(L.polygon(gminaLatLngs(g), extend(st.overlap, {pane: 'cwdHatch', interactive: false,
        fill: true, fillColor: 'url(#cwd-hatch)', fillOpacity: 1})));
    });
  }

  function townTip(name, text) {
    return function () {
      var box = el('div', 'cwd-tip');
      box.appendChild(el('div', 'cwd-tip-title', name));
      if (text) box.appendChild(el('div', '', text));
      return box;
    };
  }

  function drawTowns(fg, u) {
    var st = S.styles, T = S.text, base = S.base;
    (u.ms || []).forEach(function (i) {
      var t = base.ms[i], m = L.circleMarker(t.p, extend(st.mstfsg, {pane: 'cwdTowns'}));
      m.feature = {type: 'Feature', geometry: {type: 'Point'}, properties: {teryt: base.t[t.g], miasto: t.n}};
      hoverable(m, townTip(t.n, T.mstfsg));
      m.on('click', function () { S.lastClick = 'g:' + t.g; });
      fg.addLayer(m);
    });
    (u.tw || []).forEach(function (entry) {
      var t = base.tw[entry[0]], style = [st.townSmall, st.townLarge, st.townUnknown][entry[1]];
      var m = L.circleMarker(t.p, extend(style, {pane: 'cwdTowns'}));
      m.feature = {type: 'Feature', geometry: {type: 'Point'}, properties: {teryt: base.t[t.g], miasto: t.n}};
      hoverable(m, townTip(t.n, entry[2]));
      m.on('click', function () { S.lastClick = 'g:' + t.g; });
      fg.addLayer(m);
    });
  }

  function drawSelection(fg, u) {
    if (u.g === null || u.g === undefined) return;
    fg.addLayer(L.polygon(gminaLatLngs(u.g), extend(S.styles.selectedGmina,
      {pane: 'cwdSelect', interactive: false})));
  }

  // Zoom to the selection when it changes, unless the user has just clicked it on the map.
  function focusSelection(u) {
    var key = (u.sel === null ? '' : 'p:' + u.sel) + '|' + (u.g === null ? '' : 'g:' + u.g);
    var clicked = S.lastClick;
    S.lastClick = null;
    if (key === S.selKey) return;
    S.selKey = key;
    if (u.sel === null && u.g === null) return;
    if (clicked && (clicked === 'g:' + u.g || clicked === 'p:' + u.sel)) return;
    var target = u.g !== null ? S.gminas[u.g] : S.partnerships[u.sel];
    if (!target) return;
    S.moved = true;
    S.map.fitBounds(target.getBounds(), {padding: [32, 32], maxZoom: 11});
  }

  function basemap(url) {
    if (url && !S.osm) {
      S.osm = L.tileLayer(url, {attribution: S.text.osmAttribution, maxZoom: 19});
      S.map.addLayer(S.osm);
    } else if (!url && S.osm) {
      S.map.removeLayer(S.osm);
      S.osm = null;
    }
  }

  // Labels that would overlap move a line up or down, or aside (selected ones keep their place).
  var LABEL_TRIES = [[0, 0], [0, 1], [0, -1], [1, 0], [-1, 0], [0, 2], [0, -2], [1, 1], [-1, 1], [1, -1],
    [-1, -1], [0, 3], [0, -3], [1, 2], [-1, 2], [1, -2], [-1, -2]];

  var layoutPending = false;

  function scheduleLayout() {
    if (layoutPending) return;
    layoutPending = true;
    requestAnimationFrame(function () { layoutPending = false; layoutLabels(); });
  }

  function layoutLabels() {
    if (!S) return;
    // town markers are obstacles too: a label must not hide a town
    var placed = [].map.call(document.querySelectorAll('.leaflet-cwdTowns-pane path'), function (p) {
      var r = p.getBoundingClientRect();
      return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    });
    var order = S.labels.slice().sort(function (a, b) { return (b.cwdSelected ? 1 : 0) - (a.cwdSelected ? 1 : 0); });
    order.forEach(function (m) {
      var icon = m.getElement(), box = icon && icon.firstChild;
      if (!box) return;
      // a label whose size changes (its font arrives, a CSS class applies) is laid out again
      if (S.labelSizes) S.labelSizes.observe(box);
      box.style.top = '0px';
      box.style.left = '0px';
      var r = box.getBoundingClientRect(), dx = 0, dy = 0;
      for (var i = 0; i < LABEL_TRIES.length; i++) {
        var x = LABEL_TRIES[i][0] * (r.width + 4), y = LABEL_TRIES[i][1] * (r.height + 2);
        var clash = placed.some(function (q) {
          return !(r.right + x < q.left || r.left + x > q.right || r.bottom + y < q.top || r.top + y > q.bottom);
        });
        if (!clash) { dx = x; dy = y; break; }
      }
      box.style.left = dx + 'px';
      box.style.top = dy + 'px';
      placed.push({left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy});
    });
  }

  function update(fg, u) {
    if (!S) return;
    var started = performance.now();
    tipOff();
    restyle(u);
    S.u = u;
    drawOverlaps(fg, u);
    drawPartnerships(fg, u);
    drawSelection(fg, u);
    drawTowns(fg, u);
    basemap(u.osm);
    S.map.getContainer().classList.toggle('cwd-big', !!u.big);
    focusSelection(u);
    stats.updates += 1;
    stats.lastUpdate = Date.now();
    stats.applyMs = performance.now() - started; // this call; painting follows
    // the group is added to the map right after this call: lay out its labels once its towns are
    // in the page (its 'add' event), and again on the next turn and when the fonts are ready
    if (fg && fg.once) fg.once('add', function () { layoutLabels(); });
    setTimeout(function () {
      layoutLabels();
      if (document.fonts && document.fonts.ready) document.fonts.ready.then(layoutLabels);
    }, 0);
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { stats.lastDrawn = Date.now(); });
    });
  }

  window.cwdMap = {init: init, update: update, stats: stats};
})();
