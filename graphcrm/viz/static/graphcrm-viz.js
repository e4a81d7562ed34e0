/* graphcrm views: reads each <script type="application/json" data-graphcrm-view> and draws it.
 *
 * Data is parsed as JSON, never evaluated. Every text that reaches the page goes through
 * textContent (the details panel) or vis-network, which draws labels on a canvas and shows
 * string tooltips with innerText. window.graphcrm.views[name] exposes {network, nodes, edges,
 * data, expand, focus} to tests and notebooks.
 */
(function () {
  "use strict";
  var views = {};
  window.graphcrm = { views: views };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function showDetails(view, id) {
    var panel = document.getElementById(view.data.container + "-details");
    if (!panel) return;
    var node = view.byId.get(id);
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    if (!node || !node.info) {
      panel.appendChild(el("p", view.data.labels.click_a_node, "hint"));
      return;
    }
    panel.appendChild(el("h3", node.info.name, "details-name"));
    var dl = el("dl");
    (node.info.rows || []).forEach(function (row) {
      dl.appendChild(el("dt", row[0]));
      dl.appendChild(el("dd", row[1]));
    });
    panel.appendChild(dl);
    panel.setAttribute("data-node", String(id));
  }

  function collapsedLabel(view, node) {
    var hidden = view.children.get(node.id) || [];
    var waiting = hidden.filter(function (c) { return !view.nodes.get(c); }).length;
    if (!waiting) return node.label;
    return node.label + "\n[+" + waiting + " \u25be " + view.data.labels.click_to_expand + "]";
  }

  function expand(view, id) {
    var kids = (view.children.get(id) || []).filter(function (c) { return !view.nodes.get(c); });
    if (!kids.length) return 0;
    view.nodes.add(kids.map(function (c) {
      var n = view.byId.get(c);
      return Object.assign({}, n, { label: collapsedLabel(view, n) });
    }));
    var added = [];
    kids.forEach(function (c) {
      (view.incident.get(c) || []).forEach(function (e) {
        if (!view.edges.get(e.id) && view.nodes.get(e.from) && view.nodes.get(e.to)) added.push(e);
      });
    });
    if (added.length) view.edges.add(added);
    var me = view.byId.get(id);
    view.nodes.update({ id: id, label: collapsedLabel(view, me) });
    return kids.length;
  }

  function expandAll(view) {
    var grew = true;
    while (grew) {
      grew = false;
      view.nodes.getIds().forEach(function (id) { if (expand(view, id)) grew = true; });
    }
  }

  function focus(view, id) {
    var chain = [];
    var cur = view.byId.get(id);
    while (cur && !view.nodes.get(cur.id)) {
      chain.push(cur);
      cur = cur.parent ? view.byId.get(cur.parent) : null;
    }
    chain.reverse().forEach(function (n) { if (n.parent) expand(view, n.parent); });
    if (!view.nodes.get(id)) return;
    view.network.selectNodes([id]);
    view.network.focus(id, { scale: 1.1, animation: false });
    showDetails(view, id);
  }

  function mount(script) {
    var data = JSON.parse(script.textContent);
    var container = document.getElementById(data.container);
    var name = script.getAttribute("data-graphcrm-view") || data.container;
    var view = { data: data, byId: new Map(), children: new Map(), incident: new Map() };
    data.nodes.forEach(function (n) {
      view.byId.set(n.id, n);
      if (n.parent !== undefined && n.parent !== null) {
        if (!view.children.has(n.parent)) view.children.set(n.parent, []);
        view.children.get(n.parent).push(n.id);
      }
    });
    data.edges.forEach(function (e) {
      [e.from, e.to].forEach(function (end) {
        if (!view.incident.has(end)) view.incident.set(end, []);
        view.incident.get(end).push(e);
      });
    });
    var depth = data.collapseDepth;
    var shown = depth === null || depth === undefined
      ? data.nodes
      : data.nodes.filter(function (n) { return (n.depth || 0) <= depth; });
    var shownIds = new Set(shown.map(function (n) { return n.id; }));
    view.nodes = new vis.DataSet(shown);
    view.edges = new vis.DataSet(data.edges.filter(function (e) {
      return shownIds.has(e.from) && shownIds.has(e.to);
    }));
    if (depth !== null && depth !== undefined) {
      view.nodes.update(shown.map(function (n) { return { id: n.id, label: collapsedLabel(view, n) }; }));
    }
    view.network = new vis.Network(container, { nodes: view.nodes, edges: view.edges }, data.options);
    if (data.options.physics && data.options.physics.enabled) {
      view.network.once("stabilizationIterationsDone", function () {
        view.network.setOptions({ physics: { enabled: false } });
        container.setAttribute("data-stable", "true");
      });
    } else {
      container.setAttribute("data-stable", "true");
    }
    view.network.on("click", function (params) {
      if (!params.nodes.length) return;
      var id = params.nodes[0];
      expand(view, id);
      showDetails(view, id);
    });
    view.expand = function (id) { return expand(view, id); };
    view.expandAll = function () { expandAll(view); };
    view.focus = function (id) { focus(view, id); };
    views[name] = view;
    showDetails(view, null);
  }

  function wire() {
    document.querySelectorAll("[data-focus]").forEach(function (button) {
      button.addEventListener("click", function (ev) {
        ev.preventDefault();
        var view = views[button.getAttribute("data-view")];
        if (view) view.focus(button.getAttribute("data-focus"));
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
