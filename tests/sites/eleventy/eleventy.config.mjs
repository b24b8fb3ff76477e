// A minimal bilingual Eleventy site for tests/test_site_eleventy.py: Dutch is the default
// language; pages live under content/nl/ and content/en/ and link to each other through
// Eleventy's own i18n plugin (locale_links).
import { EleventyI18nPlugin } from "@11ty/eleventy";

export default function (eleventyConfig) {
  eleventyConfig.addPlugin(EleventyI18nPlugin, { defaultLanguage: "nl", errorMode: "never" });
  return { dir: { input: "content", output: "_site" } };
}
