// Page behaviour without inline script (the Content-Security-Policy allows scripts from this file and
// htmx only). Elements ask for behaviour with data- attributes:
//   data-submit-on-change   submit the element's form when its value changes (the language menu)
//   data-print              print the page when clicked
//   data-scan-form          after a successful htmx request, empty the label field and the message;
//                           after any, put the cursor back in the label field (the scan page)
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-submit-on-change]") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("[data-print]") : null;
    if (el) {
      event.preventDefault();
      window.print();
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target && event.target.closest ? event.target.closest("[data-scan-form]") : null;
    if (!form) {
      return;
    }
    var label = form.querySelector("[name=label]");
    if (event.detail && event.detail.successful) {
      if (label) {
        label.value = "";
      }
      var message = document.getElementById(form.getAttribute("data-scan-form"));
      if (message) {
        message.innerHTML = "";
      }
    }
    if (label) {
      label.focus();
    }
  });
})();
