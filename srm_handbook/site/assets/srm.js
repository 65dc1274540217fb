/* srm-handbook: filters for the responsibility matrix, and the checklists of the party and
   capability pages (below). Plain JavaScript, no dependencies.

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

  /* The words the script writes, in the site's language: the page's <script
     id="srm-labels"> (srm_handbook/site/script_labels.py) maps each English message to
     its translation (a message with a plural: to its text per CLDR plural category).
     Without it, or for a message it lacks, the English given here is written. */
  function Words() {
    var data = null;
    var el = document.getElementById("srm-labels");
    if (el) {
      try {
        data = JSON.parse(el.textContent || "null");
      } catch (e) {
        data = null;
      }
    }
    if (!data || typeof data !== "object") data = {};
    this.messages = data.messages && typeof data.messages === "object" ? data.messages : {};
    this.rules = null;
    try {
      this.rules = new Intl.PluralRules(data.language || "en");
    } catch (e) {
      this.rules = null;
    }
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)[sd]/g, function (match, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name)
        ? String(values[name]) : match;
    });
  }

  /* `message` (English, with %(name)s or %(name)d placeholders) in the page's language. */
  Words.prototype.t = function (message, values) {
    var text = this.messages[message];
    return fill(typeof text === "string" ? text : message, values);
  };

  /* The form of `singular`/`plural` for the number `num` (also the value of %(num)d). */
  Words.prototype.n = function (singular, plural, num, values) {
    var text = num === 1 ? singular : plural;
    var forms = this.messages[singular];
    if (forms && typeof forms === "object") {
      var category = this.rules ? this.rules.select(num) : num === 1 ? "one" : "other";
      var found = forms[category] || forms.other;
      if (typeof found === "string") text = found;
    }
    return fill(text, Object.assign({ num: num }, values));
  };

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
    this.words = new Words();
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
    var words = this.words;
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
          : " (" + words.t("%(shown)d of %(total)d shown", { shown: group.shown, total: group.size }) + ")";
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

    var summary = shownCaps.length === C ? words.t("all %(num)d shown", { num: C })
      : shownCaps.length === 0 ? words.t("none shown")
        : words.t("%(shown)d of %(total)d shown", { shown: shownCaps.length, total: C });
    if (this.capsSummary.textContent !== summary) this.capsSummary.textContent = summary;
    var message = words.t("%(shown)d of %(total)d responsibilities shown",
      { shown: total, total: rows.length });
    if (shownCaps.length < C) {
      message += words.t(", %(shown)d of %(total)d capabilities", { shown: shownCaps.length, total: C });
    }
    if (state.control) {
      message += words.t(", mapped to %(control)s", { control: state.control.replace(":", " ") });
    }
    if (!total) message += words.t(". Nothing matches: change a filter, or show everything.");
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

  /* ---- Checklists: party and capability pages ---------------------------------------

     The page holds a form of every duty (a checkbox each) and a hidden tools form; without
     this script every duty shows and nothing is kept. With it:
     - the filter lives in the URL query like the matrix's (party pages: capability=<id>,
       capability pages: party=<id>; repeatable or comma-separated; unknown ids ignored);
     - ticks are kept in localStorage under "srm-checklist:" + the model's root address
       (so several models in one site, and copies opened from files, each keep their own),
       as duty key -> the duty's version when it was ticked. A tick given to another
       version (the wording or scope changed since) is removed, with a note saying why;
     - "new since you last looked": each page remembers the model digest it was last seen
       with, and every duty the version the reader last saw. When the digest differs,
       duties never seen are marked new and those seen in another version changed, until
       the reader marks them as seen. Without storage (private mode) ticks last as long as
       the page, and a note says so;
     - "Copy as Markdown task list" and "Download CSV" build exactly what `srm checklist`
       prints for the same filter (srm_handbook/checklist.py: the same order, titles,
       escapes and columns). */
  var STORE_PREFIX = "srm-checklist:";
  var MD_SPECIAL = /([\\`*_\[\]{}<>#|~&!$@])/g;
  var FORMULA_START = /^[=+\-@\t\r]/;

  function Store(model) {
    this.name = STORE_PREFIX + model;
    this.memory = null;
    this.kept = false;
    try {
      var ls = window.localStorage;
      var probe = STORE_PREFIX + "probe";
      ls.setItem(probe, "1");
      ls.removeItem(probe);
      this.ls = ls;
      this.kept = true;
    } catch (e) {
      this.ls = null;
    }
  }

  Store.prototype.load = function () {
    var data = null;
    if (this.ls) {
      try {
        data = JSON.parse(this.ls.getItem(this.name) || "null");
      } catch (e) {
        data = null;
      }
    } else {
      data = this.memory;
    }
    if (!data || data.v !== 1 || typeof data !== "object") data = { v: 1 };
    ["ticks", "seen", "visited", "marks", "cleared"].forEach(function (k) {
      if (!data[k] || typeof data[k] !== "object") data[k] = {};
    });
    return data;
  };

  Store.prototype.save = function (data) {
    this.memory = data;
    if (!this.ls) return;
    try {
      this.ls.setItem(this.name, JSON.stringify(data));
    } catch (e) {
      this.ls = null; // full or refused: keep going in memory
      this.kept = false;
    }
  };

  function oneLine(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  function mdEscape(text) {
    return text.replace(MD_SPECIAL, "\\$1").split("\\@").join("\\@\u200b");
  }

  function csvCell(value) {
    if (FORMULA_START.test(value)) value = "'" + value;
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  function Checklist(tools, form) {
    this.tools = tools;
    this.form = form;
    this.filterName = tools.getAttribute("data-srm-filter");
    this.boxes = Array.prototype.slice.call(
      tools.querySelectorAll('input[name="' + this.filterName + '"]'));
    this.status = tools.querySelector("#srm-checklist-status");
    this.note = tools.querySelector("#srm-checklist-note");
    this.seenButton = tools.querySelector('[data-srm-action="seen"]');
    this.digest = form.getAttribute("data-srm-digest");
    this.scope = form.getAttribute("data-srm-scope");
    this.store = new Store(new URL(form.getAttribute("data-srm-model"), location.href).href);
    this.title = document.getElementById("srm-title");
    this.heading = document.createElement("span");
    this.heading.className = "srm-filter-heading";
    this.words = new Words();
    var names = {};
    try {
      names = JSON.parse(document.getElementById("srm-names").textContent);
    } catch (e) {
      names = {};
    }
    this.capNames = names.capabilities || {};
    /* Every id the filter may name (with its name): the model's capabilities on a party
       page, its parties on a capability page. An id the model declares but no duty here
       matches leaves an empty checklist (and says so): never everything. */
    this.known = (this.filterName === "party" ? names.parties : names.capabilities) || {};
    this.read();
  }

  Checklist.prototype.read = function () {
    var fieldsets = [];
    var groups = [];
    var duties = [];
    var sections = Array.prototype.slice.call(this.form.querySelectorAll("section[data-party]"))
      .map(function (el) { return { el: el, duties: [] }; });
    Array.prototype.forEach.call(this.form.querySelectorAll("fieldset.srm-category-group"), function (fs) {
      var legend = fs.querySelector("legend");
      var set = {
        el: fs,
        count: legend.querySelector(".srm-count"),
        name: oneLine(legend.querySelector("h2, h3").textContent),
        party: fs.getAttribute("data-party-name"),
        duties: []
      };
      var section = null;
      sections.forEach(function (s) { if (s.el.contains(fs)) section = s; });
      fieldsets.push(set);
      Array.prototype.forEach.call(fs.querySelectorAll("ul.srm-checklist"), function (ul) {
        var head = ul.previousElementSibling;
        var link = head && head.querySelector("a");
        var group = { el: ul, head: head, duties: [] };
        groups.push(group);
        Array.prototype.forEach.call(ul.children, function (li) {
          if (!li.hasAttribute("data-srm-duty")) return;
          var text = li.querySelector(".srm-text");
          var duty = {
            el: li,
            box: li.querySelector('input[type="checkbox"]'),
            key: li.getAttribute("data-srm-key"),
            version: li.getAttribute("data-srm-version"),
            party: li.getAttribute("data-party"),
            caps: (li.getAttribute("data-capabilities") || "").split(" ").filter(Boolean),
            anchor: li.getAttribute("data-responsibility") + "--duty-" +
              li.getAttribute("data-party") + "-" + li.getAttribute("data-srm-n"),
            page: link ? link.getAttribute("href") : "",
            title: text ? oneLine(text.textContent) : "",
            row: link ? oneLine(link.textContent) : "",
            set: set,
            group: group,
            shown: true
          };
          duties.push(duty);
          set.duties.push(duty);
          group.duties.push(duty);
          if (section) section.duties.push(duty);
        });
      });
    });
    this.fieldsets = fieldsets;
    this.groups = groups;
    this.sections = sections;
    this.duties = duties;
    this.byBox = new Map();
    var self = this;
    duties.forEach(function (d) { if (d.box) self.byBox.set(d.box, d); });
  };

  /* null (everything) or the set of chosen ids; choosing every box is everything. */
  Checklist.prototype.normalise = function (chosen) {
    var ids = Object.keys(chosen);
    if (!ids.length) return null;
    var all = this.boxes.every(function (box) { return chosen[box.value]; });
    return all ? null : chosen;
  };

  /* The filter from a URL query: ids the model does not declare are ignored. */
  Checklist.prototype.parse = function (search) {
    var params = new URLSearchParams(search);
    var self = this;
    var chosen = {};
    listParam(params, this.filterName).forEach(function (id) {
      if (Object.prototype.hasOwnProperty.call(self.known, id)) chosen[id] = true;
    });
    return this.normalise(chosen);
  };

  Checklist.prototype.query = function (filter) {
    var params = new URLSearchParams(location.search);
    params.delete(this.filterName);
    var self = this;
    if (filter) {
      Object.keys(this.known).forEach(function (id) {
        if (filter[id]) params.append(self.filterName, id);
      });
    }
    var text = params.toString();
    return text ? "?" + text : "";
  };

  Checklist.prototype.fromControls = function () {
    var chosen = {};
    this.boxes.forEach(function (box) {
      if (box.checked) chosen[box.value] = true;
    });
    return this.normalise(chosen);
  };

  Checklist.prototype.syncControls = function (filter) {
    this.boxes.forEach(function (box) { box.checked = !filter || !!filter[box.value]; });
  };

  Checklist.prototype.matches = function (d, filter) {
    if (!filter) return true;
    if (this.filterName === "party") return !!filter[d.party];
    for (var i = 0; i < d.caps.length; i++) if (filter[d.caps[i]]) return true;
    return false;
  };

  Checklist.prototype.render = function (filter) {
    var self = this;
    this.filter = filter;
    this.duties.forEach(function (d) {
      var shown = self.matches(d, filter);
      if (shown !== d.shown) {
        d.shown = shown;
        d.el.hidden = !shown;
      }
    });
    function some(list) { return list.some(function (d) { return d.shown; }); }
    this.groups.forEach(function (g) {
      var hide = !some(g.duties);
      g.el.hidden = hide;
      if (g.head) g.head.hidden = hide;
    });
    this.fieldsets.forEach(function (s) { s.el.hidden = !some(s.duties); });
    this.sections.forEach(function (s) { s.el.hidden = !some(s.duties); });
    var names = filter ? Object.keys(this.known).filter(function (id) { return filter[id]; })
      .map(function (id) { return self.known[id]; }) : [];
    this.heading.textContent = names.length ? ": " + names.join(", ") : "";
    if (names.length && !this.heading.parentNode && this.title) this.title.appendChild(this.heading);
    if (!names.length && this.heading.parentNode) this.heading.parentNode.removeChild(this.heading);
    this.tools.classList.toggle("srm-filtered", !!filter);
    this.count();
  };

  Checklist.prototype.count = function (message) {
    var words = this.words;
    var done = 0;
    var shown = 0;
    this.fieldsets.forEach(function (s) {
      var d = 0;
      var n = 0;
      s.duties.forEach(function (duty) {
        if (!duty.shown) return;
        n++;
        if (duty.box && duty.box.checked) d++;
      });
      if (s.count) s.count.textContent = n ? words.t("%(done)d of %(total)d done", { done: d, total: n }) : "";
      done += d;
      shown += n;
    });
    var text = shown < this.duties.length
      ? words.t("%(done)d of %(total)d done (%(shown)d of %(all)d duties shown).",
        { done: done, total: shown, shown: shown, all: this.duties.length })
      : words.t("%(done)d of %(total)d done.", { done: done, total: shown });
    if (!shown) {
      text += " " + words.t("No duty here applies to %(choice)s: show all, or choose another.",
        { choice: this.heading.textContent.slice(2) || words.t("this choice") });
    }
    if (message) text += " " + message;
    if (this.status.textContent !== text) this.status.textContent = text;
  };

  /* Apply the stored ticks and marks to the page, and remember what was seen. */
  Checklist.prototype.restore = function () {
    var data = this.store.load();
    var prev = data.visited[this.scope];
    var changedSince = prev !== undefined && prev !== this.digest;
    var news = 0;
    var changed = 0;
    var unticked = 0;
    this.duties.forEach(function (d) {
      var k = d.key;
      var seen = data.seen[k];
      if (data.marks[k]) {
        if (seen === d.version) delete data.marks[k];
      } else if (seen !== undefined && seen !== d.version) {
        data.marks[k] = "changed";
      } else if (seen === undefined && changedSince) {
        data.marks[k] = "new";
      } else {
        data.seen[k] = d.version;
      }
      var tick = data.ticks[k];
      if (tick !== undefined && tick !== d.version) {
        delete data.ticks[k];
        data.cleared[k] = 1;
        data.marks[k] = data.marks[k] || "changed";
      }
    });
    var self = this;
    data.visited[this.scope] = this.digest;
    data.digest = this.digest;
    this.store.save(data);
    this.duties.forEach(function (d) {
      if (d.box) d.box.checked = data.ticks[d.key] === d.version;
      var mark = data.marks[d.key];
      if (mark === "new") news++;
      if (mark === "changed") changed++;
      if (data.cleared[d.key]) unticked++;
      setMark(d, mark, !!data.cleared[d.key], self.words);
    });
    this.showNote(news, changed, unticked);
  };

  function setMark(d, mark, cleared, words) {
    var el = d.el.querySelector(".srm-mark");
    d.el.classList.toggle("srm-new", mark === "new");
    d.el.classList.toggle("srm-changed", mark === "changed");
    if (!mark) {
      if (el) el.parentNode.removeChild(el);
      if (d.box) d.box.removeAttribute("aria-describedby");
      return;
    }
    if (!el) {
      el = document.createElement("span");
      el.className = "srm-mark";
      el.id = "srm-mark-" + d.key.replace(/[^a-z0-9-]/g, "_");
      var text = d.el.querySelector(".srm-text");
      var after = text && text.parentNode !== d.el ? text.parentNode : text;
      d.el.insertBefore(el, after ? after.nextSibling : null);
    }
    el.textContent = mark === "new" ? words.t("New since your last visit")
      : cleared ? words.t("Changed since you ticked it, so it is no longer ticked: check it again")
        : words.t("Changed since your last visit");
    if (d.box) d.box.setAttribute("aria-describedby", el.id);
  }

  Checklist.prototype.showNote = function (news, changed, unticked) {
    var words = this.words;
    var parts = [];
    if (news || changed) {
      var isNew = words.n("%(num)d duty is new", "%(num)d duties are new", news);
      var isChanged = words.n("%(num)d duty changed", "%(num)d duties changed", changed);
      var what = !news ? isChanged : !changed ? isNew
        : words.t("%(first)s and %(second)s", { first: isNew, second: isChanged });
      parts.push(words.t("The handbook changed since your last visit: %(what)s (marked below).",
        { what: what }));
    }
    if (unticked) {
      parts.push(words.n(
        "%(num)d tick was removed because the duty's wording or scope changed after you ticked it.",
        "%(num)d ticks were removed because the duty's wording or scope changed after you ticked it.",
        unticked));
    }
    if (!this.store.kept) {
      parts.push(words.t("Your ticks are not kept: this browser does not let the handbook store them " +
        "(for example in a private window)."));
    }
    this.note.textContent = parts.join(" ");
    this.note.hidden = !parts.length;
    this.seenButton.hidden = !(news || changed || unticked);
  };

  Checklist.prototype.tick = function (d) {
    var data = this.store.load();
    if (d.box.checked) data.ticks[d.key] = d.version;
    else delete data.ticks[d.key];
    delete data.cleared[d.key];
    this.store.save(data);
    if (d.el.querySelector(".srm-mark")) setMark(d, data.marks[d.key], false, this.words);
    if (!this.store.kept) this.showNote(0, 0, 0);
    this.count();
  };

  Checklist.prototype.markSeen = function () {
    var data = this.store.load();
    this.duties.forEach(function (d) {
      data.seen[d.key] = d.version;
      delete data.marks[d.key];
      delete data.cleared[d.key];
      setMark(d, undefined, false, null);
    });
    this.store.save(data);
    this.showNote(0, 0, 0);
    this.count(this.words.t("Changes marked as seen."));
  };

  Checklist.prototype.clear = function () {
    var data = this.store.load();
    var n = 0;
    this.duties.forEach(function (d) {
      if (!d.shown || !d.box) return;
      if (d.box.checked) n++;
      d.box.checked = false;
      delete data.ticks[d.key];
    });
    this.store.save(data);
    this.count(this.words.n("Cleared %(num)d tick.", "Cleared %(num)d ticks.", n));
  };

  /* The shown duties as checklist items, in page order (that of `srm checklist`). */
  Checklist.prototype.items = function () {
    var self = this;
    return this.duties.filter(function (d) { return d.shown; }).map(function (d) {
      return {
        key: d.key,
        party: d.party,
        partyName: d.set.party,
        category: d.set.name,
        row: d.row,
        title: d.title,
        caps: d.caps.map(function (c) { return self.capNames[c] || c; }),
        url: self.dutyUrl(d)
      };
    });
  };

  /* The duty on its responsibility page (the page its group heading links to). */
  Checklist.prototype.dutyUrl = function (d) {
    var url = new URL(d.page, location.href);
    url.hash = d.anchor;
    return url.href;
  };

  Checklist.prototype.markdown = function () {
    var items = this.items();
    var parties = {};
    items.forEach(function (i) { parties[i.party] = true; });
    var several = Object.keys(parties).length > 1;
    return items.map(function (i) {
      return "- [ ] " + (several ? mdEscape(i.partyName) + ": " : "") + mdEscape(i.title) +
        " ([" + mdEscape(i.row) + "](<" + i.url + ">))\n";
    }).join("");
  };

  Checklist.prototype.csv = function () {
    var lines = [["Summary", "Description", "Party", "Category", "Responsibility",
      "Capabilities", "Key", "Link"]];
    this.items().forEach(function (i) {
      lines.push([i.title, i.title + "\n\n" + i.row + ": " + i.url, i.partyName, i.category,
        i.row, i.caps.join(", "), i.key, i.url]);
    });
    return lines.map(function (row) { return row.map(csvCell).join(",") + "\r\n"; }).join("");
  };

  Checklist.prototype.copy = function () {
    var self = this;
    var text = this.markdown();
    var n = text ? text.split("\n").length - 1 : 0;
    var done = function () {
      self.count(self.words.n("Copied %(num)d duty as a Markdown task list.",
        "Copied %(num)d duties as a Markdown task list.", n));
    };
    var fallback = function () {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      if (ok) done();
      else self.count(self.words.t("Could not copy: this browser refused access to the clipboard."));
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  };

  Checklist.prototype.download = function () {
    var blob = new Blob([this.csv()], { type: "text/csv;charset=utf-8" });
    var a = document.createElement("a");
    var name = this.scope.replace(/^[a-z]+:/, "");
    if (this.filter) name += "-" + Object.keys(this.filter).sort().join("-");
    a.href = URL.createObjectURL(blob);
    a.download = name + "-checklist.csv";
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 0);
    this.count(this.words.t("Downloaded %(file)s.", { file: a.download }));
  };

  Checklist.prototype.commit = function (filter) {
    var url = location.pathname + this.query(filter) + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      history.pushState({ srm: "checklist" }, "", url);
    }
  };

  Checklist.prototype.start = function () {
    var self = this;
    this.tools.addEventListener("submit", function (event) { event.preventDefault(); });
    this.form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.tools.addEventListener("change", function (event) {
      if (event.target.name !== self.filterName) return;
      var filter = self.fromControls();
      self.render(filter);
      self.commit(filter);
    });
    this.tools.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.hasAttribute("data-srm-show-all")) {
        self.syncControls(null);
        self.render(null);
        self.commit(null);
        return;
      }
      var action = button.getAttribute("data-srm-action");
      if (action === "copy") self.copy();
      else if (action === "csv") self.download();
      else if (action === "clear") self.clear();
      else if (action === "seen") self.markSeen();
    });
    this.form.addEventListener("change", function (event) {
      var d = self.byBox.get(event.target);
      if (d) self.tick(d);
    });
    // Ticks given in another tab or window of the same handbook.
    window.addEventListener("storage", function (event) {
      if (event.key !== self.store.name || !document.body.contains(self.form)) return;
      var data = self.store.load();
      self.duties.forEach(function (d) {
        if (d.box) d.box.checked = data.ticks[d.key] === d.version;
      });
      self.count();
    });
    window.addEventListener("popstate", function () {
      if (!document.body.contains(self.form)) return;
      var filter = self.parse(location.search);
      self.syncControls(filter);
      self.render(filter);
    });
    this.restore();
    var initial = this.parse(location.search);
    this.syncControls(initial);
    this.render(initial);
    this.tools.hidden = false;
    this.form.setAttribute("data-srm-ready", "");
  };

  function initChecklist() {
    var tools = document.getElementById("srm-checklist-tools");
    var form = document.querySelector("form[data-srm-checklist]");
    if (!tools || !form || form.hasAttribute("data-srm-ready")) return;
    new Checklist(tools, form).start();
  }

  /* Material's search is a dialog without a name; give it one (it only works with
     JavaScript, so this is the place). */
  function nameSearchDialog() {
    var dialog = document.querySelector('.md-search[role="dialog"]');
    if (dialog && !dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
      dialog.setAttribute("aria-label", new Words().t("Search"));
    }
  }

  function init() {
    nameSearchDialog();
    initChecklist();
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
