// Lichtblick's own extension loader (vendor/suite-base, unmodified): a
// `.foxe` installed as the app installs one from a marketplace
// (IdbExtensionLoader, on IndexedDB), loaded, and activated
// (buildContributionPoints), which yields the panels it registers.
import { buildContributionPoints } from "@lichtblick/suite-base/providers/helpers/buildContributionPoints";
import { IdbExtensionLoader } from "@lichtblick/suite-base/services/extension/IdbExtensionLoader";

export async function installAndActivate(foxe: Uint8Array) {
  const loader = new IdbExtensionLoader("local");
  const info = await loader.installExtension({ foxeFileData: foxe });
  const { raw } = await loader.loadExtension(info.id);
  return { info, contributions: buildContributionPoints(info, raw) };
}
