// Sora demo extension: registers one panel that names itself.
module.exports.activate = function activate(extensionContext) {
  extensionContext.registerPanel({
    name: "Lidar Colorizer",
    initPanel(context) {
      context.panelElement.textContent = "Lidar Colorizer (Sora demo extension 2.0.0)";
    },
  });
};
