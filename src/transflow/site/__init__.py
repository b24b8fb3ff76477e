"""Publishing into a static site: where each language's file goes, and its front matter.

``layout`` turns an article and a language into a path under the output root (a pattern
such as ``content/{lang}/{path}`` or a named preset); ``frontmatter`` rewrites the few
per-language keys a site generator reads (slug, url/permalink/aliases/path, a shared
translation key). Both are pure: ``workflow.build`` does the reading and writing.
"""
