"""The read stage: a source file becomes an :class:`~articlekit.model.Article`.

:mod:`.reader` runs the stage; beside it are what it reads with: the front
matter (:mod:`.frontmatter`) and the house's ``articlekit.toml``
(:mod:`.config`), pandoc (:mod:`.pandoc`), links (:mod:`.links`), formulas
(:mod:`.formulas`), the bounds an untrusted source must keep (:mod:`.bounds`),
the rules for the files it may name (:mod:`.safety`) and the glyphs the fonts
can draw (:mod:`.glyphs`).  The package imports nothing itself, so that
``import articlekit`` stays fast: pydantic and pandoc's wrapper load when a
source is first read.
"""
