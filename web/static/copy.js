// Enhancement only: adds a "Copy" button to each citation; the page works fully without it.
// The words come from the page (data-copy, data-copied), so they are in the reader's language.
(function () {
  "use strict";
  var section = document.querySelector("section.cite");
  if (!section || !navigator.clipboard) { return; }
  var label = section.getAttribute("data-copy") || "Copy";
  var done = section.getAttribute("data-copied") || "Copied";
  var status = document.createElement("p");
  status.className = "vh";
  status.setAttribute("role", "status");
  section.appendChild(status);
  section.querySelectorAll("pre.citation").forEach(function (pre) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.setAttribute("aria-describedby", pre.getAttribute("aria-labelledby"));
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(pre.textContent).then(function () {
        button.textContent = done;
        status.textContent = done;
        window.setTimeout(function () { button.textContent = label; status.textContent = ""; }, 2000);
      });
    });
    pre.insertAdjacentElement("afterend", button);
  });
}());
