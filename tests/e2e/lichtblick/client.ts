// The client classes the test drives, exactly as Lichtblick ships them
// (vendor/suite-base, unmodified).
export { LayoutsAPI } from "@lichtblick/suite-base/api/layouts/LayoutsAPI";
export { default as ExtensionsAPI } from "@lichtblick/suite-base/api/extensions/ExtensionsAPI";
export { RemoteExtensionLoader } from "@lichtblick/suite-base/services/extension/RemoteExtensionLoader";
export { default as SessionAPI } from "@lichtblick/suite-base/api/session/SessionAPI";
export { HttpError } from "@lichtblick/suite-base/services/http/HttpError";
