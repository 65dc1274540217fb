/* srm-handbook: filters for the responsibility matrix. Plain JavaScript, no dependencies.

   Progressive enhancement: the page holds the full table and a hidden filter form; without
   this script the table reads as it is. The script reads the table once into flat arrays,
   shows the form, and from then on a filter change only flips `hidden` on the rows whose
   visibility changed and rewrites one small generated stylesheet (hidden columns, muted
   cells), so it stays fast with 1,000 rows and 50 capabilities.

   The filter state lives in the URL query, so a filtered view can be linked to:
     party=<party id>          rows where that party owns at least one shown cell
     capability=<id>           columns shown (repeatable or comma-separated; empty: none)
     kind=sole|shared|na       kinds of ownership counted (repeatable; empty: none)
     q=<words>                 rows whose name or duties contain every word
     control=<framework>:<id>  rows mapped to that control (e.g. nist:IA-2)
     collapse=<category id>    collapsed category groups (repeatable)
   Back and forward restore it. */
(function () {
  "use strict";

  var KINDS = ["na", "sole", "shared"]; // cell kind codes 0, 1, 2
  var ALL_KINDS = 7;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function listParam(params, name) {
    var out = [];
    params.getAll(name).forEach(function (value) {
      value.split(",").forEach(function (v) {
        v = v.trim();
        if (v) out.push(v);
      });
    });
    return out;
  }

  function cssString(value) {
    return '"' + String(value).replace(/["\\\n]/g, function (ch) {
      return ch === "\n" ? "\\a " : "\\" + ch;
    }) + '"';
  }

  function Matrix(form, table) {
    this.form = form;
    this.table = table;
    this.status = form.querySelector("#srm-status");
    this.search = form.querySelector("#srm-q");
    this.party = form.querySelector("#srm-party");
    this.control = form.querySelector("#srm-control"); // only when the model maps controls
    this.kindBoxes = Array.prototype.slice.call(form.querySelectorAll('input[name="kind"]'));
    this.capBoxes = Array.prototype.slice.call(form.querySelectorAll('input[name="capability"]'));
    this.capsSummary = form.querySelector("#srm-caps-summary");
    this.style = document.createElement("style");
    this.style.id = "srm-matrix-filters-style";
    document.head.appendChild(this.style);
    this.typing = false;
    this.partyCache = {};
    this.read();
  }

  /* Read the table once: capability order, groups, rows, and per cell its kind and owners. */
  Matrix.prototype.read = function () {
    var heads = this.table.tHead.rows[0].cells;
    var caps = [];
    var capIndex = {};
    for (var h = 1; h < heads.length; h++) {
      var cid = heads[h].getAttribute("data-capability");
      capIndex[cid] = caps.length;
      caps.push(cid);
    }
    var C = caps.length;
    var index = {};
    var indexEl = document.getElementById("srm-search-index");
    if (indexEl) {
      try {
        index = JSON.parse(indexEl.textContent || "{}");
      } catch (e) {
        index = {};
      }
    }
    var controlIndex = {};
    var controlEl = document.getElementById("srm-control-index");
    if (controlEl) {
      try {
        controlIndex = JSON.parse(controlEl.textContent || "{}");
      } catch (e) {
        controlIndex = {};
      }
    }
    var parties = {};
    for (var o = 0; o < this.party.options.length; o++) {
      if (this.party.options[o].value) parties[this.party.options[o].value] = true;
    }
    var groups = [];
    var groupIndex = {};
    var rows = [];
    var rowIndex = {};
    var tbodies = this.table.tBodies;
    for (var b = 0; b < tbodies.length; b++) {
      var tbody = tbodies[b];
      var group = { el: tbody, id: tbody.getAttribute("data-category"), size: 0, count: -1 };
      groupIndex[group.id] = groups.length;
      groups.push(group);
      for (var t = 0; t < tbody.rows.length; t++) {
        var tr = tbody.rows[t];
        var rid = tr.getAttribute("data-responsibility");
        if (rid === null) {
          group.header = tr.cells[0];
          continue;
        }
        group.size++;
        rowIndex[rid] = rows.length;
        rows.push({
          el: tr,
          group: group,
          text: fold(tr.cells[0].textContent + " " + (index[rid] || "")),
          shown: !tr.hidden
        });
      }
    }
    var R = rows.length;
    var kinds = new Uint8Array(R * C);
    var owners = new Array(R * C);
    for (var r = 0; r < R; r++) {
      var cells = rows[r].el.cells;
      for (var j = 1; j < cells.length; j++) {
        var c = capIndex[cells[j].getAttribute("data-capability")];
        if (c === undefined) continue;
        var who = cells[j].getAttribute("data-owners") || "n/a";
        kinds[r * C + c] = who === "n/a" ? 0 : who.indexOf(" ") < 0 ? 1 : 2;
        owners[r * C + c] = " " + who + " ";
      }
    }
    /* For each control, 1 for the rows mapped to it. */
    var controls = {};
    Object.keys(controlIndex).forEach(function (key) {
      var mask = new Uint8Array(rows.length);
      (controlIndex[key] || []).forEach(function (rid) {
        if (rid in rowIndex) mask[rowIndex[rid]] = 1;
      });
      controls[key] = mask;
    });
    this.controls = controls;
    this.caps = caps;
    this.capIndex = capIndex;
    this.parties = parties;
    this.groups = groups;
    this.groupIndex = groupIndex;
    this.rows = rows;
    this.kinds = kinds;
    this.owners = owners;
  };

  /* For a party, 1 where it owns the cell: computed on first use, then kept. */
  Matrix.prototype.ownedBy = function (party) {
    var mask = this.partyCache[party];
    if (!mask) {
      var needle = " " + party + " ";
      var owners = this.owners;
      mask = new Uint8Array(owners.length);
      for (var i = 0; i < owners.length; i++) {
        if (owners[i] !== undefined && owners[i].indexOf(needle) >= 0) mask[i] = 1;
      }
      this.partyCache[party] = mask;
    }
    return mask;
  };

  Matrix.prototype.defaults = function () {
    return { q: "", party: "", control: "", caps: null, kinds: ALL_KINDS, collapsed: {} };
  };

  /* State from a URL query string; unknown ids are ignored. */
  Matrix.prototype.parse = function (search) {
    var params = new URLSearchParams(search);
    var state = this.defaults();
    var self = this;
    state.q = params.get("q") || "";
    var party = params.get("party") || "";
    if (party && this.parties[party]) state.party = party;
    var control = params.get("control") || "";
    if (control && this.controls[control]) state.control = control;
    if (params.has("capability")) {
      var wanted = listParam(params, "capability");
      var known = wanted.filter(function (id) { return id in self.capIndex; });
      if (known.length || !wanted.length) {
        state.caps = {};
        known.forEach(function (id) { state.caps[id] = true; });
        if (known.length === this.caps.length) state.caps = null;
      }
    }
    if (params.has("kind")) {
      var kinds = listParam(params, "kind");
      var mask = 0;
      kinds.forEach(function (k) {
        var code = KINDS.indexOf(k === "n/a" ? "na" : k);
        if (code >= 0) mask |= 1 << code;
      });
      if (mask || !kinds.length) state.kinds = mask;
    }
    listParam(params, "collapse").forEach(function (id) {
      if (id in self.groupIndex) state.collapsed[id] = true;
    });
    return state;
  };

  Matrix.prototype.query = function (state) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("q", state.q.trim());
    if (state.party) params.set("party", state.party);
    if (state.control) params.set("control", state.control);
    if (state.caps) {
      var shown = this.caps.filter(function (id) { return state.caps[id]; });
      if (!shown.length) params.set("capability", "");
      shown.forEach(function (id) { params.append("capability", id); });
    }
    if (state.kinds !== ALL_KINDS) {
      var kinds = KINDS.filter(function (k, code) { return (state.kinds >> code) & 1; });
      if (!kinds.length) params.set("kind", "");
      kinds.forEach(function (k) { params.append("kind", k); });
    }
    this.groups.forEach(function (g) {
      if (state.collapsed[g.id]) params.append("collapse", g.id);
    });
    var text = params.toString();
    return text ? "?" + text : "";
  };

  /* State from the controls (collapsed groups are not controls: kept from the current state). */
  Matrix.prototype.fromControls = function () {
    var state = this.defaults();
    state.q = this.search.value;
    state.party = this.party.value;
    state.control = this.control ? this.control.value : "";
    state.kinds = 0;
    this.kindBoxes.forEach(function (box) {
      if (box.checked) state.kinds |= 1 << KINDS.indexOf(box.value);
    });
    var caps = {};
    var n = 0;
    this.capBoxes.forEach(function (box) {
      if (box.checked) {
        caps[box.value] = true;
        n++;
      }
    });
    state.caps = n === this.caps.length ? null : caps;
    state.collapsed = this.state ? this.state.collapsed : {};
    return state;
  };

  Matrix.prototype.syncControls = function (state) {
    if (this.search.value !== state.q) this.search.value = state.q;
    this.party.value = state.party;
    if (this.control) this.control.value = state.control;
    this.kindBoxes.forEach(function (box) {
      box.checked = ((state.kinds >> KINDS.indexOf(box.value)) & 1) === 1;
    });
    this.capBoxes.forEach(function (box) {
      box.checked = !state.caps || !!state.caps[box.value];
    });
  };

  Matrix.prototype.stylesheet = function (state) {
    var T = "table[data-srm-matrix]";
    var rules = [];
    if (state.caps) {
      var hidden = this.caps.filter(function (id) { return !state.caps[id]; });
      if (hidden.length) {
        rules.push(hidden.map(function (id) {
          return T + " [data-capability=" + cssString(id) + "]";
        }).join(",") + "{display:none}");
      }
    }
    var muted = [];
    KINDS.forEach(function (k, code) {
      if (!((state.kinds >> code) & 1)) muted.push(T + " td.srm-" + k);
    });
    if (state.party) {
      muted.push(T + " td[data-srm-cell]:not([data-owners~=" + cssString(state.party) + "])");
    }
    if (muted.length) rules.push(muted.join(",") + "{background:none;box-shadow:none;font-weight:400;font-style:normal;color:var(--md-default-fg-color--light)}");
    return rules.join("\n");
  };

  /* Show the rows that match; touch only what changed. */
  Matrix.prototype.render = function (state) {
    var C = this.caps.length;
    var shownCaps = [];
    for (var c = 0; c < C; c++) {
      if (!state.caps || state.caps[this.caps[c]]) shownCaps.push(c);
    }
    var terms = fold(state.q).split(/\s+/).filter(Boolean);
    var owned = state.party ? this.ownedBy(state.party) : null;
    var mapped = state.control ? this.controls[state.control] : null;
    var kindMask = state.kinds;
    var kinds = this.kinds;
    var rows = this.rows;
    var groups = this.groups;
    var g;
    for (g = 0; g < groups.length; g++) groups[g].shown = 0;
    var total = 0;
    for (var r = 0; r < rows.length; r++) {
      var row = rows[r];
      var ok = !mapped || mapped[r] === 1;
      for (var t = 0; ok && t < terms.length; t++) {
        if (row.text.indexOf(terms[t]) < 0) {
          ok = false;
          break;
        }
      }
      if (ok) {
        ok = false;
        var base = r * C;
        for (var k = 0; k < shownCaps.length; k++) {
          var i = base + shownCaps[k];
          if ((kindMask >> kinds[i]) & 1 && (!owned || owned[i])) {
            ok = true;
            break;
          }
        }
      }
      if (ok !== row.shown) {
        row.shown = ok;
        row.el.hidden = !ok;
      }
      if (ok) {
        total++;
        row.group.shown++;
      }
    }
    for (g = 0; g < groups.length; g++) {
      var group = groups[g];
      if (group.count !== group.shown) {
        group.count = group.shown;
        group.el.hidden = group.shown === 0;
        group.countEl.textContent = group.shown === group.size
          ? " (" + group.size + ")"
          : " (" + group.shown + " of " + group.size + " shown)";
      }
      var collapsed = !!state.collapsed[group.id];
      if (group.collapsed !== collapsed) {
        group.collapsed = collapsed;
        group.el.classList.toggle("srm-collapsed", collapsed);
        group.button.setAttribute("aria-expanded", collapsed ? "false" : "true");
      }
    }
    var css = this.stylesheet(state);
    if (this.style.textContent !== css) this.style.textContent = css;

    var summary = shownCaps.length === C ? "all " + C + " shown"
      : shownCaps.length === 0 ? "none shown" : shownCaps.length + " of " + C + " shown";
    if (this.capsSummary.textContent !== summary) this.capsSummary.textContent = summary;
    var message = total + " of " + rows.length + " responsibilities shown";
    if (shownCaps.length < C) message += ", " + shownCaps.length + " of " + C + " capabilities";
    if (state.control) message += ", mapped to " + state.control.replace(":", " ");
    if (!total) message += ". Nothing matches: change a filter, or show everything.";
    if (this.status.textContent !== message) this.status.textContent = message;
    var filtered = total < rows.length || shownCaps.length < C || !!state.party || !!state.control ||
      state.kinds !== ALL_KINDS || terms.length > 0;
    this.form.classList.toggle("srm-filtered", filtered);
    this.state = state;
  };

  Matrix.prototype.commit = function (state, replace) {
    var url = location.pathname + this.query(state) + location.hash;
    if (url === location.pathname + location.search + location.hash) return;
    if (replace) history.replaceState(history.state, "", url);
    else history.pushState({ srm: "matrix" }, "", url);
  };

  /* A change made by the reader: render, then record it in the URL. Typing in the search
     box makes one history entry, not one per key. */
  Matrix.prototype.change = function (state, typing) {
    this.render(state);
    this.commit(state, typing && this.typing);
    this.typing = typing;
  };

  // The element id a URL fragment names, or "" when the fragment is not valid percent-
  // encoding (a hand-edited or truncated link such as #%E0%A4%A): nothing to reveal.
  function fragmentId(hash) {
    if (!hash) return "";
    try {
      return decodeURIComponent(hash.slice(1));
    } catch (e) {
      return "";
    }
  }

  Matrix.prototype.revealTarget = function () {
    var id = fragmentId(location.hash);
    var target = id && document.getElementById(id);
    if (!target || !this.table.contains(target)) return;
    var tbody = target.closest("tbody");
    var group = tbody && this.groups[this.groupIndex[tbody.getAttribute("data-category")]];
    if (group && this.state.collapsed[group.id] && target !== group.header) {
      var state = Object.assign({}, this.state, { collapsed: Object.assign({}, this.state.collapsed) });
      delete state.collapsed[group.id];
      this.render(state);
      this.commit(state, true);
      target.scrollIntoView({ block: "center" });
    }
  };

  Matrix.prototype.start = function () {
    var self = this;
    this.groups.forEach(function (group) {
      var th = group.header;
      var name = th.querySelector(".srm-cat-name");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "srm-group-toggle";
      button.setAttribute("aria-expanded", "true");
      if (group.el.id) button.setAttribute("aria-controls", group.el.id);
      var count = document.createElement("span");
      count.className = "srm-group-count";
      th.insertBefore(button, name);
      button.appendChild(name);
      button.appendChild(count);
      group.button = button;
      group.countEl = count;
      group.collapsed = false;
      button.addEventListener("click", function () {
        var collapsed = Object.assign({}, self.state.collapsed);
        if (collapsed[group.id]) delete collapsed[group.id];
        else collapsed[group.id] = true;
        self.change(Object.assign({}, self.state, { collapsed: collapsed }), false);
      });
    });

    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    this.search.addEventListener("input", function () {
      self.change(self.fromControls(), true);
    });
    this.search.addEventListener("change", function () {
      self.typing = false;
    });
    this.form.addEventListener("change", function (event) {
      if (event.target === self.search) return;
      self.change(self.fromControls(), false);
    });
    this.form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      var state;
      if (button.id === "srm-reset") {
        state = self.defaults();
      } else if (button.hasAttribute("data-srm-caps")) {
        state = Object.assign({}, self.state, {
          caps: button.getAttribute("data-srm-caps") === "all" ? null : {}
        });
      } else {
        return;
      }
      self.syncControls(state);
      self.change(state, false);
    });
    window.addEventListener("popstate", function () {
      if (!document.body.contains(self.table)) return;
      var state = self.parse(location.search);
      self.syncControls(state);
      self.render(state);
      self.typing = false;
    });
    window.addEventListener("hashchange", function () {
      self.revealTarget();
    });

    var initial = this.parse(location.search);
    this.syncControls(initial);
    this.render(initial);
    this.form.hidden = false;
    this.table.setAttribute("data-srm-ready", "");
    this.revealTarget();
  };

  /* Material's search is a dialog without a name; give it one (it only works with
     JavaScript, so this is the place). */
  function nameSearchDialog() {
    var dialog = document.querySelector('.md-search[role="dialog"]');
    if (dialog && !dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
      dialog.setAttribute("aria-label", "Search");
    }
  }

  function init() {
    nameSearchDialog();
    var form = document.getElementById("srm-filters");
    var table = document.querySelector("table[data-srm-matrix]");
    if (!form || !table || table.hasAttribute("data-srm-ready")) return;
    var start = performance.now();
    new Matrix(form, table).start();
    if (performance.measure) performance.measure("srm-matrix-init", { start: start });
  }

  // Material's `document$` announces every page (also with instant navigation).
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
