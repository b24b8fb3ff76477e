"""Gettext catalogs: the model, GNU gettext's canonical layout, and its line breaking.

``model`` types them (the ``Entry`` protocol, the ``Catalog`` wrapper: what the rest of
transflow sees instead of polib's untyped objects); ``catalog`` turns segments into
``.po``/``.pot`` entries and back (the only polib user);
``layout`` renders them byte for byte as ``msgcat`` would; ``linebreak`` (with the generated
``_unitables``) is libunistring's line breaking that layout needs.
"""
