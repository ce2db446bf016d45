(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.__divideSlideKeys) return;
  doc.__divideSlideKeys = true;
  const keys = {ArrowRight: "pres_next", PageDown: "pres_next",
                ArrowLeft: "pres_prev", PageUp: "pres_prev"};
  doc.addEventListener("keydown", (event) => {
    const target = event.target || {};
    const tag = (target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || target.isContentEditable) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const key = keys[event.key];
    if (!key) return;
    const button = doc.querySelector(".st-key-" + key + " button");
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
})();
