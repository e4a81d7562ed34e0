/* graphcrm views: reads each <script type="application/json" data-graphcrm-view> and draws it.
 *
 * Data is parsed as JSON, never evaluated. Every text that reaches the page goes through
 * textContent (the details panel) or vis-network, which draws labels on a canvas and shows
 * string tooltips with innerText. window.graphcrm.views[name] exposes {network, nodes, edges,
 * data, expand, focus, find, grow, layout, png} to tests and notebooks.
 *
 * The org chart is laid out by treeLayout (the same function as graphcrm.viz.layout.tree_layout,
 * which computes the first view on the server) with fixed positions and no physics; its
 * reporting lines are drawn here as straight elbow connectors. When the page came from a
 * server (data.endpoint), cards of people not in the page are fetched as managers open.
 */
(function () {
  "use strict";
  var views = {};
  window.graphcrm = { views: views, fold: fold, treeLayout: treeLayout };

  // graphcrm.viz.layout
  var CARD_W = 200, CARD_H = 92, GAP = 24, LEVEL = 170, PITCH = CARD_H + 14;
  var COL_DROP = CARD_H + 20, INDENT = 28, MAX_ROWS = 8;
  var READABLE = 0.85; // the smallest zoom a first view opens at: 13 px labels stay >= 11 px
  var CONNECTOR = "#4a5663";

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] === undefined ? m : String(values[k]);
    });
  }

  /* Turkish-aware search folding: İ, I, ı and i are one letter; accents (ş, ğ, ç, ö, ü) go. */
  function fold(text) {
    return String(text).replace(/[İIıi]/g, "i").toLowerCase()
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  /* The centre of every shown card (see graphcrm/viz/layout.py, which this mirrors). */
  function treeLayout(roots, children, open) {
    var out = {};
    function shown(n) { return open.has(n) ? (children.get(n) || []) : []; }
    function place(n, left, y, attach) {
      var kids = shown(n);
      if (!kids.length) { out[n] = { x: left + CARD_W / 2, y: y, attach: attach }; return CARD_W; }
      if (!kids.some(function (k) { return shown(k).length; })) {
        kids.forEach(function (k, i) {
          var col = Math.floor(i / MAX_ROWS), row = i % MAX_ROWS;
          out[k] = { x: left + INDENT + col * (CARD_W + GAP) + CARD_W / 2,
                     y: y + COL_DROP + row * PITCH, attach: "col" };
        });
        var cols = Math.ceil(kids.length / MAX_ROWS);
        out[n] = { x: left + CARD_W / 2, y: y, attach: attach };
        return INDENT + cols * CARD_W + (cols - 1) * GAP;
      }
      var x = left;
      kids.forEach(function (k) { x += place(k, x, y + LEVEL, "row") + GAP; });
      out[n] = { x: (out[kids[0]].x + out[kids[kids.length - 1]].x) / 2, y: y, attach: attach };
      return x - GAP - left;
    }
    var left = 0;
    roots.forEach(function (r) { left += place(r, left, 0, "root") + GAP * 2; });
    return out;
  }

  // --- details panel ------------------------------------------------------------

  function showDetails(view, id) {
    var panel = document.getElementById(view.data.container + "-details");
    if (!panel) return;
    var node = view.byId.get(id);
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    if (!node || !node.info) {
      panel.appendChild(el("p", view.data.labels.click_a_node, "hint"));
      panel.removeAttribute("data-node");
      return;
    }
    panel.appendChild(el("h3", node.info.name, "details-name"));
    var dl = el("dl");
    (node.info.rows || []).forEach(function (row) {
      dl.appendChild(el("dt", row[0]));
      dl.appendChild(el("dd", row[1]));
    });
    panel.appendChild(dl);
    if (view.data.kind === "influence" && node.info.kind === "contact") {
      var grow = el("button", view.data.labels.grow, "person gv-grow");
      grow.type = "button";
      grow.setAttribute("data-grow", String(id));
      grow.addEventListener("click", function () { view.grow(id); });
      panel.appendChild(grow);
      if (view.data.edit) editPanel(view, id, panel);
    }
    panel.setAttribute("data-node", String(id));
  }

  // --- editing (influence maps on a page, keys with write scope) -----------------
  /* Stance and roles on the page's deal, and influence ties, sent to /pages/edit with the
   * ETag read just before (If-Match); a 412 reloads the person and says so; a success
   * refreshes the person's node and ties in place (from the view's endpoint). */

  function send(method, url, body, etag) {
    var headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (etag) headers["If-Match"] = etag;
    return fetch(url, {
      method: method, credentials: "same-origin", headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        return { status: r.status, etag: r.headers.get("ETag"), json: json };
      });
    });
  }

  function path() {
    return Array.prototype.map.call(arguments, encodeURIComponent).join("/");
  }

  function problemText(res) {
    var j = res.json || {};
    var more = (j.errors || []).map(function (e) { return e.field || e.detail || ""; }).join(", ");
    return (j.detail || ("HTTP " + res.status)) + (more ? " (" + more + ")" : "");
  }

  function refreshPerson(view, id) {
    if (!view.data.endpoint) return Promise.resolve();
    return getJson(withParam(view.data.endpoint, "contact", id)).then(function (got) {
      got.nodes.forEach(function (n) {
        view.byId.set(n.id, n);
        if (view.nodes.get(n.id)) view.nodes.update([n]);
      });
      var fresh = new Set(got.edges.map(function (e) { return e.id; }));
      var gone = view.pool.edges.filter(function (e) {
        return (e.from === id || e.to === id) && e.kind !== "knows" && !fresh.has(e.id);
      }).map(function (e) { return e.id; });
      view.pool.edges = view.pool.edges.filter(function (e) { return gone.indexOf(e.id) < 0; });
      view.edges.remove(gone);
      got.edges.forEach(function (e) {
        var at = view.pool.edges.findIndex(function (x) { return x.id === e.id; });
        if (at < 0) view.pool.edges.push(e); else view.pool.edges[at] = e;
        if (view.edges.get(e.id)) view.edges.update([e]);
      });
      var people = [id];
      got.edges.forEach(function (e) {
        if (e.from === id && view.byId.has(e.to)) people.push(e.to);
        if (e.to === id && view.byId.has(e.from)) people.push(e.from);
      });
      addAround(view, id, people); // a new tie's other end joins the map beside the person
    });
  }

  function editPanel(view, id, panel) {
    var edit = view.data.edit, L = Object.assign({}, view.data.labels, edit.labels);
    var box = el("div", null, "gv-edit");
    box.setAttribute("data-edit", String(id));
    var note = el("p", "", "gv-edit-status");
    note.setAttribute("aria-live", "polite");
    function say(text) { note.textContent = text || ""; }
    function after(text) {
      return refreshPerson(view, id).then(function () {
        showDetails(view, id);
        var again = document.querySelector("#" + view.data.container + "-details .gv-edit-status");
        if (again) again.textContent = text;
      });
    }

    // stance and roles on the deal
    var role = el("fieldset");
    role.appendChild(el("legend", edit.deal_label));
    var stance = el("select");
    stance.setAttribute("data-edit-stance", "");
    stance.setAttribute("aria-label", L.stance);
    edit.stances.forEach(function (s) {
      var o = el("option", s[1]); o.value = String(s[0]); stance.appendChild(o);
    });
    var stanceLabel = el("label", L.stance + " ");
    stanceLabel.appendChild(stance);
    role.appendChild(stanceLabel);
    var boxes = {};
    edit.roles.forEach(function (r) {
      var lab = el("label"), cb = el("input");
      cb.type = "checkbox"; cb.value = r[0]; cb.setAttribute("data-edit-role", r[0]);
      boxes[r[0]] = cb;
      lab.appendChild(cb); lab.appendChild(document.createTextNode(" " + r[1]));
      role.appendChild(lab);
    });
    var save = el("button", L.edit_save, "tool");
    save.type = "button"; save.setAttribute("data-edit-save", ""); save.disabled = true;
    role.appendChild(save);
    box.appendChild(role);
    var roleUrl = edit.base + "/deals/" + encodeURIComponent(edit.deal) + "/roles/" + encodeURIComponent(id);
    var current = { etag: null };
    function load() {
      return send("GET", roleUrl).then(function (res) {
        current.etag = res.status === 200 ? res.etag : null;
        var r = res.status === 200 ? res.json : { stance: 0, roles: [] };
        stance.value = String(r.stance);
        Object.keys(boxes).forEach(function (k) { boxes[k].checked = r.roles.indexOf(k) >= 0; });
        save.disabled = false;
        return res;
      });
    }
    save.addEventListener("click", function () {
      var roles = Object.keys(boxes).filter(function (k) { return boxes[k].checked; });
      var body = { stance: Number(stance.value), roles: roles };
      save.disabled = true;
      var sent = current.etag
        ? send("PATCH", roleUrl, body, current.etag)
        : send("POST", edit.base + "/deal-roles",
               Object.assign({ deal_id: edit.deal, contact_id: id }, body));
      sent.then(function (res) {
        if (res.status === 412) return load().then(function () { say(L.edit_stale); });
        save.disabled = false;
        if (res.status >= 300) { say(fmt(L.edit_failed, { error: problemText(res) })); return; }
        return after(L.edit_saved);
      });
    });
    load();

    // influence ties of the person
    var ties = el("fieldset");
    ties.appendChild(el("legend", L.edit_ties));
    var list = el("ul");
    view.pool.edges.filter(function (e) {
      return (e.from === id || e.to === id) && e.kind !== "knows";
    }).forEach(function (e) {
      var li = el("li", e.title + " ");
      var rm = el("button", L.edit_remove_tie, "tool");
      rm.type = "button"; rm.setAttribute("data-edit-remove", e.id);
      rm.addEventListener("click", function () {
        var url = edit.base + "/influences/" + path(e.from, e.to, e.kind);
        rm.disabled = true;
        send("GET", url).then(function (got) {
          if (got.status !== 200) return after(fmt(L.edit_failed, { error: problemText(got) }));
          return send("DELETE", url, undefined, got.etag).then(function (res) {
            if (res.status === 412) return after(L.edit_stale);
            if (res.status >= 300) return after(fmt(L.edit_failed, { error: problemText(res) }));
            return after(L.edit_saved);
          });
        });
      });
      li.appendChild(rm);
      list.appendChild(li);
    });
    ties.appendChild(list);
    var who = el("select");
    who.setAttribute("data-edit-tie-to", ""); who.setAttribute("aria-label", L.edit_add_tie);
    var people = [];
    view.byId.forEach(function (n) {
      if (n.id !== id && n.info && n.info.kind === "contact") people.push([n.id, n.info.name]);
    });
    people.sort(function (a, b) { return a[1].localeCompare(b[1], view.data.lang || undefined); });
    people.forEach(function (p) { var o = el("option", p[1]); o.value = p[0]; who.appendChild(o); });
    var kind = el("select");
    kind.setAttribute("data-edit-tie-kind", ""); kind.setAttribute("aria-label", L.edit_tie_kind);
    edit.kinds.forEach(function (k) { var o = el("option", k[1]); o.value = k[0]; kind.appendChild(o); });
    var strength = el("input");
    strength.type = "number"; strength.min = "0"; strength.max = "1"; strength.step = "0.05";
    strength.value = "0.5"; strength.setAttribute("data-edit-tie-strength", "");
    strength.setAttribute("aria-label", L.edit_tie_strength);
    var add = el("button", L.edit_add_tie, "tool");
    add.type = "button"; add.setAttribute("data-edit-add", "");
    add.addEventListener("click", function () {
      if (!who.value) return;
      add.disabled = true;
      send("POST", edit.base + "/influences", {
        influencer_id: id, influenced_id: who.value, kind: kind.value, strength: Number(strength.value)
      }).then(function (res) {
        add.disabled = false;
        if (res.status >= 300) { say(fmt(L.edit_failed, { error: problemText(res) })); return; }
        return after(L.edit_saved);
      });
    });
    [who, kind, strength, add].forEach(function (c) { ties.appendChild(c); });
    box.appendChild(ties);
    box.appendChild(note);
    panel.appendChild(box);
  }

  function status(view, text) {
    var s = document.getElementById(view.data.container + "-status");
    if (s) s.textContent = text || "";
  }

  // --- fetching -----------------------------------------------------------------

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " from " + url);
        return r.json();
      });
  }

  function withParam(url, key, value) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + key + "=" + encodeURIComponent(value);
  }

  // --- the org chart --------------------------------------------------------------

  function chartLabel(view, node) {
    if (node.reports && !view.open.has(node.id)) {
      return node.label + "\n" + fmt(view.data.labels.reports_more, { n: node.reports });
    }
    return node.label;
  }

  function shownIds(view) {
    var out = [], stack = view.data.roots.slice().reverse();
    while (stack.length) {
      var id = stack.pop();
      out.push(id);
      if (view.open.has(id)) {
        var kids = view.kids.get(id) || [];
        for (var i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
      }
    }
    return out;
  }

  /* Cards of the shown people not in the page yet, from the server (one request). */
  function fetchMissing(view, ids) {
    var missing = ids.filter(function (id) { return !view.byId.has(id); });
    if (!missing.length || !view.data.endpoint) return Promise.resolve();
    var managers = [];
    missing.forEach(function (id) {
      var up = view.dir.get(id) && view.dir.get(id).parent;
      if (up && managers.indexOf(up) < 0) managers.push(up);
    });
    return getJson(withParam(view.data.endpoint, "managers", managers.join(","))).then(function (got) {
      got.nodes.forEach(function (n) { view.byId.set(n.id, n); });
    });
  }

  function layoutChart(view) {
    var ids = shownIds(view);
    return fetchMissing(view, ids).then(function () {
      ids = ids.filter(function (id) { return view.byId.has(id); });
      var pos = treeLayout(view.data.roots, view.kids, view.open);
      view.pos = pos;
      var keep = new Set(ids);
      var gone = view.nodes.getIds().filter(function (id) { return !keep.has(id); });
      if (gone.length) view.nodes.remove(gone);
      view.nodes.update(ids.map(function (id) {
        var n = view.byId.get(id);
        return Object.assign({}, n, { x: pos[id].x, y: pos[id].y, attach: pos[id].attach,
                                      label: chartLabel(view, n) });
      }));
      var edges = view.data.edges.filter(function (e) {
        return e.kind !== "solid" && keep.has(e.from) && keep.has(e.to);
      });
      ids.forEach(function (id) {
        var up = view.byId.get(id).parent;
        if (up !== null && up !== undefined && keep.has(up)) edges.push(solidEdge(up, id));
      });
      var want = new Set(edges.map(function (e) { return e.id; }));
      var old = view.edges.getIds().filter(function (id) { return !want.has(id); });
      if (old.length) view.edges.remove(old);
      view.edges.update(edges);
      return ids.length;
    });
  }

  /* A reporting line in the DataSet (hidden: drawConnectors draws it as an elbow). */
  function solidEdge(manager, report) {
    return { id: "solid:" + manager + ">" + report, from: manager, to: report, kind: "solid",
             hidden: true, color: { color: CONNECTOR } };
  }

  function drawConnectors(view, ctx) {
    if (!view.pos) return;
    ctx.save();
    ctx.strokeStyle = CONNECTOR;
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    view.nodes.forEach(function (n) {
      var p = view.pos[n.id], up = n.parent === null || n.parent === undefined ? null : view.pos[n.parent];
      if (!p || !up) return;
      var top = up.y + CARD_H / 2;
      if (p.attach === "col") {
        var trunk = p.x - CARD_W / 2 - INDENT / 2, bus = top + (COL_DROP - CARD_H) / 2;
        ctx.moveTo(up.x - CARD_W / 2 + INDENT / 2, top);
        ctx.lineTo(up.x - CARD_W / 2 + INDENT / 2, bus);
        ctx.lineTo(trunk, bus);
        ctx.lineTo(trunk, p.y);
        ctx.lineTo(p.x - CARD_W / 2, p.y);
      } else {
        var mid = top + (LEVEL - CARD_H) / 2;
        ctx.moveTo(up.x, top);
        ctx.lineTo(up.x, mid);
        ctx.lineTo(p.x, mid);
        ctx.lineTo(p.x, p.y - CARD_H / 2);
      }
    });
    ctx.stroke();
    ctx.restore();
  }

  function expand(view, id) {
    var node = view.byId.get(id) || view.dir.get(id);
    if (!node || view.open.has(id) || !(view.kids.get(id) || []).length) return Promise.resolve(0);
    view.open.add(id);
    return layoutChart(view).then(function () { return (view.kids.get(id) || []).length; });
  }

  function expandAll(view) {
    view.kids.forEach(function (_kids, id) { view.open.add(id); });
    return layoutChart(view).then(function () { fitView(view); });
  }

  function reveal(view, id) {
    var chain = [], d = view.dir.get(id);
    while (d && d.parent) { chain.push(d.parent); d = view.dir.get(d.parent); }
    var grew = chain.some(function (m) { return !view.open.has(m); });
    chain.forEach(function (m) { view.open.add(m); });
    return grew ? layoutChart(view) : Promise.resolve(0);
  }

  // --- the influence map ----------------------------------------------------------

  function mapEdges(view, keep) {
    return view.pool.edges.filter(function (e) {
      return keep(e.from) && keep(e.to) && !view.edges.get(e.id);
    });
  }

  function addAround(view, id, people) {
    var centre = view.network.getPositions([id])[id] || { x: 0, y: 0 };
    var fresh = people.filter(function (p) { return p !== id && !view.nodes.get(p); });
    view.nodes.add(fresh.map(function (p, i) {
      var a = 2 * Math.PI * i / Math.max(fresh.length, 1);
      var r = 170 + 30 * (i % 3);
      return Object.assign({}, view.byId.get(p), { x: centre.x + r * Math.cos(a), y: centre.y + r * Math.sin(a) });
    }));
    view.edges.add(mapEdges(view, function (n) { return !!view.nodes.get(n); }));
    applyFilters(view);
    return fresh.length;
  }

  function grow(view, id) {
    var fetched = Promise.resolve();
    if (view.data.endpoint) {
      fetched = getJson(withParam(view.data.endpoint, "contact", id)).then(function (got) {
        got.nodes.forEach(function (n) { if (!view.byId.has(n.id)) { view.byId.set(n.id, n); } });
        var known = new Set(view.pool.edges.map(function (e) { return e.id; }));
        got.edges.forEach(function (e) { if (!known.has(e.id)) view.pool.edges.push(e); });
      });
    }
    return fetched.then(function () {
      var people = [id];
      view.pool.edges.forEach(function (e) {
        if (e.from === id && view.byId.has(e.to)) people.push(e.to);
        if (e.to === id && view.byId.has(e.from)) people.push(e.from);
      });
      if (!view.nodes.get(id)) view.nodes.add([Object.assign({}, view.byId.get(id))]);
      return addAround(view, id, people);
    });
  }

  function applyFilters(view) {
    var form = document.getElementById(view.data.container + "-filters");
    if (!form) return;
    var kinds = new Set();
    form.querySelectorAll("input[data-kind]").forEach(function (box) {
      if (box.checked) kinds.add(box.getAttribute("data-kind"));
    });
    var slider = form.querySelector("input[data-strength]");
    var least = slider ? Number(slider.value) / 100 : 0;
    var out = form.querySelector("[data-strength-value]");
    if (out) out.textContent = document.documentElement.lang === "tr" ? least.toFixed(2).replace(".", ",") : least.toFixed(2);
    var select = form.querySelector("select[data-department]");
    var dept = select ? select.value : "";
    var nodeUpdates = view.nodes.get().map(function (n) {
      var hide = !!dept && n.info && n.info.kind === "contact" && n.department !== dept;
      return { id: n.id, hidden: hide };
    });
    view.nodes.update(nodeUpdates);
    view.edges.update(view.edges.get().map(function (e) {
      var kindOk = e.kind === "knows" ? kinds.has("knows") || !form.querySelector('input[data-kind="knows"]') : kinds.has(e.kind);
      return { id: e.id, hidden: !kindOk || (e.strength || 0) < least };
    }));
  }

  // --- zoom, fit and search ---------------------------------------------------------

  function zoomBy(view, factor, domPoint) {
    var net = view.network, box = document.getElementById(view.data.container).getBoundingClientRect();
    var scale = Math.min(4, Math.max(0.05, net.getScale() * factor));
    var point = domPoint || { x: box.width / 2, y: box.height / 2 };
    var at = net.DOMtoCanvas(point);
    var position = { x: at.x - (point.x - box.width / 2) / scale, y: at.y - (point.y - box.height / 2) / scale };
    net.moveTo({ position: position, scale: scale, animation: false });
  }

  function fitView(view) {
    view.network.fit({ animation: false });
  }

  /* Open at a readable scale: everything if it fits, else the committee if it fits, else the
     top of the chart centred on its first root (search, zoom and fit reach the rest). */
  function firstView(view) {
    var net = view.network;
    net.fit({ animation: false });
    if (net.getScale() >= READABLE) {
      if (net.getScale() > 1.2) net.moveTo({ scale: 1.2, animation: false });
      return;
    }
    var focusIds = (view.data.focus || []).filter(function (id) { return !!view.nodes.get(id); });
    if (focusIds.length) {
      net.fit({ nodes: focusIds, animation: false });
      if (net.getScale() >= READABLE) {
        if (net.getScale() > 1.2) net.moveTo({ scale: 1.2, animation: false });
        return;
      }
    }
    var root = view.data.roots && view.data.roots[0];
    var box = document.getElementById(view.data.container).getBoundingClientRect();
    var at = root && view.pos[root] ? view.pos[root] : { x: 0, y: 0 };
    var scale = READABLE;
    net.moveTo({ position: { x: at.x, y: at.y - CARD_H / 2 - 16 + box.height / 2 / scale },
                 scale: scale, animation: false });
  }

  function focus(view, id) {
    var ready = view.data.kind === "orgchart" ? reveal(view, id) : Promise.resolve();
    return ready.then(function () {
      if (!view.nodes.get(id) && view.byId.has(id)) {
        if (view.data.kind !== "orgchart") return grow(view, id);
      }
    }).then(function () {
      if (!view.nodes.get(id)) return false;
      view.network.selectNodes([id]);
      view.network.focus(id, { scale: Math.max(view.network.getScale(), 1.0), animation: false });
      showDetails(view, id);
      return true;
    });
  }

  function find(view, query) {
    var q = fold(query).trim();
    if (!q) return Promise.resolve(null);
    var best = null, rank = 3;
    view.dir.forEach(function (d, id) {
      var name = fold(d.name), r = name === q ? 0 : name.indexOf(q) === 0 ? 1 : name.indexOf(q) >= 0 ? 2 : 3;
      if (r < rank) { best = id; rank = r; }
    });
    if (best === null) { status(view, view.data.labels.no_match); return Promise.resolve(null); }
    status(view, "");
    return focus(view, best).then(function () { return best; });
  }

  // --- export ---------------------------------------------------------------------

  /* What the view's canvas shows now, as a PNG data URL on white (vis-network leaves the
     canvas transparent where nothing is drawn). */
  function toPng(view) {
    var src = document.getElementById(view.data.container).querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = src.width;
    out.height = src.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    return out.toDataURL("image/png");
  }

  /* A file name from a view's title: no path separators or characters Windows refuses. */
  function fileName(title, ext) {
    var base = String(title || "graphcrm").replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ")
      .replace(/\s+/g, " ").trim().slice(0, 120);
    return (base || "graphcrm") + ext;
  }

  function savePng(view, title) {
    var a = document.createElement("a");
    a.href = toPng(view);
    a.download = fileName(title || view.data.container, ".png");
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  // --- mounting -----------------------------------------------------------------

  /* The view is laid out: say so (data-stable), and mark the first frame drawn after it
     (performance.mark "graphcrm-drawn:<name>", which the benchmarks read). */
  function settled(view, container) {
    container.setAttribute("data-stable", "true");
    view.network.once("afterDrawing", function () {
      if (window.performance && performance.mark) performance.mark("graphcrm-drawn:" + view.name);
      container.setAttribute("data-drawn", "true");
    });
    view.network.redraw();
  }

  function wireTools(view, container) {
    var name = view.name;
    document.querySelectorAll('[data-view-tool="' + name + '"]').forEach(function (b) {
      b.addEventListener("click", function (ev) {
        ev.preventDefault();
        var what = b.getAttribute("data-tool");
        if (what === "in") zoomBy(view, 1.25);
        else if (what === "out") zoomBy(view, 0.8);
        else if (what === "fit") fitView(view);
        else if (what === "png") savePng(view, b.getAttribute("data-filename"));
      });
    });
    var search = document.getElementById(name + "-search");
    if (search) {
      search.addEventListener("submit", function (ev) {
        ev.preventDefault();
        find(view, search.querySelector("input").value);
      });
    }
    var filters = document.getElementById(name + "-filters");
    if (filters) {
      filters.addEventListener("input", function () { applyFilters(view); });
      filters.addEventListener("change", function () { applyFilters(view); });
    }
    container.addEventListener("wheel", function (ev) {
      if (!ev.ctrlKey) return; // the wheel alone scrolls the page
      ev.preventDefault();
      var r = container.getBoundingClientRect();
      zoomBy(view, ev.deltaY < 0 ? 1.15 : 1 / 1.15, { x: ev.clientX - r.left, y: ev.clientY - r.top });
    }, { passive: false });
  }

  function mountChart(view, container) {
    var data = view.data;
    view.open = new Set(data.open || []);
    view.kids = new Map();
    view.dir = new Map();
    var entries = data.directory || data.nodes.map(function (n) { return [n.id, n.search || n.info.name, n.parent]; });
    entries.forEach(function (d) {
      view.dir.set(d[0], { name: d[1], parent: d[2] });
      if (d[2] !== null && d[2] !== undefined) {
        if (!view.kids.has(d[2])) view.kids.set(d[2], []);
        view.kids.get(d[2]).push(d[0]);
      }
    });
    var ids = shownIds(view).filter(function (id) { return view.byId.has(id); });
    view.pos = {};
    var shown = ids.map(function (id) {
      var n = view.byId.get(id);
      view.pos[id] = { x: n.x, y: n.y, attach: n.attach };
      return Object.assign({}, n, { label: chartLabel(view, n) });
    });
    var keep = new Set(ids);
    view.nodes = new vis.DataSet(shown);
    view.edges = new vis.DataSet(data.edges.filter(function (e) {
      return keep.has(e.from) && keep.has(e.to);
    }).map(function (e) { return e.kind === "solid" ? Object.assign({}, e, { hidden: true }) : e; }));
    view.network = new vis.Network(container, { nodes: view.nodes, edges: view.edges }, data.options);
    view.network.on("beforeDrawing", function (ctx) { drawConnectors(view, ctx); });
    firstView(view);
    settled(view, container);
    view.network.on("click", function (params) {
      if (!params.nodes.length) return;
      var id = params.nodes[0];
      showDetails(view, id);
      expand(view, id);
    });
    view.expand = function (id) { return expand(view, id); };
    view.expandAll = function () { return expandAll(view); };
    view.layout = function () { return layoutChart(view); };
  }

  function mountGraph(view, container) {
    var data = view.data;
    view.dir = new Map();
    data.nodes.forEach(function (n) { if (n.info && n.info.kind === "contact") view.dir.set(n.id, { name: n.info.name }); });
    view.pool = { edges: data.edges.slice() };
    var keep = data.initial ? new Set(data.initial) : null;
    var shown = keep ? data.nodes.filter(function (n) { return keep.has(n.id); }) : data.nodes;
    var ids = new Set(shown.map(function (n) { return n.id; }));
    view.nodes = new vis.DataSet(shown);
    view.edges = new vis.DataSet(data.edges.filter(function (e) { return ids.has(e.from) && ids.has(e.to); }));
    view.network = new vis.Network(container, { nodes: view.nodes, edges: view.edges }, data.options);
    if (data.options.physics && data.options.physics.enabled) {
      view.network.once("stabilizationIterationsDone", function () {
        view.network.setOptions({ physics: { enabled: false } });
        settled(view, container);
      });
    } else {
      view.network.fit({ animation: false }); // positions from the server (map_layout)
      settled(view, container);
    }
    view.network.on("click", function (params) {
      if (params.nodes.length) showDetails(view, params.nodes[0]);
    });
    view.grow = function (id) { return grow(view, id); };
    applyFilters(view);
  }

  function mount(script) {
    var data = JSON.parse(script.textContent);
    var container = document.getElementById(data.container);
    var name = script.getAttribute("data-graphcrm-view") || data.container;
    var view = { name: name, data: data, byId: new Map() };
    data.nodes.forEach(function (n) { view.byId.set(n.id, n); });
    if (data.kind === "orgchart") mountChart(view, container);
    else mountGraph(view, container);
    view.focus = function (id) { return focus(view, id); };
    view.find = function (q) { return find(view, q); };
    view.zoom = function (f) { zoomBy(view, f); };
    view.fit = function () { fitView(view); };
    view.png = function () { return toPng(view); };
    wireTools(view, container);
    views[name] = view;
    showDetails(view, null);
  }

  function wire() {
    document.querySelectorAll("[data-focus]").forEach(function (button) {
      button.addEventListener("click", function (ev) {
        ev.preventDefault();
        var view = views[button.getAttribute("data-view")];
        if (!view) return;
        view.focus(button.getAttribute("data-focus")).then(function () {
          var box = document.getElementById(view.data.container);
          if (box && box.scrollIntoView) box.scrollIntoView({ block: "nearest" });
        });
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function (ev) {
        ev.preventDefault();
        window.print(); // the page's print stylesheet lays out the account plan
      });
    });
    document.querySelectorAll("[data-expand-all]").forEach(function (button) {
      button.addEventListener("click", function (ev) {
        ev.preventDefault();
        var view = views[button.getAttribute("data-expand-all")];
        if (view) view.expandAll();
      });
    });
  }

  function start() {
    document.querySelectorAll('script[type="application/json"][data-graphcrm-view]').forEach(mount);
    wire();
    document.documentElement.setAttribute("data-graphcrm-ready", "true");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
