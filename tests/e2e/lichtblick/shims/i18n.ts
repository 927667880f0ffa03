// Stands in for `@lichtblick/suite-base/i18n`: HttpError's friendly messages
// are translation keys here.
export const sharedI18nObject = { t: (key: string): string => key };
