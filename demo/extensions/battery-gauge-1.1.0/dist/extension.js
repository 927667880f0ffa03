// Sora demo extension: registers one panel that names itself.
module.exports.activate = function activate(extensionContext) {
  extensionContext.registerPanel({
    name: "Battery Gauge",
    initPanel(context) {
      context.panelElement.textContent = "Battery Gauge (Sora demo extension 1.1.0)";
    },
  });
};
