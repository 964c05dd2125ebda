// Front Door's changes to the Django admin's pages (docs/adr/0016-accessible-admin.md).
//
// Django's SelectFilter2 (the two-list picker for groups and permissions) names the
// magnifying glass in each filter box with aria-label on a <span>, which ARIA does not allow
// on an element with no role (axe: aria-prohibited-attr). Give it the role of an image. The
// picker is built on the window's load event; this listener is added after it, so runs after.
window.addEventListener("load", function () {
  document.querySelectorAll(".search-label-icon[aria-label]").forEach(function (icon) {
    icon.setAttribute("role", "img");
  });
});
