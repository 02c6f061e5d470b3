(function(){
"use strict";
var DATA = JSON.parse(document.getElementById("review-data").textContent);
function $(s, r){return (r||document).querySelector(s);}
function $$(s, r){return Array.prototype.slice.call((r||document).querySelectorAll(s));}
function el(tag, cls, text){var e=document.createElement(tag); if(cls) e.className=cls; if(text!=null) e.textContent=text; return e;}

/* paging: one page of each long list at a time */
$$(".paged").forEach(function(box){
  var pages = $$(":scope > .page", box);
  if (pages.length < 2) return;
  var nav = el("div", "pager"), prev = el("button", null, "‹ previous"), next = el("button", null, "next ›");
  var label = el("span"), cur = 0;
  prev.type = next.type = "button";
  nav.appendChild(prev); nav.appendChild(label); nav.appendChild(next);
  box.parentNode.insertBefore(nav, box);
  function show(k){
    cur = Math.max(0, Math.min(pages.length - 1, k));
    pages.forEach(function(p, i){ p.classList.toggle("off", i !== cur); });
    label.textContent = (box.getAttribute("data-label") || "page") + ": page " + (cur + 1) + " of " + pages.length;
    prev.disabled = cur === 0; next.disabled = cur === pages.length - 1;
  }
  prev.addEventListener("click", function(){ show(cur - 1); });
  next.addEventListener("click", function(){ show(cur + 1); nav.scrollIntoView({block:"nearest"}); });
  box._show = function(page){ show(pages.indexOf(page)); };
  show(0);
});

/* make an element visible wherever it is: its page, the <details> around it */
function reveal(t){
  var page = t.closest(".page");
  if (page && page.classList.contains("off")) { var box = page.closest(".paged"); if (box && box._show) box._show(page); }
  for (var d = t.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
  if (t.tagName === "DETAILS") t.open = true;
  t.scrollIntoView({block:"start"});
  t.classList.remove("flash"); void t.offsetWidth; t.classList.add("flash");
}
function go(id){ var t = document.getElementById(id); if (t) { reveal(t); return true; } return false; }

/* the inspector: the selected paragraph's cluster and edits, cloned from the lists below */
var insp = $("#inspector");
function cloneFrom(id, sel){
  var src = document.getElementById(id); if (!src) return null;
  var node = (sel ? $(sel, src) : src).cloneNode(true);
  node.removeAttribute("id"); $$("[id]", node).forEach(function(n){ n.removeAttribute("id"); });
  $$("details", node).forEach(function(n){ n.open = true; });
  return node;
}
function select(p){
  $$(".para.sel").forEach(function(x){ x.classList.remove("sel"); });
  p.classList.add("sel");
  var u = p.getAttribute("data-unit"), info = DATA.units && DATA.units[u];
  if (!insp || !info) return;
  insp.replaceChildren();
  insp.appendChild(el("h3", null, "Paragraph ¶" + u + " · input [" + info.in[0] + ", " + info.in[1] + ") · output [" + info.out[0] + ", " + info.out[1] + ") · block" + (info.b.length > 1 ? "s " : " ") + info.b.join(", ")));
  if (info.c !== null && info.c !== undefined) {
    var head = el("p", "cluster-head");
    var a = el("a", null, "Cluster " + info.c); a.href = "#c-" + info.c;
    var card = document.getElementById("c-" + info.c), n = card ? $(".cluster-body", card).getAttribute("data-copies") : "?";
    head.appendChild(a);
    head.appendChild(document.createTextNode(" · " + n + " copies in the input · " + (info.kept ? "this paragraph is the kept copy" : "this paragraph keeps text from a copy")));
    insp.appendChild(head);
    var body = cloneFrom("c-" + info.c, ".cluster-body"); if (body) insp.appendChild(body);
  } else {
    insp.appendChild(el("p", "unique", "Unique: no near-duplicate copy of this paragraph was found in the input."));
  }
  if (info.e.length) {
    insp.appendChild(el("h3", null, info.e.length + (info.e.length > 1 ? " edits" : " edit") + " touched this paragraph"));
    info.e.forEach(function(i){ var n = cloneFrom("e-" + i); if (n) insp.appendChild(n); });
  }
  insp.scrollTop = 0;
}
document.addEventListener("click", function(ev){
  var a = ev.target.closest && ev.target.closest('a[href^="#"]');
  if (a) { var id = decodeURIComponent(a.getAttribute("href").slice(1)); if (id && go(id)) { ev.preventDefault(); history.replaceState(null, "", "#" + id); } return; }
  var p = ev.target.closest && ev.target.closest(".para[data-unit]");
  if (p) select(p);
});
document.addEventListener("keydown", function(ev){
  if ((ev.key === "Enter" || ev.key === " ") && ev.target.matches && ev.target.matches(".para[data-unit]")) { ev.preventDefault(); select(ev.target); }
});

/* corpus page: jump to a document by id */
var jump = $("#jump");
if (jump) jump.addEventListener("submit", function(ev){
  ev.preventDefault();
  var id = $("#jump-id").value.trim(), anchor = DATA.docs && Object.prototype.hasOwnProperty.call(DATA.docs, id) ? DATA.docs[id] : null;
  $("#jump-msg").textContent = anchor ? "" : "not in this sample";
  if (anchor) go(anchor);
});

/* print the clusters open (evidence and layout edits stay folded), restore afterwards */
var opened = [];
window.addEventListener("beforeprint", function(){ opened = $$("details.cluster:not([open])"); opened.forEach(function(d){ d.open = true; }); });
window.addEventListener("afterprint", function(){ opened.forEach(function(d){ d.open = false; }); opened = []; });

window.addEventListener("hashchange", function(){ if (location.hash.length > 1) go(decodeURIComponent(location.hash.slice(1))); });
if (location.hash.length > 1) go(decodeURIComponent(location.hash.slice(1)));
document.documentElement.setAttribute("data-ready", "1");
})();
