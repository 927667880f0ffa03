// Sora demo extension: registers one panel that names itself.
module.exports.activate = function activate(extensionContext) {
  extensionContext.registerPanel({
    name: "Topic Inspector",
    initPanel(context) {
      context.panelElement.textContent = "Topic Inspector (Sora demo extension 0.4.2)";
    },
  });
};
